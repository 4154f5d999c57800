//! The types every phase shares: edits over the original text.

pub mod edit;
