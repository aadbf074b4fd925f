//! Goals and key results: the types every layer shares, the rules for progress, roll-up,
//! status and staleness, alignment, and the validation of what people type into goal forms.
//! Pure: no I/O, so every rule is unit- and property-tested here.

use super::people::PersonId;
use crate::calendar::day_number;
use crate::FieldError;
use serde::{Deserialize, Serialize};

pub type GoalId = i64;
pub type PeriodId = i64;
pub type KeyResultId = i64;

/// Days a goal may go without a check-in before it is flagged stale, unless configured.
pub const DEFAULT_STALE_DAYS: i64 = 14;

text_enum!(
    /// Where a goal sits in the organisation; a goal aligns to one at the same or a higher level.
    GoalLevel {
        Company = "company" / "Company",
        Department = "department" / "Department",
        Team = "team" / "Team",
        Individual = "individual" / "Individual",
    }
);

impl GoalLevel {
    /// 0 for company goals, 3 for individual ones.
    pub fn rank(self) -> u8 {
        match self {
            GoalLevel::Company => 0,
            GoalLevel::Department => 1,
            GoalLevel::Team => 2,
            GoalLevel::Individual => 3,
        }
    }

    /// Whether a goal at this level may align under a goal at `parent`'s level.
    pub fn may_align_under(self, parent: GoalLevel) -> bool {
        parent.rank() <= self.rank()
    }
}

text_enum!(
    /// Public goals are seen by everyone; private ones by the owner, their managers and HR.
    Visibility {
        Public = "public" / "Public",
        Private = "private" / "Private",
    }
);

text_enum!(
    /// Where a goal is in its life.
    GoalStatus in "status" {
        Active = "active" / "Active",
        Completed = "completed" / "Completed",
        Cancelled = "cancelled" / "Cancelled",
    }
);

text_enum!(
    /// Whether a goal's progress comes from its own key results or from its aligned goals.
    ProgressMode {
        Manual = "manual" / "From its key results",
        RolledUp = "rolled_up" / "Rolled up from aligned goals",
    }
);

text_enum!(
    KeyResultKind {
        Number = "number" / "Number",
        Percent = "percent" / "Percentage",
        Currency = "currency" / "Currency amount",
        Milestone = "milestone" / "Milestone (done or not)",
    }
);

text_enum!(
    Direction {
        Increase = "increase" / "Increase to target",
        Decrease = "decrease" / "Decrease to target",
    }
);

text_enum!(
    /// What the person checking in believes.
    Confidence {
        OnTrack = "on_track" / "On track",
        AtRisk = "at_risk" / "At risk",
        OffTrack = "off_track" / "Off track",
    }
);

text_enum!(
    /// A goal's health, from progress against time elapsed and the latest confidence.
    Health {
        OnTrack = "on_track" / "On track",
        Behind = "behind" / "Behind",
        AtRisk = "at_risk" / "At risk",
        Done = "done" / "Done",
        Closed = "closed" / "Closed",
    }
);

text_enum!(
    /// A goal-setting session's state.
    PlanState {
        Draft = "draft" / "Draft",
        Submitted = "submitted" / "Submitted for approval",
        ChangesRequested = "changes_requested" / "Changes requested",
        Approved = "approved" / "Approved",
    }
);

text_enum!(
    PeriodKind {
        Quarter = "quarter" / "Quarter",
        Half = "half" / "Half year",
        Year = "year" / "Year",
        Custom = "custom" / "Custom dates",
    }
);

text_enum!(
    /// A move of a goal-setting session: the owner submits (or reopens after approval, with a
    /// reason); a manager above the owner approves or requests changes (with a reason).
    PlanStep in "step" {
        Submit = "submit" / "Submit for approval",
        RequestChanges = "request_changes" / "Request changes",
        Approve = "approve" / "Approve",
        Reopen = "reopen" / "Request a change",
    }
);

impl PlanStep {
    /// The states the session may be in for this step, and the state it moves to.
    pub fn transition(self) -> (&'static [PlanState], PlanState) {
        use PlanState::*;
        match self {
            PlanStep::Submit => (&[Draft, ChangesRequested], Submitted),
            PlanStep::RequestChanges => (&[Submitted], ChangesRequested),
            PlanStep::Approve => (&[Submitted], Approved),
            PlanStep::Reopen => (&[Approved], ChangesRequested),
        }
    }

    /// Whether the step is taken by the owner (else by a manager above them).
    pub fn by_owner(self) -> bool {
        matches!(self, PlanStep::Submit | PlanStep::Reopen)
    }

