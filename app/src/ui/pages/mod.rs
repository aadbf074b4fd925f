//! The pages: one folder per feature (goals, reviews, people), one module per route.

pub mod goals;
pub mod home;
pub mod login;
pub mod not_found;
pub mod notifications;
pub mod people;
pub mod reviews;
