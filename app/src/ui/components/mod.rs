//! Design-system pieces shared by the pages.

pub mod chart;
pub mod feedback;
pub mod form;
pub mod goal;
pub mod icons;
pub mod layout;
pub mod person;
pub mod review;
