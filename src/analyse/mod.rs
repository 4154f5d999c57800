//! One file's facts: its sites, the objects they make and where those go, and what each
//! site would become.

pub mod ambiguous;
pub mod analysis;
pub mod availability;
pub mod backend;
pub mod dangling;
pub mod engine;
pub mod guard;
pub mod objects;
pub mod patching;
pub mod python;
pub mod queries;
pub mod rewrite;
pub mod sites;
