//! Creating and editing goals, and their status.

use super::*;

/// What the goal form offers: the periods, the goals one may align to in the period (public
/// or visible to the person), and the levels the person may set. `goal_id` when editing.
#[server(prefix = "/api", endpoint = "get_goal_form_options")]
pub async fn get_goal_form_options(
    period_id: Option<PeriodId>,
    goal_id: Option<GoalId>,
) -> AppResult<GoalFormData> {
    use crate::auth::{current_user, policy, state};
    use crate::error::AppError;
    use crate::store;
    use keel_core::goals::GoalLevel;
    let user = current_user()?;
    let pool = &state().pool;
    let existing = match goal_id {
        Some(id) => {
            let (row, rel) = support::visible_goal(pool, &user, id).await?;
            if !policy::may_edit_goal(&user, row.level(), rel) {
                return Err(AppError::Forbidden);
            }
            Some(get_goal(id, None, None).await?)
        }
        None => None,
    };
    let period_id = existing.as_ref().map(|e| e.period.id).or(period_id);
    let choice = support::choose_period(pool, period_id).await?;
    let period = choice.selected.id;
    // Candidates, for the goal's owner (the person signed in, or the owner of the goal being
    // edited): company and department goals of the period, the owner's manager's team goals,
    // and the owner's own goals.
    let owner = existing.as_ref().map_or(user.id, |e| e.goal.owner_id);
    let mut rows = store::goals::company_goals(pool, period).await?;
    let company_ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    for company in company_ids {
        rows.extend(
            store::goals::children_of(pool, company, PAGE_CHILDREN)
                .await?
                .into_iter()
                .filter(|r| r.level() == GoalLevel::Department),
        );
    }
    for manager in store::people::manager_chain(pool, owner)
        .await?
        .iter()
        .take(1)
    {
        rows.extend(
            store::goals::goals_of(pool, manager.id, period)
                .await?
                .into_iter()
                .filter(|r| r.level() != GoalLevel::Individual),
        );
    }
    rows.extend(store::goals::goals_of(pool, owner, period).await?);
    // Only goals in the owner's own line (the server checks it again on saving).
    let line = store::goals::line_of(pool, owner).await?;
    let mut in_line = Vec::with_capacity(rows.len());
    for row in rows {
        let parent = keel_core::goals::ParentFacts {
            level: row.level(),
            owner: row.owner_id,
            department: row.department_id,
        };
        if keel_core::goals::in_line(&parent, &line) {
            in_line.push(row);
        }
    }
    let rows = support::visible_only(pool, &user, in_line).await?;
    // The goal's current parent stays on offer even when it is no longer in the owner's line
    // (they moved, or it was aligned before the rule): saving the form must not unalign it.
    let mut parents: Vec<GoalRef> = existing
        .as_ref()
        .and_then(|e| e.parent.clone())
        .into_iter()
        .collect();
    for row in rows {
        if Some(row.id) != goal_id && !parents.iter().any(|p| p.id == row.id) {
            parents.push(row.to_ref());
        }
    }
    parents.sort_by_key(|p| p.level.rank());
    let me = policy::Relation::SELF;
    let levels = GoalLevel::ALL
        .iter()
        .copied()
        .filter(|l| policy::may_create_goal(&user, *l, me))
        .collect();
    Ok(GoalFormData {
        choice,
        parents,
        levels,
        existing,
    })
}

/// Adds a goal (for the signed-in person, or for `goal[owner_email]` when they manage them),
/// then opens it.
#[server(prefix = "/api", endpoint = "create_goal")]
pub async fn create_goal(goal: GoalForm, key_results: Option<Vec<KeyResultForm>>) -> AppResult<()> {
    use crate::auth::{current_user, policy, state};
    use crate::error::AppError;
    use crate::store;
    use keel_core::goals::{GoalInput, GoalLevel};
    let user = current_user()?;
    let pool = &state().pool;
    let input =
        GoalInput::parse(&goal, &key_results.unwrap_or_default()).map_err(AppError::Invalid)?;
    let owner = if input.owner_email.is_empty() || input.owner_email == user.email {
        user.id
    } else {
        store::people::active_id_by_email(pool, &input.owner_email)
            .await?
            .ok_or_else(|| AppError::invalid("owner_email", "No active person has that email."))?
    };
    let rel = crate::auth::relation(pool, &user, owner).await?;
    if !policy::may_create_goal(&user, input.level, rel) {
        return Err(AppError::Forbidden);
    }
    if store::goals::period(pool, input.period_id).await?.is_none() {
        return Err(AppError::invalid(
            "period_id",
            "Choose a period from the list.",
        ));
    }
    if input.level == GoalLevel::Individual {
        let plan = store::goals::plan_state(pool, owner, input.period_id).await?;
        if let Some(reason) = keel_core::goals::adding_locked_reason(input.level, plan) {
            return Err(AppError::Conflict(reason));
        }
    }
    support::check_parent(pool, &user, input.parent_id, input.period_id).await?;
    let department_id = match input.level {
        GoalLevel::Department => store::people::details(pool, owner)
            .await?
            .map(|d| d.department_id),
        _ => None,
    };
    let id = store::goals::create(
        pool,
        store::goals::NewGoal {
            input: &input,
            owner,
            department_id,
        },
        user.id,
    )
    .await?;
    leptos_axum::redirect(&format!("/goals/{id}"));
    Ok(())
}

/// Changes a goal and its key results, then opens it.
#[server(prefix = "/api", endpoint = "update_goal")]
pub async fn update_goal(
    id: GoalId,
    goal: GoalForm,
    key_results: Option<Vec<KeyResultForm>>,
) -> AppResult<()> {
    use crate::auth::{current_user, policy, state};
    use crate::error::AppError;
    use crate::store;
    use keel_core::goals::GoalInput;
    let user = current_user()?;
    let pool = &state().pool;
    let (row, rel) = support::visible_goal(pool, &user, id).await?;
    if !policy::may_edit_goal(&user, row.level(), rel) {
        return Err(AppError::Forbidden);
    }
    if let Some(reason) = support::locked_reason(&row) {
        return Err(AppError::Conflict(reason));
    }
    let mut form = goal;
    form.level = row.level.clone();
    form.period_id = row.period_id.to_string();
    let input =
        GoalInput::parse(&form, &key_results.unwrap_or_default()).map_err(AppError::Invalid)?;
    support::check_parent(pool, &user, input.parent_id, row.period_id).await?;
    store::goals::update(pool, id, &input, user.id).await?;
    leptos_axum::redirect(&format!("/goals/{id}"));
    Ok(())
}

/// Marks a goal completed, cancelled, or active again (within the goal-setting lock:
/// `keel_core::goals::status_locked_reason`, checked again where the status is written).
#[server(prefix = "/api", endpoint = "set_goal_status")]
pub async fn set_goal_status(id: GoalId, status: GoalStatus) -> AppResult<()> {
    use crate::auth::{current_user, policy, state};
    use crate::error::AppError;
    let user = current_user()?;
    let pool = &state().pool;
    let (row, rel) = support::visible_goal(pool, &user, id).await?;
    if !policy::may_edit_goal(&user, row.level(), rel) {
        return Err(AppError::Forbidden);
    }
    if let Some(reason) =
        keel_core::goals::status_locked_reason(row.level(), row.plan_state(), status)
    {
        return Err(AppError::Conflict(reason));
    }
    crate::store::goals::set_status(pool, id, status, user.id).await
}
