//! One module per route.

pub mod home;
pub mod login;
pub mod not_found;
pub mod org;
pub mod people;
pub mod person;
pub mod person_form;
