//! One module per route.

pub mod goal;
pub mod goal_admin;
pub mod goal_form;
pub mod goal_plan;
pub mod goal_team;
pub mod goal_tree;
pub mod goals;
pub mod home;
pub mod login;
pub mod not_found;
pub mod org;
pub mod people;
pub mod person;
pub mod person_form;
