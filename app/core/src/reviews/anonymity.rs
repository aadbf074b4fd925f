//! Anonymity: anonymous peer and upward answers leave the server only aggregated, and only
//! from `ANONYMITY_THRESHOLD` reviewers of a type up.

use super::*;

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
