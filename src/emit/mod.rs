//! Applying a settled plan to one file.

pub mod align;
pub mod apply;
pub mod compile_check;
pub mod regroup;
pub mod wrap;
