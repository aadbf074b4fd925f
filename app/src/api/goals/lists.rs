//! Lists of goals: mine, my team's, and the alignment tree (open nodes in the URL).

use super::*;

/// The signed-in person's goals for a period, with key results for a quick check-in.
#[server(prefix = "/api", endpoint = "list_my_goals")]
pub async fn list_my_goals(period_id: Option<PeriodId>) -> AppResult<MyGoalsPage> {
    use crate::auth::{current_user, state};
    let user = current_user()?;
    let pool = &state().pool;
    let choice = support::choose_period(pool, period_id).await?;
    let rows = crate::store::goals::goals_of(pool, user.id, choice.selected.id).await?;
    let goals = support::with_key_results(pool, &rows).await?;
    let plan_state = crate::store::goals::plan_state(pool, user.id, choice.selected.id).await?;
    let manager_name = crate::store::people::manager_chain(pool, user.id)
        .await?
        .first()
        .map(|m| m.name.clone());
    Ok(MyGoalsPage {
        choice,
        goals,
        plan_state,
        manager_name,
    })
}

/// A manager's direct reports and their goals for a period.
#[server(prefix = "/api", endpoint = "list_team_goals")]
pub async fn list_team_goals(period_id: Option<PeriodId>) -> AppResult<TeamGoalsPage> {
    use crate::auth::{current_user, state};
    use crate::store;
    let user = current_user()?;
    let pool = &state().pool;
    let choice = support::choose_period(pool, period_id).await?;
    let reports = store::people::direct_reports(pool, user.id).await?;
    let rows = store::goals::team_goals(pool, user.id, choice.selected.id).await?;
    let mut members: Vec<TeamMember> = reports
        .into_iter()
        .map(|r| TeamMember {
            id: r.id,
            name: r.name,
            title: r.title,
            plan_state: None,
            goals: Vec::new(),
        })
        .collect();
    for row in &rows {
        if let Some(member) = members.iter_mut().find(|m| m.id == row.owner_id) {
            if member.plan_state.is_none() {
                member.plan_state = row.plan_state();
            }
            member.goals.push(support::summarize(row, 0));
        }
    }
    Ok(TeamGoalsPage { choice, members })
}

/// The alignment tree for a period: company objectives at the top, and under each goal in
/// `open` (comma-separated ids) the goals aligned to it. With `search`, the goals whose title
/// matches, each with the path above it.
#[server(prefix = "/api", endpoint = "get_goal_tree")]
pub async fn get_goal_tree(
    period_id: Option<PeriodId>,
    open: String,
    search: String,
) -> AppResult<TreePage> {
    use crate::auth::{current_user, state};
    use crate::error::AppError;
    use crate::store;
    use std::collections::HashMap;
    let user = current_user()?;
    let pool = &state().pool;
    if search.chars().count() > 100 || keel_core::people::has_control_characters(&search) {
        return Err(AppError::invalid(
            "search",
            "Search for at most 100 plain characters.",
        ));
    }
    let choice = support::choose_period(pool, period_id).await?;
    let open: Vec<i64> = open
        .split(',')
        .filter_map(support::parse_id)
        .take(200)
        .collect();
    // Walk down from the roots, level by level, through the open goals only.
    let roots = store::goals::company_goals(pool, choice.selected.id).await?;
    let roots = support::visible_only(pool, &user, roots).await?;
    let mut children: HashMap<i64, Vec<store::goals::GoalRow>> = HashMap::new();
    let mut frontier: Vec<i64> = roots
        .iter()
        .map(|r| r.id)
        .filter(|id| open.contains(id))
        .collect();
    let mut all_ids: Vec<i64> = roots.iter().map(|r| r.id).collect();
    for _ in 0..16 {
        let mut next = Vec::new();
        for parent in frontier {
            let rows = store::goals::children_of(pool, parent, TREE_CHILDREN).await?;
            let rows = support::visible_only(pool, &user, rows).await?;
            for row in rows {
                all_ids.push(row.id);
                if open.contains(&row.id) {
                    next.push(row.id);
                }
                children.entry(parent).or_default().push(row);
            }
        }
        if next.is_empty() {
            break;
        }
        frontier = next;
    }
    let counts: HashMap<i64, i64> =
        store::goals::child_counts(pool, &all_ids, user.id, user.is_hr())
            .await?
            .into_iter()
            .collect();
    let mut nodes = Vec::new();
    fn push(
        row: &store::goals::GoalRow,
        depth: usize,
        open: &[i64],
        children: &HashMap<i64, Vec<store::goals::GoalRow>>,
        counts: &HashMap<i64, i64>,
        nodes: &mut Vec<TreeRow>,
    ) {
        let kids = children.get(&row.id);
        let shown = kids.map(|k| k.len() as i64).unwrap_or(0);
        let child_count = counts.get(&row.id).copied().unwrap_or(0).max(shown);
        let is_open = open.contains(&row.id) && child_count > 0;
        nodes.push(TreeRow::Goal(TreeNode {
            goal: support::summarize(row, child_count),
            depth,
            child_count,
            open: is_open,
        }));
        if is_open && depth < 16 {
            for kid in kids.into_iter().flatten() {
                push(kid, depth + 1, open, children, counts, nodes);
            }
            if child_count > shown {
                nodes.push(TreeRow::More {
                    depth: depth + 1,
                    count: child_count - shown,
                });
            }
        }
    }
    for root in &roots {
        push(root, 0, &open, &children, &counts, &mut nodes);
    }
    let mut matches = Vec::new();
    if !search.trim().is_empty() {
        let found = store::goals::search(pool, choice.selected.id, &search).await?;
        let found = support::visible_only(pool, &user, found).await?;
        for row in found.into_iter().take(30) {
            let above = store::goals::ancestors(pool, row.id).await?;
            let above = support::visible_only(pool, &user, above).await?;
            let path = above.iter().rev().map(|a| a.title.clone()).collect();
            matches.push(SearchMatch {
                goal: support::summarize(&row, 0),
                path,
            });
        }
    }
    Ok(TreePage {
        choice,
        nodes,
        matches,
    })
}
