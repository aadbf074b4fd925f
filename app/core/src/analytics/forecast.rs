//! Where a goal will land: from its check-in series (day, progress %), the projected progress
//! at the period's end with an 80 % interval, and the probability of reaching 100 %.
//!
//! Method: with 3 or more check-ins, an ordinary least-squares line through them, projected to
//! the last day, with the 80 % prediction interval of that line (Student's t). With 1 or 2
//! check-ins, the pace so far (from 0 % on the first day to the latest check-in) continued to
//! the end, with an interval of ±50 % of the gain still to come. The probability treats the
//! projection as normally distributed with the interval's spread.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ForecastMethod {
    /// A straight line fitted through 3 or more check-ins.
    Trend,
    /// The average pace so far, with fewer than 3 check-ins.
    Pace,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Forecast {
    /// Projected progress on the period's last day, 0..=100.
    pub projected: f64,
    /// The 80 % interval around it, clamped to 0..=100.
    pub low: f64,
    pub high: f64,
    /// Chance of reaching 100 % by the last day, 0..=1.
    pub probability: f64,
    pub method: ForecastMethod,
}

impl Forecast {
    /// Forecast to miss: less than an even chance of reaching the target.
    pub fn misses(&self) -> bool {
        self.probability < 0.5
    }
}

/// The sentence shown under every forecast chart.
pub const METHOD_NOTE: &str = "Forecast: with three or more check-ins, a straight line fitted \
through them and projected to the period's last day, shaded with its 80% prediction interval; \
with fewer, the pace so far continued to the end (±50% of the remaining gain).";

const TARGET: f64 = 100.0;
/// The smallest spread assumed, in points, so a perfectly straight series still has some doubt.
const MIN_SPREAD: f64 = 1.0;
/// z for a one-sided 90 % (two-sided 80 %) normal interval.
const Z80: f64 = 1.281_551_6;

/// Forecasts from check-ins `points` (day, progress), in any order, for a period from
/// `start_day` to `end_day`. None when there is nothing to go on (no check-ins, or none after
/// the period started).
pub fn forecast(points: &[(i64, f64)], start_day: i64, end_day: i64) -> Option<Forecast> {
    let mut points: Vec<(f64, f64)> = points
        .iter()
        .filter(|(_, v)| v.is_finite())
        .map(|(d, v)| (*d as f64, v.clamp(0.0, 100.0)))
        .collect();
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (last_day, last_value) = *points.last()?;
    let end = end_day as f64;
    if last_value >= TARGET {
        return Some(Forecast {
            projected: TARGET,
            low: TARGET,
            high: TARGET,
            probability: 1.0,
            method: ForecastMethod::Pace,
        });
    }
    let distinct_days = {
        let mut days: Vec<f64> = points.iter().map(|p| p.0).collect();
        days.dedup();
        days.len()
    };
    if points.len() >= 3 && distinct_days >= 2 {
        Some(trend(&points, end))
    } else {
        let elapsed = last_day - start_day as f64;
        if elapsed <= 0.0 {
            return None;
        }
        let rate = last_value / elapsed;
        let remaining_days = (end - last_day).max(0.0);
        let projected = last_value + rate * remaining_days;
        let half_width = ((projected - last_value) * 0.5).max(MIN_SPREAD);
        Some(finish(projected, half_width, Z80, ForecastMethod::Pace))
    }
}

fn trend(points: &[(f64, f64)], x0: f64) -> Forecast {
    let n = points.len() as f64;
    let mean_x = points.iter().map(|p| p.0).sum::<f64>() / n;
    let mean_y = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
    let slope = sxy / sxx;
    let intercept = mean_y - slope * mean_x;
    let projected = intercept + slope * x0;
    let sse: f64 = points
        .iter()
        .map(|p| (p.1 - (intercept + slope * p.0)).powi(2))
        .sum();
    let df = points.len() - 2;
    let s = if df > 0 {
        (sse / df as f64).sqrt()
    } else {
        0.0
    };
    let se = s * (1.0 + 1.0 / n + (x0 - mean_x).powi(2) / sxx).sqrt();
    let t = t_90(df);
    let half_width = (t * se).max(MIN_SPREAD);
    finish(projected, half_width, t, ForecastMethod::Trend)
}

fn finish(projected: f64, half_width: f64, quantile: f64, method: ForecastMethod) -> Forecast {
    // The interval's spread as a standard deviation; the chance the outcome is >= 100.
    let sd = half_width / quantile;
    let probability = 1.0 - normal_cdf((TARGET - projected) / sd);
    Forecast {
        projected: projected.clamp(0.0, 100.0),
        low: (projected - half_width).clamp(0.0, 100.0),
        high: (projected + half_width).clamp(0.0, 100.0),
        probability: probability.clamp(0.0, 1.0),
        method,
    }
}

/// Student's t quantile for a one-sided 90 % level (the two-sided 80 % interval).
fn t_90(df: usize) -> f64 {
    const TABLE: [f64; 10] = [
        3.078, 1.886, 1.638, 1.533, 1.476, 1.440, 1.415, 1.397, 1.383, 1.372,
    ];
    match df {
        0 => TABLE[0],
        1..=10 => TABLE[df - 1],
        11..=15 => 1.341,
        16..=20 => 1.325,
        21..=30 => 1.310,
        _ => Z80,
    }
}

