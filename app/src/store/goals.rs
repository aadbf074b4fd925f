//! Goals: periods, goals and key results, check-ins (append-only), comments, goal-setting
//! sessions ("plans"), and the progress each write keeps current up the alignment chain. Every
//! change is audited in the transaction that makes it.
//!
//! Reads return rows as stored, private goals included: the API layer decides who sees what
//! (`visible_only`), so the rule lives in one place.

use super::{audit, internal, now, Pool, Tx};
use crate::error::{AppError, AppResult};
use keel_core::goals::{
    goal_progress, CheckIn, Confidence, Direction, GoalComment, GoalId, GoalInput, GoalLevel,
    GoalRef, GoalStatus, KeyResult, KeyResultId, KeyResultKind, Period, PeriodId, PeriodKind,
    PlanState, ProgressMode, Visibility,
};
use keel_core::people::{DepartmentId, PersonId};
use serde_json::json;

// ---------------------------------------------------------------------------------------------
// Periods

#[derive(sqlx::FromRow)]
struct PeriodRow {
    id: i64,
    name: String,
    kind: String,
    starts_on: String,
    ends_on: String,
}

impl From<PeriodRow> for Period {
    fn from(r: PeriodRow) -> Self {
        Period {
            id: r.id,
            name: r.name,
            kind: PeriodKind::parse(&r.kind).unwrap_or(PeriodKind::Custom),
            starts_on: r.starts_on,
            ends_on: r.ends_on,
        }
    }
}

/// Every period, latest first.
pub async fn periods(pool: &Pool) -> AppResult<Vec<Period>> {
    let rows = sqlx::query_as::<_, PeriodRow>(
        "SELECT id, name, kind, starts_on, ends_on FROM goal_periods
         ORDER BY starts_on DESC, ends_on, id",
    )
    .fetch_all(pool)
    .await
    .map_err(internal)?;
    Ok(rows.into_iter().map(Period::from).collect())
}

