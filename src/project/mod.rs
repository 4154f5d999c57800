//! The run over many files.

pub mod blockers;
pub mod crossing;
pub mod discovery;
pub mod index;
pub mod processes;
pub mod python;
pub mod rounds;
pub mod run;
pub mod single;
pub mod workers;
