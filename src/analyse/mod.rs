//! One file's facts: its sites, the objects they make and where those go, and what each
//! site would become.

pub mod ambiguous;
pub mod backend;
pub mod dangling;
pub mod guard;
pub mod objects;
pub mod rewrite;
pub mod sites;
