//! Cycles: phases, participants and reviewer types, deadlines, the cycle form, and the
//! calibration target.

use super::*;

text_enum!(
    /// The phases of a cycle, in order.
    CycleState {
        Draft = "draft" / "Draft",
        Nomination = "nomination" / "Peer nomination",
        Writing = "writing" / "Writing",
        Calibration = "calibration" / "Calibration",
        Released = "released" / "Released",
        Closed = "closed" / "Closed",
    }
);

impl CycleState {
    /// The phase after this one, skipping nomination when there are no peer reviews.
    pub fn next(self, has_peers: bool) -> Option<CycleState> {
        match self {
            CycleState::Draft if has_peers => Some(CycleState::Nomination),
            CycleState::Draft | CycleState::Nomination => Some(CycleState::Writing),
            CycleState::Writing => Some(CycleState::Calibration),
            CycleState::Calibration => Some(CycleState::Released),
            CycleState::Released => Some(CycleState::Closed),
            CycleState::Closed => None,
        }
    }
}

text_enum!(
    AssignmentState {
        Nominated = "nominated" / "Awaiting approval",
        Declined = "declined" / "Declined",
        Pending = "pending" / "Not started",
        Draft = "draft" / "In progress",
        Submitted = "submitted" / "Submitted",
    }
);

text_enum!(
    /// A manager's answer to a nominated peer.
    PeerDecision in "decision" {
        Approve = "approve" / "Approve",
        Decline = "decline" / "Decline",
    }
);

text_enum!(
    /// What saving a review does: keep a draft (also the autosave) or submit it for good.
    SaveIntent in "intent" {
        Save = "save" / "Save draft",
        Submit = "submit" / "Submit",
    }
);

text_enum!(
    ParticipantScope {
        All = "all" / "Everyone",
        Department = "department" / "One department (and its sub-departments)",
        People = "people" / "Hand-picked people",
    }
);

/// A cycle as HR configured it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cycle {
    pub id: CycleId,
    pub name: String,
    pub starts_on: String,
    pub ends_on: String,
    pub goal_period_id: Option<i64>,
    pub state: CycleState,
    pub reviewer_types: Vec<ReviewerType>,
    pub anonymous: bool,
    /// Anonymous answers of a type are shown from this many reviewers up, and each question
    /// from this many non-empty answers up (`crate::anonymity`).
    pub anonymity_threshold: i64,
    pub peer_min: i64,
    pub peer_max: i64,
    pub scope: ParticipantScope,
    pub scope_value: String,
    pub hired_before: Option<String>,
    pub nomination_due: Option<String>,
    pub writing_due: String,
    pub calibration_due: String,
    pub release_due: String,
    pub template_version_id: VersionId,
    /// Percent of reviewees HR aims for at each point of the overall scale.
    pub target_distribution: BTreeMap<i64, f64>,
}

impl Cycle {
    pub fn has(&self, reviewer: ReviewerType) -> bool {
        self.reviewer_types.contains(&reviewer)
    }

    /// Whether answers of this reviewer type are anonymous to the reviewee.
    pub fn is_anonymous(&self, reviewer: ReviewerType) -> bool {
        self.anonymous && reviewer.may_be_anonymous()
    }

    /// The anonymity threshold, never below the floor whatever the database holds.
    pub fn threshold(&self) -> usize {
        (self.anonymity_threshold.max(0) as usize).max(crate::anonymity::MIN_THRESHOLD)
    }

    /// The deadline of a phase, if it has one.
    pub fn due(&self, state: CycleState) -> Option<&str> {
        match state {
            CycleState::Nomination => self.nomination_due.as_deref(),
            CycleState::Writing => Some(&self.writing_due),
            CycleState::Calibration => Some(&self.calibration_due),
            CycleState::Released => Some(&self.release_due),
            _ => None,
        }
    }
}

/// What HR typed into the new-cycle form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CycleForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub starts_on: String,
    #[serde(default)]
    pub ends_on: String,
    #[serde(default)]
    pub goal_period_id: String,
    #[serde(default)]
    pub template_id: String,
    #[serde(default)]
    pub reviewer_types: Vec<String>,
    #[serde(default)]
    pub anonymous: Option<String>,
    #[serde(default)]
    pub anonymity_threshold: String,
    #[serde(default)]
    pub peer_min: String,
    #[serde(default)]
    pub peer_max: String,
    #[serde(default)]
    pub scope: String,
    #[serde(default)]
    pub department_id: String,
    #[serde(default)]
    pub people: String,
    #[serde(default)]
    pub hired_before: String,
    #[serde(default)]
    pub nomination_due: String,
    #[serde(default)]
    pub writing_due: String,
    #[serde(default)]
    pub calibration_due: String,
    #[serde(default)]
    pub release_due: String,
    /// "value=percent" per line, e.g. "1=5".
    #[serde(default)]
    pub target_distribution: String,
    /// A different template for the people of one top-level department (both or neither).
    #[serde(default)]
    pub group_department_id: String,
    #[serde(default)]
    pub group_template_id: String,
}

