//! Review cycles: rating scales, templates (sections of questions, versioned as one document),
//! cycles and their phases, answers, the weighted overall score, and the anonymity rule.
//! Pure: no I/O, so every rule is unit-tested here.

use crate::FieldError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub type ScaleId = i64;
pub type TemplateId = i64;
pub type VersionId = i64;
pub type CycleId = i64;
pub type ParticipantId = i64;
pub type AssignmentId = i64;

mod anonymity;
mod cycles;
mod launch;
mod scales;
mod scoring;
mod templates;
#[cfg(test)]
mod tests;

pub use crate::anonymity::Aggregate;
pub use anonymity::*;
pub use cycles::*;
pub use launch::*;
pub use scales::*;
pub use scoring::*;
pub use templates::*;
