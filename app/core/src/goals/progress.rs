//! Progress and its roll-up, health against the period's pace, staleness, and the alignment
//! loop check.

use super::*;

/// How far a key result has come from its start towards its target, 0..=100. Works for both
/// directions (the target may be below the start); overshooting counts as 100.
pub fn key_result_progress(start: f64, target: f64, current: f64) -> f64 {
    let span = target - start;
    if span == 0.0 || !span.is_finite() || !current.is_finite() {
        return 0.0;
    }
    clamp_percent((current - start) / span * 100.0)
}

fn clamp_percent(value: f64) -> f64 {
    if value.is_nan() {
        0.0
    } else {
        value.clamp(0.0, 100.0)
    }
}

/// The weighted mean of (weight, progress) pairs, 0..=100. When every weight is zero the
/// items count equally; no items means no progress.
pub fn weighted_progress(items: &[(i64, f64)]) -> f64 {
    if items.is_empty() {
        return 0.0;
    }
    let total: i64 = items.iter().map(|(w, _)| (*w).max(0)).sum();
    if total == 0 {
        let sum: f64 = items.iter().map(|(_, p)| clamp_percent(*p)).sum();
        return clamp_percent(sum / items.len() as f64);
    }
    let sum: f64 = items
        .iter()
        .map(|(w, p)| (*w).max(0) as f64 * clamp_percent(*p))
        .sum();
    clamp_percent(sum / total as f64)
}

/// One goal's progress: from its aligned goals (`children`, as weight and progress) when it
/// rolls up and has any, else from its key results (as weight and progress).
pub fn goal_progress(
    mode: ProgressMode,
    key_results: &[(i64, f64)],
    children: &[(i64, f64)],
) -> f64 {
    match mode {
        ProgressMode::RolledUp if !children.is_empty() => weighted_progress(children),
        _ => weighted_progress(key_results),
    }
}

/// A goal and everything aligned under it, for computing a whole tree's progress at once.
#[derive(Clone, Debug, PartialEq)]
pub struct ProgressTree {
    pub weight: i64,
    pub mode: ProgressMode,
    /// (weight, progress) of its key results.
    pub key_results: Vec<(i64, f64)>,
    pub children: Vec<ProgressTree>,
}

/// The progress of the tree's root, rolling up bottom-up where a goal asks for it.
pub fn tree_progress(tree: &ProgressTree) -> f64 {
    let children: Vec<(i64, f64)> = tree
        .children
        .iter()
        .map(|c| (c.weight, tree_progress(c)))
        .collect();
    goal_progress(tree.mode, &tree.key_results, &children)
}

// ---------------------------------------------------------------------------------------------
// Status and staleness

/// Where progress should be by `today` if it moved evenly from 0 at the period's first day to
/// 100 at its last, 0..=100.
pub fn expected_progress(start_day: i64, end_day: i64, today: i64) -> f64 {
    if end_day <= start_day {
        return if today >= end_day { 100.0 } else { 0.0 };
    }
    clamp_percent((today - start_day) as f64 / (end_day - start_day) as f64 * 100.0)
}

/// Points of progress a goal may trail the even pace and still be on track.
pub const ON_TRACK_SLACK: f64 = 10.0;
/// Points behind the even pace from which a goal is at risk.
pub const AT_RISK_GAP: f64 = 25.0;

/// A goal's health: done at 100 %, closed when completed or cancelled; otherwise progress
/// against the even pace (within 10 points: on track; within 25: behind; further: at risk),
/// made worse, never better, by the latest confidence (at risk -> at least behind; off track ->
/// at risk).
pub fn health(
    status: GoalStatus,
    progress: f64,
    expected: f64,
    confidence: Option<Confidence>,
) -> Health {
    match status {
        GoalStatus::Cancelled => return Health::Closed,
        GoalStatus::Completed => return Health::Done,
        GoalStatus::Active => {}
    }
    if progress >= 100.0 {
        return Health::Done;
    }
    let gap = expected - progress;
    let by_pace = if gap <= ON_TRACK_SLACK {
        Health::OnTrack
    } else if gap <= AT_RISK_GAP {
        Health::Behind
    } else {
        Health::AtRisk
    };
    match (confidence, by_pace) {
        (Some(Confidence::OffTrack), _) => Health::AtRisk,
        (Some(Confidence::AtRisk), Health::OnTrack) => Health::Behind,
        _ => by_pace,
    }
}

/// Whether an active goal has gone `stale_days` or more without a check-in (counting from its
/// creation when it never had one), judged only while its period runs.
pub fn is_stale(
    status: GoalStatus,
    last_activity_day: i64,
    today: i64,
    stale_days: i64,
    period_start_day: i64,
    period_end_day: i64,
) -> bool {
    status == GoalStatus::Active
        && today >= period_start_day
        && today <= period_end_day
        && today - last_activity_day.max(period_start_day) >= stale_days
}

// ---------------------------------------------------------------------------------------------
// Alignment

/// How far up an alignment chain Keel walks. Real chains are four levels deep (company,
/// department, team, individual); a longer one is refused as if it were a loop.
pub const MAX_ALIGNMENT_DEPTH: usize = 64;

/// Whether making `parent` the parent of `goal` would close a loop: true when `goal` is
/// `parent` itself or any goal above it, or when the chain above `parent` is longer than
/// `MAX_ALIGNMENT_DEPTH`. `parent_of` answers each goal's current parent.
pub fn would_create_cycle(
    goal: GoalId,
    parent: GoalId,
    mut parent_of: impl FnMut(GoalId) -> Option<GoalId>,
) -> bool {
    let mut current = Some(parent);
    let mut steps = 0;
    while let Some(id) = current {
        if id == goal {
            return true;
        }
        steps += 1;
        if steps > MAX_ALIGNMENT_DEPTH {
            // An existing loop (never written by Keel) or an absurd chain: refuse, never spin.
            return true;
        }
        current = parent_of(id);
    }
    false
}
