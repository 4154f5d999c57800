//! What a run gives back.

pub mod diff;
pub mod messages;
pub mod report;
pub mod series;
pub mod write;