pub async fn period(pool: &Pool, id: PeriodId) -> AppResult<Option<Period>> {
    let row = sqlx::query_as::<_, PeriodRow>(
        "SELECT id, name, kind, starts_on, ends_on FROM goal_periods WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await
    .map_err(internal)?;
    Ok(row.map(Period::from))
}

/// HR adds a period.
pub async fn create_period(
    pool: &Pool,
    name: &str,
    kind: PeriodKind,
    starts_on: &str,
    ends_on: &str,
    actor: PersonId,
) -> AppResult<PeriodId> {
    let mut tx = super::begin_write(pool).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO goal_periods (name, kind, starts_on, ends_on, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(name)
    .bind(kind.as_str())
    .bind(starts_on)
    .bind(ends_on)
    .bind(now())
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| super::on_unique(e, "name", "A period with that name already exists."))?;
    let after =
        json!({ "name": name, "kind": kind.as_str(), "starts_on": starts_on, "ends_on": ends_on });
    audit::record(
        &mut tx,
        Some(actor),
        "period.created",
        "goal_period",
        id,
        None,
        Some(after),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(id)
}

// ---------------------------------------------------------------------------------------------
// Reading goals

/// The columns every `GoalRow` is read from: `g` is the goal, `o` its owner, `p` its period.
const GOAL_COLUMNS: &str = "g.id, g.title, g.level, g.owner_id, o.name AS owner_name,
    g.period_id, p.name AS period_name, p.starts_on, p.ends_on, g.visibility, g.status,
    g.weight, g.parent_id, g.progress, g.progress_mode, g.confidence, g.last_check_in_at, g.created_at,
    (SELECT gp.state FROM goal_plans gp WHERE gp.owner_id = g.owner_id
        AND gp.period_id = g.period_id AND g.level = 'individual') AS plan_state";

const GOAL_FROM: &str = "FROM goals g JOIN employees o ON o.id = g.owner_id
    JOIN goal_periods p ON p.id = g.period_id";

/// A goal as stored, with what lists need to judge its health.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct GoalRow {
    pub id: i64,
    pub title: String,
    pub level: String,
    pub owner_id: i64,
    pub owner_name: String,
    pub period_id: i64,
    pub period_name: String,
    pub starts_on: String,
    pub ends_on: String,
    pub visibility: String,
    pub status: String,
    pub weight: i64,
    pub parent_id: Option<i64>,
    pub progress: f64,
    pub progress_mode: String,
    pub confidence: Option<String>,
    pub last_check_in_at: Option<i64>,
    pub created_at: i64,
    pub plan_state: Option<String>,
}

impl GoalRow {
    pub fn level(&self) -> GoalLevel {
        GoalLevel::parse(&self.level).unwrap_or(GoalLevel::Individual)
    }
    pub fn is_private(&self) -> bool {
        self.visibility == Visibility::Private.as_str()
    }
    pub fn status(&self) -> GoalStatus {
        GoalStatus::parse(&self.status).unwrap_or(GoalStatus::Active)
    }
    /// Whether progress comes from its own key results (and so from check-ins).
    pub fn checks_in(&self) -> bool {
        self.progress_mode != ProgressMode::RolledUp.as_str()
    }
    pub fn to_ref(&self) -> GoalRef {
        GoalRef {
            id: self.id,
            title: self.title.clone(),
            level: self.level(),
        }
    }
    pub fn plan_state(&self) -> Option<PlanState> {
        self.plan_state.as_deref().and_then(PlanState::parse)
    }
}

async fn goal_rows(pool: &Pool, filter: &str, binds: &[i64]) -> AppResult<Vec<GoalRow>> {
    let sql = format!("SELECT {GOAL_COLUMNS} {GOAL_FROM} {filter}");
    let mut query = sqlx::query_as::<_, GoalRow>(&sql);
    for value in binds {
        query = query.bind(*value);
    }
    query.fetch_all(pool).await.map_err(internal)
}

pub async fn goal(pool: &Pool, id: GoalId) -> AppResult<Option<GoalRow>> {
    Ok(goal_rows(pool, "WHERE g.id = $1", &[id]).await?.pop())
}

/// One person's goals in a period, highest level first.
pub async fn goals_of(pool: &Pool, owner: PersonId, period: PeriodId) -> AppResult<Vec<GoalRow>> {
    goal_rows(
        pool,
        "WHERE g.owner_id = $1 AND g.period_id = $2
         ORDER BY CASE g.level WHEN 'company' THEN 0 WHEN 'department' THEN 1 WHEN 'team' THEN 2
            ELSE 3 END, g.id",
        &[owner, period],
    )
    .await
}

/// The goals of a manager's direct reports in a period, by owner name.
pub async fn team_goals(
    pool: &Pool,
    manager: PersonId,
    period: PeriodId,
) -> AppResult<Vec<GoalRow>> {
    goal_rows(
        pool,
        "WHERE g.owner_id IN (SELECT id FROM employees WHERE manager_id = $1 AND status = 'active')
           AND g.period_id = $2 ORDER BY o.name, g.owner_id, g.id",
        &[manager, period],
    )
    .await
}

/// The company objectives of a period: the roots of the alignment tree.
pub async fn company_goals(pool: &Pool, period: PeriodId) -> AppResult<Vec<GoalRow>> {
    goal_rows(
        pool,
        "WHERE g.period_id = $1 AND g.level = 'company' ORDER BY g.id",
        &[period],
    )
    .await
}

/// The first `limit` goals aligned directly under `parent`: higher levels first, then by title.
pub async fn children_of(pool: &Pool, parent: GoalId, limit: usize) -> AppResult<Vec<GoalRow>> {
    let sql = format!(
        "SELECT {GOAL_COLUMNS} {GOAL_FROM} WHERE g.parent_id = $1
         ORDER BY CASE g.level WHEN 'company' THEN 0 WHEN 'department' THEN 1
            WHEN 'team' THEN 2 ELSE 3 END, g.title, g.id
         LIMIT $2"
    );
    sqlx::query_as::<_, GoalRow>(&sql)
        .bind(parent)
        .bind(limit as i64)
        .fetch_all(pool)
        .await
        .map_err(internal)
}

/// How many goals are aligned under each of `parents`, counting private ones only when their
/// owner is `viewer` (or when `all` is set, for HR). Used for the tree's "n aligned" labels.
pub async fn child_counts(
    pool: &Pool,
    parents: &[GoalId],
    viewer: PersonId,
    all: bool,
) -> AppResult<Vec<(GoalId, i64)>> {
    if parents.is_empty() {
        return Ok(Vec::new());
    }
    let list = (3..parents.len() + 3)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT parent_id, COUNT(*) FROM goals
         WHERE parent_id IN ({list}) AND (visibility = 'public' OR owner_id = $1 OR $2 = 1)
         GROUP BY parent_id"
    );
    let mut query = sqlx::query_as::<_, (i64, i64)>(&sql)
        .bind(viewer)
        .bind(i64::from(all));
    for id in parents {
        query = query.bind(*id);
    }
    query.fetch_all(pool).await.map_err(internal)
}

