//! Judging one file's fixes in the context its processes give it.

pub mod definitions;
pub mod imports;
pub mod judge;
pub mod removal;
