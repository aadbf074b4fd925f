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

// ---------------------------------------------------------------------------------------------
// Progress and roll-up

/// How far a key result has come from its start towards its target, 0..=100. Works for both
/// directions (the target may be below the start); overshooting counts as 100.
pub fn key_result_progress(start: f64, target: f64, current: f64) -> f64 {
    let span = target - start;
    if span == 0.0 || !span.is_finite() || !current.is_finite() {
        return 0.0;
    }
    clamp_percent((current - start) / span * 100.0)
}

fn clamp_percent(value: f64) -> f64 {
    if value.is_nan() {
        0.0
    } else {
        value.clamp(0.0, 100.0)
    }
}

/// The weighted mean of (weight, progress) pairs, 0..=100. When every weight is zero the
/// items count equally; no items means no progress.
pub fn weighted_progress(items: &[(i64, f64)]) -> f64 {
    if items.is_empty() {
        return 0.0;
    }
    let total: i64 = items.iter().map(|(w, _)| (*w).max(0)).sum();
    if total == 0 {
        let sum: f64 = items.iter().map(|(_, p)| clamp_percent(*p)).sum();
        return clamp_percent(sum / items.len() as f64);
    }
    let sum: f64 = items
        .iter()
        .map(|(w, p)| (*w).max(0) as f64 * clamp_percent(*p))
        .sum();
    clamp_percent(sum / total as f64)
}

/// One goal's progress: from its aligned goals (`children`, as weight and progress) when it
/// rolls up and has any, else from its key results (as weight and progress).
pub fn goal_progress(
    mode: ProgressMode,
    key_results: &[(i64, f64)],
    children: &[(i64, f64)],
) -> f64 {
    match mode {
        ProgressMode::RolledUp if !children.is_empty() => weighted_progress(children),
        _ => weighted_progress(key_results),
    }
}

/// A goal and everything aligned under it, for computing a whole tree's progress at once.
#[derive(Clone, Debug, PartialEq)]
pub struct ProgressTree {
    pub weight: i64,
    pub mode: ProgressMode,
    /// (weight, progress) of its key results.
    pub key_results: Vec<(i64, f64)>,
    pub children: Vec<ProgressTree>,
}

/// The progress of the tree's root, rolling up bottom-up where a goal asks for it.
pub fn tree_progress(tree: &ProgressTree) -> f64 {
    let children: Vec<(i64, f64)> = tree
        .children
        .iter()
        .map(|c| (c.weight, tree_progress(c)))
        .collect();
    goal_progress(tree.mode, &tree.key_results, &children)
}

// ---------------------------------------------------------------------------------------------
// Status and staleness

/// Where progress should be by `today` if it moved evenly from 0 at the period's first day to
/// 100 at its last, 0..=100.
pub fn expected_progress(start_day: i64, end_day: i64, today: i64) -> f64 {
    if end_day <= start_day {
        return if today >= end_day { 100.0 } else { 0.0 };
    }
    clamp_percent((today - start_day) as f64 / (end_day - start_day) as f64 * 100.0)
}

/// Points of progress a goal may trail the even pace and still be on track.
pub const ON_TRACK_SLACK: f64 = 10.0;
/// Points behind the even pace from which a goal is at risk.
pub const AT_RISK_GAP: f64 = 25.0;

/// A goal's health: done at 100 %, closed when completed or cancelled; otherwise progress
/// against the even pace (within 10 points: on track; within 25: behind; further: at risk),
/// made worse, never better, by the latest confidence (at risk -> at least behind; off track ->
/// at risk).
pub fn health(
    status: GoalStatus,
    progress: f64,
    expected: f64,
    confidence: Option<Confidence>,
) -> Health {
    match status {
        GoalStatus::Cancelled => return Health::Closed,
        GoalStatus::Completed => return Health::Done,
        GoalStatus::Active => {}
    }
    if progress >= 100.0 {
        return Health::Done;
    }
    let gap = expected - progress;
    let by_pace = if gap <= ON_TRACK_SLACK {
        Health::OnTrack
    } else if gap <= AT_RISK_GAP {
        Health::Behind
    } else {
        Health::AtRisk
    };
    match (confidence, by_pace) {
        (Some(Confidence::OffTrack), _) => Health::AtRisk,
        (Some(Confidence::AtRisk), Health::OnTrack) => Health::Behind,
        _ => by_pace,
    }
}

