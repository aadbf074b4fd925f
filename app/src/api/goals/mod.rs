//! Goals and OKRs: periods, my goals, team goals, the alignment tree, a goal's page, check-ins,
//! comments, and goal-setting sessions between a person and their manager.
//!
//! Private goals are filtered here, in one function (`support::visible_only`), before any list,
//! tree, search or count leaves the server.

use crate::error::AppResult;
use keel_core::goals::{
    CheckIn, Confidence, GoalComment, GoalForm, GoalId, GoalLevel, GoalRef, GoalStatus, Health,
    KeyResult, KeyResultForm, Period, PeriodId, PlanState, PlanStep, ProgressMode, Visibility,
};
use keel_core::people::PersonId;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A goal in a list or tree: enough to show its progress, health and staleness.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GoalSummary {
    pub id: GoalId,
    pub title: String,
    pub level: GoalLevel,
    pub owner_id: PersonId,
    pub owner_name: String,
    pub period_id: PeriodId,
    pub period_name: String,
    pub visibility: Visibility,
    pub status: GoalStatus,
    pub weight: i64,
    pub parent_id: Option<GoalId>,
    pub progress: f64,
    pub expected: f64,
    pub health: Health,
    /// The latest check-in's confidence.
    pub confidence: Option<Confidence>,
    pub stale: bool,
    pub child_count: i64,
    /// For individual goals: the state of the owner's goal-setting session.
    pub plan_state: Option<PlanState>,
}

impl GoalSummary {
    /// Whether this goal is aligned to something above it.
    pub fn is_aligned(&self) -> bool {
        self.parent_id.is_some() || self.level == GoalLevel::Company
    }
}

/// A goal with its key results (for the quick check-in from a list).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GoalWithKeyResults {
    pub goal: GoalSummary,
    pub key_results: Vec<KeyResult>,
}

/// What the viewer may do on a goal's page, decided on the server.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalPermissions {
    pub edit: bool,
    pub check_in: bool,
    pub comment: bool,
}

/// Everything the goal page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GoalDetail {
    pub goal: GoalSummary,
    pub description: String,
    pub progress_mode: ProgressMode,
    pub department: Option<String>,
    pub period: Period,
    pub parent: Option<GoalRef>,
    /// The ids of the goals above it that the viewer may see, top first (to open the tree here).
    pub path: Vec<GoalId>,
    pub key_results: Vec<KeyResult>,
    /// The newest page of check-ins (`store::goals::CHECK_IN_PAGE`), oldest first.
    pub check_ins: Vec<CheckIn>,
    /// The check-in to pass as `check_ins_before` for the page before, when there is one.
    pub earlier_check_ins: Option<i64>,
    /// Comments on the goal itself (goal-setting discussion), the newest page, oldest first.
    pub comments: Vec<GoalComment>,
    /// The comment to pass as `comments_before` for the page before, when there is one.
    pub earlier_comments: Option<i64>,
    /// (day, progress) of every check-in, for the chart.
    pub progress_points: Vec<(i64, f64)>,
    pub children: Vec<GoalSummary>,
    /// Who aligned each of `children` here and when, and whether it counts towards this goal.
    pub alignments: Vec<Alignment>,
    pub forecast: Option<keel_core::analytics::forecast::Forecast>,
    /// How many aligned goals have a forecast, and how many of those are forecast to miss.
    pub children_forecast: (usize, usize),
    pub today: i64,
    pub permissions: GoalPermissions,
    /// Why editing is closed, when it is.
    pub locked_reason: Option<String>,
}

/// One aligned goal on its parent's page: who aligned it, when, and whether it moves the
/// parent's rolled-up progress (see `keel_core::goals::counts_towards_parent`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Alignment {
    pub goal_id: GoalId,
    pub by: String,
    pub at: i64,
    pub uncounted: Option<Uncounted>,
}

/// Why an aligned goal does not count towards its parent.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Uncounted {
    /// The parent's progress is set by hand (its key results), not rolled up.
    ParentManual,
    /// The goal was cancelled.
    Cancelled,
    /// An individual goal whose goal-setting session is not approved yet.
    NotAgreed,
    /// A private goal under a goal with more readers.
    Private,
}

/// The periods, and the one to show by default (the current quarter, else the latest).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PeriodChoice {
    pub periods: Vec<Period>,
    pub selected: Period,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MyGoalsPage {
    pub choice: PeriodChoice,
    pub goals: Vec<GoalWithKeyResults>,
    pub plan_state: Option<PlanState>,
    pub manager_name: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TeamMember {
    pub id: PersonId,
    pub name: String,
    pub title: String,
    pub plan_state: Option<PlanState>,
    pub goals: Vec<GoalSummary>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TeamGoalsPage {
    pub choice: PeriodChoice,
    pub members: Vec<TeamMember>,
}

/// One row of the alignment tree: a goal, how deep it sits, how many goals align under it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TreeNode {
    pub goal: GoalSummary,
    pub depth: usize,
    pub child_count: i64,
    pub open: bool,
}

/// A line of the alignment tree: a goal, or the note that an open goal has more aligned goals
/// than the tree lists (past the first `TREE_CHILDREN`; search finds them).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum TreeRow {
    Goal(TreeNode),
    More { depth: usize, count: i64 },
}

/// At most this many aligned goals are listed under an open goal in the tree.
pub const TREE_CHILDREN: usize = 50;
/// At most this many aligned goals are loaded for a goal's page and its forecast roll-up.
pub const PAGE_CHILDREN: usize = 200;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchMatch {
    pub goal: GoalSummary,
    /// Titles of the goals above it, top first.
    pub path: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TreePage {
    pub choice: PeriodChoice,
    pub nodes: Vec<TreeRow>,
    pub matches: Vec<SearchMatch>,
}

/// A goal-setting session as both the owner and their manager see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanPage {
    pub owner_id: PersonId,
    pub owner_name: String,
    pub manager_name: Option<String>,
    pub period: Period,
    pub state: Option<PlanState>,
    pub goals: Vec<PlanGoal>,
    pub viewer_is_owner: bool,
    pub viewer_is_manager: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanGoal {
    pub goal: GoalWithKeyResults,
    pub parent: Option<GoalRef>,
    pub comments: Vec<keel_core::goals::GoalComment>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CompletionRow {
    pub department: String,
    pub people: i64,
    pub approved: i64,
    pub submitted: i64,
    pub in_progress: i64,
    pub not_started: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CompletionPage {
    pub choice: PeriodChoice,
    pub rows: Vec<CompletionRow>,
}

/// What the goal form needs: periods, the goals one may align to, and the levels one may set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GoalFormData {
    pub choice: PeriodChoice,
    pub parents: Vec<GoalRef>,
    pub levels: Vec<keel_core::goals::GoalLevel>,
    /// When editing: the goal as it is now.
    pub existing: Option<GoalDetail>,
}

/// A value typed into the check-in form for one key result.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckInValueForm {
    #[serde(default)]
    pub key_result_id: String,
    #[serde(default)]
    pub value: String,
}

#[cfg(feature = "ssr")]
pub(crate) mod support;

mod check_ins;
mod detail;
mod editing;
mod lists;
mod periods;
mod plans;

pub use check_ins::*;
pub use detail::*;
pub use editing::*;
pub use lists::*;
pub use periods::*;
pub use plans::*;
