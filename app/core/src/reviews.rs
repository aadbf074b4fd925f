//! Review cycles: rating scales, templates (sections of questions, versioned as one document),
//! cycles and their phases, answers, the weighted overall score, and the anonymity rule.
//! Pure: no I/O, so every rule is unit-tested here.

use super::people::PersonId;
use crate::FieldError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub type ScaleId = i64;
pub type TemplateId = i64;
pub type VersionId = i64;
pub type CycleId = i64;
pub type ParticipantId = i64;
pub type AssignmentId = i64;

/// Anonymous peer or upward answers are shown only when at least this many reviewers of that
/// type answered: with fewer, a reviewee could tell who wrote what.
pub const ANONYMITY_THRESHOLD: usize = 3;

// ---------------------------------------------------------------------------------------------
// Rating scales

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScalePoint {
    pub value: i64,
    pub label: String,
    #[serde(default)]
    pub description: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingScale {
    pub id: ScaleId,
    pub name: String,
    /// Lowest first; values are consecutive integers.
    pub points: Vec<ScalePoint>,
}

impl RatingScale {
    pub fn min(&self) -> i64 {
        self.points.first().map(|p| p.value).unwrap_or(1)
    }

    pub fn max(&self) -> i64 {
        self.points.last().map(|p| p.value).unwrap_or(1)
    }

    pub fn contains(&self, value: i64) -> bool {
        self.points.iter().any(|p| p.value == value)
    }

    pub fn label_of(&self, value: i64) -> String {
        self.points
            .iter()
            .find(|p| p.value == value)
            .map(|p| p.label.clone())
            .unwrap_or_else(|| value.to_string())
    }

    /// Where `value` sits between the lowest (0) and highest (1) point.
    pub fn normalize(&self, value: f64) -> f64 {
        let span = (self.max() - self.min()) as f64;
        if span <= 0.0 {
            return 1.0;
        }
        ((value - self.min() as f64) / span).clamp(0.0, 1.0)
    }

    /// The value at a 0..1 position on this scale.
    pub fn denormalize(&self, position: f64) -> f64 {
        self.min() as f64 + position.clamp(0.0, 1.0) * (self.max() - self.min()) as f64
    }

    /// The nearest point to a score.
    pub fn nearest(&self, score: f64) -> i64 {
        (score.round() as i64).clamp(self.min(), self.max())
    }
}

/// Reads a scale from the form: a name and one point per line, "Label" or "Label: description",
/// lowest first. Values are numbered from 1.
pub fn parse_scale(name: &str, lines: &str) -> Result<(String, Vec<ScalePoint>), Vec<FieldError>> {
    let mut errors = Vec::new();
    let name = name.trim().to_string();
    if name.is_empty() {
        errors.push(FieldError::new("name", "Give the scale a name."));
    } else if name.chars().count() > 80 {
        errors.push(FieldError::new(
            "name",
            "Keep the name under 80 characters.",
        ));
    }
    let points: Vec<ScalePoint> = lines
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
        .map(|(i, line)| {
            let (label, description) = match line.split_once(':') {
                Some((l, d)) => (l.trim(), d.trim()),
                None => (line, ""),
            };
            ScalePoint {
                value: i as i64 + 1,
                label: label.to_string(),
                description: description.to_string(),
            }
        })
        .collect();
    if points.len() < 2 || points.len() > 10 {
        errors.push(FieldError::new(
            "points",
            "A scale needs between 2 and 10 points, one per line.",
        ));
    } else if points.iter().any(|p| p.label.is_empty()) {
        errors.push(FieldError::new("points", "Every point needs a label."));
    }
    if errors.is_empty() {
        Ok((name, points))
    } else {
        Err(errors)
    }
}

// ---------------------------------------------------------------------------------------------
// Templates

text_enum!(
    /// Who writes a review of the reviewee.
    ReviewerType {
        SelfReview = "self" / "Self",
        Manager = "manager" / "Manager",
        Peer = "peer" / "Peer",
        Upward = "upward" / "Upward",
    }
);

impl ReviewerType {
    /// Peer and upward reviews may be anonymous; self and manager reviews never are.
    pub fn may_be_anonymous(self) -> bool {
        matches!(self, ReviewerType::Peer | ReviewerType::Upward)
    }

    /// "Self review", "Peer review", …
    pub fn review_label(self) -> &'static str {
        match self {
            ReviewerType::SelfReview => "Self review",
            ReviewerType::Manager => "Manager review",
            ReviewerType::Peer => "Peer review",
            ReviewerType::Upward => "Upward review",
        }
    }
}

