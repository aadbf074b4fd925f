//! Anonymity, shared by every feature that collects answers without names (anonymous reviews
//! today; surveys and upward feedback next): answers are shown only as aggregates, only once a
//! group has at least `threshold` respondents, and each question only once it has at least
//! `threshold` non-empty answers (so blank answers cannot single out the one who answered).
//! The threat model is in docs/ARCHITECTURE.md ("Anonymous answers").

use serde::{Deserialize, Serialize};

/// The threshold a group of anonymous answers gets unless HR sets another.
pub const DEFAULT_THRESHOLD: usize = 5;
/// The lowest threshold HR may set: for small teams, and stated wherever it applies.
pub const MIN_THRESHOLD: usize = 3;
/// The highest threshold HR may set.
pub const MAX_THRESHOLD: usize = 20;

/// A threshold HR typed: empty means `DEFAULT_THRESHOLD`; anything outside
/// `MIN_THRESHOLD..=MAX_THRESHOLD` is refused with the message to show.
pub fn parse_threshold(text: &str) -> Result<usize, String> {
    match text.trim() {
        "" => Ok(DEFAULT_THRESHOLD),
        t => t
            .parse::<usize>()
            .ok()
            .filter(|n| (MIN_THRESHOLD..=MAX_THRESHOLD).contains(n))
            .ok_or_else(|| {
                format!(
                    "Enter a number from {MIN_THRESHOLD} (the floor, for small teams) to {MAX_THRESHOLD}."
                )
            }),
    }
}

/// What readers see of one question's anonymous answers.
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
    /// Fewer than the threshold answered this question (how many is not said).
    TooFewAnswers,
}

/// One question's aggregate from its non-empty answers, or `TooFewAnswers` below `threshold`.
pub fn question(
    threshold: usize,
    values: &[&str],
    aggregate: impl FnOnce(&[&str]) -> Aggregate,
) -> Aggregate {
    let answered: Vec<&str> = values
        .iter()
        .copied()
        .filter(|v| !v.trim().is_empty())
        .collect();
    if enough(answered.len(), threshold) {
        aggregate(&answered)
    } else {
        Aggregate::TooFewAnswers
    }
}

/// Whether a group of `answers` may be shown at all under `threshold`.
pub fn enough(answers: usize, threshold: usize) -> bool {
    answers >= threshold
}

/// Counts per point of a scale (`(label, value)`, lowest first) and the mean of the values that
/// are numbers; anything else is ignored.
pub fn ratings(points: &[(String, i64)], values: &[&str]) -> Aggregate {
    let numbers: Vec<i64> = values.iter().filter_map(|v| v.parse().ok()).collect();
    let counts = points
        .iter()
        .map(|(label, value)| {
            (
                label.clone(),
                numbers.iter().filter(|n| *n == value).count(),
            )
        })
        .collect();
    let mean =
        (!numbers.is_empty()).then(|| numbers.iter().sum::<i64>() as f64 / numbers.len() as f64);
    Aggregate::Ratings { counts, mean }
}

/// How many picked each option, in the options' order.
pub fn choices(options: &[String], values: &[&str]) -> Aggregate {
    Aggregate::Choices(
        options
            .iter()
            .map(|o| (o.clone(), values.iter().filter(|v| **v == o).count()))
            .collect(),
    )
}

/// The texts, sorted: their order says nothing about who wrote them, or when.
pub fn texts(values: &[&str]) -> Aggregate {
    let mut texts: Vec<String> = values.iter().map(|v| v.to_string()).collect();
    texts.sort();
    Aggregate::Texts(texts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aggregates_say_how_many_not_who() {
        let points = [("Low".to_string(), 1), ("High".to_string(), 2)];
        assert_eq!(
            ratings(&points, &["2", "2", "1", "n/a"]),
            Aggregate::Ratings {
                counts: vec![("Low".into(), 1), ("High".into(), 2)],
                mean: Some(5.0 / 3.0),
            }
        );
        assert_eq!(
            ratings(&points, &[]),
            Aggregate::Ratings {
                counts: vec![("Low".into(), 0), ("High".into(), 0)],
                mean: None
            }
        );
        assert_eq!(
            texts(&["b", "a", "c"]),
            Aggregate::Texts(vec!["a".into(), "b".into(), "c".into()])
        );
        let options = ["Yes".to_string(), "No".to_string()];
        assert_eq!(
            choices(&options, &["No", "No", "Maybe"]),
            Aggregate::Choices(vec![("Yes".into(), 0), ("No".into(), 2)])
        );
        assert!(enough(3, 3) && !enough(2, 3));
    }

    #[test]
    fn a_question_needs_threshold_non_empty_answers() {
        // Two colluding reviewers leave a question blank: the third's answer alone is not shown.
        assert_eq!(
            question(3, &["", " ", "only me"], texts),
            Aggregate::TooFewAnswers
        );
        assert_eq!(
            question(3, &["a", "", "c", "b"], texts),
            Aggregate::Texts(vec!["a".into(), "b".into(), "c".into()])
        );
    }

    #[test]
    fn thresholds_run_from_the_small_team_floor_to_twenty() {
        assert_eq!(parse_threshold(""), Ok(DEFAULT_THRESHOLD));
        assert_eq!(parse_threshold(" 3 "), Ok(3));
        assert_eq!(parse_threshold("20"), Ok(20));
        for bad in ["2", "21", "five", "-4"] {
            assert!(
                parse_threshold(bad).unwrap_err().contains("from 3"),
                "{bad}"
            );
        }
    }

    proptest::proptest! {
        /// Whatever the answers, an aggregate is shown only from `threshold` non-empty answers,
        /// and then it counts exactly those.
        #[test]
        fn nothing_is_shown_below_the_threshold(
            values in proptest::collection::vec("[ab ]{0,2}", 0..12),
            threshold in MIN_THRESHOLD..8usize,
        ) {
            let refs: Vec<&str> = values.iter().map(String::as_str).collect();
            let answered = values.iter().filter(|v| !v.trim().is_empty()).count();
            match question(threshold, &refs, texts) {
                Aggregate::TooFewAnswers => proptest::prop_assert!(answered < threshold),
                Aggregate::Texts(shown) => {
                    proptest::prop_assert!(answered >= threshold);
                    proptest::prop_assert_eq!(shown.len(), answered);
                }
                other => proptest::prop_assert!(false, "unexpected {:?}", other),
            }
        }
    }
}
