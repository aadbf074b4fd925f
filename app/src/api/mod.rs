//! Server functions: the app's whole HTTP API, called by the pages as typed Rust functions.
//! Each body reads as a checklist: who is asking -> may they? -> validate -> store. A failed call
//! gets the HTTP status of its `AppError` in one place, the server's gatekeeper.

pub mod goals;
pub mod home;
pub mod notifications;
pub mod people;
pub mod reviews;
pub mod session;

/// Server functions that answer without a session. Every other one refuses with 401 before
/// its arguments are even read (see the server's middleware); a test holds this list to account.
pub const PUBLIC_ENDPOINTS: &[&str] = &[
    "/api/login",
    "/api/get_current_user",
    "/api/list_demo_logins",
];
