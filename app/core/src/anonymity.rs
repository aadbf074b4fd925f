//! Anonymity, shared by every feature that collects answers without names (anonymous reviews
//! today; surveys and upward feedback next): answers are shown only as aggregates, and only
//! once a group has enough of them that nobody can be singled out.

use serde::{Deserialize, Serialize};

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
}
