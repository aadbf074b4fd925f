//! Who is asking, and may they: sessions, password hashing and the permission policy.
//! The server's middleware resolves the session cookie once per request and stores the result
//! in the request's extensions; server functions read it from there.

pub mod password;
pub mod policy;
pub mod session;

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use keel_core::people::CurrentUser;
use leptos::prelude::*;

/// The request's client address, put in the extensions by the server's middleware.
#[derive(Clone, Debug)]
pub struct ClientIp(pub String);

/// The session token hash the request carried (valid or not), for logout and rotation.
#[derive(Clone, Debug)]
pub struct PresentedSession(pub String);

fn request_parts() -> Option<http::request::Parts> {
    use_context::<http::request::Parts>()
}

/// How `user` stands to `person` in today's reporting line (see `policy::Relation`): one query
/// up the line, none for their own record.
pub async fn relation(
    pool: &crate::store::Pool,
    user: &CurrentUser,
    person: keel_core::people::PersonId,
) -> AppResult<policy::Relation> {
    if user.id == person {
        return Ok(policy::Relation::SELF);
    }
    let distance = crate::store::people::line_distance(pool, person, user.id).await?;
    Ok(policy::Relation {
        is_self: false,
        in_chain: distance.is_some(),
        is_direct_manager: distance == Some(1),
    })
}

/// The signed-in user, or `Unauthorized`.
pub fn current_user() -> AppResult<CurrentUser> {
    maybe_user().ok_or(AppError::Unauthorized)
}

/// The signed-in user, if any.
pub fn maybe_user() -> Option<CurrentUser> {
    request_parts()?.extensions.get::<CurrentUser>().cloned()
}

pub fn client_ip() -> String {
    request_parts()
        .and_then(|p| p.extensions.get::<ClientIp>().map(|ip| ip.0.clone()))
        .unwrap_or_else(|| "unknown".into())
}

pub fn presented_session() -> Option<String> {
    request_parts()?
        .extensions
        .get::<PresentedSession>()
        .map(|s| s.0.clone())
}

pub fn state() -> AppState {
    expect_context::<AppState>()
}
