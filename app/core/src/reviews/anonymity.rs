//! Anonymous reviews: peer and upward answers of an anonymous cycle leave the server only
//! aggregated (`crate::anonymity`): a type only from the cycle's threshold of reviewers up,
//! each question only from that many non-empty answers up.

use super::*;
use crate::anonymity::{self, Aggregate};

/// Anonymous answers of one reviewer type, or why they are withheld (never with a count below
/// the threshold: how many have answered so far is itself a clue).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum AnonymousView {
    Shown {
        reviewers: usize,
        /// The cycle's threshold, which each question's non-empty answers had to reach.
        threshold: usize,
        /// (question prompt, aggregate), in template order.
        questions: Vec<(String, Aggregate)>,
    },
    Withheld {
        reason: String,
    },
}

/// Why anonymous answers of `reviewer` are not shown while writing is open.
pub fn withheld_while_writing(reviewer: ReviewerType, threshold: usize) -> AnonymousView {
    let noun = reviewer.label().to_lowercase();
    AnonymousView::Withheld {
        reason: format!(
            "Anonymous {noun} answers are shown once writing has closed, and only if at least {threshold} {noun} reviewers answered, so that nobody can be identified."
        ),
    }
}

/// Aggregates the anonymous answers of one reviewer type: `reviewers` submitted, `answers` is
/// every stored (question key, answer) of theirs, in no particular order. Withheld when fewer
/// than `threshold` submitted; a question with fewer than `threshold` non-empty answers shows
/// `Aggregate::TooFewAnswers`.
pub fn anonymous_view(
    def: &TemplateDefinition,
    scales: &[RatingScale],
    reviewer: ReviewerType,
    threshold: usize,
    reviewers: usize,
    answers: &[(String, String)],
) -> AnonymousView {
    if !anonymity::enough(reviewers, threshold) {
        let noun = reviewer.label().to_lowercase();
        return AnonymousView::Withheld {
            reason: format!(
                "Fewer than {threshold} {noun} reviewers answered. Anonymous answers are shown only from {threshold} reviewers up, so that nobody can be identified."
            ),
        };
    }
    let questions = def
        .questions()
        .filter(|q| q.asks(reviewer))
        .map(|q| {
            let values: Vec<&str> = answers
                .iter()
                .filter(|(key, _)| *key == q.key)
                .map(|(_, value)| value.as_str())
                .collect();
            let aggregate = anonymity::question(threshold, &values, |values| {
                if q.kind.is_rated() {
                    let points: Vec<(String, i64)> = q
                        .scale_id
                        .and_then(|id| scales.iter().find(|s| s.id == id))
                        .map(|s| {
                            s.points
                                .iter()
                                .map(|p| (p.label.clone(), p.value))
                                .collect()
                        })
                        .unwrap_or_default();
                    anonymity::ratings(&points, values)
                } else if q.kind == QuestionKind::Choice {
                    anonymity::choices(&q.options, values)
                } else {
                    anonymity::texts(values)
                }
            });
            (q.prompt.clone(), aggregate)
        })
        .collect();
    AnonymousView::Shown {
        reviewers,
        threshold,
        questions,
    }
}