    /// Whether the step needs a reason in the comment.
    pub fn needs_reason(self) -> bool {
        matches!(self, PlanStep::RequestChanges | PlanStep::Reopen)
    }
}

impl PlanState {
    /// Whether the owner may add or change goals in this state.
    pub fn open_for_editing(self) -> bool {
        matches!(self, PlanState::Draft | PlanState::ChangesRequested)
    }
}

/// Why an individual goal cannot be added to a session in `plan` state, if it cannot (no
/// session yet: it can). Other levels have no session.
pub fn adding_locked_reason(level: GoalLevel, plan: Option<PlanState>) -> Option<String> {
    let plan = plan.filter(|_| level == GoalLevel::Individual)?;
    (!plan.open_for_editing()).then(|| {
        format!(
            "These goals are {}; new goals can be added once they are reopened.",
            plan.label().to_lowercase()
        )
    })
}

/// Why a goal cannot take a check-in, if it cannot: only active goals do, and an individual
/// goal only once its goal-setting session is approved.
pub fn check_in_refusal(status: GoalStatus, plan: Option<PlanState>) -> Option<&'static str> {
    if status != GoalStatus::Active {
        return Some("Only active goals take check-ins.");
    }
    if matches!(plan, Some(state) if state != PlanState::Approved) {
        return Some("Check-ins start once the manager has approved these goals.");
    }
    None
}

/// Why a goal cannot be edited while its session is in `plan` state, if it cannot.
pub fn locked_reason(level: GoalLevel, plan: Option<PlanState>) -> Option<String> {
    if level != GoalLevel::Individual {
        return None;
    }
    match plan {
        Some(PlanState::Submitted) => Some(
            "These goals are with the manager for approval; they can be changed again if the manager asks for changes."
                .into(),
        ),
        Some(PlanState::Approved) => Some(
            "Approved goals are locked. Request a change to reopen them with your manager.".into(),
        ),
        _ => None,
    }
}

/// Why `status` cannot be set on a goal while its session is in `plan` state, if it cannot.
/// Nothing changes while an individual goal's session is with the manager; once approved, a
/// goal may be completed (or made active again), but cancelling it changes what was agreed, so
/// the session must be reopened first.
pub fn status_locked_reason(
    level: GoalLevel,
    plan: Option<PlanState>,
    status: GoalStatus,
) -> Option<String> {
    if level != GoalLevel::Individual {
        return None;
    }
    match plan {
        Some(PlanState::Submitted) => locked_reason(level, plan),
        Some(PlanState::Approved) if status == GoalStatus::Cancelled => Some(
            "Approved goals are locked. Request a change to reopen them with your manager, then cancel this one."
                .into(),
        ),
        _ => None,
    }
}

/// A span of time goals are set for, defined by HR.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub id: PeriodId,
    pub name: String,
    pub kind: PeriodKind,
    pub starts_on: String,
    pub ends_on: String,
}

/// A key result as every page shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KeyResult {
    pub id: KeyResultId,
    pub title: String,
    pub kind: KeyResultKind,
    pub unit: String,
    pub direction: Direction,
    pub start: f64,
    pub target: f64,
    pub current: f64,
    pub weight: i64,
}

impl KeyResult {
    pub fn progress(&self) -> f64 {
        key_result_progress(self.start, self.target, self.current)
    }

    /// A value written for people: "42 tickets", "€1,200", "65%", "Done".
    pub fn format_value(&self, value: f64) -> String {
        match self.kind {
            KeyResultKind::Milestone => {
                if value >= 1.0 {
                    "Done".into()
                } else {
                    "Not done".into()
                }
            }
            KeyResultKind::Percent => format!("{}%", format_number(value)),
            KeyResultKind::Currency => format!("{} {}", self.unit, format_number(value)),
            KeyResultKind::Number if self.unit.is_empty() => format_number(value),
            KeyResultKind::Number => format!("{} {}", format_number(value), self.unit),
        }
    }
}

/// A number without a needless ".0", with at most two decimals.
pub fn format_number(value: f64) -> String {
    if (value - value.round()).abs() < 1e-9 {
        format!("{}", value.round() as i64)
    } else {
        let text = format!("{value:.2}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

mod alignment;
mod forms;
mod progress;
mod records;
#[cfg(test)]
mod tests;

pub use alignment::*;
pub use forms::*;
pub use progress::*;
pub use records::*;
