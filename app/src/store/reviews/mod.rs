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

/// A cycle's phase, read inside the write transaction that depends on it. On PostgreSQL the
/// row is share-locked, so a phase change (`claim_phase` updates the row) waits for writes in
/// flight and they for it: a review cannot be submitted, a peer changed or a rating calibrated
/// after the phase that allowed it has ended. (SQLite's `BEGIN IMMEDIATE` already serialises.)
async fn phase_in(tx: &mut Tx<'_>, sqlite: bool, cycle: CycleId) -> AppResult<CycleState> {
    let sql = if sqlite {
        "SELECT state FROM review_cycles WHERE id = $1"
    } else {
        "SELECT state FROM review_cycles WHERE id = $1 FOR SHARE"
    };
    let state: Option<String> = sqlx::query_scalar(sql)
        .bind(cycle)
        .fetch_optional(&mut **tx)
        .await
        .map_err(internal)?;
    state
        .as_deref()
        .and_then(CycleState::parse)
        .ok_or_else(|| AppError::not_found("That review cycle"))
}

/// Takes the reviewee's row lock on PostgreSQL (SQLite has one writer at a time), right after
/// `phase_in`, in every write about one reviewee (nominations, peer decisions, saving a review,
/// calibrating): they then queue in one order (cycle, reviewee, then assignments and the tally
/// rows their triggers update) instead of each holding what another waits for. `NO KEY
/// UPDATE`, so the foreign-key checks of rows that point at the reviewee (anonymous answers)
/// do not wait for it.
async fn lock_participant(tx: &mut Tx<'_>, sqlite: bool, id: ParticipantId) -> AppResult<()> {
    if !sqlite {
        sqlx::query("SELECT id FROM review_participants WHERE id = $1 FOR NO KEY UPDATE")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await
            .map_err(internal)?;
    }
    Ok(())
}
