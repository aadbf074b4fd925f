//! The org chart, one person at a time: the line of managers above, the person, and their
//! direct reports below. Every card leads up or down the tree; works the same on a phone.

use crate::api::people::PersonProfile;
use crate::api::people::{get_org_top, get_person};
use crate::error::AppError;
use crate::ui::components::feedback::{error_fallback, EmptyState, Loading};
use crate::ui::components::person::Avatar;
use crate::ui::pages::people::person::id_param;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn OrgPage() -> impl IntoView {
    let id = id_param();
    let person = Resource::new(
        move || id.get(),
        |id| async move {
            let id = match id {
                Some(id) => id,
                None => get_org_top().await?.ok_or_else(|| {
                    AppError::NotFound("Nobody is in the organisation yet.".into())
                })?,
            };
            get_person(id).await
        },
    );
    view! {
        <Title text="Org chart"/>
        <header class="page-header">
            <div>
                <h1>"Org chart"</h1>
                <p class="muted">"Go up to a manager, or down to their reports."</p>
            </div>
        </header>
        <Transition fallback=|| view! { <Loading/> }>
            <ErrorBoundary fallback=error_fallback>
                {move || Suspend::new(async move { person.await.map(|p| view! { <OrgNode profile=p/> }) })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn OrgNode(profile: PersonProfile) -> impl IntoView {
    let card = profile.card;
    let chain: Vec<_> = profile.manager_chain.into_iter().rev().collect();
    let manager = chain.last().cloned();
    let reports = profile.direct_reports;
    let report_total = reports.len();
    view! {
        // The full line above is worth a trail only when it is longer than the "up" link.
        {(chain.len() > 1).then(|| view! {
            <nav class="org-trail" aria-label="Managers above">
                <ol>
                    {chain.iter().map(|m| view! {
                        <li><a href=format!("/org/{}", m.id)>{m.name.clone()}</a></li>
                    }).collect_view()}
                </ol>
            </nav>
        })}
        {manager.map(|m| view! {
            <a class="org-up btn btn-quiet" href=format!("/org/{}", m.id)>
                {format!("↑ Up to {}", m.name)}
            </a>
        })}
        <section class="org-focus card" aria-label="Selected person">
            <Avatar name=card.name.clone() large=true/>
            <div>
                <h2 class="org-name">{card.name.clone()}</h2>
                <p class="muted">{format!("{} · {}", card.title, card.department)}</p>
                <p><a href=format!("/people/{}", card.id)>"View profile"</a></p>
            </div>
        </section>
        <h2 class="section-title">
            {format!("Direct reports ({report_total})")}
        </h2>
        {if reports.is_empty() {
            view! { <EmptyState title="No direct reports" body=format!("Nobody reports to {}.", card.name)/> }.into_any()
        } else {
            view! {
                <ul class="org-grid">
                    {reports.into_iter().map(|r| {
                        let below = r.report_count;
                        view! {
                            <li>
                                <a class="org-card" href=format!("/org/{}", r.id)>
                                    <Avatar name=r.name.clone()/>
                                    <span class="org-card-text">
                                        <span class="person-name">{r.name.clone()}</span>
                                        <span class="person-meta">{r.title.clone()}</span>
                                        {(below > 0).then(|| view! {
                                            <span class="org-card-count">{format!("{below} {} ↓", if below == 1 { "report" } else { "reports" })}</span>
                                        })}
                                    </span>
                                </a>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}