/// Parses "self,manager,peer" as stored on a cycle.
pub fn parse_reviewer_types(text: &str) -> Vec<ReviewerType> {
    ReviewerType::ALL
        .iter()
        .copied()
        .filter(|t| text.split(',').any(|part| part.trim() == t.as_str()))
        .collect()
}

pub fn reviewer_types_text(types: &[ReviewerType]) -> String {
    types
        .iter()
        .map(|t| t.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

text_enum!(
    QuestionKind in "kind" {
        Rating = "rating" / "Rating on a scale",
        Competency = "competency" / "Competency rating",
        Text = "text" / "Free text",
        Choice = "choice" / "Multiple choice",
        Goals = "goals" / "Goal achievement",
    }
);

impl QuestionKind {
    /// Answered with a point on a scale, and so counted in the overall score.
    pub fn is_rated(self) -> bool {
        matches!(
            self,
            QuestionKind::Rating | QuestionKind::Competency | QuestionKind::Goals
        )
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Question {
    /// Stable within a template across versions ("q7"): answers are stored under it.
    pub key: String,
    pub kind: QuestionKind,
    pub prompt: String,
    #[serde(default)]
    pub help: String,
    pub required: bool,
    pub reviewers: Vec<ReviewerType>,
    /// Share of the overall score (rated questions only).
    #[serde(default)]
    pub weight: u32,
    #[serde(default)]
    pub scale_id: Option<ScaleId>,
    /// Competency questions: the competency, and one behaviour per point of the scale.
    #[serde(default)]
    pub competency: String,
    #[serde(default)]
    pub descriptors: Vec<String>,
    /// Free text: the fewest characters an answer may have (0: any).
    #[serde(default)]
    pub min_length: u32,
    /// Multiple choice: the options.
    #[serde(default)]
    pub options: Vec<String>,
}

impl Question {
    pub fn asks(&self, reviewer: ReviewerType) -> bool {
        self.reviewers.contains(&reviewer)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Section {
    pub key: String,
    pub title: String,
    pub questions: Vec<Question>,
}

/// A template version: its sections and questions, and how the overall score is formed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TemplateDefinition {
    pub sections: Vec<Section>,
    /// The scale the overall rating is given on (and calibrated on).
    #[serde(default)]
    pub overall_scale_id: Option<ScaleId>,
    /// When set, the weights of rated questions must add up to exactly this.
    #[serde(default)]
    pub weights_total: Option<u32>,
    /// The next number for a section or question key.
    #[serde(default)]
    pub next_key: u32,
}

impl TemplateDefinition {
    /// The scale the overall rating is given on: the one the template names, else the first
    /// scale there is. `None` when there is none: a rating needs a real scale, never an
    /// invented one.
    pub fn overall_scale<'a>(&self, scales: &'a [RatingScale]) -> Option<&'a RatingScale> {
        self.overall_scale_id
            .and_then(|id| scales.iter().find(|s| s.id == id))
            .or_else(|| scales.first())
    }

    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        self.sections.iter().flat_map(|s| s.questions.iter())
    }

    pub fn question(&self, key: &str) -> Option<&Question> {
        self.questions().find(|q| q.key == key)
    }

    pub fn question_count(&self) -> usize {
        self.questions().count()
    }

    fn fresh_key(&mut self, prefix: &str) -> String {
        self.next_key += 1;
        format!("{prefix}{}", self.next_key)
    }

    pub fn add_section(&mut self, title: &str) -> String {
        let key = self.fresh_key("s");
        self.sections.push(Section {
            key: key.clone(),
            title: title.trim().to_string(),
            questions: vec![],
        });
        key
    }

    /// Adds a question with sensible defaults for its kind; `None` when the section is gone.
    pub fn add_question(
        &mut self,
        section: &str,
        kind: QuestionKind,
        prompt: &str,
    ) -> Option<String> {
        let key = self.fresh_key("q");
        let scale = self.overall_scale_id;
        let section = self.sections.iter_mut().find(|s| s.key == section)?;
        section.questions.push(Question {
            key: key.clone(),
            kind,
            prompt: prompt.trim().to_string(),
            help: String::new(),
            required: true,
            reviewers: ReviewerType::ALL.to_vec(),
            weight: if kind.is_rated() { 1 } else { 0 },
            scale_id: if kind.is_rated() { scale } else { None },
            competency: String::new(),
            descriptors: vec![],
            min_length: 0,
            options: if kind == QuestionKind::Choice {
                vec!["Yes".into(), "No".into()]
            } else {
                vec![]
            },
        });
        Some(key)
    }

    pub fn remove(&mut self, key: &str) -> bool {
        let before = self.sections.len() + self.question_count();
        self.sections.retain(|s| s.key != key);
        for section in &mut self.sections {
            section.questions.retain(|q| q.key != key);
        }
        before != self.sections.len() + self.question_count()
    }

    /// Moves a section, or a question within its section, one place up (`-1`) or down (`1`).
    /// A question at the edge of its section moves into the neighbouring section.
    pub fn shift(&mut self, key: &str, step: i32) -> bool {
        if let Some(i) = self.sections.iter().position(|s| s.key == key) {
            let j = i as i64 + step as i64;
            if j < 0 || j >= self.sections.len() as i64 {
                return false;
            }
            self.sections.swap(i, j as usize);
            return true;
        }
        for si in 0..self.sections.len() {
            if let Some(qi) = self.sections[si]
                .questions
                .iter()
                .position(|q| q.key == key)
            {
                let qj = qi as i64 + step as i64;
                if qj >= 0 && qj < self.sections[si].questions.len() as i64 {
                    self.sections[si].questions.swap(qi, qj as usize);
                    return true;
                }
                let sj = si as i64 + step as i64;
                if sj < 0 || sj >= self.sections.len() as i64 {
                    return false;
                }
                let question = self.sections[si].questions.remove(qi);
                let target = &mut self.sections[sj as usize].questions;
                if step < 0 {
                    target.push(question);
                } else {
                    target.insert(0, question);
                }
                return true;
            }
        }
        false
    }

    pub fn section_mut(&mut self, key: &str) -> Option<&mut Section> {
        self.sections.iter_mut().find(|s| s.key == key)
    }

    pub fn question_mut(&mut self, key: &str) -> Option<&mut Question> {
        self.sections
            .iter_mut()
            .flat_map(|s| s.questions.iter_mut())
            .find(|q| q.key == key)
    }

    /// The sum of the weights of rated questions.
    pub fn weight_sum(&self) -> u32 {
        self.questions()
            .filter(|q| q.kind.is_rated())
            .map(|q| q.weight)
            .sum()
    }
}

/// What an HR user typed into a question's edit form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionForm {
    #[serde(default)]
    pub prompt: String,
    #[serde(default)]
    pub help: String,
    #[serde(default)]
    pub required: Option<String>,
    #[serde(default)]
    pub reviewers: Vec<String>,
    #[serde(default)]
    pub weight: String,
    #[serde(default)]
    pub scale_id: String,
    #[serde(default)]
    pub competency: String,
    /// One per line.
    #[serde(default)]
    pub descriptors: String,
    #[serde(default)]
    pub min_length: String,
    /// One per line.
    #[serde(default)]
    pub options: String,
}

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

/// Applies the edit form to a question; field names are `question[...]`.
pub fn apply_question_form(
    question: &mut Question,
    form: &QuestionForm,
) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    let prompt = form.prompt.trim();
    if prompt.is_empty() {
        errors.push(FieldError::new("question[prompt]", "Write the question."));
    } else if prompt.chars().count() > 500 {
        errors.push(FieldError::new(
            "question[prompt]",
            "Keep the question under 500 characters.",
        ));
    }
    let reviewers: Vec<ReviewerType> = ReviewerType::ALL
        .iter()
        .copied()
        .filter(|t| form.reviewers.iter().any(|r| r == t.as_str()))
        .collect();
    if reviewers.is_empty() {
        errors.push(FieldError::new(
            "question[reviewers]",
            "Choose at least one reviewer type who answers this question.",
        ));
    }
    let weight = if question.kind.is_rated() {
        match form.weight.trim() {
            "" => 0,
            text => match text.parse::<u32>() {
                Ok(w) if w <= 1000 => w,
                _ => {
                    errors.push(FieldError::new(
                        "question[weight]",
                        "Enter a whole number from 0 to 1000.",
                    ));
                    0
                }
            },
        }
    } else {
        0
    };
    let scale_id = if question.kind.is_rated() {
        form.scale_id.trim().parse::<i64>().ok()
    } else {
        None
    };
    let min_length = match form.min_length.trim() {
        "" => 0,
        text => text.parse::<u32>().unwrap_or_else(|_| {
            errors.push(FieldError::new(
                "question[min_length]",
                "Enter a number of characters, or leave it empty.",
            ));
            0
        }),
    };
    let options = lines(&form.options);
    if question.kind == QuestionKind::Choice && options.len() < 2 {
        errors.push(FieldError::new(
            "question[options]",
            "Give at least two options, one per line.",
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    question.prompt = prompt.to_string();
    question.help = form.help.trim().to_string();
    question.required = form.required.is_some();
    question.reviewers = reviewers;
    question.weight = weight;
    question.scale_id = scale_id;
    question.competency = form.competency.trim().to_string();
    question.descriptors = lines(&form.descriptors);
    question.min_length = if question.kind == QuestionKind::Text {
        min_length
    } else {
        0
    };
    question.options = if question.kind == QuestionKind::Choice {
        options
    } else {
        vec![]
    };
    Ok(())
}

/// Everything that keeps a template version from being used in a cycle, each tied to the place
/// in the builder where it is fixed: `template`, `overall_scale_id`, `weights_total`,
/// `sections[KEY]` or `questions[KEY]`.
pub fn template_problems(def: &TemplateDefinition, scales: &[RatingScale]) -> Vec<FieldError> {
    let mut problems = Vec::new();
    if def.question_count() == 0 {
        problems.push(FieldError::new(
            "template",
            "Add at least one question: a template without questions cannot be used.",
        ));
    }
    let scale = |id: Option<ScaleId>| id.and_then(|id| scales.iter().find(|s| s.id == id));
    let any_rated = def.questions().any(|q| q.kind.is_rated());
    if any_rated && scale(def.overall_scale_id).is_none() {
        problems.push(FieldError::new(
            "overall_scale_id",
            "Choose the scale the overall rating is given on.",
        ));
    }
    for section in &def.sections {
        if section.title.trim().is_empty() {
            problems.push(FieldError::new(
                &format!("sections[{}]", section.key),
                "Give this section a title.",
            ));
        }
        if section.questions.is_empty() {
            problems.push(FieldError::new(
                &format!("sections[{}]", section.key),
                "This section has no questions yet.",
            ));
        }
        for q in &section.questions {
            let field = format!("questions[{}]", q.key);
            if q.prompt.trim().is_empty() {
                problems.push(FieldError::new(&field, "This question has no text."));
            }
            if q.reviewers.is_empty() {
                problems.push(FieldError::new(&field, "Nobody answers this question."));
            }
            if q.kind.is_rated() {
                match scale(q.scale_id) {
                    None => problems.push(FieldError::new(
                        &field,
                        "A rating question needs a rating scale.",
                    )),
                    Some(s) if q.kind == QuestionKind::Competency => {
                        if q.competency.trim().is_empty() {
                            problems.push(FieldError::new(&field, "Name the competency."));
                        }
                        if q.descriptors.len() != s.points.len() {
                            problems.push(FieldError::new(
                                &field,
                                format!(
                                    "Describe the behaviour at each of the scale's {} levels (one per line; {} given).",
                                    s.points.len(),
                                    q.descriptors.len()
                                ),
                            ));
                        }
                    }
                    Some(_) => {}
                }
            }
            if q.kind == QuestionKind::Choice && q.options.len() < 2 {
                problems.push(FieldError::new(&field, "Give at least two options."));
            }
        }
    }
    if let Some(total) = def.weights_total {
        let sum = def.weight_sum();
        if any_rated && sum != total {
            problems.push(FieldError::new(
                "weights_total",
                format!("The question weights add up to {sum}, but the template declares {total}."),
            ));
        }
    }
    if any_rated && def.weight_sum() == 0 {
        problems.push(FieldError::new(
            "weights_total",
            "Give at least one rated question a weight above 0, or there is no overall score.",
        ));
    }
    problems
}

// ---------------------------------------------------------------------------------------------
// Answers and the overall score

/// One reviewer's answers, by question key. Ratings are the point's value as text.
pub type Answers = BTreeMap<String, String>;

/// Whether the answers are a draft (anything goes but foreign questions and impossible
/// values) or being submitted (required answers and minimum lengths too).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Completeness {
    Draft,
    Submit,
}

/// The field an answer's error is shown at.
pub fn answer_field(key: &str) -> String {
    format!("answers[{key}]")
}

/// Checks answers against the frozen template version for one reviewer type. Empty answers are
/// dropped; an answer to a question not in this version for this reviewer is refused.
pub fn check_answers(
    def: &TemplateDefinition,
    scales: &[RatingScale],
    reviewer: ReviewerType,
    answers: &Answers,
    completeness: Completeness,
) -> Result<Answers, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut kept = Answers::new();
    for (key, value) in answers {
        let value = value.trim();
        let Some(question) = def.question(key).filter(|q| q.asks(reviewer)) else {
            errors.push(FieldError::new(
                "form",
                "The form answered a question that is not part of this review. Reload the page and try again.",
            ));
            continue;
        };
        if value.is_empty() {
            continue;
        }
        let field = answer_field(key);
        if question.kind.is_rated() {
            let scale = question
                .scale_id
                .and_then(|id| scales.iter().find(|s| s.id == id));
            match (value.parse::<i64>().ok(), scale) {
                (Some(v), Some(scale)) if scale.contains(v) => {}
                (_, Some(scale)) => errors.push(FieldError::new(
                    &field,
                    format!("Choose a rating from {} to {}.", scale.min(), scale.max()),
                )),
                (_, None) => errors.push(FieldError::new(&field, "This question has no scale.")),
            }
        } else if question.kind == QuestionKind::Choice
            && !question.options.iter().any(|o| o == value)
        {
            errors.push(FieldError::new(&field, "Choose one of the options."));
        } else if value.chars().count() > 10_000 {
            errors.push(FieldError::new(
                &field,
                "Keep the answer under 10,000 characters.",
            ));
        }
        kept.insert(key.clone(), value.to_string());
    }
    if completeness == Completeness::Submit {
        for question in def.questions().filter(|q| q.asks(reviewer)) {
            let field = answer_field(&question.key);
            if errors.iter().any(|e| e.field == field) {
                continue;
            }
            let answer = kept.get(&question.key);
            if question.required && answer.is_none() {
                errors.push(FieldError::new(&field, "This question needs an answer."));
            } else if let Some(answer) = answer {
                let length = answer.chars().count();
                if question.kind == QuestionKind::Text && length < question.min_length as usize {
                    errors.push(FieldError::new(
                        &field,
                        format!(
                            "Write at least {} characters ({length} so far).",
                            question.min_length
                        ),
                    ));
                }
            }
        }
    }
    errors.dedup();
    if errors.is_empty() {
        Ok(kept)
    } else {
        Err(errors)
    }
}

/// The weighted overall score of one reviewer's answers, on the template's overall scale.
/// Each rated answer counts by its position on its own scale; unanswered optional questions are
/// left out and the remaining weights share the whole. `None` when nothing rated was answered.
pub fn overall_score(
    def: &TemplateDefinition,
    scales: &[RatingScale],
    answers: &Answers,
) -> Option<f64> {
    let overall = def
        .overall_scale_id
        .and_then(|id| scales.iter().find(|s| s.id == id))?;
    let mut weighted = 0.0;
    let mut weights = 0.0;
    for question in def
        .questions()
        .filter(|q| q.kind.is_rated() && q.weight > 0)
    {
        let Some(scale) = question
            .scale_id
            .and_then(|id| scales.iter().find(|s| s.id == id))
        else {
            continue;
        };
        let Some(value) = answers
            .get(&question.key)
            .and_then(|v| v.parse::<f64>().ok())
        else {
            continue;
        };
        weighted += question.weight as f64 * scale.normalize(value);
        weights += question.weight as f64;
    }
    (weights > 0.0).then(|| {
        let score = overall.denormalize(weighted / weights);
        (score * 100.0).round() / 100.0
    })
}

// ---------------------------------------------------------------------------------------------
// Anonymity

/// What a reviewee sees of one question's answers from one reviewer type.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Aggregate {
    /// Ratings: how many chose each point (lowest first) and the mean.
    Ratings {
        counts: Vec<(String, usize)>,
        mean: Option<f64>,
    },
    /// Texts, sorted so their order says nothing about who wrote them or when.
    Texts(Vec<String>),
    /// Choices: how many picked each option.
    Choices(Vec<(String, usize)>),
}

