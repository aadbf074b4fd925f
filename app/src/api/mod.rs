//! Server functions: the app's whole HTTP API, called by the pages as typed Rust functions.
//! Each body reads as a checklist: who is asking -> may they? -> validate -> store -> errors.

pub mod goals;
pub mod home;
pub mod people;
pub mod reviews;
pub mod session;

/// Server functions that answer without a session. Every other one refuses with 401 before
/// its arguments are even read (see the server's middleware); a test holds this list to account.
pub const PUBLIC_ENDPOINTS: &[&str] = &["/api/login", "/api/current_user", "/api/demo_logins"];

#[cfg(feature = "ssr")]
mod respond {
    use crate::error::AppResult;
    use leptos::prelude::*;

    /// Sets the HTTP status of a failed server-function call from its error. Plain HTML form
    /// posts (no wasm yet) are left alone: they are redirected back with the error in the URL.
    pub fn respond<T>(result: AppResult<T>) -> AppResult<T> {
        if let Err(error) = &result {
            let plain_form = use_context::<http::request::Parts>()
                .and_then(|p| p.headers.get(http::header::ACCEPT).cloned())
                .and_then(|v| v.to_str().ok().map(|v| v.contains("text/html")))
                .unwrap_or(false);
            if !plain_form {
                if let (Some(options), Ok(status)) = (
                    use_context::<leptos_axum::ResponseOptions>(),
                    http::StatusCode::from_u16(error.status_code()),
                ) {
                    options.set_status(status);
                }
            }
        }
        result
    }
}
#[cfg(feature = "ssr")]
pub(crate) use respond::respond;
