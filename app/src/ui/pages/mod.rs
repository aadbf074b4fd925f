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
pub mod notifications;
pub mod org;
pub mod people;
pub mod person;
pub mod person_form;
pub mod review_admin;
pub mod review_builder;
pub mod review_calibration;
pub mod review_cycle;
pub mod review_cycle_form;
pub mod review_nominate;
pub mod review_print;
pub mod review_result;
pub mod review_write;
pub mod reviews;