/// Goals of a period whose title contains `search` (case-insensitive), at most 30.
pub async fn search(pool: &Pool, period: PeriodId, search: &str) -> AppResult<Vec<GoalRow>> {
    let pattern = super::people::like_pattern(search);
    let sql = format!(
        "SELECT {GOAL_COLUMNS} {GOAL_FROM}
         WHERE g.period_id = $1 AND lower(g.title) LIKE $2 ESCAPE '\\'
         ORDER BY CASE g.level WHEN 'company' THEN 0 WHEN 'department' THEN 1 WHEN 'team' THEN 2
            ELSE 3 END, g.title, g.id LIMIT 60"
    );
    sqlx::query_as::<_, GoalRow>(&sql)
        .bind(period)
        .bind(pattern)
        .fetch_all(pool)
        .await
        .map_err(internal)
}

/// The goals above `goal`, nearest first (its parent, the parent's parent, ...).
pub async fn ancestors(pool: &Pool, goal: GoalId) -> AppResult<Vec<GoalRow>> {
    let mut chain = Vec::new();
    let mut next =
        sqlx::query_scalar::<_, Option<i64>>("SELECT parent_id FROM goals WHERE id = $1")
            .bind(goal)
            .fetch_optional(pool)
            .await
            .map_err(internal)?
            .flatten();
    while let Some(id) = next {
        if chain.len() >= 64 {
            break;
        }
        let Some(row) = self::goal(pool, id).await? else {
            break;
        };
        next = row.parent_id;
        chain.push(row);
    }
    Ok(chain)
}

/// Extra facts only the goal page needs.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct GoalExtra {
    pub description: String,
    pub progress_mode: String,
    pub department: Option<String>,
    pub department_id: Option<i64>,
}

pub async fn goal_extra(pool: &Pool, id: GoalId) -> AppResult<Option<GoalExtra>> {
    sqlx::query_as::<_, GoalExtra>(
        "SELECT g.description, g.progress_mode, d.name AS department, g.department_id
         FROM goals g LEFT JOIN departments d ON d.id = g.department_id WHERE g.id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await
    .map_err(internal)
}

#[derive(sqlx::FromRow)]
struct KeyResultRow {
    goal_id: i64,
    id: i64,
    title: String,
    kind: String,
    unit: String,
    direction: String,
    start_value: f64,
    target_value: f64,
    current_value: f64,
    weight: i64,
}

impl From<KeyResultRow> for KeyResult {
    fn from(r: KeyResultRow) -> Self {
        KeyResult {
            id: r.id,
            title: r.title,
            kind: KeyResultKind::parse(&r.kind).unwrap_or(KeyResultKind::Number),
            unit: r.unit,
            direction: Direction::parse(&r.direction).unwrap_or(Direction::Increase),
            start: r.start_value,
            target: r.target_value,
            current: r.current_value,
            weight: r.weight,
        }
    }
}

/// The key results of each of `goals`, in their order on the goal.
pub async fn key_results(pool: &Pool, goals: &[GoalId]) -> AppResult<Vec<(GoalId, KeyResult)>> {
    if goals.is_empty() {
        return Ok(Vec::new());
    }
    let list = (1..=goals.len())
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT goal_id, id, title, kind, unit, direction, start_value, target_value,
            current_value, weight
         FROM key_results WHERE goal_id IN ({list}) ORDER BY goal_id, position, id"
    );
    let mut query = sqlx::query_as::<_, KeyResultRow>(&sql);
    for id in goals {
        query = query.bind(*id);
    }
    let rows = query.fetch_all(pool).await.map_err(internal)?;
    Ok(rows
        .into_iter()
        .map(|r| (r.goal_id, KeyResult::from(r)))
        .collect())
}

#[derive(sqlx::FromRow)]
struct CheckInRow {
    id: i64,
    author_name: String,
    confidence: String,
    comment: String,
    progress: f64,
    key_result_values: String,
    created_at: i64,
}

#[derive(sqlx::FromRow)]
struct CommentRow {
    id: i64,
    check_in_id: Option<i64>,
    author_id: i64,
    author_name: String,
    body: String,
    created_at: i64,
}

impl From<CommentRow> for GoalComment {
    fn from(r: CommentRow) -> Self {
        GoalComment {
            id: r.id,
            check_in_id: r.check_in_id,
            author_id: r.author_id,
            author_name: r.author_name,
            body: r.body,
            created_at: r.created_at,
        }
    }
}