/// The standard normal distribution function (Abramowitz & Stegun 7.1.26, error < 1.5e-7).
pub fn normal_cdf(z: f64) -> f64 {
    if z.is_nan() {
        return 0.5;
    }
    let x = z.abs() / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * x);
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let erf = 1.0 - poly * (-x * x).exp();
    if z >= 0.0 {
        0.5 * (1.0 + erf)
    } else {
        0.5 * (1.0 - erf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn no_check_ins_no_forecast() {
        assert_eq!(forecast(&[], 0, 90), None);
        assert_eq!(forecast(&[(0, 10.0)], 0, 90), None);
    }

    #[test]
    fn a_perfectly_even_series_lands_on_target_with_even_odds() {
        let f = forecast(&[(30, 33.3333), (45, 50.0), (60, 66.6667)], 0, 90).unwrap();
        assert_eq!(f.method, ForecastMethod::Trend);
        assert!((f.projected - 100.0).abs() < 0.01, "{f:?}");
        assert!((f.probability - 0.5).abs() < 0.01, "{f:?}");
    }

    #[test]
    fn a_slow_series_is_forecast_to_miss_and_a_fast_one_to_hit() {
        let slow = forecast(&[(30, 10.0), (45, 14.0), (60, 21.0)], 0, 90).unwrap();
        assert!(slow.projected < 40.0 && slow.misses(), "{slow:?}");
        let fast = forecast(&[(20, 40.0), (40, 70.0), (50, 85.0)], 0, 90).unwrap();
        assert!(fast.probability > 0.9, "{fast:?}");
    }

    #[test]
    fn with_fewer_than_three_check_ins_the_pace_continues() {
        let f = forecast(&[(45, 30.0)], 0, 90).unwrap();
        assert_eq!(f.method, ForecastMethod::Pace);
        assert!((f.projected - 60.0).abs() < 1e-9);
        assert!(
            (f.low - 45.0).abs() < 1e-9 && (f.high - 75.0).abs() < 1e-9,
            "{f:?}"
        );
        assert!(f.misses());
    }

    #[test]
    fn a_finished_goal_is_certain() {
        let f = forecast(&[(10, 50.0), (20, 100.0)], 0, 90).unwrap();
        assert_eq!(f.probability, 1.0);
        assert_eq!(f.projected, 100.0);
    }

    #[test]
    fn the_interval_matches_a_hand_computed_prediction_interval() {
        // x = 10, 20, 30, 40; y = 10, 25, 28, 45. OLS: slope 540/500 = 1.08, intercept 0;
        // SSE 34.8 so s^2 = 34.8/2; at x0 = 90: yhat = 97.2, se = s*sqrt(1 + 1/4 + 65^2/500).
        let f = forecast(&[(10, 10.0), (20, 25.0), (30, 28.0), (40, 45.0)], 0, 90).unwrap();
        let s = (34.8f64 / 2.0).sqrt();
        let se = s * (1.0 + 0.25 + 65.0f64.powi(2) / 500.0).sqrt();
        assert!((f.projected - 97.2).abs() < 1e-6, "{f:?}");
        assert!((f.low - (97.2 - 1.886 * se)).abs() < 1e-6, "{f:?}");
    }

    #[test]
    fn normal_cdf_known_values() {
        assert!((normal_cdf(0.0) - 0.5).abs() < 1e-7);
        assert!((normal_cdf(1.2815516) - 0.9).abs() < 1e-5);
        assert!((normal_cdf(-1.96) - 0.025).abs() < 1e-4);
    }

    proptest! {
        #[test]
        fn forecasts_are_ordered_and_bounded(values in proptest::collection::vec(0.0f64..100.0, 1..12), gap in 1i64..20) {
            let points: Vec<(i64, f64)> = values.iter().enumerate().map(|(i, v)| ((i as i64 + 1) * gap, *v)).collect();
            let f = forecast(&points, 0, 13 * gap).unwrap();
            prop_assert!(f.low <= f.projected && f.projected <= f.high);
            prop_assert!((0.0..=100.0).contains(&f.low) && (0.0..=100.0).contains(&f.high));
            prop_assert!((0.0..=1.0).contains(&f.probability));
        }

        #[test]
        fn more_progress_never_lowers_the_chance(values in proptest::collection::vec(0.0f64..80.0, 3..8), lift in 0.0f64..20.0) {
            let points: Vec<(i64, f64)> = values.iter().enumerate().map(|(i, v)| ((i as i64 + 1) * 7, *v)).collect();
            let lifted: Vec<(i64, f64)> = points.iter().map(|(d, v)| (*d, v + lift)).collect();
            let a = forecast(&points, 0, 90).unwrap();
            let b = forecast(&lifted, 0, 90).unwrap();
            prop_assert!(b.probability + 1e-9 >= a.probability);
        }
    }
}
