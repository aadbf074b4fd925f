//! Calibration: the histogram and paged table from the tallies, rating changes with their
//! justification and audit row, and the rows of the CSV export.

use super::*;

/// Which reviewees calibration looks at.
#[derive(Clone, Debug, Default)]
pub struct CalibrationFilter {
    pub top_department: Option<DepartmentId>,
    pub manager: Option<PersonId>,
    /// A manager calibrating sees only their own organisation: the reviewees whose manager at
    /// launch is them or someone below them.
    pub within_org_of: Option<PersonId>,
}

impl CalibrationFilter {
    fn is_everyone(&self) -> bool {
        self.top_department.is_none() && self.manager.is_none() && self.within_org_of.is_none()
    }

    /// The WHERE clause over `review_participants p` or `review_manager_tallies t` (the same
    /// column names; a tally's manager 0 is "none", which no filter asks for).
    fn where_sql(&self, table: &str) -> String {
        let mut sql = format!(" WHERE {table}.cycle_id = $1");
        if let Some(d) = self.top_department {
            sql.push_str(&format!(" AND {table}.top_department_id = {d}"));
        }
        if let Some(m) = self.manager {
            sql.push_str(&format!(" AND {table}.manager_id = {m}"));
        }
        if let Some(m) = self.within_org_of {
            sql.push_str(&format!(
                " AND {table}.manager_id IN (WITH RECURSIVE org(id) AS (SELECT CAST({m} AS BIGINT)
                    UNION ALL SELECT e.id FROM employees e JOIN org ON e.manager_id = org.id)
                    SELECT id FROM org)"
            ));
        }
        sql
    }
}

/// The effective rating: the calibrated one, else the manager's proposal rounded half up, as
/// Rust's `f64::round` does. Proposals have two decimals, so they are rounded in hundredths
/// (exact in both databases) and then by integer division: PostgreSQL's ROUND on doubles
/// rounds ties to even, and SQLite has no FLOOR without its math extension. The tally
/// triggers of migration 0004 use the same expression.
pub(super) const EFFECTIVE: &str =
    "COALESCE(p.final_rating, (CAST(ROUND(p.proposed_rating * 100) AS BIGINT) + 50) / 100)";

/// How many reviewees have each effective rating (0: no manager review yet), per group: the
/// top-level department, or the manager (`by_manager`). Read from the tallies, so its cost
/// does not grow with the number of reviewees.
pub async fn histogram(
    pool: &Pool,
    cycle_id: CycleId,
    filter: &CalibrationFilter,
    by_manager: bool,
) -> AppResult<Vec<(i64, String, i64, i64)>> {
    let sql = if by_manager {
        format!(
            "SELECT t.manager_id, COALESCE(m.name, 'No manager'), t.rating, CAST(SUM(t.reviewees) AS BIGINT)
             FROM review_manager_tallies t LEFT JOIN employees m ON m.id = t.manager_id {}
             GROUP BY t.manager_id, m.name, t.rating HAVING SUM(t.reviewees) > 0 ORDER BY 2, 1, 3",
            filter.where_sql("t")
        )
    } else if filter.is_everyone() {
        "SELECT t.top_department_id, d.name, t.rating, CAST(SUM(t.participants) AS BIGINT)
         FROM review_division_tallies t JOIN departments d ON d.id = t.top_department_id
         WHERE t.cycle_id = $1
         GROUP BY t.top_department_id, d.name, t.rating HAVING SUM(t.participants) > 0 ORDER BY 2, 1, 3"
            .to_string()
    } else {
        format!(
            "SELECT t.top_department_id, d.name, t.rating, CAST(SUM(t.reviewees) AS BIGINT)
             FROM review_manager_tallies t JOIN departments d ON d.id = t.top_department_id {}
             GROUP BY t.top_department_id, d.name, t.rating HAVING SUM(t.reviewees) > 0 ORDER BY 2, 1, 3",
            filter.where_sql("t")
        )
    };
    sqlx::query_as(&sql)
        .bind(cycle_id)
        .fetch_all(pool)
        .await
        .map_err(internal)
}

