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

/// Signs in with email and password, replacing any session the browser already had, and
/// sends the browser home. Attempts are limited as `keel_core::signin` describes (a refused
/// one is a 429 with Retry-After), and so is the queue for the password check (full: 503).
#[server(prefix = "/api", endpoint = "login")]
pub async fn login(email: String, password: String) -> AppResult<()> {
    use crate::auth::{client_ip, password, presented_session, session, state};
    use crate::error::{AppError, FieldError};
    use crate::store::accounts;
    let state = state();
    use keel_core::signin::{MAX_EMAIL_LEN, MAX_PASSWORD_CHARS};
    let email = email.trim().to_lowercase();
    let mut missing = Vec::new();
    if email.is_empty() {
        missing.push(FieldError::new("email", "Enter your email address."));
    } else if email.chars().count() > MAX_EMAIL_LEN {
        missing.push(FieldError::new(
            "email",
            format!("An email address has at most {MAX_EMAIL_LEN} characters."),
        ));
    } else if keel_core::people::has_control_characters(&email) {
        missing.push(FieldError::new(
            "email",
            keel_core::people::CONTROL_CHARACTERS,
        ));
    }
    if password.is_empty() {
        missing.push(FieldError::new("password", "Enter your password."));
    } else if password.chars().count() > MAX_PASSWORD_CHARS {
        missing.push(FieldError::new(
            "password",
            "A password has at most 1,024 characters.",
        ));
    }
    if !missing.is_empty() {
        return Err(AppError::Invalid(missing));
    }
    let Some(place) = state.sign_ins.admit() else {
        set_header(http::header::RETRY_AFTER, "1");
        return Err(AppError::Busy);
    };
    let ip = client_ip();
    let attempt = match accounts::admit_attempt(&state.pool, &email, &ip).await? {
        Ok(attempt) => attempt,
        Err(wait_secs) => {
            set_header(http::header::RETRY_AFTER, &wait_secs.to_string());
            return Err(AppError::TooManyRequests);
        }
    };
    let candidate = accounts::login_candidate(&state.pool, &email).await?;
    let id = candidate.as_ref().map(|c| c.id);
    let ok = password::verify(&place, password, candidate.map(|c| c.password_hash)).await;
    let Some(id) = id.filter(|_| ok) else {
        return Err(AppError::invalid(
            "password",
            "That email and password don't match.",
        ));
    };
    accounts::attempt_succeeded(&state.pool, attempt).await?;
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
    set_header(
        http::header::SET_COOKIE,
        &session::cookie(&token, state.config.secure_cookies),
    );
    leptos_axum::redirect("/");
    Ok(())
}

/// Adds a header to the server function's response.
#[cfg(feature = "ssr")]
fn set_header(name: http::HeaderName, value: &str) {
    if let (Some(options), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(value),
    ) {
        options.append_header(name, value);
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
    set_header(
        http::header::SET_COOKIE,
        &session::clearing_cookie(state.config.secure_cookies),
    );
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
