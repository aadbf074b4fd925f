//! The goal shapes pages receive: summaries, details, comments, check-ins.

use super::*;

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

/// A comment, under a goal or under one of its check-ins.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalComment {
    pub id: i64,
    pub check_in_id: Option<i64>,
    pub author_id: PersonId,
    pub author_name: String,
    pub body: String,
    pub created_at: i64,
}

/// One check-in, with the comments threaded under it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckIn {
    pub id: i64,
    pub author_name: String,
    pub confidence: Confidence,
    pub comment: String,
    pub progress: f64,
    /// (key result, value) as recorded.
    pub values: Vec<(KeyResultId, f64)>,
    pub created_at: i64,
    pub comments: Vec<GoalComment>,
}

/// A short reference to another goal (the parent).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GoalRef {
    pub id: GoalId,
    pub title: String,
    pub level: GoalLevel,
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
    /// Oldest first.
    pub check_ins: Vec<CheckIn>,
    /// Comments on the goal itself (goal-setting discussion), oldest first.
    pub comments: Vec<GoalComment>,
    pub children: Vec<GoalSummary>,
    pub forecast: Option<crate::analytics::forecast::Forecast>,
    /// How many aligned goals have a forecast, and how many of those are forecast to miss.
    pub children_forecast: (usize, usize),
    pub today: i64,
    pub permissions: GoalPermissions,
    /// Why editing is closed, when it is.
    pub locked_reason: Option<String>,
}
