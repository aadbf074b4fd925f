//! Review cycles: HR's scales, templates and cycles; writing reviews; peer nomination;
//! calibration; release, acknowledgement and sign-off. Who may do what is named in
//! `auth::policy::reviews`.
//!
//! Anonymity is enforced here, in one function (`support::reviews_for`): anonymous peer and
//! upward answers leave the server only aggregated, without names, and only from three
//! reviewers of a type up; their authors appear in no reply, export or audit row.

use crate::api::goals::GoalSummary;
#[cfg(feature = "ssr")]
use crate::auth::policy;
use crate::error::{AppResult, FieldError};
use keel_core::people::{DepartmentId, PersonId};
use keel_core::reviews::{
    AnonymousView, Answers, AssignmentId, AssignmentState, Cycle, CycleForm, CycleId, CycleState,
    MoveDirection, ParticipantId, PeerDecision, QuestionForm, QuestionKind, RatingScale,
    ReviewerType, SaveIntent, Section, TemplateDefinition, TemplateId,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

// ---------------------------------------------------------------------------------------------
// What the pages get

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TemplateItem {
    pub id: TemplateId,
    pub name: String,
    pub version: i64,
    pub frozen: bool,
    pub questions: usize,
    pub problems: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CycleItem {
    pub cycle: Cycle,
    pub participants: i64,
}

/// HR's overview: cycles, templates, scales.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReviewAdminPage {
    pub cycles: Vec<CycleItem>,
    pub templates: Vec<TemplateItem>,
    pub scales: Vec<RatingScale>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BuilderPage {
    pub template_id: TemplateId,
    pub name: String,
    pub version: i64,
    /// A cycle uses this version: the next change writes a new version.
    pub frozen: bool,
    pub definition: TemplateDefinition,
    pub scales: Vec<RatingScale>,
    /// What keeps it from being used, each at its place (`questions[q3]`, …).
    pub problems: Vec<FieldError>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CycleFormData {
    pub templates: Vec<TemplateItem>,
    pub departments: Vec<(i64, String)>,
    /// The top-level departments, which may get a template of their own.
    pub top_departments: Vec<(i64, String)>,
    pub periods: Vec<(i64, String)>,
}

/// Completion of one reviewer type in one department.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KindProgress {
    pub kind: ReviewerType,
    pub total: i64,
    pub submitted: i64,
    pub late: i64,
    /// A division's anonymous reviews while they are written, when there are fewer than the
    /// threshold: how many have arrived is not shown (`submitted` and `late` are 0), since in
    /// a group that small it says who has answered.
    pub withheld: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DepartmentProgress {
    pub department_id: i64,
    pub department: String,
    pub participants: i64,
    pub nominated: i64,
    pub kinds: Vec<KindProgress>,
    pub released: i64,
    pub acknowledged: i64,
    pub signed_off: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CyclePage {
    pub cycle: Cycle,
    pub template_name: String,
    pub template_version: i64,
    pub participants: i64,
    pub departments: Vec<DepartmentProgress>,
    pub totals: Vec<KindProgress>,
    pub next_phase: Option<CycleState>,
    pub past_due: bool,
    /// Reviews still to write (pending or draft), all reviewer types together.
    pub outstanding_reviews: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistogramGroup {
    pub id: i64,
    pub name: String,
    /// Reviewees per point of the overall scale, lowest first.
    pub counts: Vec<i64>,
    /// Reviewees without a manager review yet.
    pub unrated: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CalibrationRow {
    pub participant_id: ParticipantId,
    pub person_id: PersonId,
    pub name: String,
    pub title: String,
    pub department: String,
    pub manager: Option<String>,
    pub proposed: Option<f64>,
    pub final_rating: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CalibrationPage {
    pub cycle: CalibrationCycle,
    pub scale: RatingScale,
    /// The whole selection, then one group per department (or per manager when a department
    /// is chosen).
    pub overall: HistogramGroup,
    pub groups: Vec<HistogramGroup>,
    pub groups_by_manager: bool,
    pub rows: Vec<CalibrationRow>,
    pub total: i64,
    pub page: i64,
    pub page_size: i64,
    pub departments: Vec<(i64, String)>,
    pub managers: Vec<(i64, String)>,
    pub can_change: bool,
}

/// What the calibration page shows of its cycle. Not the whole `Cycle`: managers open this
/// page, and a cycle's scope can be a hand-picked list of people's emails.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CalibrationCycle {
    pub id: CycleId,
    pub name: String,
    pub state: CycleState,
    /// Share of reviewees per rating that HR aims for, by scale value.
    pub target_distribution: BTreeMap<i64, f64>,
}

/// A review someone has to write, or a nomination to make or approve.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NominationTask {
    pub participant_id: ParticipantId,
    pub cycle_name: String,
    pub person_name: String,
    pub due: Option<String>,
    pub nominated: usize,
    pub approved: usize,
    pub for_manager: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResultLink {
    pub participant_id: ParticipantId,
    pub cycle_name: String,
    pub person_name: String,
    pub released: bool,
    pub acknowledged: bool,
    pub signed_off: bool,
    pub rating: Option<String>,
}

/// A review someone has to write, as their list shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AssignmentSummary {
    pub id: AssignmentId,
    pub cycle_id: CycleId,
    pub cycle_name: String,
    pub cycle_state: CycleState,
    pub kind: ReviewerType,
    pub state: AssignmentState,
    pub reviewee_id: PersonId,
    pub reviewee_name: String,
    pub writing_due: String,
    pub saved_at: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MyReviewsPage {
    pub to_write: Vec<AssignmentSummary>,
    pub nominations: Vec<NominationTask>,
    pub mine: Vec<ResultLink>,
    pub team: Vec<ResultLink>,
    pub is_hr: bool,
}

/// The page a reviewer writes on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WritePage {
    pub assignment_id: AssignmentId,
    pub cycle_name: String,
    pub kind: ReviewerType,
    pub state: AssignmentState,
    pub reviewee_id: PersonId,
    pub reviewee_name: String,
    pub reviewee_title: String,
    pub writing_due: String,
    pub past_due: bool,
    pub anonymous: bool,
    /// Only the questions this reviewer type answers.
    pub sections: Vec<Section>,
    pub scales: Vec<RatingScale>,
    pub answers: Answers,
    pub saved_at: Option<i64>,
    pub goals: Vec<GoalSummary>,
    pub goal_period: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Saved {
    pub saved_at: i64,
    pub submitted: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PeerOption {
    pub id: PersonId,
    pub name: String,
    pub title: String,
    /// Awaiting approval, approved ("Not started" etc.) or declined; `None` when not chosen.
    pub state: Option<AssignmentState>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Nominations {
    pub participant_id: ParticipantId,
    pub person_name: String,
    pub cycle_name: String,
    pub cycle_state: CycleState,
    pub due: Option<String>,
    pub peer_min: i64,
    pub peer_max: i64,
    /// The chosen peers first, then colleagues to choose from.
    pub options: Vec<PeerOption>,
    pub viewer_is_reviewee: bool,
    pub viewer_is_manager: bool,
    /// The viewer may approve, decline or add peers now: the launch manager or HR while
    /// nomination is open; HR alone once writing has opened.
    pub may_change: bool,
}

/// One named review (self, manager, or non-anonymous peer/upward): (prompt, answer text).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NamedReview {
    pub kind: ReviewerType,
    pub reviewer: String,
    pub answers: Vec<(String, String)>,
    pub score: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnonymousSection {
    pub kind: ReviewerType,
    pub view: AnonymousView,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RatingChangeView {
    pub actor: String,
    pub before: Option<f64>,
    pub after: String,
    pub justification: String,
    pub at: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResultPage {
    pub participant_id: ParticipantId,
    pub person_name: String,
    pub person_title: String,
    pub department: String,
    pub manager_name: Option<String>,
    pub cycle_name: String,
    pub period: String,
    pub released: bool,
    pub rating: Option<String>,
    pub proposed: Option<f64>,
    pub named: Vec<NamedReview>,
    pub anonymous: Vec<AnonymousSection>,
    pub employee_comment: Option<String>,
    pub acknowledged_at: Option<i64>,
    pub signed_off_at: Option<i64>,
    pub viewer_is_reviewee: bool,
    pub viewer_is_manager: bool,
    pub changes: Vec<RatingChangeView>,
}

/// Calibration rows per page.
pub const CALIBRATION_PAGE: i64 = 50;
/// At most this many reviews go into one printout.
pub const PRINT_LIMIT: i64 = 200;

#[cfg(feature = "ssr")]
pub(crate) mod support;

mod calibration;
mod cycles;
mod export;
mod nominations;
mod results;
mod templates;
mod writing;

pub use calibration::*;
pub use cycles::*;
pub use export::*;
pub use nominations::*;
pub use results::*;
pub use templates::*;
pub use writing::*;