/// A goal's check-ins, oldest first, each with the comments under it; and the comments on the
/// goal itself.
pub async fn history(pool: &Pool, goal: GoalId) -> AppResult<(Vec<CheckIn>, Vec<GoalComment>)> {
    let rows = sqlx::query_as::<_, CheckInRow>(
        "SELECT c.id, e.name AS author_name, c.confidence, c.comment, c.progress,
            c.key_result_values, c.created_at
         FROM check_ins c JOIN employees e ON e.id = c.author_id
         WHERE c.goal_id = $1 ORDER BY c.created_at, c.id",
    )
    .bind(goal)
    .fetch_all(pool)
    .await
    .map_err(internal)?;
    let comments = sqlx::query_as::<_, CommentRow>(
        "SELECT c.id, c.check_in_id, c.author_id, e.name AS author_name, c.body, c.created_at
         FROM goal_comments c JOIN employees e ON e.id = c.author_id
         WHERE c.goal_id = $1 ORDER BY c.created_at, c.id",
    )
    .bind(goal)
    .fetch_all(pool)
    .await
    .map_err(internal)?;
    let mut on_goal = Vec::new();
    let mut check_ins: Vec<CheckIn> = rows
        .into_iter()
        .map(|r| CheckIn {
            id: r.id,
            author_name: r.author_name,
            confidence: Confidence::parse(&r.confidence).unwrap_or(Confidence::OnTrack),
            comment: r.comment,
            progress: r.progress,
            values: serde_json::from_str::<Vec<(i64, f64)>>(&r.key_result_values)
                .unwrap_or_default(),
            created_at: r.created_at,
            comments: Vec::new(),
        })
        .collect();
    for comment in comments {
        let comment = GoalComment::from(comment);
        match comment
            .check_in_id
            .and_then(|id| check_ins.iter_mut().find(|c| c.id == id))
        {
            Some(check_in) => check_in.comments.push(comment),
            None => on_goal.push(comment),
        }
    }
    Ok((check_ins, on_goal))
}

/// The (day, progress) of every check-in of each of `goals`, for forecasts.
pub async fn progress_series(pool: &Pool, goals: &[GoalId]) -> AppResult<Vec<(GoalId, i64, f64)>> {
    if goals.is_empty() {
        return Ok(Vec::new());
    }
    let list = (1..=goals.len())
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT goal_id, created_at, progress FROM check_ins WHERE goal_id IN ({list})
         ORDER BY goal_id, created_at"
    );
    let mut query = sqlx::query_as::<_, (i64, i64, f64)>(&sql);
    for id in goals {
        query = query.bind(*id);
    }
    let rows = query.fetch_all(pool).await.map_err(internal)?;
    Ok(rows
        .into_iter()
        .map(|(g, at, p)| (g, at.div_euclid(86_400), p))
        .collect())
}

// ---------------------------------------------------------------------------------------------
// Writing goals

/// The owner and placement a new goal gets, resolved by the API layer.
pub struct NewGoal<'a> {
    pub input: &'a GoalInput,
    pub owner: PersonId,
    pub department_id: Option<DepartmentId>,
}