/// Whether an active goal has gone `stale_days` or more without a check-in (counting from its
/// creation when it never had one), judged only while its period runs.
pub fn is_stale(
    status: GoalStatus,
    last_activity_day: i64,
    today: i64,
    stale_days: i64,
    period_start_day: i64,
    period_end_day: i64,
) -> bool {
    status == GoalStatus::Active
        && today >= period_start_day
        && today <= period_end_day
        && today - last_activity_day.max(period_start_day) >= stale_days
}

// ---------------------------------------------------------------------------------------------
// Alignment

/// Whether making `parent` the parent of `goal` would close a loop: true when `goal` is
/// `parent` itself or any goal above it. `parent_of` answers each goal's current parent.
pub fn would_create_cycle(
    goal: GoalId,
    parent: GoalId,
    mut parent_of: impl FnMut(GoalId) -> Option<GoalId>,
) -> bool {
    let mut current = Some(parent);
    let mut steps = 0;
    while let Some(id) = current {
        if id == goal {
            return true;
        }
        steps += 1;
        if steps > 10_000 {
            // An existing loop (never written by Keel): refuse rather than spin.
            return true;
        }
        current = parent_of(id);
    }
    false
}

// ---------------------------------------------------------------------------------------------
// Forms

/// A key result as typed into the goal form (every field text, as the browser sends it).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyResultForm {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub direction: String,
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub target: String,
    #[serde(default)]
    pub weight: String,
}

impl KeyResultForm {
    /// A row the person left entirely empty (forms offer spare rows).
    pub fn is_blank(&self) -> bool {
        [&self.title, &self.unit, &self.start, &self.target]
            .iter()
            .all(|v| v.trim().is_empty())
    }
}

/// The goal form as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub period_id: String,
    #[serde(default)]
    pub visibility: String,
    #[serde(default)]
    pub weight: String,
    #[serde(default)]
    pub progress_mode: String,
    #[serde(default)]
    pub parent_id: String,
    #[serde(default)]
    pub owner_email: String,
}

/// A key result that passed validation.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyResultInput {
    /// The key result being edited, when it already exists.
    pub id: Option<KeyResultId>,
    pub title: String,
    pub kind: KeyResultKind,
    pub unit: String,
    pub direction: Direction,
    pub start: f64,
    pub target: f64,
    pub weight: i64,
}

/// A goal that passed validation (checks that need the database happen in the store).
#[derive(Clone, Debug, PartialEq)]
pub struct GoalInput {
    pub title: String,
    pub description: String,
    pub level: GoalLevel,
    pub period_id: PeriodId,
    pub visibility: Visibility,
    pub weight: i64,
    pub progress_mode: ProgressMode,
    pub parent_id: Option<GoalId>,
    /// Empty: the person filling in the form.
    pub owner_email: String,
    pub key_results: Vec<KeyResultInput>,
}

pub const MAX_TITLE: usize = 200;
pub const MAX_DESCRIPTION: usize = 4000;
pub const MAX_KEY_RESULTS: usize = 10;
pub const MAX_WEIGHT: i64 = 1000;

fn parse_weight(text: &str) -> Result<i64, &'static str> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(1);
    }
    match text.parse::<i64>() {
        Ok(w) if w < 0 => Err("Weight cannot be negative."),
        Ok(w) if w > MAX_WEIGHT => Err("Use a weight of at most 1000."),
        Ok(w) => Ok(w),
        Err(_) => Err("Enter the weight as a whole number, such as 1 or 3."),
    }
}

