//! Goal-setting sessions: one row per person and period, moved on by the owner and their
//! managers.

use super::*;

/// The state of a person's goal-setting session for a period, read inside a write transaction
/// that depends on it (on PostgreSQL the row is locked, and `move_plan` locks it too, so a goal
/// cannot be added, edited or cancelled while the session moves past the state that allowed it).
pub(super) async fn plan_in(
    tx: &mut Tx<'_>,
    sqlite: bool,
    owner: PersonId,
    period: PeriodId,
) -> AppResult<Option<PlanState>> {
    let sql = if sqlite {
        "SELECT state FROM goal_plans WHERE owner_id = $1 AND period_id = $2"
    } else {
        "SELECT state FROM goal_plans WHERE owner_id = $1 AND period_id = $2 FOR UPDATE"
    };
    let state: Option<String> = sqlx::query_scalar(sql)
        .bind(owner)
        .bind(period)
        .fetch_optional(&mut **tx)
        .await
        .map_err(internal)?;
    Ok(state.as_deref().and_then(PlanState::parse))
}

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
    let mut tx = crate::store::begin_write(pool).await?;
    // Locked on PostgreSQL: of two managers acting at once, the second sees the first's move.
    let sql = if is_sqlite(pool) {
        "SELECT id, state FROM goal_plans WHERE owner_id = $1 AND period_id = $2"
    } else {
        "SELECT id, state FROM goal_plans WHERE owner_id = $1 AND period_id = $2 FOR UPDATE"
    };
    let row: Option<(i64, String)> = sqlx::query_as(sql)
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
    // Approved goals count towards the goals they are aligned to; reopened ones stop counting.
    if (to == PlanState::Approved) != (current == PlanState::Approved) {
        super::writing::recompute_parents_of_plan(&mut tx, owner, period).await?;
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
