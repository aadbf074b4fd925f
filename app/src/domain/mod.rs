//! Pure types and rules shared by browser and server: ids, roles, validated inputs.
//! No I/O, no Leptos, no SQL: this is the most-tested code in the project.

pub mod demo_goals;
pub mod demo_org;
pub mod goals;
pub mod people;
