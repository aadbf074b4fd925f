//! Sign in. In demo mode the demo accounts are listed, and (once the page is interactive)
//! one tap fills the form with an account's details.

use crate::api::session::{list_demo_logins, DemoLogin};
use crate::error::AppError;
use crate::ui::components::form::{field_error, form_error, last_error, TextField};
use crate::ui::use_session;
use leptos::prelude::*;
use leptos_meta::Title;

fn check_email(value: &str) -> Option<String> {
    keel_core::people::check_email(value.trim())
        .err()
        .map(str::to_string)
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let session = use_session();
    let login = session.login;
    let demo = Resource::new(|| (), |_| list_demo_logins());
    let email_ref = NodeRef::<leptos::html::Input>::new();
    let password_ref = NodeRef::<leptos::html::Input>::new();
    let fill = move |account: &DemoLogin| {
        if let (Some(email), Some(password)) = (email_ref.get(), password_ref.get()) {
            email.set_value(&account.email);
            password.set_value(&account.password);
            let _ = password.focus();
        }
    };
    let pending = login.pending();
    let error = last_error(login);
    view! {
        <Title text="Sign in"/>
        <main class="login">
            <section class="login-card" aria-labelledby="login-title">
                <div class="brand brand-large">
                    <span class="brand-mark" aria-hidden="true">"K"</span>
                    <span class="brand-name">"Keel"</span>
                </div>
                <h1 id="login-title">"Sign in"</h1>
                <p class="muted">"Goals, reviews and feedback for your whole organisation."</p>
                <ActionForm action=login attr:class="form" attr:novalidate=true>
                    <TextField
                        label="Email"
                        name="email"
                        kind="email"
                        autocomplete="username"
                        node_ref=email_ref
                        check=check_email
                        error=field_error(error, "email")
                    />
                    <TextField
                        label="Password"
                        name="password"
                        kind="password"
                        autocomplete="current-password"
                        node_ref=password_ref
                        error=field_error(error, "password")
                    />
                    {move || {
                        let field_specific = error.with(|e| matches!(e, Some(AppError::Invalid(_))));
                        let general = form_error(error).get().filter(|_| !field_specific);
                        general.map(|message| view! {
                            <p class="form-error" role="alert">{message}</p>
                        })
                    }}
                    <button type="submit" class="btn btn-primary btn-block" disabled=move || pending.get()>
                        {move || if pending.get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </ActionForm>
            </section>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let accounts = demo.await.unwrap_or_default();
                    (!accounts.is_empty()).then(|| {
                        let password = accounts[0].password.clone();
                        view! {
                            <section class="demo-card" aria-labelledby="demo-title">
                                <h2 id="demo-title">"Demo accounts"</h2>
                                <p class="muted">
                                    "Every demo account uses the password "
                                    <code class="demo-password">{password}</code>
                                </p>
                                <ul class="demo-list">
                                    {accounts
                                        .into_iter()
                                        .map(|account| {
                                            let label = format!("Use the {} account", account.role.to_lowercase());
                                            let for_click = account.clone();
                                            view! {
                                                <li class="demo-account" data-role=account.role.clone()>
                                                    <span class="demo-text">
                                                        <span class="demo-role">{account.role.clone()}</span>
                                                        <span class="demo-name">{account.name.clone()}</span>
                                                        <span class="demo-email">{account.email.clone()}</span>
                                                    </span>
                                                    <button
                                                        type="button"
                                                        class="btn btn-small"
                                                        aria-label=label
                                                        on:click=move |_| fill(&for_click)
                                                    >
                                                        "Use"
                                                    </button>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            </section>
                        }
                    })
                })}
            </Suspense>
        </main>
    }
}
