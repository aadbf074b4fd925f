//! Loading, error and empty states: what a page shows while it waits, when it fails, and when
//! there is nothing to show.

use crate::error::AppError;
use leptos::prelude::*;

/// A calm placeholder while data loads.
#[component]
pub fn Loading(#[prop(optional)] label: Option<&'static str>) -> impl IntoView {
    view! {
        <div class="loading" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            <span>{label.unwrap_or("Loading…")}</span>
        </div>
    }
}

/// Shows one error: the message written for users, the reference for support, and a way on.
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    let action = match &error {
        AppError::Unauthorized => {
            Some(view! { <a class="btn" href="/login">"Sign in"</a> }.into_any())
        }
        AppError::NotFound(_) | AppError::Forbidden => {
            Some(view! { <a class="btn" href="/">"Go home"</a> }.into_any())
        }
        _ => None,
    };
    let title = match &error {
        AppError::NotFound(_) => "Not found",
        AppError::Forbidden => "Not allowed",
        AppError::Unauthorized => "Signed out",
        AppError::Internal { .. } => "Something went wrong",
        AppError::Transport(_) => "Connection problem",
        _ => "That didn't work",
    };
    view! {
        <div class="notice notice-error" role="alert">
            <h2>{title}</h2>
            <p>{error.to_string()}</p>
            {action}
        </div>
    }
}

/// The fallback of every page's error boundary: each error, typed where it is ours.
pub fn error_fallback(errors: ArcRwSignal<Errors>) -> impl IntoView {
    move || {
        errors
            .get()
            .into_iter()
            .map(|(_, error)| {
                let app_error = error
                    .downcast_ref::<AppError>()
                    .cloned()
                    .unwrap_or_else(|| AppError::Transport(error.to_string()));
                view! { <ErrorNotice error=app_error/> }
            })
            .collect_view()
    }
}

/// A friendly explanation of why a list is empty.
#[component]
pub fn EmptyState(#[prop(into)] title: String, #[prop(into)] body: String) -> impl IntoView {
    view! {
        <div class="empty">
            <p class="empty-title">{title}</p>
            <p>{body}</p>
        </div>
    }
}
