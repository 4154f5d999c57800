//! eventlet-migrate: a codemod engine that moves Python code off Eventlet.
//!
//! The phases are folders, and each imports only those below it (`scripts/layers` checks):
//! [`cli`] → [`output`] → [`project`] → [`emit`] → [`plan`] → [`analyse`], over the shared
//! [`recipe`] model, the [`fix`] types (edits, fixes, diagnostics) and [`syntax`] (decoded,
//! parsed and resolved source). [`trace`] times them all.

pub mod analyse;
pub mod cli;
pub mod emit;
pub mod fix;
pub mod output;
pub mod plan;
pub mod project;
pub mod recipe;
pub mod syntax;
pub mod trace;
