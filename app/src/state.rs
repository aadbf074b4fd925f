//! Server-side shared state: the database pool, Leptos options and configuration. Handed to
//! every server function through Leptos context.

use crate::store::Pool;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

/// Settings read once at start from the environment (see README, "Configuration").
#[derive(Clone, Debug)]
pub struct Config {
    /// Mark the session cookie Secure (KEEL_SECURE_COOKIES=1): required behind HTTPS.
    pub secure_cookies: bool,
    /// Seed an empty database with the demo company and list its logins (KEEL_DEMO=1).
    pub demo: bool,
    /// Days without a check-in after which a goal is flagged stale (KEEL_STALE_DAYS, default 14).
    pub stale_days: i64,
}

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: Pool,
    pub config: Arc<Config>,
    /// Sign-ins checking a password or waiting to (bounded: a full queue answers 503).
    pub sign_ins: Arc<crate::auth::password::SignInQueue>,
}
