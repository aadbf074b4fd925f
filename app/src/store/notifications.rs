//! Notifications: rows written in the transaction of the event that causes them (a cycle's
//! launch, a phase change, a release, a reminder), read by the bell and the notification
//! centre. What they say is decided in keel_core::notifications; this file only stores it.

use super::seed::{bulk_insert, Cell};
use super::{internal, now, Pool, Tx};
use crate::error::AppResult;
use keel_core::notifications::Note;
use keel_core::people::PersonId;

/// Writes notes in the caller's transaction.
pub async fn notify(tx: &mut Tx<'_>, notes: &[Note]) -> AppResult<()> {
    let at = now();
    let rows = notes
        .iter()
        .map(|n| {
            vec![
                Cell::Int(n.person),
                Cell::Text(n.title.clone()),
                Cell::Text(n.body.clone()),
                Cell::Text(n.link.clone()),
                Cell::Int(at),
            ]
        })
        .collect();
    bulk_insert(
        tx,
        "notifications",
        &["person_id", "title", "body", "link", "created_at"],
        rows,
    )
    .await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct NotificationRow {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub link: String,
    pub created_at: i64,
    pub read_at: Option<i64>,
}

/// A person's latest notifications.
pub async fn notifications(
    pool: &Pool,
    person: PersonId,
    limit: i64,
) -> AppResult<Vec<NotificationRow>> {
    sqlx::query_as::<_, NotificationRow>(
        "SELECT id, title, body, link, created_at, read_at FROM notifications
         WHERE person_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
    )
    .bind(person)
    .bind(limit)
    .fetch_all(pool)
    .await
    .map_err(internal)
}

pub async fn unread_count(pool: &Pool, person: PersonId) -> AppResult<i64> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications WHERE person_id = $1 AND read_at IS NULL",
    )
    .bind(person)
    .fetch_one(pool)
    .await
    .map_err(internal)
}

/// Marks one of a person's notifications read, or all of them when `id` is `None`.
pub async fn mark_read(pool: &Pool, person: PersonId, id: Option<i64>) -> AppResult<()> {
    let sql = format!(
        "UPDATE notifications SET read_at = $1 WHERE person_id = $2 AND read_at IS NULL{}",
        if id.is_some() { " AND id = $3" } else { "" }
    );
    let mut query = sqlx::query(&sql).bind(now()).bind(person);
    if let Some(id) = id {
        query = query.bind(id);
    }
    query.execute(pool).await.map_err(internal)?;
    Ok(())
}
