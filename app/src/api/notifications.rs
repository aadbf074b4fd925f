//! The notification centre: a person's notifications, the unread count, marking read.

use crate::error::AppResult;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One notification as the centre shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Notification {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub link: String,
    pub created_at: i64,
    pub read: bool,
}

#[server(prefix = "/api", endpoint = "list_notifications")]
pub async fn list_notifications() -> AppResult<Vec<Notification>> {
    use crate::auth::{current_user, state};
    let user = current_user()?;
    Ok(
        crate::store::notifications::notifications(&state().pool, user.id, 100)
            .await?
            .into_iter()
            .map(|n| Notification {
                id: n.id,
                title: n.title,
                body: n.body,
                link: n.link,
                created_at: n.created_at,
                read: n.read_at.is_some(),
            })
            .collect(),
    )
}

#[server(prefix = "/api", endpoint = "count_unread_notifications")]
pub async fn count_unread_notifications() -> AppResult<i64> {
    use crate::auth::{current_user, state};
    let user = current_user()?;
    crate::store::notifications::unread_count(&state().pool, user.id).await
}

/// Marks one notification read (or all, when `id` is empty).
#[server(prefix = "/api", endpoint = "mark_notifications_read")]
pub async fn mark_notifications_read(id: Option<i64>) -> AppResult<()> {
    use crate::auth::{current_user, state};
    let user = current_user()?;
    crate::store::notifications::mark_read(&state().pool, user.id, id).await
}
