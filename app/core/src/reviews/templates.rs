//! Templates: sections of questions as one versioned document, the builder's changes, and
//! the problems that keep a template from being used.

use super::*;

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

pub(crate) fn lines(text: &str) -> Vec<String> {
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
