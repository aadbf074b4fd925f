//! The user interface: the HTML shell, the router, and the session every page can read.
//! `components/` holds design-system pieces; `pages/` holds one module per route.

pub mod components;
pub mod pages;

use crate::api::session::{get_current_user, Login, Logout};
use crate::error::AppResult;
use keel_core::people::CurrentUser;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// The full HTML document the server sends.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    send_content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover"/>
                <meta name="color-scheme" content="light dark"/>
                <meta name="description" content="Keel: goals, reviews and feedback for your whole organisation."/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="manifest" href="/manifest.json"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The Content-Security-Policy of every page: scripts only from Keel's own files and the inline
/// hydration scripts that carry this response's nonce (Leptos adds it to each), wasm allowed to
/// compile, nothing framed, no plugins, forms and fetches only to Keel. Style attributes stay
/// allowed (progress bars set their width); style sheets come only from Keel.
#[cfg(feature = "ssr")]
fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data:; \
         connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

#[cfg(feature = "ssr")]
fn send_content_security_policy() {
    use axum::http::{header, HeaderValue};
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    if let Ok(policy) = HeaderValue::from_str(&content_security_policy(&nonce)) {
        response.insert_header(header::CONTENT_SECURITY_POLICY, policy);
    }
}

/// Sign-in and sign-out actions and the signed-in user, shared by every page.
#[derive(Clone, Copy)]
pub struct Session {
    pub login: ServerAction<Login>,
    pub logout: ServerAction<Logout>,
    pub user: Resource<AppResult<Option<CurrentUser>>>,
}

impl Session {
    fn provide() -> Session {
        let login = ServerAction::<Login>::new();
        let logout = ServerAction::<Logout>::new();
        let user = Resource::new(
            move || (login.version().get(), logout.version().get()),
            |_| get_current_user(),
        );
        let session = Session {
            login,
            logout,
            user,
        };
        provide_context(session);
        session
    }
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    Session::provide();
    // Runs only in the browser, once the wasm has taken over the page: tests wait for it.
    Effect::new(move |_| {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Stylesheet id="leptos" href="/pkg/keel.css"/>
        <Title formatter=|text: String| if text.is_empty() { "Keel".to_string() } else { format!("{text} · Keel") }/>
        <Router>
            <Routes fallback=pages::not_found::NotFound>
                <Route path=path!("/login") view=pages::login::LoginPage ssr=SsrMode::Async/>
                <Route path=path!("/reviews/cycles/:id/print") view=pages::reviews::print::PrintReviewsPage ssr=SsrMode::Async/>
                <ParentRoute path=path!("") view=components::layout::AppLayout ssr=SsrMode::Async>
                    <Route path=path!("") view=pages::home::HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/goals") view=pages::goals::MyGoalsPage ssr=SsrMode::Async/>
                    <Route path=path!("/goals/new") view=pages::goals::form::NewGoalPage ssr=SsrMode::Async/>
                    <Route path=path!("/goals/team") view=pages::goals::team::TeamGoalsPage ssr=SsrMode::Async/>
                    <Route path=path!("/goals/tree") view=pages::goals::tree::GoalTreePage ssr=SsrMode::Async/>
                    <Route path=path!("/goals/completion") view=pages::goals::admin::GoalCompletionPage ssr=SsrMode::Async/>
                    <Route path=path!("/goals/periods") view=pages::goals::admin::GoalPeriodsPage ssr=SsrMode::Async/>
                    <Route path=path!("/goals/plan/:owner/:period") view=pages::goals::plan::GoalPlanPage ssr=SsrMode::Async/>
                    <Route path=path!("/goals/:id") view=pages::goals::detail::GoalPage ssr=SsrMode::Async/>
                    <Route path=path!("/goals/:id/edit") view=pages::goals::form::EditGoalPage ssr=SsrMode::Async/>
                    <Route path=path!("/reviews") view=pages::reviews::MyReviewsPage ssr=SsrMode::Async/>
                    <Route path=path!("/reviews/write/:id") view=pages::reviews::write::WriteReviewPage ssr=SsrMode::Async/>
                    <Route path=path!("/reviews/nominate/:id") view=pages::reviews::nominate::NominationPage ssr=SsrMode::Async/>
                    <Route path=path!("/reviews/results/:id") view=pages::reviews::result::ReviewResultPage ssr=SsrMode::Async/>
                    <Route path=path!("/reviews/admin") view=pages::reviews::admin::ReviewAdminPage ssr=SsrMode::Async/>
                    <Route path=path!("/reviews/templates/:id") view=pages::reviews::builder::TemplateBuilderPage ssr=SsrMode::Async/>
                    <Route path=path!("/reviews/cycles/new") view=pages::reviews::cycle_form::NewCyclePage ssr=SsrMode::Async/>
                    <Route path=path!("/reviews/cycles/:id") view=pages::reviews::cycle::CyclePage ssr=SsrMode::Async/>
                    <Route path=path!("/reviews/cycles/:id/calibration") view=pages::reviews::calibration::CalibrationPage ssr=SsrMode::Async/>
                    <Route path=path!("/notifications") view=pages::notifications::NotificationsPage ssr=SsrMode::Async/>
                    <Route path=path!("/people") view=pages::people::PeoplePage ssr=SsrMode::Async/>
                    <Route path=path!("/people/new") view=pages::people::form::NewPersonPage ssr=SsrMode::Async/>
                    <Route path=path!("/people/:id") view=pages::people::person::PersonPage ssr=SsrMode::Async/>
                    <Route path=path!("/people/:id/edit") view=pages::people::form::EditPersonPage ssr=SsrMode::Async/>
                    <Route path=path!("/org") view=pages::people::org::OrgPage ssr=SsrMode::Async/>
                    <Route path=path!("/org/:id") view=pages::people::org::OrgPage ssr=SsrMode::Async/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
