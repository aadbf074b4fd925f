//! Rating scales: named, ordered points with a label and a description each.

use super::*;

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
