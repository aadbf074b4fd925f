//! Writing goals: create, edit, status, check-ins, comments; each write recomputes progress
//! and walks up the alignment chain in the same transaction.

use super::*;
use keel_core::goals::{in_line, would_create_cycle, OwnerLine, ParentFacts, MAX_ALIGNMENT_DEPTH};
use std::collections::HashMap;

/// Audits an alignment on the parent: who put which goal under it, with what weight. The
/// parent's page lists the same from the goal's `aligned_by` and `aligned_at`.
async fn record_alignment(
    tx: &mut Tx<'_>,
    goal: GoalId,
    parent: GoalId,
    weight: i64,
    actor: PersonId,
) -> AppResult<()> {
    audit::record(
        tx,
        Some(actor),
        "goal.aligned",
        "goal",
        parent,
        None,
        Some(json!({ "goal_id": goal, "weight": weight })),
    )
    .await
}

/// Where a person sits, for `in_line`: their manager, their department and the ones above it.
pub(super) async fn owner_line(tx: &mut Tx<'_>, owner: PersonId) -> AppResult<OwnerLine> {
    let (manager, department): (Option<i64>, i64) =
        sqlx::query_as("SELECT manager_id, department_id FROM employees WHERE id = $1")
            .bind(owner)
            .fetch_optional(&mut **tx)
            .await
            .map_err(internal)?
            .ok_or_else(|| AppError::not_found("That person"))?;
    let mut departments = vec![department];
    let mut current = department;
    while departments.len() <= MAX_ALIGNMENT_DEPTH {
        let above: Option<i64> =
            sqlx::query_scalar("SELECT parent_id FROM departments WHERE id = $1")
                .bind(current)
                .fetch_optional(&mut **tx)
                .await
                .map_err(internal)?
                .flatten();
        match above {
            Some(above) if !departments.contains(&above) => {
                departments.push(above);
                current = above;
            }
            _ => break,
        }
    }
    Ok(OwnerLine {
        owner,
        manager,
        departments,
    })
}

/// The owner and placement a new goal gets, resolved by the API layer.
pub struct NewGoal<'a> {
    pub input: &'a GoalInput,
    pub owner: PersonId,
    pub department_id: Option<DepartmentId>,
}

