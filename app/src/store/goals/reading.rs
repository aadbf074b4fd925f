//! Reading goals: rows as stored (private ones included: the API filters), the tree's
//! counts, check-ins, comments and history.

use super::*;

/// The columns every `GoalRow` is read from: `g` is the goal, `o` its owner, `p` its period.
const GOAL_COLUMNS: &str = "g.id, g.title, g.level, g.owner_id, o.name AS owner_name, g.department_id,
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
    pub department_id: Option<i64>,
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
    let pattern = crate::store::people::like_pattern(search);
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

/// Who aligned each of `goals` under its parent, and when: (goal, name, unix seconds). Goals
/// without a parent are left out.
pub async fn alignments(pool: &Pool, goals: &[GoalId]) -> AppResult<Vec<(GoalId, String, i64)>> {
    if goals.is_empty() {
        return Ok(Vec::new());
    }
    let list = goals
        .iter()
        .map(|id| id.to_string())
        .collect::<Vec<_>>()
        .join(",");
    sqlx::query_as(&format!(
        "SELECT g.id, e.name, g.aligned_at FROM goals g JOIN employees e ON e.id = g.aligned_by
         WHERE g.id IN ({list}) AND g.aligned_at IS NOT NULL"
    ))
    .fetch_all(pool)
    .await
    .map_err(internal)
}

/// Where a person sits, for `keel_core::goals::in_line` (see `writing::owner_line`).
pub async fn line_of(pool: &Pool, person: PersonId) -> AppResult<keel_core::goals::OwnerLine> {
    let mut tx = pool.begin().await.map_err(internal)?;
    let line = super::writing::owner_line(&mut tx, person).await?;
    tx.commit().await.map_err(internal)?;
    Ok(line)
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

/// Check-ins a goal's page shows at a time (the newest; earlier ones are a link away).
pub const CHECK_IN_PAGE: i64 = 20;
/// Comments on a goal itself shown at a time.
pub const COMMENT_PAGE: i64 = 50;

/// One page of a goal's history, each list oldest first; `earlier_*` is the key (an id) to ask
/// for the page before, when there is one.
pub struct History {
    pub check_ins: Vec<CheckIn>,
    pub earlier_check_ins: Option<i64>,
    pub comments: Vec<GoalComment>,
    pub earlier_comments: Option<i64>,
}

/// `(created_at, id)` of a check-in or comment of `goal`, the key a page continues from.
async fn page_key(
    pool: &Pool,
    table: &str,
    goal: GoalId,
    id: i64,
) -> AppResult<Option<(i64, i64)>> {
    sqlx::query_as(&format!(
        "SELECT created_at, id FROM {table} WHERE id = $1 AND goal_id = $2"
    ))
    .bind(id)
    .bind(goal)
    .fetch_optional(pool)
    .await
    .map_err(internal)
}

/// The newest `CHECK_IN_PAGE` check-ins of a goal before the check-in `check_ins_before` (or
/// the newest of all), each with the comments under it, and the newest `COMMENT_PAGE` comments
/// on the goal itself before `comments_before`. Paged by key: (created_at, id) descending,
/// through the (goal_id, created_at) indexes, however long the history grows.
pub async fn history(
    pool: &Pool,
    goal: GoalId,
    check_ins_before: Option<i64>,
    comments_before: Option<i64>,
) -> AppResult<History> {
    let before = match check_ins_before {
        Some(id) => page_key(pool, "check_ins", goal, id).await?,
        None => None,
    };
    let (at, id) = before.unwrap_or((i64::MAX, i64::MAX));
    let mut rows = sqlx::query_as::<_, CheckInRow>(
        "SELECT c.id, e.name AS author_name, c.confidence, c.comment, c.progress,
            c.key_result_values, c.created_at
         FROM check_ins c JOIN employees e ON e.id = c.author_id
         WHERE c.goal_id = $1 AND c.created_at <= $2
            AND (c.created_at < $2 OR c.id < $3)
         ORDER BY c.created_at DESC, c.id DESC LIMIT $4",
    )
    .bind(goal)
    .bind(at)
    .bind(id)
    .bind(CHECK_IN_PAGE + 1)
    .fetch_all(pool)
    .await
    .map_err(internal)?;
    let more_check_ins = rows.len() as i64 > CHECK_IN_PAGE;
    rows.truncate(CHECK_IN_PAGE as usize);
    rows.reverse();
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
    let earlier_check_ins = more_check_ins
        .then(|| check_ins.first().map(|c| c.id))
        .flatten();
    if !check_ins.is_empty() {
        let list = (2..check_ins.len() + 2)
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT c.id, c.check_in_id, c.author_id, e.name AS author_name, c.body, c.created_at
             FROM goal_comments c JOIN employees e ON e.id = c.author_id
             WHERE c.goal_id = $1 AND c.check_in_id IN ({list}) ORDER BY c.created_at, c.id"
        );
        let mut query = sqlx::query_as::<_, CommentRow>(&sql).bind(goal);
        for c in &check_ins {
            query = query.bind(c.id);
        }
        for comment in query.fetch_all(pool).await.map_err(internal)? {
            let comment = GoalComment::from(comment);
            if let Some(check_in) = check_ins
                .iter_mut()
                .find(|c| Some(c.id) == comment.check_in_id)
            {
                check_in.comments.push(comment);
            }
        }
    }
    let before = match comments_before {
        Some(id) => page_key(pool, "goal_comments", goal, id).await?,
        None => None,
    };
    let (at, id) = before.unwrap_or((i64::MAX, i64::MAX));
    let mut rows = sqlx::query_as::<_, CommentRow>(
        "SELECT c.id, c.check_in_id, c.author_id, e.name AS author_name, c.body, c.created_at
         FROM goal_comments c JOIN employees e ON e.id = c.author_id
         WHERE c.goal_id = $1 AND c.check_in_id IS NULL
            AND c.created_at <= $2
            AND (c.created_at < $2 OR c.id < $3)
         ORDER BY c.created_at DESC, c.id DESC LIMIT $4",
    )
    .bind(goal)
    .bind(at)
    .bind(id)
    .bind(COMMENT_PAGE + 1)
    .fetch_all(pool)
    .await
    .map_err(internal)?;
    let more_comments = rows.len() as i64 > COMMENT_PAGE;
    rows.truncate(COMMENT_PAGE as usize);
    rows.reverse();
    let comments: Vec<GoalComment> = rows.into_iter().map(GoalComment::from).collect();
    let earlier_comments = more_comments
        .then(|| comments.first().map(|c| c.id))
        .flatten();
    Ok(History {
        check_ins,
        earlier_check_ins,
        comments,
        earlier_comments,
    })
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
         ORDER BY goal_id, created_at, id"
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
