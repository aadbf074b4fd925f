//! Answers and the overall score: checking answers against the template, and the weighted
//! score placed on the template's overall scale.

use super::*;

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