/// One page of reviewees for calibration. (How many match in all is the histogram's sum.)
pub async fn calibration_rows(
    pool: &Pool,
    cycle_id: CycleId,
    filter: &CalibrationFilter,
    sort: &str,
    limit: i64,
    offset: i64,
) -> AppResult<Vec<ParticipantRow>> {
    let order = match sort {
        "rating_desc" => format!("{EFFECTIVE} DESC NULLS LAST, e.name, e.id"),
        "rating_asc" => format!("{EFFECTIVE} ASC NULLS LAST, e.name, e.id"),
        "manager" => "m.name, e.name, e.id".to_string(),
        "department" => "d.name, e.name, e.id".to_string(),
        _ => "e.name, e.id".to_string(),
    };
    let mut sql = PARTICIPANT_SELECT.to_string();
    let mut where_sql = filter.where_sql("p");
    if filter.is_everyone() && sort == "name" {
        // Everyone by name: SQLite would join and sort every reviewee for one page; walking the
        // employees' (name, id) index instead stops after it (CROSS JOIN fixes SQLite's join
        // order; PostgreSQL plans it as any join). With a filter the planner's choice is better.
        sql = sql.replace(
            "FROM review_participants p JOIN employees e ON e.id = p.person_id",
            "FROM employees e CROSS JOIN review_participants p",
        );
        where_sql.push_str(" AND p.person_id = e.id");
    }
    sqlx::query_as::<_, ParticipantRow>(&format!(
        "{sql}{where_sql} ORDER BY {order} LIMIT $2 OFFSET $3"
    ))
    .bind(cycle_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await
    .map_err(internal)
}

/// The managers to filter by (at most 500): those with reviewees in the chosen department, or
/// in the calibrating manager's organisation. Everyone at once would be thousands in a large
/// company, so without either the list is empty and the page asks for a department first.
pub async fn calibration_managers(
    pool: &Pool,
    cycle_id: CycleId,
    filter: &CalibrationFilter,
) -> AppResult<Vec<(i64, String)>> {
    let mut scope = CalibrationFilter {
        manager: None,
        ..filter.clone()
    };
    if scope.top_department.is_none() {
        // A manager chosen by link: list the managers of their department.
        if let Some(m) = filter.manager {
            scope.top_department = sqlx::query_scalar(
                "SELECT top_department_id FROM review_manager_tallies
                 WHERE cycle_id = $1 AND manager_id = $2 AND reviewees > 0 LIMIT 1",
            )
            .bind(cycle_id)
            .bind(m)
            .fetch_optional(pool)
            .await
            .map_err(internal)?;
        }
    }
    if scope.is_everyone() {
        return Ok(vec![]);
    }
    sqlx::query_as(&format!(
        "SELECT t.manager_id, m.name FROM review_manager_tallies t JOIN employees m ON m.id = t.manager_id
         {} GROUP BY t.manager_id, m.name HAVING SUM(t.reviewees) > 0 ORDER BY m.name LIMIT 500",
        scope.where_sql("t")
    ))
    .bind(cycle_id)
    .fetch_all(pool)
    .await
    .map_err(internal)
}

/// A calibrated change to a final rating, with its reason.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RatingChange {
    pub actor_name: String,
    pub before_rating: Option<f64>,
    pub after_rating: i64,
    pub justification: String,
    pub at: i64,
}

pub async fn rating_changes(
    pool: &Pool,
    participant: ParticipantId,
) -> AppResult<Vec<RatingChange>> {
    sqlx::query_as::<_, RatingChange>(
        "SELECT e.name AS actor_name, r.before_rating, r.after_rating, r.justification, r.at
         FROM rating_changes r JOIN employees e ON e.id = r.actor_id
         WHERE r.participant_id = $1 ORDER BY r.at DESC, r.id DESC",
    )
    .bind(participant)
    .fetch_all(pool)
    .await
    .map_err(internal)
}

/// Changes a final rating: the change, its history row and its audit row in one transaction,
/// which first checks that the cycle is in calibration and the result not released.
pub async fn set_final_rating(
    pool: &Pool,
    participant: &ParticipantRow,
    rating: i64,
    justification: &str,
    actor: PersonId,
) -> AppResult<()> {
    let sqlite = is_sqlite(pool);
    let mut tx = crate::store::begin_write(pool).await?;
    // What the caller checked may have changed since (the cycle moved on, the department was
    // released, someone else changed the rating): read it again, locked, in this transaction.
    if super::phase_in(&mut tx, sqlite, participant.cycle_id).await? != CycleState::Calibration {
        return Err(AppError::Conflict(
            "Ratings change only while the cycle is in calibration.".into(),
        ));
    }
    super::lock_participant(&mut tx, sqlite, participant.id).await?;
    let now_row: (Option<i64>, Option<f64>, Option<i64>) = sqlx::query_as(
        "SELECT final_rating, proposed_rating, released_at FROM review_participants WHERE id = $1",
    )
    .bind(participant.id)
    .fetch_one(&mut *tx)
    .await
    .map_err(internal)?;
    let (final_rating, proposed_rating, released_at) = now_row;
    if released_at.is_some() {
        return Err(AppError::Conflict(format!(
            "{}'s results have been released; the rating can no longer change.",
            participant.person_name
        )));
    }
    let before = final_rating.map(|r| r as f64).or(proposed_rating);
    sqlx::query("UPDATE review_participants SET final_rating = $1 WHERE id = $2")
        .bind(rating)
        .bind(participant.id)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    let insert = sqlx::query(
        "INSERT INTO rating_changes (participant_id, actor_id, before_rating, after_rating, justification, at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(participant.id)
    .bind(actor);
    crate::store::bind_real(insert, before)
        .bind(rating)
        .bind(justification)
        .bind(now())
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    audit::record(
        &mut tx,
        Some(actor),
        "review.rating_changed",
        "review_participant",
        participant.id,
        Some(json!({ "rating": before })),
        Some(json!({ "rating": rating, "justification": justification })),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(())
}

/// Every reviewee of a cycle for the CSV export, by department then name.
pub async fn export_rows(
    pool: &Pool,
    cycle_id: CycleId,
) -> AppResult<Vec<(ParticipantRow, String)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        participant: ParticipantRow,
        email: String,
    }
    let rows = sqlx::query_as::<_, Row>(&format!(
        "{} WHERE p.cycle_id = $1 ORDER BY d.name, e.name",
        PARTICIPANT_SELECT.replace("SELECT p.id,", "SELECT e.email, p.id,")
    ))
    .bind(cycle_id)
    .fetch_all(pool)
    .await
    .map_err(internal)?;
    Ok(rows.into_iter().map(|r| (r.participant, r.email)).collect())
}