/// A cycle form that passed validation (the template is resolved by the caller).
#[derive(Clone, Debug, PartialEq)]
pub struct CycleInput {
    pub name: String,
    pub starts_on: String,
    pub ends_on: String,
    pub goal_period_id: Option<i64>,
    pub template_id: i64,
    pub reviewer_types: Vec<ReviewerType>,
    pub anonymous: bool,
    pub anonymity_threshold: i64,
    pub peer_min: i64,
    pub peer_max: i64,
    pub scope: ParticipantScope,
    pub scope_value: String,
    pub hired_before: Option<String>,
    pub nomination_due: Option<String>,
    pub writing_due: String,
    pub calibration_due: String,
    pub release_due: String,
    pub target_distribution: BTreeMap<i64, f64>,
    /// (top-level department, template) for a group with its own template.
    pub group: Option<(i64, i64)>,
}

fn date_field(
    errors: &mut Vec<FieldError>,
    field: &str,
    text: &str,
    required: bool,
) -> Option<String> {
    let text = text.trim();
    if text.is_empty() {
        if required {
            errors.push(FieldError::new(field, "Choose a date."));
        }
        return None;
    }
    if crate::calendar::day_number(text).is_none() {
        errors.push(FieldError::new(field, "Enter a date as YYYY-MM-DD."));
        return None;
    }
    Some(text.to_string())
}