/// A finite number as people type it ("1,200.5", "40", "-3").
pub fn parse_number(text: &str) -> Option<f64> {
    let cleaned: String = text
        .trim()
        .chars()
        .filter(|c| *c != ',' && *c != '_')
        .collect();
    let value = cleaned.parse::<f64>().ok()?;
    (value.is_finite() && value.abs() < 1e15).then_some(value)
}

fn optional_id(text: &str) -> Result<Option<i64>, ()> {
    let text = text.trim();
    if text.is_empty() {
        Ok(None)
    } else {
        text.parse::<i64>().map(Some).map_err(|_| ())
    }
}

impl GoalInput {
    /// Checks every field and key result, naming each problem at its field (key result fields
    /// as `key_results[i][field]`, as the form names them).
    pub fn parse(
        form: &GoalForm,
        key_results: &[KeyResultForm],
    ) -> Result<GoalInput, Vec<FieldError>> {
        let mut errors = Vec::new();
        let title = form.title.trim().to_string();
        if title.is_empty() {
            errors.push(FieldError::new("title", "Give the goal a title."));
        } else if title.chars().count() > MAX_TITLE {
            errors.push(FieldError::new(
                "title",
                "Keep the title under 200 characters.",
            ));
        } else if super::people::has_control_characters(&title) {
            errors.push(FieldError::new("title", super::people::CONTROL_CHARACTERS));
        }
        let description = form.description.trim().to_string();
        if description.chars().count() > MAX_DESCRIPTION {
            errors.push(FieldError::new(
                "description",
                "Keep the description under 4,000 characters.",
            ));
        }
        let level = GoalLevel::parse(form.level.trim());
        if level.is_none() {
            errors.push(FieldError::new("level", "Choose a level."));
        }
        let period_id = form.period_id.trim().parse::<i64>().ok();
        if period_id.is_none() {
            errors.push(FieldError::new("period_id", "Choose a period."));
        }
        let visibility = if form.visibility.trim().is_empty() {
            Some(Visibility::Public)
        } else {
            Visibility::parse(form.visibility.trim())
        };
        if visibility.is_none() {
            errors.push(FieldError::new("visibility", "Choose public or private."));
        }
        let weight = parse_weight(&form.weight).unwrap_or_else(|m| {
            errors.push(FieldError::new("weight", m));
            0
        });
        let progress_mode = if form.progress_mode.trim().is_empty() {
            Some(ProgressMode::Manual)
        } else {
            ProgressMode::parse(form.progress_mode.trim())
        };
        if progress_mode.is_none() {
            errors.push(FieldError::new(
                "progress_mode",
                "Choose how progress is measured.",
            ));
        }
        let parent_id = optional_id(&form.parent_id).unwrap_or_else(|_| {
            errors.push(FieldError::new("parent_id", "Choose a goal from the list."));
            None
        });

        let filled: Vec<(usize, &KeyResultForm)> = key_results
            .iter()
            .enumerate()
            .filter(|(_, kr)| !kr.is_blank())
            .collect();
        if filled.len() > MAX_KEY_RESULTS {
            errors.push(FieldError::new(
                "form",
                "A goal has at most 10 key results.",
            ));
        }
        let mut parsed = Vec::new();
        for (i, kr) in filled {
            match parse_key_result(kr) {
                Ok(input) => parsed.push(input),
                Err(problems) => {
                    errors.extend(problems.into_iter().map(|(field, m)| {
                        FieldError::new(&format!("key_results[{i}][{field}]"), m)
                    }))
                }
            }
        }
        if parsed.is_empty()
            && progress_mode == Some(ProgressMode::Manual)
            && !errors.iter().any(|e| e.field.starts_with("key_results"))
        {
            errors.push(FieldError::new(
                "key_results[0][title]",
                "Add at least one key result: how will you know this goal is met?",
            ));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(GoalInput {
            title,
            description,
            level: level.unwrap_or(GoalLevel::Individual),
            period_id: period_id.unwrap_or_default(),
            visibility: visibility.unwrap_or(Visibility::Public),
            weight,
            progress_mode: progress_mode.unwrap_or(ProgressMode::Manual),
            parent_id,
            owner_email: form.owner_email.trim().to_lowercase(),
            key_results: parsed,
        })
    }
}

fn parse_key_result(form: &KeyResultForm) -> Result<KeyResultInput, Vec<(&'static str, String)>> {
    let mut problems: Vec<(&'static str, String)> = Vec::new();
    let title = form.title.trim().to_string();
    if title.is_empty() {
        problems.push(("title", "Describe the key result.".into()));
    } else if title.chars().count() > MAX_TITLE {
        problems.push(("title", "Keep it under 200 characters.".into()));
    } else if super::people::has_control_characters(&title) {
        problems.push(("title", super::people::CONTROL_CHARACTERS.into()));
    }
    let kind = if form.kind.trim().is_empty() {
        Some(KeyResultKind::Number)
    } else {
        KeyResultKind::parse(form.kind.trim())
    };
    if kind.is_none() {
        problems.push(("kind", "Choose a kind.".into()));
    }
    let kind = kind.unwrap_or(KeyResultKind::Number);
    let unit = form.unit.trim().to_string();
    if unit.chars().count() > 20 {
        problems.push(("unit", "Keep the unit short (20 characters).".into()));
    }
    if kind == KeyResultKind::Currency && unit.is_empty() {
        problems.push(("unit", "Enter the currency, such as EUR or USD.".into()));
    }
    let weight = parse_weight(&form.weight).unwrap_or_else(|m| {
        problems.push(("weight", m.into()));
        0
    });
    let id = optional_id(&form.id).unwrap_or(None);
    if kind == KeyResultKind::Milestone {
        if !problems.is_empty() {
            return Err(problems);
        }
        return Ok(KeyResultInput {
            id,
            title,
            kind,
            unit: String::new(),
            direction: Direction::Increase,
            start: 0.0,
            target: 1.0,
            weight,
        });
    }
    let start = match form.start.trim() {
        "" => Some(0.0),
        text => parse_number(text),
    };
    if start.is_none() {
        problems.push(("start", "Enter the starting value as a number.".into()));
    }
    let target = parse_number(&form.target);
    if target.is_none() {
        problems.push(("target", "Enter the target as a number.".into()));
    }
    if kind == KeyResultKind::Percent {
        for (field, value) in [("start", start), ("target", target)] {
            if value.is_some_and(|v| !(0.0..=100.0).contains(&v)) {
                problems.push((field, "A percentage is between 0 and 100.".into()));
            }
        }
    }
    let direction = match form.direction.trim() {
        "" => None,
        text => match Direction::parse(text) {
            Some(d) => Some(d),
            None => {
                problems.push(("direction", "Choose increase or decrease.".into()));
                None
            }
        },
    };
    let (start, target) = (start.unwrap_or(0.0), target.unwrap_or(0.0));
    let direction = direction.unwrap_or(if target < start {
        Direction::Decrease
    } else {
        Direction::Increase
    });
    if problems
        .iter()
        .all(|(f, _)| *f != "target" && *f != "start")
    {
        if target == start {
            problems.push(("target", "The target must differ from the start.".into()));
        } else if direction == Direction::Increase && target < start {
            problems.push((
                "target",
                "To increase, the target must be above the start.".into(),
            ));
        } else if direction == Direction::Decrease && target > start {
            problems.push((
                "target",
                "To decrease, the target must be below the start.".into(),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(KeyResultInput {
        id,
        title,
        kind,
        unit,
        direction,
        start,
        target,
        weight,
    })
}

/// A check-in value as typed for one key result: a number of the right kind, or for a
/// milestone "done" / "not_done". `Err` is the message to show at the field.
pub fn parse_check_in_value(kind: KeyResultKind, text: &str) -> Result<f64, &'static str> {
    let text = text.trim();
    match kind {
        KeyResultKind::Milestone => match text {
            "done" | "1" => Ok(1.0),
            "not_done" | "0" => Ok(0.0),
            _ => Err("Choose done or not done."),
        },
        KeyResultKind::Percent => match parse_number(text) {
            Some(v) if (0.0..=100.0).contains(&v) => Ok(v),
            Some(_) => Err("A percentage is between 0 and 100."),
            None => Err("Enter a percentage, such as 40."),
        },
        KeyResultKind::Number | KeyResultKind::Currency => {
            parse_number(text).ok_or("Enter a number.")
        }
    }
}

/// A period as HR types it.
pub fn parse_period(
    name: &str,
    kind: &str,
    starts_on: &str,
    ends_on: &str,
) -> Result<(String, PeriodKind, String, String), Vec<FieldError>> {
    let mut errors = Vec::new();
    let name = name.trim().to_string();
    if name.is_empty() {
        errors.push(FieldError::new("name", "Name the period, such as Q1 2027."));
    } else if name.chars().count() > 60 {
        errors.push(FieldError::new(
            "name",
            "Keep the name under 60 characters.",
        ));
    }
    let kind_parsed = PeriodKind::parse(kind.trim());
    if kind_parsed.is_none() {
        errors.push(FieldError::new("kind", "Choose a kind of period."));
    }
    let (starts_on, ends_on) = (starts_on.trim().to_string(), ends_on.trim().to_string());
    let start = day_number(&starts_on);
    let end = day_number(&ends_on);
    if start.is_none() {
        errors.push(FieldError::new("starts_on", "Enter a date as YYYY-MM-DD."));
    }
    if end.is_none() {
        errors.push(FieldError::new("ends_on", "Enter a date as YYYY-MM-DD."));
    }
    if let (Some(s), Some(e)) = (start, end) {
        if e < s {
            errors.push(FieldError::new(
                "ends_on",
                "The period must end after it starts.",
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok((
        name,
        kind_parsed.unwrap_or(PeriodKind::Custom),
        starts_on,
        ends_on,
    ))
}

// ---------------------------------------------------------------------------------------------
// What pages receive

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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn form(title: &str) -> GoalForm {
        GoalForm {
            title: title.into(),
            level: "individual".into(),
            period_id: "1".into(),
            ..Default::default()
        }
    }

    fn kr(title: &str, start: &str, target: &str) -> KeyResultForm {
        KeyResultForm {
            title: title.into(),
            start: start.into(),
            target: target.into(),
            ..Default::default()
        }
    }

    fn field(errors: &[FieldError], name: &str) -> Option<String> {
        errors
            .iter()
            .find(|e| e.field == name)
            .map(|e| e.message.clone())
    }

    #[test]
    fn key_result_progress_runs_both_ways_and_clamps() {
        assert_eq!(key_result_progress(0.0, 200.0, 50.0), 25.0);
        assert_eq!(key_result_progress(40.0, 20.0, 30.0), 50.0);
        assert_eq!(key_result_progress(0.0, 10.0, 15.0), 100.0);
        assert_eq!(key_result_progress(0.0, 10.0, -5.0), 0.0);
        assert_eq!(key_result_progress(5.0, 5.0, 5.0), 0.0);
    }

    #[test]
    fn weighted_progress_weighs_and_treats_all_zero_weights_as_equal() {
        assert_eq!(weighted_progress(&[(1, 100.0), (3, 0.0)]), 25.0);
        assert_eq!(weighted_progress(&[(0, 100.0), (0, 0.0)]), 50.0);
        assert_eq!(weighted_progress(&[(2, 40.0), (0, 100.0)]), 40.0);
        assert_eq!(weighted_progress(&[]), 0.0);
    }

    #[test]
    fn roll_up_on_a_fixed_tree_matches_the_hand_computed_value() {
        // Company goal rolls up from two department goals (weights 1 and 3). The first is
        // manual at 40 %; the second rolls up from two individual goals with key results
        // 100 % and 0 % (weights 1, 1) -> 50 %. Company: (1*40 + 3*50) / 4 = 47.5.
        let leaf = |p: f64| ProgressTree {
            weight: 1,
            mode: ProgressMode::Manual,
            key_results: vec![(1, p)],
            children: vec![],
        };
        let tree = ProgressTree {
            weight: 1,
            mode: ProgressMode::RolledUp,
            key_results: vec![(1, 90.0)],
            children: vec![
                leaf(40.0),
                ProgressTree {
                    weight: 3,
                    mode: ProgressMode::RolledUp,
                    key_results: vec![],
                    children: vec![leaf(100.0), leaf(0.0)],
                },
            ],
        };
        assert!((tree_progress(&tree) - 47.5).abs() < 1e-9);
        // A manual parent ignores its children.
        let manual = ProgressTree {
            mode: ProgressMode::Manual,
            ..tree
        };
        assert!((tree_progress(&manual) - 90.0).abs() < 1e-9);
    }

    #[test]
    fn a_rolled_up_goal_without_aligned_goals_uses_its_key_results() {
        assert_eq!(
            goal_progress(ProgressMode::RolledUp, &[(1, 30.0)], &[]),
            30.0
        );
    }

    #[test]
    fn health_compares_progress_with_the_even_pace() {
        use GoalStatus::Active;
        assert_eq!(health(Active, 45.0, 50.0, None), Health::OnTrack);
        assert_eq!(health(Active, 30.0, 50.0, None), Health::Behind);
        assert_eq!(health(Active, 10.0, 50.0, None), Health::AtRisk);
        assert_eq!(
            health(Active, 100.0, 50.0, Some(Confidence::OffTrack)),
            Health::Done
        );
        assert_eq!(
            health(GoalStatus::Cancelled, 10.0, 90.0, None),
            Health::Closed
        );
        assert_eq!(
            health(GoalStatus::Completed, 10.0, 90.0, None),
            Health::Done
        );
    }

    #[test]
    fn confidence_only_makes_health_worse() {
        use GoalStatus::Active;
        assert_eq!(
            health(Active, 80.0, 50.0, Some(Confidence::AtRisk)),
            Health::Behind
        );
        assert_eq!(
            health(Active, 80.0, 50.0, Some(Confidence::OffTrack)),
            Health::AtRisk
        );
        assert_eq!(
            health(Active, 10.0, 50.0, Some(Confidence::OnTrack)),
            Health::AtRisk
        );
    }

    #[test]
    fn expected_progress_follows_the_calendar() {
        assert_eq!(expected_progress(100, 200, 150), 50.0);
        assert_eq!(expected_progress(100, 200, 50), 0.0);
        assert_eq!(expected_progress(100, 200, 250), 100.0);
        assert_eq!(expected_progress(100, 100, 100), 100.0);
    }

    #[test]
    fn stale_after_the_configured_days_without_a_check_in_while_the_period_runs() {
        use GoalStatus::Active;
        assert!(!is_stale(Active, 100, 113, 14, 90, 200));
        assert!(is_stale(Active, 100, 114, 14, 90, 200));
        // Counted from the period's start for goals created before it.
        assert!(!is_stale(Active, 10, 100, 14, 90, 200));
        // Not while the period has ended, nor for closed goals.
        assert!(!is_stale(Active, 100, 300, 14, 90, 200));
        assert!(!is_stale(GoalStatus::Completed, 100, 150, 14, 90, 200));
    }

    #[test]
    fn a_goal_cannot_align_under_itself_or_its_descendants() {
        // 1 <- 2 <- 3 (3's parent is 2, 2's parent is 1).
        let parents = |id| match id {
            3 => Some(2),
            2 => Some(1),
            _ => None,
        };
        assert!(would_create_cycle(1, 3, parents));
        assert!(would_create_cycle(2, 2, parents));
        assert!(!would_create_cycle(3, 1, parents));
        assert!(!would_create_cycle(4, 3, parents));
    }

    #[test]
    fn levels_align_to_the_same_or_a_higher_level() {
        assert!(GoalLevel::Individual.may_align_under(GoalLevel::Company));
        assert!(GoalLevel::Team.may_align_under(GoalLevel::Team));
        assert!(!GoalLevel::Department.may_align_under(GoalLevel::Team));
    }

    #[test]
    fn a_valid_goal_parses_with_defaults() {
        let input = GoalInput::parse(
            &form(" Ship the app "),
            &[kr("Users", "0", "1,000"), KeyResultForm::default()],
        )
        .expect("valid");
        assert_eq!(input.title, "Ship the app");
        assert_eq!(input.visibility, Visibility::Public);
        assert_eq!(input.weight, 1);
        assert_eq!(input.key_results.len(), 1);
        assert_eq!(input.key_results[0].target, 1000.0);
        assert_eq!(input.key_results[0].direction, Direction::Increase);
    }

    #[test]
    fn bad_goal_input_is_refused_at_each_field() {
        let mut f = form("  ");
        f.weight = "-2".into();
        let errors = GoalInput::parse(&f, &[kr("Users", "5", "5")]).unwrap_err();
        assert_eq!(field(&errors, "title").unwrap(), "Give the goal a title.");
        assert_eq!(
            field(&errors, "weight").unwrap(),
            "Weight cannot be negative."
        );
        assert_eq!(
            field(&errors, "key_results[0][target]").unwrap(),
            "The target must differ from the start."
        );
        let mut decrease = kr("Churn", "5", "8");
        decrease.direction = "decrease".into();
        let errors =
            GoalInput::parse(&form("G"), &[KeyResultForm::default(), decrease]).unwrap_err();
        assert!(field(&errors, "key_results[1][target]")
            .unwrap()
            .contains("below the start"));
        let mut percent = kr("Pct", "0", "140");
        percent.kind = "percent".into();
        let errors = GoalInput::parse(&form("G"), &[percent]).unwrap_err();
        assert!(field(&errors, "key_results[0][target]").is_some());
        let mut neg = kr("Users", "0", "10");
        neg.weight = "-1".into();
        let errors = GoalInput::parse(&form("G"), &[neg]).unwrap_err();
        assert_eq!(
            field(&errors, "key_results[0][weight]").unwrap(),
            "Weight cannot be negative."
        );
    }

    #[test]
    fn a_manual_goal_needs_a_key_result() {
        let errors = GoalInput::parse(&form("G"), &[]).unwrap_err();
        assert!(field(&errors, "key_results[0][title]").is_some());
        let mut rolled = form("G");
        rolled.progress_mode = "rolled_up".into();
        assert!(GoalInput::parse(&rolled, &[]).is_ok());
    }

    #[test]
    fn check_in_values_must_match_the_kind() {
        assert_eq!(
            parse_check_in_value(KeyResultKind::Milestone, "done"),
            Ok(1.0)
        );
        assert!(parse_check_in_value(KeyResultKind::Milestone, "12").is_err());
        assert!(parse_check_in_value(KeyResultKind::Number, "lots").is_err());
        assert!(parse_check_in_value(KeyResultKind::Percent, "120").is_err());
        assert_eq!(
            parse_check_in_value(KeyResultKind::Currency, "1,250.5"),
            Ok(1250.5)
        );
        assert!(parse_check_in_value(KeyResultKind::Number, "NaN").is_err());
        assert!(parse_check_in_value(KeyResultKind::Number, "inf").is_err());
    }

    #[test]
    fn periods_must_end_after_they_start() {
        let errors = parse_period("Q1", "quarter", "2027-03-31", "2027-01-01").unwrap_err();
        assert_eq!(
            field(&errors, "ends_on").unwrap(),
            "The period must end after it starts."
        );
        assert!(parse_period("Q1 2027", "quarter", "2027-01-01", "2027-03-31").is_ok());
        assert!(
            parse_period("", "weekly", "x", "2027-01-01")
                .unwrap_err()
                .len()
                == 3
        );
    }

    #[test]
    fn numbers_are_formatted_for_people() {
        assert_eq!(format_number(3.0), "3");
        assert_eq!(format_number(2.5), "2.5");
        assert_eq!(format_number(1.0 / 3.0), "0.33");
    }

    fn arb_tree() -> impl Strategy<Value = ProgressTree> {
        let leaf = (
            0i64..5,
            proptest::collection::vec((0i64..5, -50.0f64..150.0), 0..4),
        )
            .prop_map(|(weight, key_results)| ProgressTree {
                weight,
                mode: ProgressMode::Manual,
                key_results,
                children: vec![],
            });
        leaf.prop_recursive(4, 40, 5, |inner| {
            (
                0i64..5,
                any::<bool>(),
                proptest::collection::vec((0i64..5, -50.0f64..150.0), 0..3),
                proptest::collection::vec(inner, 0..5),
            )
                .prop_map(|(weight, rolled, key_results, children)| ProgressTree {
                    weight,
                    mode: if rolled {
                        ProgressMode::RolledUp
                    } else {
                        ProgressMode::Manual
                    },
                    key_results,
                    children,
                })
        })
    }

    proptest! {
        #[test]
        fn roll_up_progress_is_always_between_0_and_100(tree in arb_tree()) {
            let p = tree_progress(&tree);
            prop_assert!((0.0..=100.0).contains(&p), "{p}");
        }

        #[test]
        fn roll_up_of_equal_children_is_their_common_progress(p in 0.0f64..100.0, n in 1usize..6, w in 1i64..5) {
            let child = ProgressTree { weight: w, mode: ProgressMode::Manual, key_results: vec![(1, p)], children: vec![] };
            let tree = ProgressTree { weight: 1, mode: ProgressMode::RolledUp, key_results: vec![], children: vec![child; n] };
            prop_assert!((tree_progress(&tree) - p).abs() < 1e-9);
        }

        #[test]
        fn alignment_never_makes_a_cycle(moves in proptest::collection::vec((0i64..30, 0i64..30), 0..200)) {
            // Start from 30 unaligned goals and try random re-alignments; apply only those
            // the rule allows; the result must stay a forest (every walk up ends).
            let mut parent: std::collections::HashMap<i64, i64> = Default::default();
            for (goal, new_parent) in moves {
                if !would_create_cycle(goal, new_parent, |g| parent.get(&g).copied()) {
                    parent.insert(goal, new_parent);
                }
            }
            for start in 0..30 {
                let mut seen = std::collections::HashSet::new();
                let mut current = Some(start);
                while let Some(g) = current {
                    prop_assert!(seen.insert(g), "cycle through {g}");
                    current = parent.get(&g).copied();
                }
            }
        }

        #[test]
        fn health_never_improves_with_a_worse_confidence(progress in 0.0f64..100.0, expected in 0.0f64..100.0) {
            let rank = |h: Health| match h { Health::Done | Health::Closed => 0, Health::OnTrack => 1, Health::Behind => 2, Health::AtRisk => 3 };
            let none = health(GoalStatus::Active, progress, expected, None);
            let risk = health(GoalStatus::Active, progress, expected, Some(Confidence::AtRisk));
            let off = health(GoalStatus::Active, progress, expected, Some(Confidence::OffTrack));
            prop_assert!(rank(risk) >= rank(none));
            prop_assert!(rank(off) >= rank(risk));
        }

        #[test]
        fn key_result_progress_is_a_percentage(start in -1e6f64..1e6, target in -1e6f64..1e6, current in -1e7f64..1e7) {
            let p = key_result_progress(start, target, current);
            prop_assert!((0.0..=100.0).contains(&p));
        }
    }
}
