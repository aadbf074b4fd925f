//! HR's cycle progress from the tallies that triggers keep (migration 0004), reminders, and
//! the colleagues a reviewee may nominate.

use super::*;

/// Completion of one reviewer type in one top-level department.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ProgressCount {
    pub top_department_id: i64,
    pub kind: String,
    pub total: i64,
    pub submitted: i64,
    pub late: i64,
}

/// Assignment completion by top-level department and reviewer type (nominations and declined
/// ones not counted), from the tallies the triggers of migration 0004 keep. `late` counts the
/// unsubmitted ones while `past_due` is true.
pub async fn progress(
    pool: &Pool,
    cycle_id: CycleId,
    past_due: bool,
) -> AppResult<Vec<ProgressCount>> {
    sqlx::query_as::<_, ProgressCount>(
        "SELECT top_department_id, kind, pending + draft + submitted AS total, submitted,
            CASE WHEN $2 = 1 THEN pending + draft ELSE 0 END AS late
         FROM review_kind_tallies WHERE cycle_id = $1 ORDER BY top_department_id, kind",
    )
    .bind(cycle_id)
    .bind(past_due as i64)
    .fetch_all(pool)
    .await
    .map_err(internal)
}

/// Per top-level department: reviewees, how many have peer reviewers (nominated or
/// approved), released, acknowledged and signed off.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OutcomeCount {
    pub top_department_id: i64,
    pub department: String,
    pub participants: i64,
    pub nominated: i64,
    pub released: i64,
    pub acknowledged: i64,
    pub signed_off: i64,
}

pub async fn outcomes(pool: &Pool, cycle_id: CycleId) -> AppResult<Vec<OutcomeCount>> {
    sqlx::query_as::<_, OutcomeCount>(
        "SELECT t.top_department_id, d.name AS department,
            CAST(SUM(t.participants) AS BIGINT) AS participants,
            CAST(SUM(t.with_peers) AS BIGINT) AS nominated,
            CAST(SUM(t.released) AS BIGINT) AS released,
            CAST(SUM(t.acknowledged) AS BIGINT) AS acknowledged,
            CAST(SUM(t.signed_off) AS BIGINT) AS signed_off
         FROM review_division_tallies t JOIN departments d ON d.id = t.top_department_id
         WHERE t.cycle_id = $1 GROUP BY t.top_department_id, d.name
         HAVING SUM(t.participants) > 0 ORDER BY d.name",
    )
    .bind(cycle_id)
    .fetch_all(pool)
    .await
    .map_err(internal)
}

/// Sends a reminder to everyone with a review still to write in this cycle. Returns how many
/// people were reminded.
pub async fn remind(pool: &Pool, cycle: &Cycle, actor: PersonId) -> AppResult<usize> {
    let mut tx = crate::store::begin_write(pool).await?;
    let reviewers: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT reviewer_id, COUNT(*) FROM review_assignments
         WHERE cycle_id = $1 AND state IN ('pending', 'draft') GROUP BY reviewer_id ORDER BY reviewer_id",
    )
    .bind(cycle.id)
    .fetch_all(&mut *tx)
    .await
    .map_err(internal)?;
    let notes: Vec<Note> = reviewers
        .iter()
        .map(|(person, count)| keel_core::notifications::writing_reminder(*person, *count, cycle))
        .collect();
    notify(&mut tx, &notes).await?;
    audit::record(
        &mut tx,
        Some(actor),
        "cycle.reminded",
        "review_cycle",
        cycle.id,
        None,
        Some(json!({ "people": notes.len() })),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(notes.len())
}

/// Colleagues a person might ask for a peer review: those sharing their manager, then others
/// in their department. (id, name, title)
pub async fn colleagues(
    pool: &Pool,
    person: PersonId,
    limit: i64,
) -> AppResult<Vec<(i64, String, String)>> {
    sqlx::query_as(
        "SELECT c.id, c.name, c.title FROM employees me JOIN employees c
            ON c.id <> me.id AND c.status = 'active'
            AND (c.manager_id = me.manager_id OR c.department_id = me.department_id)
         WHERE me.id = $1
         ORDER BY CASE WHEN c.manager_id = me.manager_id THEN 0 ELSE 1 END, c.name LIMIT $2",
    )
    .bind(person)
    .bind(limit)
    .fetch_all(pool)
    .await
    .map_err(internal)
}