pub fn parse_cycle(form: &CycleForm) -> Result<CycleInput, Vec<FieldError>> {
    let mut errors = Vec::new();
    let name = form.name.trim().to_string();
    if name.is_empty() {
        errors.push(FieldError::new("cycle[name]", "Give the cycle a name."));
    } else if name.chars().count() > 120 {
        errors.push(FieldError::new(
            "cycle[name]",
            "Keep the name under 120 characters.",
        ));
    }
    let starts_on = date_field(&mut errors, "cycle[starts_on]", &form.starts_on, true);
    let ends_on = date_field(&mut errors, "cycle[ends_on]", &form.ends_on, true);
    if let (Some(s), Some(e)) = (&starts_on, &ends_on) {
        if e < s {
            errors.push(FieldError::new(
                "cycle[ends_on]",
                "The review period must end after it starts.",
            ));
        }
    }
    let template_id = form.template_id.trim().parse::<i64>().ok();
    if template_id.is_none() {
        errors.push(FieldError::new("cycle[template_id]", "Choose a template."));
    }
    let reviewer_types: Vec<ReviewerType> = ReviewerType::ALL
        .iter()
        .copied()
        .filter(|t| form.reviewer_types.iter().any(|r| r == t.as_str()))
        .collect();
    if reviewer_types.is_empty() {
        errors.push(FieldError::new(
            "cycle[reviewer_types]",
            "Choose at least one kind of review.",
        ));
    }
    let peers = reviewer_types.contains(&ReviewerType::Peer);
    let number = |errors: &mut Vec<FieldError>, field: &str, text: &str, default: i64| -> i64 {
        match text.trim() {
            "" => default,
            t => match t.parse::<i64>() {
                Ok(n) if (0..=20).contains(&n) => n,
                _ => {
                    errors.push(FieldError::new(field, "Enter a number from 0 to 20."));
                    default
                }
            },
        }
    };
    let peer_min = number(&mut errors, "cycle[peer_min]", &form.peer_min, 5);
    let peer_max = number(&mut errors, "cycle[peer_max]", &form.peer_max, 8);
    if peers && peer_max < peer_min.max(1) {
        errors.push(FieldError::new(
            "cycle[peer_max]",
            "The most peers must be at least the fewest, and at least 1.",
        ));
    }
    let anonymous = form.anonymous.is_some();
    let anonymity_threshold = match crate::anonymity::parse_threshold(&form.anonymity_threshold) {
        Ok(n) => n as i64,
        Err(message) => {
            errors.push(FieldError::new("cycle[anonymity_threshold]", message));
            crate::anonymity::DEFAULT_THRESHOLD as i64
        }
    };
    // Fewer peers than the threshold would withhold every anonymous peer answer.
    if peers && anonymous && peer_min < anonymity_threshold {
        errors.push(FieldError::new(
            "cycle[peer_min]",
            format!(
                "Anonymous peer answers are shown from {anonymity_threshold} reviewers: ask for at least {anonymity_threshold} peers, or lower the threshold."
            ),
        ));
    }
    let scope = ParticipantScope::parse(form.scope.trim()).unwrap_or(ParticipantScope::All);
    let scope_value = match scope {
        ParticipantScope::All => String::new(),
        ParticipantScope::Department => match form.department_id.trim().parse::<i64>() {
            Ok(id) => id.to_string(),
            Err(_) => {
                errors.push(FieldError::new(
                    "cycle[department_id]",
                    "Choose a department.",
                ));
                String::new()
            }
        },
        ParticipantScope::People => {
            let emails: Vec<String> = form
                .people
                .split(|c: char| c == ',' || c.is_whitespace())
                .map(|e| e.trim().to_lowercase())
                .filter(|e| !e.is_empty())
                .collect();
            if emails.is_empty() {
                errors.push(FieldError::new(
                    "cycle[people]",
                    "List the e-mail addresses of the people to review.",
                ));
            } else if let Some(bad) = emails.iter().find(|e| !e.contains('@')) {
                errors.push(FieldError::new(
                    "cycle[people]",
                    format!("{bad} is not an e-mail address."),
                ));
            }
            emails.join(",")
        }
    };
    let hired_before = date_field(
        &mut errors,
        "cycle[hired_before]",
        &form.hired_before,
        false,
    );
    let nomination_due = date_field(
        &mut errors,
        "cycle[nomination_due]",
        &form.nomination_due,
        peers,
    );
    let writing_due = date_field(&mut errors, "cycle[writing_due]", &form.writing_due, true);
    let calibration_due = date_field(
        &mut errors,
        "cycle[calibration_due]",
        &form.calibration_due,
        true,
    );
    let release_due = date_field(&mut errors, "cycle[release_due]", &form.release_due, true);
    let order = [
        (
            "cycle[nomination_due]",
            nomination_due.clone().filter(|_| peers),
        ),
        ("cycle[writing_due]", writing_due.clone()),
        ("cycle[calibration_due]", calibration_due.clone()),
        ("cycle[release_due]", release_due.clone()),
    ];
    let mut previous: Option<&String> = None;
    for (field, date) in &order {
        if let Some(date) = date {
            if previous.is_some_and(|p| date < p) {
                errors.push(FieldError::new(
                    field,
                    "Each phase must end on or after the one before it.",
                ));
            }
            previous = Some(date);
        }
    }
    let mut target_distribution = BTreeMap::new();
    for line in lines(&form.target_distribution) {
        let parsed = line.split_once('=').and_then(|(v, p)| {
            Some((
                v.trim().parse::<i64>().ok()?,
                p.trim().trim_end_matches('%').parse::<f64>().ok()?,
            ))
        });
        match parsed {
            Some((value, percent)) if (0.0..=100.0).contains(&percent) => {
                target_distribution.insert(value, percent);
            }
            _ => {
                errors.push(FieldError::new(
                    "cycle[target_distribution]",
                    format!("Write each line as rating=percent, like 3=60 (not {line:?})."),
                ));
                break;
            }
        }
    }
    let total: f64 = target_distribution.values().sum();
    if !target_distribution.is_empty() && (total - 100.0).abs() > 0.5 {
        errors.push(FieldError::new(
            "cycle[target_distribution]",
            format!("The target percentages add up to {total}, not 100."),
        ));
    }
    let group_department = form.group_department_id.trim().parse::<i64>().ok();
    let group_template = form.group_template_id.trim().parse::<i64>().ok();
    let group = match (group_department, group_template) {
        (Some(d), Some(t)) => Some((d, t)),
        (Some(_), None) => {
            errors.push(FieldError::new(
                "cycle[group_template_id]",
                "Choose the template for that department, or no department.",
            ));
            None
        }
        (None, Some(_)) => {
            errors.push(FieldError::new(
                "cycle[group_department_id]",
                "Choose the department that uses this template.",
            ));
            None
        }
        (None, None) => None,
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(CycleInput {
        group,
        name,
        starts_on: starts_on.unwrap_or_default(),
        ends_on: ends_on.unwrap_or_default(),
        goal_period_id: form.goal_period_id.trim().parse().ok(),
        template_id: template_id.unwrap_or_default(),
        reviewer_types,
        anonymous,
        anonymity_threshold,
        peer_min: if peers { peer_min } else { 0 },
        peer_max: if peers { peer_max } else { 0 },
        scope,
        scope_value,
        hired_before,
        nomination_due: nomination_due.filter(|_| peers),
        writing_due: writing_due.unwrap_or_default(),
        calibration_due: calibration_due.unwrap_or_default(),
        release_due: release_due.unwrap_or_default(),
        target_distribution,
    })
}

/// Why answers cannot be saved as a draft (or, with `submit`, submitted) in a cycle in `state`,
/// if they cannot. Checked by the server function and again in the transaction that saves.
pub fn saving_refusal(cycle_name: &str, state: CycleState, submit: bool) -> Option<String> {
    if !matches!(state, CycleState::Nomination | CycleState::Writing) {
        return Some(format!(
            "Reviews for {cycle_name} are closed: the cycle is in {}.",
            state.label().to_lowercase()
        ));
    }
    if submit && state != CycleState::Writing {
        return Some(
            "Reviews can be submitted once the writing phase opens; your draft is kept.".into(),
        );
    }
    None
}

/// Whether the writing deadline (the end of its day, UTC) has passed.
pub fn past_due(due: &str, today_day_number: i64) -> bool {
    crate::calendar::day_number(due).is_some_and(|d| today_day_number > d)
}
