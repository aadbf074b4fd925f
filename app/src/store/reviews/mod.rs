//! Review cycles: rating scales, template versions, cycles and their launch, assignments and
//! answers, peer nominations, calibration, release and sign-off. Every
//! change is one transaction with its audit row.
//!
//! Reads return what is stored, reviewer ids included: the API layer decides what a viewer may
//! see (anonymous authors never leave it). Audit rows about anonymous answers carry no actor.

use super::notifications::notify;
use super::seed::{bulk_insert, Cell};
use super::{audit, internal, is_sqlite, now, sync_id_sequence, Pool, Tx};
use crate::error::{AppError, AppResult};
use keel_core::notifications::Note;
use keel_core::people::{DepartmentId, PersonId};
use keel_core::reviews::{
    parse_reviewer_types, reviewer_types_text, Answers, AssignmentId, AssignmentState, Cycle,
    CycleId, CycleInput, CycleState, ParticipantId, ParticipantScope, RatingScale, ReviewerType,
    ScaleId, ScalePoint, TemplateDefinition, TemplateId, VersionId,
};
use serde_json::json;
use std::collections::{BTreeMap, HashMap};

mod calibration;
mod cycles;
mod nominations;
mod progress;
mod results;
mod templates;
mod writing;

pub use calibration::*;
pub use cycles::*;
pub use nominations::*;
pub use progress::*;
pub use results::*;
pub use templates::*;
pub use writing::*;
