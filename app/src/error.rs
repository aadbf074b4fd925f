//! The one error type every server function returns, and what the browser gets to see of it.
//!
//! Users see a message written for them (tied to a field where there is one) and, for internal
//! failures, a correlation id that matches a line in the server log. SQL, paths and stack traces
//! never leave the server.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

pub use keel_core::FieldError;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Please sign in to continue.")]
    Unauthorized,
    #[error("You don't have permission to do that.")]
    Forbidden,
    #[error("{0}")]
    NotFound(String),
    #[error("Please correct the highlighted fields.")]
    Invalid(Vec<FieldError>),
    #[error("{0}")]
    Conflict(String),
    #[error("Too many attempts. Please wait a few minutes and try again.")]
    TooManyRequests,
    #[error("The server is busy. Please try again in a moment.")]
    Busy,
    #[error("Something went wrong on our side. Reference: {correlation_id}")]
    Internal { correlation_id: String },
    #[error("Could not reach the server. Check your connection and try again.")]
    Transport(String),
}

impl AppError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid(vec![FieldError::new(field, message)])
    }

    pub fn not_found(what: &str) -> Self {
        AppError::NotFound(format!("{what} was not found."))
    }

    /// A failure the user cannot fix (the database, damaged stored data): `detail` goes to the
    /// server log under a fresh correlation id; the user sees only the id.
    #[cfg(feature = "ssr")]
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        use rand::Rng;
        let bytes: [u8; 6] = rand::thread_rng().gen();
        let correlation_id = hex::encode(bytes);
        tracing::error!(%correlation_id, "{detail}");
        AppError::Internal { correlation_id }
    }

    /// The HTTP status this error is sent with.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::Unauthorized => 401,
            AppError::Forbidden => 403,
            AppError::NotFound(_) => 404,
            AppError::Invalid(_) => 422,
            AppError::Conflict(_) => 409,
            AppError::TooManyRequests => 429,
            AppError::Busy => 503,
            AppError::Internal { .. } => 500,
            AppError::Transport(_) => 502,
        }
    }

    /// The message for one field, if this error names it.
    pub fn field_message(&self, field: &str) -> Option<String> {
        match self {
            AppError::Invalid(errors) => errors
                .iter()
                .find(|e| e.field == field)
                .map(|e| e.message.clone()),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(message) => AppError::Invalid(vec![
                // A choice (decision, direction, role, …) that is not one of its values names
                // its field; anything else the arguments lacked is the form's.
                keel_core::field_of_invalid_choice(&message)
                    .unwrap_or_else(|| FieldError::new("form", "The form was incomplete.")),
            ]),
            ServerFnErrorErr::MissingArg(_) => {
                AppError::Invalid(vec![FieldError::new("form", "The form was incomplete.")])
            }
            // On the server these mean the request's body could not be read as a form (not
            // UTF-8, say): the caller's mistake. In the browser they are the network's.
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Deserialization(_) | ServerFnErrorErr::Request(_) => {
                AppError::Invalid(vec![FieldError::new("form", "The form could not be read.")])
            }
            #[cfg(not(feature = "ssr"))]
            ServerFnErrorErr::Request(e) => AppError::Transport(e),
            other => AppError::Transport(other.to_string()),
        }
    }
}

impl From<FieldError> for AppError {
    fn from(error: FieldError) -> Self {
        AppError::Invalid(vec![error])
    }
}

/// Shorthand for results of server functions.
pub type AppResult<T> = Result<T, AppError>;
