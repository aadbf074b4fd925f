//! One goal's page: key results, check-ins, forecast, aligned goals, discussion.

use super::*;

/// Everything on a goal's page: key results, the newest check-ins with their comments (or
/// those before the check-in `check_ins_before`), the discussion (paged the same way by
/// `comments_before`), the forecast, the goals aligned under it, and what the viewer may do.
#[server(prefix = "/api", endpoint = "get_goal")]
pub async fn get_goal(
    id: GoalId,
    check_ins_before: Option<i64>,
    comments_before: Option<i64>,
) -> AppResult<GoalDetail> {
    use crate::auth::{current_user, policy, state};
    use crate::error::AppError;
    use crate::store;
    use keel_core::analytics::forecast::forecast;
    use keel_core::calendar::day_number;
    use keel_core::goals::{GoalStatus, ProgressMode};
    let user = current_user()?;
    let pool = &state().pool;
    let (row, rel) = support::visible_goal(pool, &user, id).await?;
    let extra = store::goals::goal_extra(pool, id)
        .await?
        .ok_or_else(|| AppError::not_found("That goal"))?;
    let period = store::goals::period(pool, row.period_id)
        .await?
        .ok_or_else(|| AppError::not_found("That goal's period"))?;
    // The goals above it, nearest first: the parent is the first, when visible.
    let above = store::goals::ancestors(pool, id).await?;
    let above = support::visible_only(pool, &user, above).await?;
    let parent = above
        .first()
        .filter(|p| Some(p.id) == row.parent_id)
        .map(|p| p.to_ref());
    let path = above.iter().rev().map(|g| g.id).collect();
    let key_results = store::goals::key_results(pool, &[id])
        .await?
        .into_iter()
        .map(|(_, kr)| kr)
        .collect();
    let history = store::goals::history(pool, id, check_ins_before, comments_before).await?;
    let children = store::goals::children_of(pool, id, PAGE_CHILDREN).await?;
    let children = support::visible_only(pool, &user, children).await?;
    let aligned_total = store::goals::child_counts(pool, &[id], user.id, user.is_hr())
        .await?
        .first()
        .map_or(0, |(_, n)| *n)
        .max(children.len() as i64);
    let start = day_number(&period.starts_on).unwrap_or_default();
    let end = day_number(&period.ends_on).unwrap_or_default();
    // The chart and the forecast use every check-in's (day, progress), not only this page's.
    let progress_points: Vec<(i64, f64)> = store::goals::progress_series(pool, &[id])
        .await?
        .into_iter()
        .map(|(_, day, progress)| (day, progress))
        .collect();
    let goal_forecast = forecast(&progress_points, start, end);
    let child_ids: Vec<i64> = children.iter().map(|c| c.id).collect();
    let series = store::goals::progress_series(pool, &child_ids).await?;
    let mut forecast_count = 0;
    let mut miss_count = 0;
    for child in children.iter().filter(|c| c.status() == GoalStatus::Active) {
        let points: Vec<(i64, f64)> = series
            .iter()
            .filter(|(g, _, _)| *g == child.id)
            .map(|(_, d, p)| (*d, *p))
            .collect();
        if let Some(f) = forecast(&points, start, end) {
            forecast_count += 1;
            if f.misses() {
                miss_count += 1;
            }
        }
    }
    let level = row.level();
    let locked_reason = support::locked_reason(&row);
    let permissions = GoalPermissions {
        edit: policy::may_edit_goal(&user, level, rel) && locked_reason.is_none(),
        check_in: policy::may_check_in(&user, level, rel)
            && row.status() == GoalStatus::Active
            && !matches!(row.plan_state(), Some(p) if p != PlanState::Approved),
        comment: true,
    };
    let child_counts = aligned_total;
    let alignments = store::goals::alignments(pool, &child_ids)
        .await?
        .into_iter()
        .filter_map(|(goal_id, by, at)| {
            let child = children.iter().find(|c| c.id == goal_id)?;
            Some(Alignment {
                goal_id,
                by,
                at,
                uncounted: support::uncounted(child, &row),
            })
        })
        .collect();
    Ok(GoalDetail {
        goal: support::summarize(&row, child_counts),
        description: extra.description,
        progress_mode: ProgressMode::parse(&extra.progress_mode).unwrap_or(ProgressMode::Manual),
        department: extra.department,
        period,
        parent,
        path,
        key_results,
        check_ins: history.check_ins,
        earlier_check_ins: history.earlier_check_ins,
        comments: history.comments,
        earlier_comments: history.earlier_comments,
        progress_points,
        children: children.iter().map(|c| support::summarize(c, 0)).collect(),
        alignments,
        forecast: goal_forecast,
        children_forecast: (forecast_count, miss_count),
        today: support::today(),
        permissions,
        locked_reason,
    })
}
