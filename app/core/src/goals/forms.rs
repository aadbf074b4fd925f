//! What people type into goal forms, parsed into validated inputs (every problem at once,
//! each at its field).

use super::*;

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
/// A key result's weight within its goal.
pub const MAX_KEY_RESULT_WEIGHT: i64 = 1000;

fn parse_key_result_weight(text: &str) -> Result<i64, &'static str> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(1);
    }
    match text.parse::<i64>() {
        Ok(w) if w < 0 => Err("Weight cannot be negative."),
        Ok(w) if w > MAX_KEY_RESULT_WEIGHT => Err("Use a weight of at most 1000."),
        Ok(w) => Ok(w),
        Err(_) => Err("Enter the weight as a whole number, such as 1 or 3."),
    }
}

/// A goal's weight towards the goal it is aligned to: 1 to 100 (`MIN_GOAL_WEIGHT`,
/// `MAX_GOAL_WEIGHT`), so no single goal can outweigh all the others under a parent.
fn parse_goal_weight(text: &str) -> Result<i64, &'static str> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(1);
    }
    match text.parse::<i64>() {
        Ok(w) if (super::MIN_GOAL_WEIGHT..=super::MAX_GOAL_WEIGHT).contains(&w) => Ok(w),
        Ok(_) => Err("Use a weight from 1 to 100."),
        Err(_) => Err("Enter the weight as a whole number from 1 to 100, such as 1 or 3."),
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
        } else if crate::people::has_control_characters(&title) {
            errors.push(FieldError::new("title", crate::people::CONTROL_CHARACTERS));
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
        let weight = parse_goal_weight(&form.weight).unwrap_or_else(|m| {
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
    } else if crate::people::has_control_characters(&title) {
        problems.push(("title", crate::people::CONTROL_CHARACTERS.into()));
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
    let weight = parse_key_result_weight(&form.weight).unwrap_or_else(|m| {
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
