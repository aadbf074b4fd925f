//! The frame around every signed-in page: a sidebar on desktops; on phones a slim top bar and
//! a bottom tab bar. Navigation depends on the user's role.

use super::icons::{Icon, IconSvg};
use super::person::Avatar;
use crate::ui::use_session;
use keel_core::people::CurrentUser;
use leptos::prelude::*;
use leptos_router::components::{Outlet, A};

#[component]
pub fn AppLayout() -> impl IntoView {
    let session = use_session();
    view! {
        <div class="app">
            <a class="skip-link" href="#main">"Skip to content"</a>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    session.user.await.ok().flatten().map(|user| view! { <Navigation user/> })
                })}
            </Transition>
            <main id="main" class="main">
                <Outlet/>
            </main>
        </div>
    }
}

#[component]
fn Navigation(user: CurrentUser) -> impl IntoView {
    let session = use_session();
    let me = format!("/people/{}", user.id);
    let is_hr = user.is_hr();
    view! {
        <header class="sidebar">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"K"</span>
                <span class="brand-name">"Keel"</span>
            </a>
            <nav class="side-nav" aria-label="Main">
                <A href="/" exact=true>
                    <IconSvg icon=Icon::Home/>
                    <span>"Home"</span>
                </A>
                <A href="/goals">
                    <IconSvg icon=Icon::Goals/>
                    <span>"Goals"</span>
                </A>
                <A href="/reviews">
                    <IconSvg icon=Icon::Reviews/>
                    <span>"Reviews"</span>
                </A>
                <A href="/people" exact=true>
                    <IconSvg icon=Icon::People/>
                    <span>"People"</span>
                </A>
                <A href="/org">
                    <IconSvg icon=Icon::Org/>
                    <span>"Org chart"</span>
                </A>
                {is_hr
                    .then(|| {
                        view! {
                            <A href="/people/new">
                                <IconSvg icon=Icon::Plus/>
                                <span>"Add person"</span>
                            </A>
                        }
                    })}
            </nav>
            <div class="side-user">
                <NotificationBell/>
                <a class="side-user-link" href=me.clone()>
                    <Avatar name=user.name.clone()/>
                    <span class="side-user-text">
                        <span class="side-user-name">{user.name.clone()}</span>
                        <span class="side-user-role">{user.role_label()}</span>
                    </span>
                </a>
                <ActionForm action=session.logout attr:class="signout-form">
                    <button type="submit" class="btn btn-quiet signout" aria-label="Sign out">
                        <IconSvg icon=Icon::SignOut/>
                        <span class="signout-text">"Sign out"</span>
                    </button>
                </ActionForm>
            </div>
        </header>
        <nav class="tabbar" aria-label="Main (tabs)">
            <A href="/" exact=true>
                <IconSvg icon=Icon::Home/>
                <span>"Home"</span>
            </A>
            <A href="/goals">
                <IconSvg icon=Icon::Goals/>
                <span>"Goals"</span>
            </A>
            <A href="/reviews">
                <IconSvg icon=Icon::Reviews/>
                <span>"Reviews"</span>
            </A>
            <A href="/people" exact=true>
                <IconSvg icon=Icon::People/>
                <span>"People"</span>
            </A>
            <A href=me exact=true>
                <IconSvg icon=Icon::Person/>
                <span>"Me"</span>
            </A>
        </nav>
    }
}

/// The notification centre's entry: a bell with the unread count, fetched in the browser after
/// every navigation. A plain signal rather than a resource, so it never holds up a page's
/// loading (it is not part of any page's data).
#[component]
fn NotificationBell() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    let count = RwSignal::new(0_i64);
    Effect::new(move |_| {
        location.pathname.track();
        leptos::task::spawn_local(async move {
            if let Ok(n) = crate::api::notifications::count_unread_notifications().await {
                count.try_set(n);
            }
        });
    });
    let label = move || match count.get() {
        0 => "Notifications".to_string(),
        1 => "Notifications, 1 unread".to_string(),
        n => format!("Notifications, {n} unread"),
    };
    view! {
        <a class="bell" href="/notifications" aria-label=label>
            <IconSvg icon=Icon::Bell/>
            <span class="bell-text">"Notifications"</span>
            {move || (count.get() > 0).then(|| view! { <span class="bell-count" aria-hidden="true">{count.get().min(99)}</span> })}
        </a>
    }
}
