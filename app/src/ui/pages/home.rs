//! Home: what each role needs first. Everyone sees their profile, manager and team; managers
//! their reports; HR and executives headcount by department.

use crate::api::home::{get_home, HomeSummary};
use crate::ui::components::chart::{format_count, Bar, BarChart};
use crate::ui::components::feedback::{error_fallback, Loading};
use crate::ui::components::person::{Avatar, PeopleList, PersonRow};
use keel_core::people::Role;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_home());
    view! {
        <Title text="Home"/>
        <Suspense fallback=|| view! { <Loading/> }>
            <ErrorBoundary fallback=error_fallback>
                {move || Suspend::new(async move { data.await.map(|d| view! { <Home data=d/> }) })}
            </ErrorBoundary>
        </Suspense>
    }
}

#[component]
fn Home(data: HomeSummary) -> impl IntoView {
    let me = data.me;
    let first_name = me
        .card
        .name
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string();
    let is_hr = me.roles.contains(&Role::HrAdmin) || me.roles.contains(&Role::Admin);
    let manager = me.manager_chain.first().cloned();
    let private = me.private.clone();
    let reports = me.direct_reports.clone();
    view! {
        <header class="page-header">
            <div class="page-heading">
                <Avatar name=me.card.name.clone() large=true/>
                <div>
                    <h1>{format!("Welcome back, {first_name}")}</h1>
                    <p class="muted">{format!("{} · {}", me.card.title, me.card.department)}</p>
                </div>
            </div>
            {is_hr
                .then(|| {
                    view! {
                        <div class="page-actions">
                            <a class="btn" href="/people">"Find people"</a>
                            <a class="btn btn-primary" href="/people/new">"Add a person"</a>
                        </div>
                    }
                })}
        </header>
        <div class="grid">
            {data
                .headcount
                .map(|headcount| {
                    let total: i64 = headcount.iter().map(|h| h.people).sum();
                    let bars = headcount
                        .into_iter()
                        .map(|h| Bar { label: h.name, value: h.people })
                        .collect();
                    view! {
                        <section class="card span-2" aria-labelledby="headcount-title">
                            <div class="card-header">
                                <h2 id="headcount-title">"Headcount by department"</h2>
                                <p class="stat">
                                    <span class="stat-value">{format_count(total)}</span>
                                    <span class="stat-label">"active people"</span>
                                </p>
                            </div>
                            <BarChart
                                id="headcount-chart"
                                title="Active people in each top-level department"
                                value_label="People"
                                category_label="Department"
                                bars=bars
                            />
                        </section>
                    }
                })}
            {(!reports.is_empty())
                .then(|| {
                    let count = reports.len();
                    view! {
                        <section class="card" aria-labelledby="reports-title">
                            <div class="card-header">
                                <h2 id="reports-title">"Your reports"</h2>
                                <span class="muted">
                                    {data
                                        .organisation_size
                                        .map(|n| {
                                            format!(
                                                "{count} direct · {} in your organisation",
                                                format_count(n),
                                            )
                                        })}
                                </span>
                            </div>
                            <PeopleList people=reports empty=""/>
                        </section>
                    }
                })}
            <section class="card" aria-labelledby="profile-title">
                <div class="card-header">
                    <h2 id="profile-title">"Your profile"</h2>
                    <a href=format!("/people/{}", me.card.id)>"View"</a>
                </div>
                <dl class="facts">
                    <dt>"Email"</dt>
                    <dd>{me.email.clone()}</dd>
                    <dt>"Department"</dt>
                    <dd>{me.card.department.clone()}</dd>
                    <dt>"Location"</dt>
                    <dd>{if me.card.location.is_empty() { "—".to_string() } else { me.card.location.clone() }}</dd>
                    {private.map(|p| view! {
                        <dt>"Joined"</dt>
                        <dd>{p.hire_date}</dd>
                    })}
                </dl>
            </section>
            <section class="card" aria-labelledby="manager-title">
                <div class="card-header">
                    <h2 id="manager-title">"Your manager"</h2>
                </div>
                {match manager.clone() {
                    Some(m) => {
                        let href = format!("/people/{}", m.id);
                        view! { <ul class="people-list"><PersonRow person=m href=href/></ul> }.into_any()
                    }
                    None => view! { <p class="muted">"You're at the top of the organisation."</p> }.into_any(),
                }}
            </section>
            <section class="card" aria-labelledby="team-title">
                <div class="card-header">
                    <h2 id="team-title">"Your team"</h2>
                    <span class="muted">
                        {manager.map(|m| format!("Also reporting to {}", m.name))}
                    </span>
                </div>
                <PeopleList people=data.teammates empty="Nobody else reports to your manager yet."/>
            </section>
        </div>
    }
}