/// Anonymous answers of one reviewer type, or why they are withheld.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum AnonymousView {
    Shown {
        reviewers: usize,
        /// (question prompt, aggregate), in template order.
        questions: Vec<(String, Aggregate)>,
    },
    Withheld {
        reviewers: usize,
        reason: String,
    },
}

/// Aggregates the submitted answers of anonymous reviewers of one type, or withholds them when
/// fewer than `ANONYMITY_THRESHOLD` answered.
pub fn anonymous_view(
    def: &TemplateDefinition,
    scales: &[RatingScale],
    reviewer: ReviewerType,
    submitted: &[Answers],
) -> AnonymousView {
    let reviewers = submitted.len();
    if reviewers < ANONYMITY_THRESHOLD {
        let noun = reviewer.label().to_lowercase();
        return AnonymousView::Withheld {
            reviewers,
            reason: format!(
                "{} {noun} review{} submitted. Anonymous answers are shown only when at least {ANONYMITY_THRESHOLD} {noun} reviewers have answered, so that nobody can be identified.",
                if reviewers == 0 { "No".to_string() } else { reviewers.to_string() },
                if reviewers == 1 { " was" } else { "s were" },
            ),
        };
    }
    let questions = def
        .questions()
        .filter(|q| q.asks(reviewer))
        .map(|q| {
            let values: Vec<&str> = submitted
                .iter()
                .filter_map(|a| a.get(&q.key).map(String::as_str))
                .collect();
            let aggregate = if q.kind.is_rated() {
                let scale = q.scale_id.and_then(|id| scales.iter().find(|s| s.id == id));
                let numbers: Vec<i64> = values.iter().filter_map(|v| v.parse().ok()).collect();
                let counts = scale
                    .map(|s| {
                        s.points
                            .iter()
                            .map(|p| {
                                (
                                    p.label.clone(),
                                    numbers.iter().filter(|n| **n == p.value).count(),
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let mean = (!numbers.is_empty())
                    .then(|| numbers.iter().sum::<i64>() as f64 / numbers.len() as f64);
                Aggregate::Ratings { counts, mean }
            } else if q.kind == QuestionKind::Choice {
                Aggregate::Choices(
                    q.options
                        .iter()
                        .map(|o| (o.clone(), values.iter().filter(|v| **v == o).count()))
                        .collect(),
                )
            } else {
                let mut texts: Vec<String> = values.iter().map(|v| v.to_string()).collect();
                texts.sort();
                Aggregate::Texts(texts)
            };
            (q.prompt.clone(), aggregate)
        })
        .collect();
    AnonymousView::Shown {
        reviewers,
        questions,
    }
}

text_enum!(
    /// Which way the builder moves a section or question.
    MoveDirection in "direction" {
        Up = "up" / "Move up",
        Down = "down" / "Move down",
    }
);

impl MoveDirection {
    /// -1 for up, +1 for down.
    pub fn step(self) -> i32 {
        match self {
            MoveDirection::Up => -1,
            MoveDirection::Down => 1,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Cycles

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
    let peer_min = number(&mut errors, "cycle[peer_min]", &form.peer_min, 3);
    let peer_max = number(&mut errors, "cycle[peer_max]", &form.peer_max, 5);
    if peers && peer_max < peer_min.max(1) {
        errors.push(FieldError::new(
            "cycle[peer_max]",
            "The most peers must be at least the fewest, and at least 1.",
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
        anonymous: form.anonymous.is_some(),
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

/// A person's place in a cycle as lists show it.
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

/// Whether the writing deadline (the end of its day, UTC) has passed.
pub fn past_due(due: &str, today_day_number: i64) -> bool {
    crate::calendar::day_number(due).is_some_and(|d| today_day_number > d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_overall_scale_is_the_named_one_else_the_first_and_never_invented() {
        let scale = |id: ScaleId| RatingScale {
            id,
            name: format!("scale {id}"),
            points: vec![],
        };
        let mut definition = TemplateDefinition::default();
        assert_eq!(definition.overall_scale(&[]), None);
        assert_eq!(
            definition
                .overall_scale(&[scale(4), scale(7)])
                .map(|s| s.id),
            Some(4)
        );
        definition.overall_scale_id = Some(7);
        assert_eq!(
            definition
                .overall_scale(&[scale(4), scale(7)])
                .map(|s| s.id),
            Some(7)
        );
    }

    fn scale(id: ScaleId, n: i64) -> RatingScale {
        RatingScale {
            id,
            name: format!("1-{n}"),
            points: (1..=n)
                .map(|v| ScalePoint {
                    value: v,
                    label: format!("P{v}"),
                    description: String::new(),
                })
                .collect(),
        }
    }

    fn template() -> TemplateDefinition {
        let mut def = TemplateDefinition {
            overall_scale_id: Some(1),
            ..Default::default()
        };
        let s1 = def.add_section("Results");
        let q1 = def
            .add_question(&s1, QuestionKind::Rating, "Delivery")
            .unwrap();
        def.question_mut(&q1).unwrap().weight = 3;
        let q2 = def
            .add_question(&s1, QuestionKind::Text, "Highlights")
            .unwrap();
        def.question_mut(&q2).unwrap().required = false;
        let s2 = def.add_section("Behaviours");
        let q3 = def
            .add_question(&s2, QuestionKind::Rating, "Teamwork")
            .unwrap();
        let q = def.question_mut(&q3).unwrap();
        q.weight = 1;
        q.scale_id = Some(2);
        q.required = false;
        def
    }

    fn answers(pairs: &[(&str, &str)]) -> Answers {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn overall_score_weighs_each_answer_by_its_place_on_its_own_scale() {
        let def = template();
        let scales = [scale(1, 5), scale(2, 3)];
        // Delivery 4 of 1-5 = 0.75 (weight 3); Teamwork 3 of 1-3 = 1.0 (weight 1).
        // (3 * 0.75 + 1 * 1.0) / 4 = 0.8125 -> 1 + 0.8125 * 4 = 4.25.
        let score = overall_score(&def, &scales, &answers(&[("q2", "4"), ("q5", "3")]));
        assert_eq!(score, Some(4.25));
    }

    #[test]
    fn a_missing_optional_answer_leaves_the_other_weights_to_share_the_whole() {
        let def = template();
        let scales = [scale(1, 5), scale(2, 3)];
        assert_eq!(
            overall_score(&def, &scales, &answers(&[("q2", "4")])),
            Some(4.0)
        );
        assert_eq!(
            overall_score(&def, &scales, &answers(&[("q3", "text")])),
            None
        );
    }

    #[test]
    fn zero_weight_questions_do_not_count() {
        let mut def = template();
        def.question_mut("q5").unwrap().weight = 0;
        let scales = [scale(1, 5), scale(2, 3)];
        assert_eq!(
            overall_score(&def, &scales, &answers(&[("q2", "2"), ("q5", "3")])),
            Some(2.0)
        );
    }

    #[test]
    fn a_template_without_questions_is_refused() {
        let mut def = TemplateDefinition::default();
        def.add_section("Empty");
        let problems = template_problems(&def, &[scale(1, 5)]);
        assert!(problems.iter().any(|p| p.field == "template"));
        assert!(problems.iter().any(|p| p.field == "sections[s1]"));
    }

    #[test]
    fn a_rating_question_without_a_scale_is_refused_at_the_question() {
        let mut def = template();
        def.question_mut("q5").unwrap().scale_id = None;
        let problems = template_problems(&def, &[scale(1, 5), scale(2, 3)]);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].field, "questions[q5]");
        assert!(problems[0].message.contains("rating scale"));
    }

    #[test]
    fn weights_must_sum_as_declared() {
        let mut def = template();
        def.weights_total = Some(100);
        let problems = template_problems(&def, &[scale(1, 5), scale(2, 3)]);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, "weights_total");
        assert!(problems[0].message.contains("add up to 4"));
        def.weights_total = Some(4);
        assert!(template_problems(&def, &[scale(1, 5), scale(2, 3)]).is_empty());
    }

    #[test]
    fn competencies_describe_every_level() {
        let mut def = template();
        let s = def.sections[1].key.clone();
        let q = def
            .add_question(&s, QuestionKind::Competency, "Ownership")
            .unwrap();
        {
            let q = def.question_mut(&q).unwrap();
            q.competency = "Ownership".into();
            q.descriptors = vec!["a".into(), "b".into()];
        }
        let problems = template_problems(&def, &[scale(1, 5), scale(2, 3)]);
        assert!(problems[0].message.contains("5 levels"), "{problems:?}");
    }

    #[test]
    fn questions_move_within_and_across_sections_and_keys_survive() {
        let mut def = template();
        assert!(def.shift("q3", -1));
        assert_eq!(def.sections[0].questions[0].key, "q3");
        assert!(
            !def.shift("q3", -1),
            "the first question of the first section stays"
        );
        assert!(
            def.shift("q2", 1),
            "the last question of a section moves to the next"
        );
        assert_eq!(def.sections[1].questions[0].key, "q2");
        assert!(def.shift("s4", -1));
        assert_eq!(def.sections[0].key, "s4");
        assert!(def.remove("q2"));
        assert_eq!(def.question_count(), 2);
        let fresh = def.add_question("s1", QuestionKind::Text, "New").unwrap();
        assert_eq!(
            fresh, "q6",
            "keys are never reused, so old answers never attach to new questions"
        );
    }

    #[test]
    fn answers_are_checked_against_the_version_and_the_reviewer() {
        let mut def = template();
        def.question_mut("q3").unwrap().reviewers = vec![ReviewerType::Manager];
        def.question_mut("q3").unwrap().min_length = 10;
        let scales = [scale(1, 5), scale(2, 3)];
        let foreign = check_answers(
            &def,
            &scales,
            ReviewerType::Peer,
            &answers(&[("q99", "1")]),
            Completeness::Draft,
        );
        assert_eq!(foreign.unwrap_err()[0].field, "form");
        let not_mine = check_answers(
            &def,
            &scales,
            ReviewerType::Peer,
            &answers(&[("q3", "hi")]),
            Completeness::Draft,
        );
        assert!(
            not_mine.is_err(),
            "peers do not answer the manager's question"
        );
        let outside = check_answers(
            &def,
            &scales,
            ReviewerType::Peer,
            &answers(&[("q2", "6")]),
            Completeness::Draft,
        );
        assert_eq!(
            outside.unwrap_err()[0].message,
            "Choose a rating from 1 to 5."
        );
        let draft = check_answers(
            &def,
            &scales,
            ReviewerType::Peer,
            &answers(&[("q5", "2")]),
            Completeness::Draft,
        );
        assert!(draft.is_ok(), "drafts may leave required questions open");
        let submit = check_answers(
            &def,
            &scales,
            ReviewerType::Peer,
            &answers(&[("q5", "2"), ("q2", " ")]),
            Completeness::Submit,
        );
        let errors = submit.unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "answers[q2]");
        let short = check_answers(
            &def,
            &scales,
            ReviewerType::Manager,
            &answers(&[("q2", "3"), ("q3", "short")]),
            Completeness::Submit,
        );
        assert!(short.unwrap_err()[0].message.contains("at least 10"));
    }

    #[test]
    fn anonymous_answers_need_three_reviewers() {
        let def = template();
        let scales = [scale(1, 5), scale(2, 3)];
        let two = vec![answers(&[("q2", "4")]), answers(&[("q2", "2")])];
        match anonymous_view(&def, &scales, ReviewerType::Peer, &two) {
            AnonymousView::Withheld { reviewers, reason } => {
                assert_eq!(reviewers, 2);
                assert!(reason.contains("at least 3"), "{reason}");
            }
            other => panic!("two peers must be withheld, got {other:?}"),
        }
        let mut three = two.clone();
        three.push(answers(&[("q2", "3"), ("q3", "Always helpful")]));
        match anonymous_view(&def, &scales, ReviewerType::Peer, &three) {
            AnonymousView::Shown {
                reviewers,
                questions,
            } => {
                assert_eq!(reviewers, 3);
                assert_eq!(
                    questions[0].1,
                    Aggregate::Ratings {
                        counts: vec![
                            ("P1".into(), 0),
                            ("P2".into(), 1),
                            ("P3".into(), 1),
                            ("P4".into(), 1),
                            ("P5".into(), 0)
                        ],
                        mean: Some(3.0)
                    }
                );
                assert_eq!(
                    questions[1].1,
                    Aggregate::Texts(vec!["Always helpful".into()])
                );
            }
            other => panic!("three peers are shown, got {other:?}"),
        }
    }

    #[test]
    fn texts_are_sorted_so_order_reveals_nothing() {
        let def = template();
        let scales = [scale(1, 5), scale(2, 3)];
        let sets = vec![
            answers(&[("q3", "b")]),
            answers(&[("q3", "c")]),
            answers(&[("q3", "a")]),
        ];
        let AnonymousView::Shown { questions, .. } =
            anonymous_view(&def, &scales, ReviewerType::Peer, &sets)
        else {
            panic!("shown")
        };
        assert_eq!(
            questions[1].1,
            Aggregate::Texts(vec!["a".into(), "b".into(), "c".into()])
        );
    }

    #[test]
    fn scales_are_read_one_point_per_line() {
        let (name, points) = parse_scale(" Five ", "Poor: misses\nOK\n\nGreat").unwrap();
        assert_eq!(name, "Five");
        assert_eq!(points.len(), 3);
        assert_eq!(points[0].description, "misses");
        assert_eq!(points[2].value, 3);
        assert_eq!(parse_scale("", "One").unwrap_err().len(), 2);
    }

    #[test]
    fn cycle_dates_follow_the_phases() {
        let mut form = CycleForm {
            name: "H1".into(),
            starts_on: "2026-01-01".into(),
            ends_on: "2026-06-30".into(),
            template_id: "1".into(),
            reviewer_types: vec!["self".into(), "manager".into(), "peer".into()],
            nomination_due: "2026-07-10".into(),
            writing_due: "2026-07-05".into(),
            calibration_due: "2026-07-20".into(),
            release_due: "2026-07-30".into(),
            ..Default::default()
        };
        let errors = parse_cycle(&form).unwrap_err();
        assert_eq!(errors[0].field, "cycle[writing_due]");
        form.writing_due = "2026-07-15".into();
        form.target_distribution = "1=10\n2=80".into();
        assert!(parse_cycle(&form).unwrap_err()[0].message.contains("90"));
        form.target_distribution = "1=10\n2=90".into();
        let input = parse_cycle(&form).unwrap();
        assert_eq!(input.peer_min, 3);
        assert_eq!(input.reviewer_types.len(), 3);
    }

    #[test]
    fn cycles_skip_nomination_without_peers() {
        assert_eq!(CycleState::Draft.next(false), Some(CycleState::Writing));
        assert_eq!(CycleState::Draft.next(true), Some(CycleState::Nomination));
        assert_eq!(CycleState::Closed.next(true), None);
    }
}
