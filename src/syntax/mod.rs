//! One module's source as the other phases see it: decoded text and positions, comments and
//! suppressions, and the semantic model (scopes, bindings, references).

pub mod comments;
pub mod imports;
pub mod names;
pub mod prepared;
pub mod semantic;
pub mod source;
