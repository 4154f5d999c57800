//! eventlet-migrate: a codemod engine that moves Python code off Eventlet.
//!
//! Data flows one way: files ([`discovery`]) → parsed modules and names ([`resolve`]) →
//! sites ([`matcher`]) → fixes ([`rewrite`]) → edits ([`imports`], [`layout`], [`apply`]) →
//! new text ([`pipeline`]) → diffs and reports ([`diff`], [`report`]). [`driver`] runs
//! every file through that pipeline for every mode.

pub mod align;
pub mod ambiguous;
pub mod apply;
pub mod backend;
pub mod cli;
pub mod comments;
pub mod compile_check;
pub mod crossing;
pub mod dangling;
pub mod definitions;
pub mod diff;
pub mod discovery;
pub mod driver;
pub mod edit;
pub mod guard;
pub mod imports;
pub mod judge;
pub mod layout;
pub mod matcher;
pub mod objects;
pub mod patch;
pub mod pipeline;
pub mod process;
pub mod project;
pub mod python;
pub mod recipe;
pub mod regroup;
pub mod report;
pub mod resolve;
pub mod rewrite;
pub mod rounds;
pub mod series;
pub mod source;
pub mod trace;
pub mod wrap;
pub mod write;
