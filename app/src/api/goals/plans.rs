//! Goal-setting sessions (draft, submitted, changes requested, approved) and HR's completion
//! table.

use super::*;

/// A goal-setting session: one person's goals for a period, with the discussion on each.
#[server(prefix = "/api", endpoint = "get_goal_plan")]
pub async fn get_goal_plan(owner_id: PersonId, period_id: PeriodId) -> AppResult<PlanPage> {
    use crate::auth::{current_user, state};
    use crate::error::AppError;
    use crate::store;
    use keel_core::goals::GoalLevel;
    let user = current_user()?;
    let pool = &state().pool;
    let rel = crate::auth::relation(pool, &user, owner_id).await?;
    if !rel.is_self && !rel.in_chain && !user.is_hr() {
        return Err(AppError::Forbidden);
    }
    let owner = store::people::card(pool, owner_id)
        .await?
        .ok_or_else(|| AppError::not_found("That person"))?;
    let period = store::goals::period(pool, period_id)
        .await?
        .ok_or_else(|| AppError::not_found("That period"))?;
    let rows: Vec<_> = store::goals::goals_of(pool, owner_id, period_id)
        .await?
        .into_iter()
        .filter(|r| r.level() == GoalLevel::Individual)
        .collect();
    let with_krs = support::with_key_results(pool, &rows).await?;
    let mut goals = Vec::new();
    for (row, goal) in rows.iter().zip(with_krs) {
        let parent = match row.parent_id {
            Some(p) => store::goals::goal(pool, p).await?,
            None => None,
        };
        let parent = match parent {
            Some(p) => support::visible_only(pool, &user, vec![p]).await?.pop(),
            None => None,
        }
        .map(|p| p.to_ref());
        let comments = store::goals::history(pool, row.id, None, None)
            .await?
            .comments;
        goals.push(PlanGoal {
            goal,
            parent,
            comments,
        });
    }
    let manager_name = store::people::manager_chain(pool, owner_id)
        .await?
        .first()
        .map(|m| m.name.clone());
    Ok(PlanPage {
        owner_id,
        owner_name: owner.name,
        manager_name,
        period,
        state: store::goals::plan_state(pool, owner_id, period_id).await?,
        goals,
        viewer_is_owner: rel.is_self,
        viewer_is_manager: rel.in_chain,
    })
}

/// Moves a goal-setting session on (`PlanStep`: the owner submits or reopens, a manager above
/// them approves or requests changes). `comment` goes on the first goal's discussion.
#[server(prefix = "/api", endpoint = "move_goal_plan")]
pub async fn move_goal_plan(
    owner_id: PersonId,
    period_id: PeriodId,
    step: PlanStep,
    comment: String,
) -> AppResult<()> {
    use crate::auth::{current_user, state};
    use crate::error::AppError;
    use crate::store;
    use keel_core::goals::GoalLevel;
    let user = current_user()?;
    let pool = &state().pool;
    let rel = crate::auth::relation(pool, &user, owner_id).await?;
    let comment = keel_core::text::at_most(
        "comment",
        &comment,
        2000,
        "Keep the comment under 2,000 characters.",
    )?;
    let (from, to) = step.transition();
    let allowed = if step.by_owner() {
        rel.is_self
    } else {
        rel.in_chain
    };
    if !allowed {
        return Err(AppError::Forbidden);
    }
    if step.needs_reason() && comment.is_empty() {
        return Err(AppError::invalid("comment", "Say what should change."));
    }
    let first_goal = store::goals::goals_of(pool, owner_id, period_id)
        .await?
        .into_iter()
        .find(|r| r.level() == GoalLevel::Individual)
        .map(|r| r.id);
    let note = first_goal.map(|g| (g, comment.as_str()));
    store::goals::move_plan(pool, owner_id, period_id, from, to, note, user.id).await
}

/// HR: goal-setting completion for a period, by top-level department.
#[server(prefix = "/api", endpoint = "get_goal_completion")]
pub async fn get_goal_completion(period_id: Option<PeriodId>) -> AppResult<CompletionPage> {
    use crate::auth::{current_user, policy, state};
    use crate::store;
    use std::collections::HashMap;
    let user = current_user()?;
    policy::require(&user, policy::Action::ManagePeople)?;
    let pool = &state().pool;
    let choice = support::choose_period(pool, period_id).await?;
    let departments = store::departments::all(pool).await?;
    let tree = keel_core::org::DepartmentTree::new(departments.iter().map(|d| (d.id, d.parent_id)));
    let name: HashMap<i64, String> = departments.iter().map(|d| (d.id, d.name.clone())).collect();
    let mut rows: Vec<(i64, CompletionRow)> = Vec::new();
    for (department, people, approved, submitted, in_progress) in
        store::goals::completion(pool, choice.selected.id).await?
    {
        let root = tree.top_of(department);
        let index = match rows.iter().position(|(id, _)| *id == root) {
            Some(i) => i,
            None => {
                rows.push((
                    root,
                    CompletionRow {
                        department: name.get(&root).cloned().unwrap_or_default(),
                        people: 0,
                        approved: 0,
                        submitted: 0,
                        in_progress: 0,
                        not_started: 0,
                    },
                ));
                rows.len() - 1
            }
        };
        let row = &mut rows[index].1;
        row.people += people;
        row.approved += approved;
        row.submitted += submitted;
        row.in_progress += in_progress;
        row.not_started += people - approved - submitted - in_progress;
    }
    let mut rows: Vec<CompletionRow> = rows.into_iter().map(|(_, r)| r).collect();
    rows.sort_by(|a, b| a.department.cmp(&b.department));
    Ok(CompletionPage { choice, rows })
}
