//! Goals: periods, goals and key results, check-ins (append-only), comments, goal-setting
//! sessions ("plans"), and the progress each write keeps current up the alignment chain. Every
//! change is audited in the transaction that makes it.
//!
//! Reads return rows as stored, private goals included: the API layer decides who sees what
//! (`visible_only`), so the rule lives in one place.

use super::{audit, internal, is_sqlite, now, Pool, Tx};
use crate::error::{AppError, AppResult};
use keel_core::goals::{
    counts_towards_parent, goal_progress, CheckIn, Confidence, Direction, GoalComment, GoalId,
    GoalInput, GoalLevel, GoalRef, GoalStatus, KeyResult, KeyResultId, KeyResultKind, Period,
    PeriodId, PeriodKind, PlanState, ProgressMode, Visibility,
};
use keel_core::people::{DepartmentId, PersonId};
use serde_json::json;

mod periods;
mod plans;
mod reading;
mod writing;

pub use periods::*;
pub use plans::*;
pub use reading::*;
pub use writing::*;
