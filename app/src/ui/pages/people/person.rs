//! A person's profile: who they are, whom they report to, who reports to them. HR can edit
//! them, grant or remove roles, and mark them as having left.

use crate::api::people::PersonProfile;
use crate::api::people::{get_person, MarkPersonLeft, SetPersonRole};
use crate::ui::components::feedback::{error_fallback, Loading};
use crate::ui::components::form::{form_error, last_error};
use crate::ui::components::person::{Avatar, PeopleList};
use crate::ui::use_session;
use keel_core::people::{CurrentUser, EmploymentStatus, Role};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The `:id` route parameter as a person id.
pub fn id_param() -> Memo<Option<i64>> {
    let params = use_params_map();
    Memo::new(move |_| params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok())))
}

#[component]
pub fn PersonPage() -> impl IntoView {
    let id = id_param();
    let session = use_session();
    let set_role = ServerAction::<SetPersonRole>::new();
    let mark_left = ServerAction::<MarkPersonLeft>::new();
    let profile = Resource::new(
        move || {
            (
                id.get(),
                set_role.version().get(),
                mark_left.version().get(),
            )
        },
        |(id, _, _)| async move {
            match id {
                Some(id) => get_person(id).await,
                None => Err(crate::error::AppError::not_found("That person")),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <Loading/> }>
            <ErrorBoundary fallback=error_fallback>
                {move || Suspend::new(async move {
                    let viewer = session.user.await.ok().flatten();
                    profile.await.map(|p| view! { <Profile profile=p viewer set_role mark_left/> })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}

#[component]
fn Profile(
    profile: PersonProfile,
    viewer: Option<CurrentUser>,
    set_role: ServerAction<SetPersonRole>,
    mark_left: ServerAction<MarkPersonLeft>,
) -> impl IntoView {
    let card = profile.card.clone();
    let id = card.id;
    let is_hr = viewer.as_ref().is_some_and(|v| v.is_hr());
    let is_admin = viewer.as_ref().is_some_and(|v| v.has(Role::Admin));
    let is_self = viewer.as_ref().is_some_and(|v| v.id == id);
    let left = card.status == EmploymentStatus::Left;
    let chain_empty = profile.manager_chain.is_empty();
    let reports_count = profile.direct_reports.len();
    view! {
        <Title text=card.name.clone()/>
        <header class="page-header">
            <div class="page-heading">
                <Avatar name=card.name.clone() large=true/>
                <div>
                    <h1>
                        {card.name.clone()}
                        {left.then(|| view! { <span class="badge badge-muted">"Left"</span> })}
                    </h1>
                    <p class="muted">{format!("{} · {}", card.title, card.department)}</p>
                </div>
            </div>
            <div class="page-actions">
                <a class="btn" href=format!("/org/{id}")>"Org chart"</a>
                {is_hr.then(|| view! { <a class="btn btn-primary" href=format!("/people/{id}/edit")>"Edit"</a> })}
            </div>
        </header>
        <div class="grid">
            <section class="card" aria-labelledby="details-title">
                <h2 id="details-title">"Details"</h2>
                <dl class="facts">
                    <dt>"Email"</dt>
                    <dd><a href=format!("mailto:{}", profile.email)>{profile.email.clone()}</a></dd>
                    <dt>"Department"</dt>
                    <dd>{card.department.clone()}</dd>
                    <dt>"Location"</dt>
                    <dd>{if card.location.is_empty() { "—".to_string() } else { card.location.clone() }}</dd>
                    {profile.private.clone().map(|p| view! {
                        <dt>"Joined"</dt>
                        <dd>{p.hire_date}</dd>
                    })}
                    {(!profile.roles.is_empty()).then(|| view! {
                        <dt>"Roles"</dt>
                        <dd>{profile.roles.iter().map(|r| r.label()).collect::<Vec<_>>().join(", ")}</dd>
                    })}
                </dl>
            </section>
            <section class="card" aria-labelledby="chain-title">
                <h2 id="chain-title">"Reporting line"</h2>
                {if chain_empty {
                    view! { <p class="muted">"At the top of the organisation."</p> }.into_any()
                } else {
                    view! {
                        <ol class="chain">
                            {profile.manager_chain.iter().map(|m| view! {
                                <li>
                                    <a href=format!("/people/{}", m.id)>{m.name.clone()}</a>
                                    <span class="muted">{format!(" · {}", m.title)}</span>
                                </li>
                            }).collect_view()}
                        </ol>
                    }.into_any()
                }}
            </section>
            <section class="card" aria-labelledby="reports-title">
                <div class="card-header">
                    <h2 id="reports-title">"Direct reports"</h2>
                    <span class="muted">{reports_count.to_string()}</span>
                </div>
                <PeopleList people=profile.direct_reports.clone() empty="No direct reports."/>
            </section>
            {is_hr.then(|| view! {
                <HrActions id held=profile.roles.clone() is_admin is_self left set_role mark_left/>
            })}
        </div>
    }
}

/// HR's controls: roles, and marking someone as having left.
#[component]
fn HrActions(
    id: i64,
    held: Vec<Role>,
    is_admin: bool,
    is_self: bool,
    left: bool,
    set_role: ServerAction<SetPersonRole>,
    mark_left: ServerAction<MarkPersonLeft>,
) -> impl IntoView {
    let role_error = form_error(last_error(set_role));
    let left_error = form_error(last_error(mark_left));
    view! {
        <section class="card" aria-labelledby="access-title">
            <h2 id="access-title">"Roles and access"</h2>
            <p class="muted">"Managers are recognised automatically from their reports."</p>
            <ul class="role-list">
                {Role::ALL
                    .into_iter()
                    .filter(|role| *role != Role::Admin || is_admin)
                    .map(|role| {
                        let has = held.contains(&role);
                        view! {
                            <li class="role-item">
                                <span>
                                    <span class="role-name">{role.label()}</span>
                                    <span class="badge" class:badge-on=has>{if has { "Granted" } else { "Not granted" }}</span>
                                </span>
                                <ActionForm action=set_role>
                                    <input type="hidden" name="id" value=id.to_string()/>
                                    <input type="hidden" name="role" value=role.as_str()/>
                                    <input type="hidden" name="change" value=if has { "remove" } else { "grant" }/>
                                    <button type="submit" class="btn btn-small" disabled=left>
                                        {if has { format!("Remove {}", role.label()) } else { format!("Grant {}", role.label()) }}
                                    </button>
                                </ActionForm>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            {move || role_error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            {(!left && !is_self).then(|| view! {
                <details class="danger-zone">
                    <summary>"Mark as left"</summary>
                    <p class="muted">"They lose access at once. Their history stays in Keel."</p>
                    <ActionForm action=mark_left>
                        <input type="hidden" name="id" value=id.to_string()/>
                        <button type="submit" class="btn btn-danger">"Confirm: mark as left"</button>
                    </ActionForm>
                    {move || left_error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
                </details>
            })}
        </section>
    }
}
