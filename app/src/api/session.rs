//! Signing in and out, and who is signed in.

use crate::error::AppResult;
use keel_core::people::CurrentUser;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A demo account, listed on the login page in demo mode.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoLogin {
    pub role: String,
    pub name: String,
    pub email: String,
    pub password: String,
}

/// Failed sign-ins allowed per account, and per address, in `RATE_WINDOW_SECS`.
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
pub const MAX_FAILURES_PER_ADDRESS: i64 = 50;
pub const RATE_WINDOW_SECS: i64 = 15 * 60;

/// Signs in with email and password, replacing any session the browser already had, and
/// sends the browser home.
#[server(prefix = "/api", endpoint = "login")]
pub async fn login(email: String, password: String) -> AppResult<()> {
    use crate::auth::{client_ip, password, presented_session, session, state};
    use crate::error::{AppError, FieldError};
    use crate::store::accounts;
    let state = state();
    let email = email.trim().to_lowercase();
    let mut missing = Vec::new();
    if email.is_empty() {
        missing.push(FieldError::new("email", "Enter your email address."));
    } else if keel_core::people::has_control_characters(&email) {
        missing.push(FieldError::new(
            "email",
            keel_core::people::CONTROL_CHARACTERS,
        ));
    }
    if password.is_empty() {
        missing.push(FieldError::new("password", "Enter your password."));
    }
    if !missing.is_empty() {
        return Err(AppError::Invalid(missing));
    }
    let ip = client_ip();
    let (by_account, by_address) =
        accounts::recent_failures(&state.pool, &email, &ip, RATE_WINDOW_SECS).await?;
    if by_account >= MAX_FAILURES_PER_ACCOUNT || by_address >= MAX_FAILURES_PER_ADDRESS {
        return Err(AppError::TooManyRequests);
    }
    let candidate = accounts::login_candidate(&state.pool, &email).await?;
    let id = candidate.as_ref().map(|c| c.id);
    let ok = password::verify(password, candidate.map(|c| c.password_hash)).await;
    accounts::record_attempt(&state.pool, &email, &ip, ok).await?;
    let Some(id) = id.filter(|_| ok) else {
        return Err(AppError::invalid(
            "password",
            "That email and password don't match.",
        ));
    };
    let (token, token_hash) = session::new_token();
    let replaced = presented_session();
    accounts::start_session(
        &state.pool,
        id,
        &token_hash,
        replaced.as_deref(),
        session::LIFETIME_SECS,
    )
    .await?;
    set_cookie(&session::cookie(&token, state.config.secure_cookies));
    leptos_axum::redirect("/");
    Ok(())
}

#[cfg(feature = "ssr")]
fn set_cookie(value: &str) {
    if let (Some(options), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(value),
    ) {
        options.append_header(http::header::SET_COOKIE, value);
    }
}

/// Ends the current session (server-side, so the token is dead even if copied) and goes to
/// the login page.
#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout() -> AppResult<()> {
    use crate::auth::{current_user, presented_session, session, state};
    use crate::store::accounts;
    current_user()?;
    let state = state();
    if let Some(token_hash) = presented_session() {
        accounts::end_session(&state.pool, &token_hash).await?;
    }
    set_cookie(&session::clearing_cookie(state.config.secure_cookies));
    leptos_axum::redirect("/login");
    Ok(())
}

/// The signed-in user, or `None` on the login page.
#[server(prefix = "/api", endpoint = "get_current_user")]
pub async fn get_current_user() -> AppResult<Option<CurrentUser>> {
    Ok(crate::auth::maybe_user())
}

/// The demo accounts and their password, in demo mode only (empty otherwise).
#[server(prefix = "/api", endpoint = "list_demo_logins")]
pub async fn list_demo_logins() -> AppResult<Vec<DemoLogin>> {
    use crate::demo::org::{DEMO_DOMAIN, DEMO_PASSWORD};
    use crate::store::accounts;
    let state = crate::auth::state();
    if !state.config.demo {
        return Ok(Vec::new());
    }
    let roles = [
        ("employee", "Employee"),
        ("peer", "Teammate"),
        ("manager", "Manager"),
        ("hr", "HR admin"),
        ("exec", "Executive"),
        ("admin", "Administrator"),
    ];
    let emails: Vec<String> = roles
        .iter()
        .map(|(local, _)| format!("{local}@{DEMO_DOMAIN}"))
        .collect();
    let found = accounts::people_with_logins(&state.pool, &emails).await?;
    Ok(found
        .into_iter()
        .filter_map(|(name, email)| {
            let local = email.split('@').next()?;
            let (_, role) = roles.iter().find(|(l, _)| *l == local)?;
            Some(DemoLogin {
                role: role.to_string(),
                name,
                email,
                password: DEMO_PASSWORD.to_string(),
            })
        })
        .collect())
}
