//! The audit trail: one append-only row for every change to HR data (who, what, when,
//! before/after as JSON). Triggers on both backends refuse UPDATE and DELETE.

use super::{internal, now, Tx};
use crate::error::AppResult;
use keel_core::people::PersonId;

/// Records one change inside the transaction that makes it, so neither happens without the other.
pub async fn record(
    tx: &mut Tx<'_>,
    actor: Option<PersonId>,
    action: &str,
    entity: &str,
    entity_id: i64,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO audit_log (actor_id, action, entity, entity_id, before_json, after_json, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(actor)
    .bind(action)
    .bind(entity)
    .bind(entity_id)
    .bind(before.map(|v| v.to_string()))
    .bind(after.map(|v| v.to_string()))
    .bind(now())
    .execute(&mut **tx)
    .await
    .map_err(internal)?;
    Ok(())
}

/// One audit row, as a test or an HR history view reads it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AuditRow {
    pub actor_id: Option<i64>,
    pub action: String,
    pub entity: String,
    pub entity_id: i64,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

/// The audit rows about one entity, oldest first.
pub async fn for_entity(pool: &super::Pool, entity: &str, id: i64) -> AppResult<Vec<AuditRow>> {
    sqlx::query_as::<_, AuditRow>(
        "SELECT actor_id, action, entity, entity_id, before_json, after_json FROM audit_log
         WHERE entity = $1 AND entity_id = $2 ORDER BY id",
    )
    .bind(entity)
    .bind(id)
    .fetch_all(pool)
    .await
    .map_err(internal)
}