/// Checks the parent of a goal: it exists, is in a level at or above, and is not the goal
/// itself or below it. `goal` is None for a new goal.
async fn check_parent(
    tx: &mut Tx<'_>,
    goal: Option<GoalId>,
    level: GoalLevel,
    parent: GoalId,
) -> AppResult<()> {
    let parent_level: Option<String> = sqlx::query_scalar("SELECT level FROM goals WHERE id = $1")
        .bind(parent)
        .fetch_optional(&mut **tx)
        .await
        .map_err(internal)?;
    let Some(parent_level) = parent_level.as_deref().and_then(GoalLevel::parse) else {
        return Err(AppError::invalid(
            "parent_id",
            "Choose a goal from the list.",
        ));
    };
    if !level.may_align_under(parent_level) {
        return Err(AppError::invalid(
            "parent_id",
            format!(
                "A {} goal aligns to a goal at the same or a higher level, not to a {} goal.",
                level.label().to_lowercase(),
                parent_level.label().to_lowercase()
            ),
        ));
    }
    if let Some(goal) = goal {
        // Walk up from the new parent; meeting the goal itself means a loop.
        let mut current = Some(parent);
        let mut steps = 0;
        while let Some(id) = current {
            if id == goal || steps > 64 {
                return Err(AppError::invalid(
                    "parent_id",
                    "That goal is aligned under this one, so this one cannot align under it.",
                ));
            }
            steps += 1;
            current =
                sqlx::query_scalar::<_, Option<i64>>("SELECT parent_id FROM goals WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut **tx)
                    .await
                    .map_err(internal)?
                    .flatten();
        }
    }
    Ok(())
}

async fn snapshot(tx: &mut Tx<'_>, id: GoalId) -> AppResult<Option<serde_json::Value>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        title: String,
        description: String,
        owner_id: i64,
        level: String,
        period_id: i64,
        visibility: String,
        weight: i64,
        status: String,
        progress_mode: String,
        parent_id: Option<i64>,
    }
    let row = sqlx::query_as::<_, Row>(
        "SELECT title, description, owner_id, level, period_id, visibility, weight, status,
            progress_mode, parent_id FROM goals WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await
    .map_err(internal)?;
    let Some(r) = row else { return Ok(None) };
    let krs = sqlx::query_as::<_, (i64, String, String, f64, f64, i64)>(
        "SELECT id, title, kind, start_value, target_value, weight FROM key_results
         WHERE goal_id = $1 ORDER BY position, id",
    )
    .bind(id)
    .fetch_all(&mut **tx)
    .await
    .map_err(internal)?;
    Ok(Some(json!({
        "title": r.title, "description": r.description, "owner_id": r.owner_id,
        "level": r.level, "period_id": r.period_id, "visibility": r.visibility,
        "weight": r.weight, "status": r.status, "progress_mode": r.progress_mode,
        "parent_id": r.parent_id,
        "key_results": krs.iter().map(|(id, title, kind, start, target, weight)| json!({
            "id": id, "title": title, "kind": kind, "start": start, "target": target, "weight": weight
        })).collect::<Vec<_>>(),
    })))
}

/// Creates a goal with its key results; an individual goal opens its owner's goal-setting
/// session for the period when there is none.
pub async fn create(pool: &Pool, new: NewGoal<'_>, actor: PersonId) -> AppResult<GoalId> {
    let input = new.input;
    let mut tx = super::begin_write(pool).await?;
    if let Some(parent) = input.parent_id {
        check_parent(&mut tx, None, input.level, parent).await?;
    }
    let at = now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO goals (title, description, owner_id, level, department_id, period_id,
            visibility, weight, status, progress_mode, parent_id, progress, created_by,
            created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'active', $9, $10, 0, $11, $12, $13) RETURNING id",
    )
    .bind(&input.title)
    .bind(&input.description)
    .bind(new.owner)
    .bind(input.level.as_str())
    .bind(new.department_id)
    .bind(input.period_id)
    .bind(input.visibility.as_str())
    .bind(input.weight)
    .bind(input.progress_mode.as_str())
    .bind(input.parent_id)
    .bind(actor)
    .bind(at)
    .bind(at)
    .fetch_one(&mut *tx)
    .await
    .map_err(internal)?;
    write_key_results(&mut tx, id, input).await?;
    recompute(&mut tx, id).await?;
    if input.level == GoalLevel::Individual {
        sqlx::query(
            "INSERT INTO goal_plans (owner_id, period_id, state, updated_at) VALUES ($1, $2, 'draft', $3)
             ON CONFLICT (owner_id, period_id) DO NOTHING",
        )
        .bind(new.owner)
        .bind(input.period_id)
        .bind(at)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    }
    let after = snapshot(&mut tx, id).await?;
    audit::record(
        &mut tx,
        Some(actor),
        "goal.created",
        "goal",
        id,
        None,
        after,
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(id)
}

/// Changes a goal's fields and key results (key results missing from `input` are removed).
/// The owner, level and period stay as they are.
pub async fn update(pool: &Pool, id: GoalId, input: &GoalInput, actor: PersonId) -> AppResult<()> {
    let mut tx = super::begin_write(pool).await?;
    let before = snapshot(&mut tx, id)
        .await?
        .ok_or_else(|| AppError::not_found("That goal"))?;
    let level = before["level"]
        .as_str()
        .and_then(GoalLevel::parse)
        .unwrap_or(GoalLevel::Individual);
    let old_parent = before["parent_id"].as_i64();
    if let Some(parent) = input.parent_id {
        check_parent(&mut tx, Some(id), level, parent).await?;
    }
    sqlx::query(
        "UPDATE goals SET title = $1, description = $2, visibility = $3, weight = $4,
            progress_mode = $5, parent_id = $6, updated_at = $7 WHERE id = $8",
    )
    .bind(&input.title)
    .bind(&input.description)
    .bind(input.visibility.as_str())
    .bind(input.weight)
    .bind(input.progress_mode.as_str())
    .bind(input.parent_id)
    .bind(now())
    .bind(id)
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    write_key_results(&mut tx, id, input).await?;
    recompute(&mut tx, id).await?;
    if let Some(old) = old_parent.filter(|old| Some(*old) != input.parent_id) {
        recompute(&mut tx, old).await?;
    }
    let after = snapshot(&mut tx, id).await?;
    if after.as_ref() != Some(&before) {
        audit::record(
            &mut tx,
            Some(actor),
            "goal.updated",
            "goal",
            id,
            Some(before),
            after,
        )
        .await?;
    }
    tx.commit().await.map_err(internal)?;
    Ok(())
}

/// Inserts, updates and removes key results so the goal has exactly `input`'s, in order.
async fn write_key_results(tx: &mut Tx<'_>, goal: GoalId, input: &GoalInput) -> AppResult<()> {
    let existing: Vec<(i64, f64, f64)> =
        sqlx::query_as("SELECT id, start_value, current_value FROM key_results WHERE goal_id = $1")
            .bind(goal)
            .fetch_all(&mut **tx)
            .await
            .map_err(internal)?;
    let kept: Vec<i64> = input.key_results.iter().filter_map(|kr| kr.id).collect();
    for (id, _, _) in existing.iter().filter(|(id, _, _)| !kept.contains(id)) {
        sqlx::query("DELETE FROM key_results WHERE id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await
            .map_err(internal)?;
    }
    let at = now();
    for (position, kr) in input.key_results.iter().enumerate() {
        let current = kr
            .id
            .and_then(|id| existing.iter().find(|(e, _, _)| *e == id));
        match current {
            Some((kr_id, old_start, old_current)) => {
                // A changed start moves an untouched current value with it.
                let value = if old_current == old_start {
                    kr.start
                } else {
                    *old_current
                };
                sqlx::query(
                    "UPDATE key_results SET position = $1, title = $2, kind = $3, unit = $4,
                        direction = $5, start_value = $6, target_value = $7, current_value = $8,
                        weight = $9, updated_at = $10 WHERE id = $11",
                )
                .bind(position as i64)
                .bind(&kr.title)
                .bind(kr.kind.as_str())
                .bind(&kr.unit)
                .bind(kr.direction.as_str())
                .bind(kr.start)
                .bind(kr.target)
                .bind(value)
                .bind(kr.weight)
                .bind(at)
                .bind(kr_id)
                .execute(&mut **tx)
                .await
                .map_err(internal)?;
            }
            None => {
                sqlx::query(
                    "INSERT INTO key_results (goal_id, position, title, kind, unit, direction,
                        start_value, target_value, current_value, weight, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                )
                .bind(goal)
                .bind(position as i64)
                .bind(&kr.title)
                .bind(kr.kind.as_str())
                .bind(&kr.unit)
                .bind(kr.direction.as_str())
                .bind(kr.start)
                .bind(kr.target)
                .bind(kr.start)
                .bind(kr.weight)
                .bind(at)
                .bind(at)
                .execute(&mut **tx)
                .await
                .map_err(internal)?;
            }
        }
    }
    Ok(())
}

/// Recomputes a goal's stored progress from its key results (or its aligned goals when it
/// rolls up), then walks up the alignment chain while parents roll up.
pub async fn recompute(tx: &mut Tx<'_>, goal: GoalId) -> AppResult<()> {
    let mut next = Some(goal);
    let mut steps = 0;
    while let Some(id) = next {
        steps += 1;
        if steps > 64 {
            break;
        }
        let Some((mode, parent)) = sqlx::query_as::<_, (String, Option<i64>)>(
            "SELECT progress_mode, parent_id FROM goals WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(internal)?
        else {
            break;
        };
        let mode = ProgressMode::parse(&mode).unwrap_or(ProgressMode::Manual);
        let krs: Vec<(i64, f64, f64, f64)> = sqlx::query_as(
            "SELECT weight, start_value, target_value, current_value FROM key_results WHERE goal_id = $1",
        )
        .bind(id)
        .fetch_all(&mut **tx)
        .await
        .map_err(internal)?;
        let krs: Vec<(i64, f64)> = krs
            .into_iter()
            .map(|(w, s, t, c)| (w, keel_core::goals::key_result_progress(s, t, c)))
            .collect();
        let children: Vec<(i64, f64)> = if mode == ProgressMode::RolledUp {
            sqlx::query_as(
                "SELECT weight, progress FROM goals WHERE parent_id = $1 AND status <> 'cancelled'",
            )
            .bind(id)
            .fetch_all(&mut **tx)
            .await
            .map_err(internal)?
        } else {
            Vec::new()
        };
        let progress = goal_progress(mode, &krs, &children);
        sqlx::query("UPDATE goals SET progress = $1 WHERE id = $2")
            .bind(progress)
            .bind(id)
            .execute(&mut **tx)
            .await
            .map_err(internal)?;
        // The parent changes only if it rolls up; recompute() checks its mode.
        next = match parent {
            Some(p) => {
                let parent_mode: Option<String> =
                    sqlx::query_scalar("SELECT progress_mode FROM goals WHERE id = $1")
                        .bind(p)
                        .fetch_optional(&mut **tx)
                        .await
                        .map_err(internal)?;
                (parent_mode.as_deref() == Some(ProgressMode::RolledUp.as_str())).then_some(p)
            }
            None => None,
        };
    }
    Ok(())
}

/// Sets a goal's status (active, completed, cancelled).
pub async fn set_status(
    pool: &Pool,
    id: GoalId,
    status: GoalStatus,
    actor: PersonId,
) -> AppResult<()> {
    let mut tx = super::begin_write(pool).await?;
    let before = snapshot(&mut tx, id)
        .await?
        .ok_or_else(|| AppError::not_found("That goal"))?;
    sqlx::query("UPDATE goals SET status = $1, updated_at = $2 WHERE id = $3")
        .bind(status.as_str())
        .bind(now())
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    if let Some(parent) = before["parent_id"].as_i64() {
        recompute(&mut tx, parent).await?;
    }
    let after = snapshot(&mut tx, id).await?;
    audit::record(
        &mut tx,
        Some(actor),
        "goal.status_changed",
        "goal",
        id,
        Some(before),
        after,
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(())
}

/// Records a check-in: the new key-result values, the confidence and a comment. Updates the
/// key results and the goal's progress (and rolled-up parents) in the same transaction.
pub async fn check_in(
    pool: &Pool,
    goal: GoalId,
    values: &[(KeyResultId, f64)],
    confidence: Confidence,
    comment: &str,
    actor: PersonId,
) -> AppResult<i64> {
    let mut tx = super::begin_write(pool).await?;
    let at = now();
    for (kr, value) in values {
        let changed = sqlx::query(
            "UPDATE key_results SET current_value = $1, updated_at = $2 WHERE id = $3 AND goal_id = $4",
        )
        .bind(*value)
        .bind(at)
        .bind(*kr)
        .bind(goal)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
        if changed.rows_affected() != 1 {
            return Err(AppError::invalid(
                "form",
                "That key result is not part of this goal.",
            ));
        }
    }
    recompute(&mut tx, goal).await?;
    let progress: f64 = sqlx::query_scalar("SELECT progress FROM goals WHERE id = $1")
        .bind(goal)
        .fetch_one(&mut *tx)
        .await
        .map_err(internal)?;
    let values_json = serde_json::to_string(values).unwrap_or_else(|_| "[]".into());
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO check_ins (goal_id, author_id, confidence, comment, progress,
            key_result_values, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(goal)
    .bind(actor)
    .bind(confidence.as_str())
    .bind(comment)
    .bind(progress)
    .bind(&values_json)
    .bind(at)
    .fetch_one(&mut *tx)
    .await
    .map_err(internal)?;
    sqlx::query("UPDATE goals SET confidence = $1, last_check_in_at = $2 WHERE id = $3")
        .bind(confidence.as_str())
        .bind(at)
        .bind(goal)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    let after = json!({ "check_in": id, "values": values, "confidence": confidence.as_str(), "progress": progress });
    audit::record(
        &mut tx,
        Some(actor),
        "goal.checked_in",
        "goal",
        goal,
        None,
        Some(after),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(id)
}

/// Whether a check-in belongs to a goal.
pub async fn check_in_belongs(pool: &Pool, goal: GoalId, check_in: i64) -> AppResult<bool> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM check_ins WHERE id = $1 AND goal_id = $2")
            .bind(check_in)
            .bind(goal)
            .fetch_optional(pool)
            .await
            .map_err(internal)?;
    Ok(found.is_some())
}

/// Adds a comment to a goal, or under one of its check-ins.
pub async fn add_comment(
    pool: &Pool,
    goal: GoalId,
    check_in: Option<i64>,
    body: &str,
    author: PersonId,
) -> AppResult<i64> {
    let mut tx = super::begin_write(pool).await?;
    let id = insert_comment(&mut tx, goal, check_in, body, author).await?;
    let after = json!({ "comment": id, "check_in": check_in });
    audit::record(
        &mut tx,
        Some(author),
        "goal.commented",
        "goal",
        goal,
        None,
        Some(after),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(id)
}

async fn insert_comment(
    tx: &mut Tx<'_>,
    goal: GoalId,
    check_in: Option<i64>,
    body: &str,
    author: PersonId,
) -> AppResult<i64> {
    sqlx::query_scalar(
        "INSERT INTO goal_comments (goal_id, check_in_id, author_id, body, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(goal)
    .bind(check_in)
    .bind(author)
    .bind(body)
    .bind(now())
    .fetch_one(&mut **tx)
    .await
    .map_err(internal)
}

// ---------------------------------------------------------------------------------------------
// Goal-setting sessions

pub async fn plan_state(
    pool: &Pool,
    owner: PersonId,
    period: PeriodId,
) -> AppResult<Option<PlanState>> {
    let state: Option<String> =
        sqlx::query_scalar("SELECT state FROM goal_plans WHERE owner_id = $1 AND period_id = $2")
            .bind(owner)
            .bind(period)
            .fetch_optional(pool)
            .await
            .map_err(internal)?;
    Ok(state.as_deref().and_then(PlanState::parse))
}

/// Moves a goal-setting session from one of `from` to `to`, with an optional comment on the
/// first goal (`comment_goal`), audited. Refused (Conflict) when the session is in another
/// state: someone else acted first.
#[allow(clippy::too_many_arguments)]
pub async fn move_plan(
    pool: &Pool,
    owner: PersonId,
    period: PeriodId,
    from: &[PlanState],
    to: PlanState,
    comment: Option<(GoalId, &str)>,
    actor: PersonId,
) -> AppResult<()> {
    let mut tx = super::begin_write(pool).await?;
    let row: Option<(i64, String)> =
        sqlx::query_as("SELECT id, state FROM goal_plans WHERE owner_id = $1 AND period_id = $2")
            .bind(owner)
            .bind(period)
            .fetch_optional(&mut *tx)
            .await
            .map_err(internal)?;
    let Some((plan_id, state)) = row else {
        return Err(AppError::Conflict(
            "There are no goals to act on for this period yet.".into(),
        ));
    };
    let current = PlanState::parse(&state).unwrap_or(PlanState::Draft);
    if !from.contains(&current) {
        return Err(AppError::Conflict(format!(
            "These goals are {} now; reload to see the latest.",
            current.label().to_lowercase()
        )));
    }
    if to == PlanState::Submitted {
        let count: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM goals WHERE owner_id = $1 AND period_id = $2 AND level = 'individual'
                AND status <> 'cancelled'",
        )
        .bind(owner)
        .bind(period)
        .fetch_one(&mut *tx)
        .await
        .map_err(internal)?;
        if count == 0 {
            return Err(AppError::Conflict(
                "Add at least one goal before submitting.".into(),
            ));
        }
    }
    sqlx::query("UPDATE goal_plans SET state = $1, updated_at = $2 WHERE id = $3")
        .bind(to.as_str())
        .bind(now())
        .bind(plan_id)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    if let Some((goal, body)) = comment.filter(|(_, b)| !b.trim().is_empty()) {
        insert_comment(&mut tx, goal, None, body, actor).await?;
    }
    audit::record(
        &mut tx,
        Some(actor),
        &format!("goal_plan.{}", to.as_str()),
        "goal_plan",
        plan_id,
        Some(json!({ "state": current.as_str() })),
        Some(json!({ "state": to.as_str(), "comment": comment.map(|(_, b)| b) })),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(())
}

/// Goal-setting completion for a period, per department: (department id, people, approved,
/// submitted, in progress (draft or changes requested)). People without a session are the rest.
pub async fn completion(
    pool: &Pool,
    period: PeriodId,
) -> AppResult<Vec<(DepartmentId, i64, i64, i64, i64)>> {
    sqlx::query_as::<_, (i64, i64, i64, i64, i64)>(
        "SELECT e.department_id, COUNT(*),
            SUM(CASE WHEN gp.state = 'approved' THEN 1 ELSE 0 END),
            SUM(CASE WHEN gp.state = 'submitted' THEN 1 ELSE 0 END),
            SUM(CASE WHEN gp.state IN ('draft', 'changes_requested') THEN 1 ELSE 0 END)
         FROM employees e
         LEFT JOIN goal_plans gp ON gp.owner_id = e.id AND gp.period_id = $1
         WHERE e.status = 'active'
         GROUP BY e.department_id",
    )
    .bind(period)
    .fetch_all(pool)
    .await
    .map_err(internal)
}
