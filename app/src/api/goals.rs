//! Goals and OKRs: periods, my goals, team goals, the alignment tree, a goal's page, check-ins,
//! comments, and goal-setting sessions between a person and their manager.
//!
//! Private goals are filtered here, in one function (`support::visible_only`), before any list,
//! tree, search or count leaves the server.

use crate::error::AppResult;
use keel_core::goals::{
    GoalDetail, GoalForm, GoalId, GoalRef, GoalStatus, GoalSummary, GoalWithKeyResults,
    KeyResultForm, Period, PeriodId, PlanState, PlanStep,
};
use keel_core::people::PersonId;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The periods, and the one to show by default (the current quarter, else the latest).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PeriodChoice {
    pub periods: Vec<Period>,
    pub selected: Period,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MyGoalsPage {
    pub choice: PeriodChoice,
    pub goals: Vec<GoalWithKeyResults>,
    pub plan_state: Option<PlanState>,
    pub manager_name: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TeamMember {
    pub id: PersonId,
    pub name: String,
    pub title: String,
    pub plan_state: Option<PlanState>,
    pub goals: Vec<GoalSummary>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TeamGoalsPage {
    pub choice: PeriodChoice,
    pub members: Vec<TeamMember>,
}

/// One row of the alignment tree: a goal, how deep it sits, how many goals align under it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TreeNode {
    pub goal: GoalSummary,
    pub depth: usize,
    pub child_count: i64,
    pub open: bool,
}

/// A line of the alignment tree: a goal, or the note that an open goal has more aligned goals
/// than the tree lists (past the first `TREE_CHILDREN`; search finds them).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum TreeRow {
    Goal(TreeNode),
    More { depth: usize, count: i64 },
}

/// At most this many aligned goals are listed under an open goal in the tree.
pub const TREE_CHILDREN: usize = 50;
/// At most this many aligned goals are loaded for a goal's page and its forecast roll-up.
pub const PAGE_CHILDREN: usize = 200;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchMatch {
    pub goal: GoalSummary,
    /// Titles of the goals above it, top first.
    pub path: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TreePage {
    pub choice: PeriodChoice,
    pub nodes: Vec<TreeRow>,
    pub matches: Vec<SearchMatch>,
}

/// A goal-setting session as both the owner and their manager see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanPage {
    pub owner_id: PersonId,
    pub owner_name: String,
    pub manager_name: Option<String>,
    pub period: Period,
    pub state: Option<PlanState>,
    pub goals: Vec<PlanGoal>,
    pub viewer_is_owner: bool,
    pub viewer_is_manager: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanGoal {
    pub goal: GoalWithKeyResults,
    pub parent: Option<GoalRef>,
    pub comments: Vec<keel_core::goals::GoalComment>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CompletionRow {
    pub department: String,
    pub people: i64,
    pub approved: i64,
    pub submitted: i64,
    pub in_progress: i64,
    pub not_started: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CompletionPage {
    pub choice: PeriodChoice,
    pub rows: Vec<CompletionRow>,
}

/// What the goal form needs: periods, the goals one may align to, and the levels one may set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GoalFormData {
    pub choice: PeriodChoice,
    pub parents: Vec<GoalRef>,
    pub levels: Vec<keel_core::goals::GoalLevel>,
    /// When editing: the goal as it is now.
    pub existing: Option<GoalDetail>,
}

/// A value typed into the check-in form for one key result.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckInValueForm {
    #[serde(default)]
    pub key_result_id: String,
    #[serde(default)]
    pub value: String,
}

#[cfg(feature = "ssr")]
pub(crate) mod support {
    use crate::auth::policy::{self, GoalRelation};
    use crate::auth::state;
    use crate::error::{AppError, AppResult};
    use crate::store::goals::GoalRow;
    use crate::store::{self, Pool};
    use keel_core::calendar::day_number;
    use keel_core::goals::{
        expected_progress, health, is_stale, Confidence, GoalLevel, GoalSummary,
        GoalWithKeyResults, Period, PeriodId, PeriodKind, Visibility,
    };
    use keel_core::people::{CurrentUser, PersonId};
    use std::collections::HashMap;

    pub fn parse_id(text: &str) -> Option<i64> {
        text.trim().parse::<i64>().ok()
    }

    pub fn today() -> i64 {
        store::now().div_euclid(86_400)
    }

    /// How `user` stands to `owner`.
    pub async fn relation(
        pool: &Pool,
        user: &CurrentUser,
        owner: PersonId,
    ) -> AppResult<GoalRelation> {
        let is_owner = user.id == owner;
        let manages_owner = !is_owner && store::people::reports_to(pool, owner, user.id).await?;
        Ok(GoalRelation {
            is_owner,
            manages_owner,
        })
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
                let rel = relation(pool, user, row.owner_id).await?;
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
    pub async fn with_key_results(
        pool: &Pool,
        rows: &[GoalRow],
    ) -> AppResult<Vec<GoalWithKeyResults>> {
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
    ) -> AppResult<(GoalRow, GoalRelation)> {
        let row = store::goals::goal(pool, id)
            .await?
            .ok_or_else(|| AppError::not_found("That goal"))?;
        let rel = relation(pool, user, row.owner_id).await?;
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

    /// Why the goal cannot be edited right now, if it cannot: individual goals are edited while
    /// their goal-setting session is a draft or has changes requested.
    pub fn locked_reason(row: &GoalRow) -> Option<String> {
        if row.level() != GoalLevel::Individual {
            return None;
        }
        match row.plan_state() {
            Some(keel_core::goals::PlanState::Submitted) => Some(
                "These goals are with the manager for approval; they can be changed again if the manager asks for changes."
                    .into(),
            ),
            Some(keel_core::goals::PlanState::Approved) => Some(
                "Approved goals are locked. Request a change to reopen them with your manager.".into(),
            ),
            _ => None,
        }
    }
}

/// The periods goals are set for (every signed-in person).
#[server(prefix = "/api", endpoint = "goal_periods")]
pub async fn goal_periods() -> AppResult<Vec<Period>> {
    use crate::auth::{current_user, state};
    current_user()?;
    crate::store::goals::periods(&state().pool).await
}

/// HR adds a goal period.
#[server(prefix = "/api", endpoint = "create_goal_period")]
pub async fn create_goal_period(
    name: String,
    kind: String,
    starts_on: String,
    ends_on: String,
) -> AppResult<()> {
    use crate::auth::{current_user, policy, state};
    use crate::error::AppError;
    let user = current_user()?;
    policy::require(&user, policy::Action::ManagePeople)?;
    let (name, kind, starts_on, ends_on) =
        keel_core::goals::parse_period(&name, &kind, &starts_on, &ends_on)
            .map_err(AppError::Invalid)?;
    crate::store::goals::create_period(&state().pool, &name, kind, &starts_on, &ends_on, user.id)
        .await?;
    Ok(())
}

/// The signed-in person's goals for a period, with key results for a quick check-in.
#[server(prefix = "/api", endpoint = "my_goals")]
pub async fn my_goals(period_id: Option<PeriodId>) -> AppResult<MyGoalsPage> {
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
#[server(prefix = "/api", endpoint = "team_goals")]
pub async fn team_goals(period_id: Option<PeriodId>) -> AppResult<TeamGoalsPage> {
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
#[server(prefix = "/api", endpoint = "goal_tree")]
pub async fn goal_tree(
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

/// Everything on a goal's page: key results, check-ins with their comments, the forecast, the
/// goals aligned under it, and what the viewer may do.
#[server(prefix = "/api", endpoint = "get_goal")]
pub async fn get_goal(id: GoalId) -> AppResult<GoalDetail> {
    use crate::auth::{current_user, policy, state};
    use crate::error::AppError;
    use crate::store;
    use keel_core::analytics::forecast::forecast;
    use keel_core::calendar::day_number;
    use keel_core::goals::{GoalPermissions, GoalStatus, ProgressMode};
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
    let (check_ins, comments) = store::goals::history(pool, id).await?;
    let children = store::goals::children_of(pool, id, PAGE_CHILDREN).await?;
    let children = support::visible_only(pool, &user, children).await?;
    let aligned_total = store::goals::child_counts(pool, &[id], user.id, user.is_hr())
        .await?
        .first()
        .map_or(0, |(_, n)| *n)
        .max(children.len() as i64);
    let start = day_number(&period.starts_on).unwrap_or_default();
    let end = day_number(&period.ends_on).unwrap_or_default();
    let own_series: Vec<(i64, f64)> = check_ins
        .iter()
        .map(|c| (c.created_at.div_euclid(86_400), c.progress))
        .collect();
    let goal_forecast = forecast(&own_series, start, end);
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
    Ok(GoalDetail {
        goal: support::summarize(&row, child_counts),
        description: extra.description,
        progress_mode: ProgressMode::parse(&extra.progress_mode).unwrap_or(ProgressMode::Manual),
        department: extra.department,
        period,
        parent,
        path,
        key_results,
        check_ins,
        comments,
        children: children.iter().map(|c| support::summarize(c, 0)).collect(),
        forecast: goal_forecast,
        children_forecast: (forecast_count, miss_count),
        today: support::today(),
        permissions,
        locked_reason,
    })
}

/// What the goal form offers: the periods, the goals one may align to in the period (public
/// or visible to the person), and the levels the person may set. `goal_id` when editing.
#[server(prefix = "/api", endpoint = "goal_form_options")]
pub async fn goal_form_options(
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
            Some(get_goal(id).await?)
        }
        None => None,
    };
    let period_id = existing.as_ref().map(|e| e.period.id).or(period_id);
    let choice = support::choose_period(pool, period_id).await?;
    let period = choice.selected.id;
    // Candidates: company and department goals of the period, team goals of the
    // person's managers, and the person's own goals.
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
    for manager in store::people::manager_chain(pool, user.id)
        .await?
        .iter()
        .take(3)
    {
        rows.extend(
            store::goals::goals_of(pool, manager.id, period)
                .await?
                .into_iter()
                .filter(|r| r.level() != GoalLevel::Individual),
        );
    }
    rows.extend(store::goals::goals_of(pool, user.id, period).await?);
    let rows = support::visible_only(pool, &user, rows).await?;
    let mut parents: Vec<GoalRef> = Vec::new();
    for row in rows {
        if Some(row.id) != goal_id && !parents.iter().any(|p| p.id == row.id) {
            parents.push(row.to_ref());
        }
    }
    parents.sort_by_key(|p| p.level.rank());
    let me = policy::GoalRelation {
        is_owner: true,
        manages_owner: false,
    };
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
    let rel = support::relation(pool, &user, owner).await?;
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
        if let Some(state) = store::goals::plan_state(pool, owner, input.period_id).await? {
            if !state.open_for_editing() {
                return Err(AppError::Conflict(format!(
                    "These goals are {}; new goals can be added once they are reopened.",
                    state.label().to_lowercase()
                )));
            }
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

/// Marks a goal completed, cancelled, or active again.
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
    crate::store::goals::set_status(pool, id, status, user.id).await
}

/// Records a check-in: a value per key result, a confidence and a comment.
#[server(prefix = "/api", endpoint = "check_in_goal")]
pub async fn check_in_goal(
    goal_id: GoalId,
    values: Option<Vec<CheckInValueForm>>,
    confidence: String,
    comment: String,
) -> AppResult<()> {
    use crate::auth::{current_user, policy, state};
    use crate::error::{AppError, FieldError};
    use crate::store;
    use keel_core::goals::{parse_check_in_value, Confidence, GoalStatus};
    let user = current_user()?;
    let pool = &state().pool;
    let (row, rel) = support::visible_goal(pool, &user, goal_id).await?;
    if !policy::may_check_in(&user, row.level(), rel) {
        return Err(AppError::Forbidden);
    }
    if row.status() != GoalStatus::Active {
        return Err(AppError::Conflict(
            "Only active goals take check-ins.".into(),
        ));
    }
    if matches!(row.plan_state(), Some(state) if state != PlanState::Approved) {
        return Err(AppError::Conflict(
            "Check-ins start once the manager has approved these goals.".into(),
        ));
    }
    let mut errors = Vec::new();
    let confidence = Confidence::parse(confidence.trim());
    if confidence.is_none() {
        errors.push(FieldError::new(
            "confidence",
            "Choose on track, at risk or off track.",
        ));
    }
    let comment = comment.trim().to_string();
    if comment.chars().count() > 2000 {
        errors.push(FieldError::new(
            "comment",
            "Keep the comment under 2,000 characters.",
        ));
    }
    let key_results = store::goals::key_results(pool, &[goal_id]).await?;
    let mut parsed = Vec::new();
    for (i, value) in values.unwrap_or_default().iter().enumerate() {
        let field = format!("values[{i}][value]");
        let kr = support::parse_id(&value.key_result_id)
            .and_then(|id| key_results.iter().find(|(_, kr)| kr.id == id));
        let Some((_, kr)) = kr else {
            errors.push(FieldError::new(
                &field,
                "That key result is not part of this goal.",
            ));
            continue;
        };
        if parsed.iter().any(|(id, _)| *id == kr.id) {
            errors.push(FieldError::new(
                &field,
                "Each key result is checked in once.",
            ));
            continue;
        }
        match parse_check_in_value(kr.kind, &value.value) {
            Ok(v) => parsed.push((kr.id, v)),
            Err(message) => errors.push(FieldError::new(&field, message)),
        }
    }
    if parsed.is_empty() && errors.is_empty() && comment.is_empty() {
        errors.push(FieldError::new(
            "comment",
            "Enter a new value or a comment.",
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let confidence = confidence.unwrap_or(Confidence::OnTrack);
    store::goals::check_in(pool, goal_id, &parsed, confidence, &comment, user.id).await?;
    Ok(())
}

/// Comments on a goal, or (with `check_in_id`) under one of its check-ins.
#[server(prefix = "/api", endpoint = "comment_on_goal")]
pub async fn comment_on_goal(goal_id: GoalId, check_in_id: String, body: String) -> AppResult<()> {
    use crate::auth::{current_user, state};
    use crate::error::AppError;
    use crate::store;
    let user = current_user()?;
    let pool = &state().pool;
    support::visible_goal(pool, &user, goal_id).await?;
    let body = body.trim().to_string();
    if body.is_empty() {
        return Err(AppError::invalid("body", "Write a comment first."));
    }
    if body.chars().count() > 2000 {
        return Err(AppError::invalid(
            "body",
            "Keep the comment under 2,000 characters.",
        ));
    }
    let check_in = match check_in_id.trim() {
        "" => None,
        text => {
            let id = support::parse_id(text)
                .ok_or_else(|| AppError::invalid("body", "That check-in was not found."))?;
            if !store::goals::check_in_belongs(pool, goal_id, id).await? {
                return Err(AppError::invalid("body", "That check-in was not found."));
            }
            Some(id)
        }
    };
    store::goals::add_comment(pool, goal_id, check_in, &body, user.id).await?;
    Ok(())
}

/// A goal-setting session: one person's goals for a period, with the discussion on each.
#[server(prefix = "/api", endpoint = "goal_plan")]
pub async fn goal_plan(owner_id: PersonId, period_id: PeriodId) -> AppResult<PlanPage> {
    use crate::auth::{current_user, state};
    use crate::error::AppError;
    use crate::store;
    use keel_core::goals::GoalLevel;
    let user = current_user()?;
    let pool = &state().pool;
    let rel = support::relation(pool, &user, owner_id).await?;
    if !rel.is_owner && !rel.manages_owner && !user.is_hr() {
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
        let (_, comments) = store::goals::history(pool, row.id).await?;
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
        viewer_is_owner: rel.is_owner,
        viewer_is_manager: rel.manages_owner,
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
    let rel = support::relation(pool, &user, owner_id).await?;
    let comment = comment.trim().to_string();
    if comment.chars().count() > 2000 {
        return Err(AppError::invalid(
            "comment",
            "Keep the comment under 2,000 characters.",
        ));
    }
    let (from, to) = step.transition();
    let allowed = if step.by_owner() {
        rel.is_owner
    } else {
        rel.manages_owner
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
#[server(prefix = "/api", endpoint = "goal_completion")]
pub async fn goal_completion(period_id: Option<PeriodId>) -> AppResult<CompletionPage> {
    use crate::auth::{current_user, policy, state};
    use crate::store;
    use std::collections::HashMap;
    let user = current_user()?;
    policy::require(&user, policy::Action::ManagePeople)?;
    let pool = &state().pool;
    let choice = support::choose_period(pool, period_id).await?;
    let departments = store::departments::all(pool).await?;
    let parent: HashMap<i64, Option<i64>> =
        departments.iter().map(|d| (d.id, d.parent_id)).collect();
    let name: HashMap<i64, String> = departments.iter().map(|d| (d.id, d.name.clone())).collect();
    let top = |mut id: i64| {
        for _ in 0..64 {
            match parent.get(&id).copied().flatten() {
                Some(p) => id = p,
                None => break,
            }
        }
        id
    };
    let mut rows: Vec<(i64, CompletionRow)> = Vec::new();
    for (department, people, approved, submitted, in_progress) in
        store::goals::completion(pool, choice.selected.id).await?
    {
        let root = top(department);
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
