//! The deterministic demo company (server only): an organisation, its goals and its review
//! cycles, generated from a seed so that every run and every test sees the same people.
//! Production code never imports from here; `store::seed` writes what it generates.

pub mod goals;
pub mod org;
pub mod reviews;
