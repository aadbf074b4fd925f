//! Anonymous reviews: peer and upward answers of an anonymous cycle leave the server only
//! aggregated (`crate::anonymity`), and only from `ANONYMITY_THRESHOLD` reviewers of a type up.

use super::*;
use crate::anonymity::{self, Aggregate};

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
    if !anonymity::enough(reviewers, ANONYMITY_THRESHOLD) {
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
                anonymity::ratings(&points, &values)
            } else if q.kind == QuestionKind::Choice {
                anonymity::choices(&q.options, &values)
            } else {
                anonymity::texts(&values)
            };
            (q.prompt.clone(), aggregate)
        })
        .collect();
    AnonymousView::Shown {
        reviewers,
        questions,
    }
}
