//! The page for addresses that lead nowhere (HTTP 404).

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found"/>
        <main class="centered">
            <div class="card narrow">
                <p class="eyebrow">"404"</p>
                <h1>"This page does not exist"</h1>
                <p class="muted">"The link may be old, or the address mistyped."</p>
                <a class="btn btn-primary" href="/">"Go to your home page"</a>
            </div>
        </main>
    }
}
