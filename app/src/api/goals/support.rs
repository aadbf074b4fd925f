//! Server-side helpers the goal functions share: visibility (the one place private goals are
//! filtered), summaries with health and staleness.

use super::{GoalSummary, GoalWithKeyResults, Uncounted};
use crate::auth::policy::{self, Relation};
use crate::auth::state;
use crate::error::{AppError, AppResult};
use crate::store::goals::GoalRow;
use crate::store::{self, Pool};
use keel_core::calendar::day_number;
use keel_core::goals::{
    expected_progress, health, is_stale, Confidence, GoalLevel, Period, PeriodId, PeriodKind,
    Visibility,
};
use keel_core::people::{CurrentUser, PersonId};
use std::collections::HashMap;

pub fn parse_id(text: &str) -> Option<i64> {
    text.trim().parse::<i64>().ok()
}

pub fn today() -> i64 {
    store::now().div_euclid(86_400)
}

/// Keeps the rows `user` may see: every public goal; private ones only for their owner,
/// the owner's managers and HR. Each distinct owner's reporting line is checked once.
pub async fn visible_only(
    pool: &Pool,
    user: &CurrentUser,
    rows: Vec<GoalRow>,
) -> AppResult<Vec<GoalRow>> {
    let mut verdicts: HashMap<PersonId, bool> = HashMap::new();
    let mut kept = Vec::with_capacity(rows.len());
    for row in rows {
        let private = row.visibility == Visibility::Private.as_str();
        let visible = if !private || user.is_hr() || row.owner_id == user.id {
            true
        } else if let Some(v) = verdicts.get(&row.owner_id) {
            *v
        } else {
            let rel = crate::auth::relation(pool, user, row.owner_id).await?;
            let v = policy::may_see_goal(user, private, rel);
            verdicts.insert(row.owner_id, v);
            v
        };
        if visible {
            kept.push(row);
        }
    }
    Ok(kept)
}

/// A stored goal as lists show it: health from progress against the calendar, and the
/// stale flag from the days since its last check-in.
pub fn summarize(row: &GoalRow, child_count: i64) -> GoalSummary {
    let today = today();
    let start = day_number(&row.starts_on).unwrap_or(today);
    let end = day_number(&row.ends_on).unwrap_or(today);
    let expected = expected_progress(start, end, today);
    let confidence = row.confidence.as_deref().and_then(Confidence::parse);
    let last_activity = row
        .last_check_in_at
        .unwrap_or(row.created_at)
        .div_euclid(86_400);
    GoalSummary {
        id: row.id,
        title: row.title.clone(),
        level: row.level(),
        owner_id: row.owner_id,
        owner_name: row.owner_name.clone(),
        period_id: row.period_id,
        period_name: row.period_name.clone(),
        visibility: Visibility::parse(&row.visibility).unwrap_or(Visibility::Public),
        status: row.status(),
        weight: row.weight,
        parent_id: row.parent_id,
        progress: row.progress,
        expected,
        health: health(row.status(), row.progress, expected, confidence),
        confidence,
        // Goals that roll up move with their aligned goals, not with check-ins of their own.
        stale: row.checks_in()
            && is_stale(
                row.status(),
                last_activity,
                today,
                state().config.stale_days,
                start,
                end,
            ),
        child_count,
        plan_state: row.plan_state(),
    }
}

/// Rows with their key results attached.
pub async fn with_key_results(pool: &Pool, rows: &[GoalRow]) -> AppResult<Vec<GoalWithKeyResults>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let krs = store::goals::key_results(pool, &ids).await?;
    Ok(rows
        .iter()
        .map(|row| GoalWithKeyResults {
            goal: summarize(row, 0),
            key_results: krs
                .iter()
                .filter(|(g, _)| *g == row.id)
                .map(|(_, kr)| kr.clone())
                .collect(),
        })
        .collect())
}

