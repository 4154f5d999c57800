//! Judging one file's fixes in the context its processes give it.

pub mod context;
pub mod decide;
pub mod definitions;
pub mod hold;
pub mod imports;
pub mod judge;
pub mod links;
pub mod migration;
pub mod removal;
pub mod switch;
pub mod triage;