/// Checks the parent of `owner`'s goal: it exists, is in a level at or above, is in the
/// owner's own line when newly chosen (`keel_core::goals::in_line`), and is not the goal
/// itself or below it.
/// `goal` is None for a new goal. Read in the transaction that writes the goal.
async fn check_parent(
    tx: &mut Tx<'_>,
    goal: Option<GoalId>,
    level: GoalLevel,
    parent: GoalId,
    owner: PersonId,
    newly_aligned: bool,
) -> AppResult<()> {
    let parent_row: Option<(String, i64, Option<i64>)> =
        sqlx::query_as("SELECT level, owner_id, department_id FROM goals WHERE id = $1")
            .bind(parent)
            .fetch_optional(&mut **tx)
            .await
            .map_err(internal)?;
    let Some((parent_level, parent_owner, parent_department)) = parent_row else {
        return Err(AppError::invalid(
            "parent_id",
            "Choose a goal from the list.",
        ));
    };
    let Some(parent_level) = GoalLevel::parse(&parent_level) else {
        return Err(AppError::invalid(
            "parent_id",
            "Choose a goal from the list.",
        ));
    };
    let facts = ParentFacts {
        level: parent_level,
        owner: parent_owner,
        department: parent_department,
    };
    // A goal already under its parent stays there (its owner may have moved since).
    if newly_aligned && !in_line(&facts, &owner_line(tx, owner).await?) {
        return Err(AppError::invalid(
            "parent_id",
            "Align to a goal in the owner's own line: a company objective, a goal of their \
             department or one above it, their own or their manager's team goals, or their own \
             goals.",
        ));
    }
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
        // The rule is keel_core's; this reads the chain above the new parent for it.
        let mut parent_of = HashMap::new();
        let mut current = Some(parent);
        while let Some(id) = current {
            if parent_of.contains_key(&id) || parent_of.len() > MAX_ALIGNMENT_DEPTH {
                break;
            }
            let up =
                sqlx::query_scalar::<_, Option<i64>>("SELECT parent_id FROM goals WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut **tx)
                    .await
                    .map_err(internal)?
                    .flatten();
            parent_of.insert(id, up);
            current = up;
        }
        if would_create_cycle(goal, parent, |id| parent_of.get(&id).copied().flatten()) {
            return Err(AppError::invalid(
                "parent_id",
                "That goal is aligned under this one, so this one cannot align under it.",
            ));
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
    let mut tx = crate::store::begin_write(pool).await?;
    if input.level == GoalLevel::Individual {
        let plan = super::plan_in(&mut tx, is_sqlite(pool), new.owner, input.period_id).await?;
        if let Some(reason) = keel_core::goals::adding_locked_reason(input.level, plan) {
            return Err(AppError::Conflict(reason));
        }
    }
    if let Some(parent) = input.parent_id {
        check_parent(&mut tx, None, input.level, parent, new.owner, true).await?;
    }
    let at = now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO goals (title, description, owner_id, level, department_id, period_id,
            visibility, weight, status, progress_mode, parent_id, progress, created_by,
            created_at, updated_at, aligned_by, aligned_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'active', $9, $10, 0, $11, $12, $13, $14, $15)
         RETURNING id",
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
    .bind(input.parent_id.map(|_| actor))
    .bind(input.parent_id.map(|_| at))
    .fetch_one(&mut *tx)
    .await
    .map_err(internal)?;
    write_key_results(&mut tx, id, input).await?;
    recompute(&mut tx, id).await?;
    if let Some(parent) = input.parent_id {
        record_alignment(&mut tx, id, parent, input.weight, actor).await?;
    }
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

/// Changes a goal's fields and key results (key results missing from `input` are removed),
/// if the goal-setting session, read in this transaction, allows it. The owner, level and
/// period stay as they are.
pub async fn update(pool: &Pool, id: GoalId, input: &GoalInput, actor: PersonId) -> AppResult<()> {
    let mut tx = crate::store::begin_write(pool).await?;
    let before = snapshot(&mut tx, id)
        .await?
        .ok_or_else(|| AppError::not_found("That goal"))?;
    let level = before["level"]
        .as_str()
        .and_then(GoalLevel::parse)
        .unwrap_or(GoalLevel::Individual);
    let old_parent = before["parent_id"].as_i64();
    let owner = before["owner_id"].as_i64().unwrap_or_default();
    if level == GoalLevel::Individual {
        let period = before["period_id"].as_i64().unwrap_or_default();
        let plan = super::plan_in(&mut tx, is_sqlite(pool), owner, period).await?;
        if let Some(reason) = keel_core::goals::locked_reason(level, plan) {
            return Err(AppError::Conflict(reason));
        }
    }
    let newly_aligned = input.parent_id.filter(|parent| Some(*parent) != old_parent);
    if let Some(parent) = input.parent_id {
        check_parent(
            &mut tx,
            Some(id),
            level,
            parent,
            owner,
            newly_aligned.is_some(),
        )
        .await?;
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
    if let Some(parent) = newly_aligned {
        sqlx::query("UPDATE goals SET aligned_by = $1, aligned_at = $2 WHERE id = $3")
            .bind(actor)
            .bind(now())
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        record_alignment(&mut tx, id, parent, input.weight, actor).await?;
    }
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

/// Recomputes every rolled-up goal with goals aligned under it (and, through `recompute`, the
/// goals above it), in one transaction that also deletes the request in `pending_work` (see
/// `store::migrate`). Returns how many goals it started from.
pub async fn recompute_every_rollup(pool: &Pool) -> AppResult<usize> {
    let mut tx = crate::store::begin_write(pool).await?;
    let parents: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT c.parent_id FROM goals c JOIN goals p ON p.id = c.parent_id
         WHERE p.progress_mode = 'rolled_up' ORDER BY c.parent_id",
    )
    .fetch_all(&mut *tx)
    .await
    .map_err(internal)?;
    for parent in &parents {
        recompute(&mut tx, *parent).await?;
    }
    sqlx::query("DELETE FROM pending_work WHERE name = $1")
        .bind(crate::store::RECOMPUTE_GOAL_ROLLUPS)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    Ok(parents.len())
}

/// Recomputes the goals that the owner's individual goals of `period` are aligned to: their
/// goal-setting session was approved or reopened, so they start or stop counting.
pub async fn recompute_parents_of_plan(
    tx: &mut Tx<'_>,
    owner: PersonId,
    period: PeriodId,
) -> AppResult<()> {
    let parents: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT parent_id FROM goals WHERE owner_id = $1 AND period_id = $2
           AND level = 'individual' AND parent_id IS NOT NULL ORDER BY parent_id",
    )
    .bind(owner)
    .bind(period)
    .fetch_all(&mut **tx)
    .await
    .map_err(internal)?;
    for parent in parents {
        recompute(tx, parent).await?;
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
        let Some((mode, parent, visibility, owner)) =
            sqlx::query_as::<_, (String, Option<i64>, String, i64)>(
                "SELECT progress_mode, parent_id, visibility, owner_id FROM goals WHERE id = $1",
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
            let visibility = Visibility::parse(&visibility).unwrap_or(Visibility::Private);
            // An individual goal counts once its goal-setting session is approved.
            let rows: Vec<(i64, f64, String, i64, String, Option<String>)> = sqlx::query_as(
                "SELECT c.weight, c.progress, c.visibility, c.owner_id, c.level, gp.state
                 FROM goals c LEFT JOIN goal_plans gp
                   ON gp.owner_id = c.owner_id AND gp.period_id = c.period_id
                 WHERE c.parent_id = $1 AND c.status <> 'cancelled'",
            )
            .bind(id)
            .fetch_all(&mut **tx)
            .await
            .map_err(internal)?;
            rows.into_iter()
                .filter(|(_, _, child, child_owner, level, plan)| {
                    let child = Visibility::parse(child).unwrap_or(Visibility::Private);
                    let agreed = level != GoalLevel::Individual.as_str()
                        || plan.as_deref() == Some(PlanState::Approved.as_str());
                    counts_towards_parent(child, visibility, *child_owner == owner, agreed)
                })
                .map(|(weight, progress, ..)| (weight, progress))
                .collect()
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

/// Sets a goal's status (active, completed, cancelled), if the goal-setting session, read in
/// this transaction, allows it (`keel_core::goals::status_locked_reason`).
pub async fn set_status(
    pool: &Pool,
    id: GoalId,
    status: GoalStatus,
    actor: PersonId,
) -> AppResult<()> {
    let mut tx = crate::store::begin_write(pool).await?;
    let before = snapshot(&mut tx, id)
        .await?
        .ok_or_else(|| AppError::not_found("That goal"))?;
    let level = before["level"]
        .as_str()
        .and_then(GoalLevel::parse)
        .unwrap_or(GoalLevel::Individual);
    if level == GoalLevel::Individual {
        let owner = before["owner_id"].as_i64().unwrap_or_default();
        let period = before["period_id"].as_i64().unwrap_or_default();
        let plan = super::plan_in(&mut tx, is_sqlite(pool), owner, period).await?;
        if let Some(reason) = keel_core::goals::status_locked_reason(level, plan, status) {
            return Err(AppError::Conflict(reason));
        }
    }
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
    let sqlite = is_sqlite(pool);
    let mut tx = crate::store::begin_write(pool).await?;
    // The goal may have been completed or cancelled, or its session reopened, since the
    // request was checked: read both again here (locked on PostgreSQL).
    // The session is locked before the goal, as every goal write and `move_plan` do.
    let facts: Option<(String, i64, i64)> =
        sqlx::query_as("SELECT level, owner_id, period_id FROM goals WHERE id = $1")
            .bind(goal)
            .fetch_optional(&mut *tx)
            .await
            .map_err(internal)?;
    let (level, owner, period) = facts.ok_or_else(|| AppError::not_found("That goal"))?;
    let plan = if GoalLevel::parse(&level) == Some(GoalLevel::Individual) {
        super::plan_in(&mut tx, sqlite, owner, period).await?
    } else {
        None
    };
    let status: String = sqlx::query_scalar(if sqlite {
        "SELECT status FROM goals WHERE id = $1"
    } else {
        "SELECT status FROM goals WHERE id = $1 FOR UPDATE"
    })
    .bind(goal)
    .fetch_one(&mut *tx)
    .await
    .map_err(internal)?;
    let status = GoalStatus::parse(&status).unwrap_or(GoalStatus::Active);
    if let Some(refusal) = keel_core::goals::check_in_refusal(status, plan) {
        return Err(AppError::Conflict(refusal.into()));
    }
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
    let mut tx = crate::store::begin_write(pool).await?;
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

pub(super) async fn insert_comment(
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
