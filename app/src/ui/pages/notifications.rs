//! The notification centre: what Keel asked of the signed-in person (reviews to write, peers to
//! nominate, results to read), newest first. Opening one marks it read.

use crate::api::notifications::{list_notifications, MarkNotificationsRead, Notification};
use crate::ui::components::feedback::{error_fallback, EmptyState, Loading};
use crate::ui::components::review::format_time;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let mark = ServerAction::<MarkNotificationsRead>::new();
    let list = Resource::new(move || mark.version().get(), |_| list_notifications());
    view! {
        <Title text="Notifications"/>
        <header class="page-header">
            <div>
                <h1>"Notifications"</h1>
                <p class="muted">"Reminders and requests from review cycles."</p>
            </div>
            <div class="page-actions">
                <ActionForm action=mark>
                    <button type="submit" class="btn">"Mark all as read"</button>
                </ActionForm>
            </div>
        </header>
        <Transition fallback=|| view! { <Loading/> }>
            <ErrorBoundary fallback=error_fallback>
                {move || Suspend::new(async move {
                    list.await.map(|items| view! { <NotificationList items mark/> })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn NotificationList(
    items: Vec<Notification>,
    mark: ServerAction<MarkNotificationsRead>,
) -> impl IntoView {
    if items.is_empty() {
        return view! {
            <EmptyState title="Nothing new" body="When a review cycle needs something from you, it appears here."/>
        }
        .into_any();
    }
    view! {
        <ul class="notification-list">
            {items.into_iter().map(|n| {
                let id = n.id.to_string();
                let label = format!("Mark read: {}", n.title);
                view! {
                    <li class="card notification" class:unread=!n.read>
                        <div class="notification-text">
                            <a href=n.link.clone() class="notification-title">{n.title}</a>
                            <p class="muted">{n.body}</p>
                            <p class="muted small">{format_time(n.created_at)}</p>
                        </div>
                        {(!n.read).then(|| view! {
                            <ActionForm action=mark attr:class="notification-read">
                                <input type="hidden" name="id" value=id.clone()/>
                                <button type="submit" class="btn btn-small btn-quiet" aria-label=label.clone()>"Mark read"</button>
                            </ActionForm>
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}
