//! Goal periods.

use super::*;

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
    let mut tx = crate::store::begin_write(pool).await?;
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
    .map_err(|e| crate::store::on_unique(e, "name", "A period with that name already exists."))?;
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