/// The period asked for, else the current quarter (else whatever period contains today,
/// else the latest).
pub async fn choose_period(
    pool: &Pool,
    wanted: Option<PeriodId>,
) -> AppResult<super::PeriodChoice> {
    let periods = store::goals::periods(pool).await?;
    let today = today();
    let contains = |p: &Period| {
        day_number(&p.starts_on).is_some_and(|s| s <= today)
            && day_number(&p.ends_on).is_some_and(|e| today <= e)
    };
    let selected = wanted
        .and_then(|id| periods.iter().find(|p| p.id == id))
        .or_else(|| {
            periods
                .iter()
                .find(|p| contains(p) && p.kind == PeriodKind::Quarter)
        })
        .or_else(|| periods.iter().find(|p| contains(p)))
        .or_else(|| periods.first())
        .cloned();
    match selected {
        Some(selected) => Ok(super::PeriodChoice { periods, selected }),
        None => Err(AppError::NotFound(
            "No goal periods are set up yet. HR adds them under Goals → Periods.".into(),
        )),
    }
}

/// A goal the viewer may see, or NotFound (a private goal is "not found" to others, so
/// its existence is not revealed).
pub async fn visible_goal(
    pool: &Pool,
    user: &CurrentUser,
    id: i64,
) -> AppResult<(GoalRow, Relation)> {
    let row = store::goals::goal(pool, id)
        .await?
        .ok_or_else(|| AppError::not_found("That goal"))?;
    let rel = crate::auth::relation(pool, user, row.owner_id).await?;
    if !policy::may_see_goal(user, row.is_private(), rel) {
        return Err(AppError::not_found("That goal"));
    }
    Ok((row, rel))
}

/// A parent chosen in the goal form must be a goal the user may see, in the same period.
pub async fn check_parent(
    pool: &Pool,
    user: &CurrentUser,
    parent: Option<i64>,
    period: PeriodId,
) -> AppResult<()> {
    let Some(parent) = parent else { return Ok(()) };
    let parent_row = match visible_goal(pool, user, parent).await {
        Ok((row, _)) => row,
        Err(AppError::NotFound(_)) => {
            return Err(AppError::invalid(
                "parent_id",
                "Choose a goal from the list.",
            ))
        }
        Err(other) => return Err(other),
    };
    if parent_row.period_id != period {
        return Err(AppError::invalid(
            "parent_id",
            "Align to a goal of the same period.",
        ));
    }
    Ok(())
}

/// Why `child` does not count towards `parent`'s progress, if it does not: the parent is not
/// rolled up, the child is cancelled, or `keel_core::goals::counts_towards_parent` says no (as
/// `store::goals::recompute` applies them).
pub fn uncounted(child: &GoalRow, parent: &GoalRow) -> Option<Uncounted> {
    use keel_core::goals::{counts_towards_parent, GoalStatus, ProgressMode, Visibility};
    if ProgressMode::parse(&parent.progress_mode) != Some(ProgressMode::RolledUp) {
        return Some(Uncounted::ParentManual);
    }
    if child.status() == GoalStatus::Cancelled {
        return Some(Uncounted::Cancelled);
    }
    let visibility =
        |row: &GoalRow| Visibility::parse(&row.visibility).unwrap_or(Visibility::Private);
    let agreed = child.level() != GoalLevel::Individual
        || child.plan_state() == Some(keel_core::goals::PlanState::Approved);
    let same_owner = child.owner_id == parent.owner_id;
    if counts_towards_parent(visibility(child), visibility(parent), same_owner, agreed) {
        None
    } else if !agreed {
        Some(Uncounted::NotAgreed)
    } else {
        Some(Uncounted::Private)
    }
}

/// Why the goal cannot be edited now, if it cannot (`keel_core::goals::locked_reason`).
pub fn locked_reason(row: &GoalRow) -> Option<String> {
    keel_core::goals::locked_reason(row.level(), row.plan_state())
}
