//! Team goals, for managers: each direct report with their goals for the period, progress,
//! health and stale flags, and where their goal setting stands (with a link to review it).

use crate::api::goals::list_team_goals;
use crate::ui::components::feedback::{error_fallback, EmptyState, Loading};
use crate::ui::components::goal::{GoalLine, GoalsNav, PeriodTabs, PlanBadge};
use crate::ui::components::person::Avatar;
use crate::ui::pages::goals::period_param;
use crate::ui::use_session;
use keel_core::goals::{Health, PlanState};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn TeamGoalsPage() -> impl IntoView {
    let period = period_param();
    let session = use_session();
    let page = Resource::new(move || period.get(), list_team_goals);
    view! {
        <Title text="Team goals"/>
        <header class="page-header">
            <div>
                <h1>"Team goals"</h1>
                <p class="muted">"Your direct reports' goals, how they are going, and what needs your review."</p>
            </div>
        </header>
        <Suspense fallback=|| view! { <Loading/> }>
            <ErrorBoundary fallback=error_fallback>
                {move || Suspend::new(async move {
                    let is_hr = session.user.await.ok().flatten().is_some_and(|u| u.is_hr());
                    page.await.map(|page| {
                        let period_id = page.choice.selected.id;
                        let awaiting = page.members.iter().filter(|m| m.plan_state == Some(PlanState::Submitted)).count();
                        let stale: usize = page.members.iter().map(|m| m.goals.iter().filter(|g| g.stale).count()).sum();
                        let at_risk: usize = page.members.iter().map(|m| m.goals.iter().filter(|g| g.health == Health::AtRisk).count()).sum();
                        view! {
                            <GoalsNav active="team" is_manager=true is_hr/>
                            <PeriodTabs choice=page.choice.clone() base="/goals/team"/>
                            {if page.members.is_empty() {
                                view! { <EmptyState title="No direct reports" body="Team goals appear here when people report to you."/> }.into_any()
                            } else {
                                view! {
                                    <div class="stats">
                                        <div class="stat"><span class="stat-value">{awaiting}</span><span class="stat-label">"awaiting your review"</span></div>
                                        <div class="stat"><span class="stat-value">{at_risk}</span><span class="stat-label">"goals at risk"</span></div>
                                        <div class="stat"><span class="stat-value">{stale}</span><span class="stat-label">"goals without a recent check-in"</span></div>
                                    </div>
                                    <div class="grid">
                                        {page.members.into_iter().map(|m| {
                                            let plan_href = format!("/goals/plan/{}/{period_id}", m.id);
                                            let review = m.plan_state == Some(PlanState::Submitted);
                                            view! {
                                                <section class="card team-member" aria-label=m.name.clone()>
                                                    <div class="card-header">
                                                        <a class="person-link" href=format!("/people/{}", m.id)>
                                                            <Avatar name=m.name.clone()/>
                                                            <span class="person-text">
                                                                <span class="person-name">{m.name.clone()}</span>
                                                                <span class="person-meta">{m.title.clone()}</span>
                                                            </span>
                                                        </a>
                                                        {m.plan_state.map(|s| view! { <PlanBadge state=s/> })}
                                                    </div>
                                                    {if m.goals.is_empty() {
                                                        view! { <p class="muted">"No goals for this period yet."</p> }.into_any()
                                                    } else {
                                                        view! {
                                                            <ul class="goal-lines">
                                                                {m.goals.into_iter().map(|g| view! { <li><GoalLine goal=g/></li> }).collect_view()}
                                                            </ul>
                                                        }.into_any()
                                                    }}
                                                    {m.plan_state.map(|_| view! {
                                                        <a class=if review { "btn btn-primary" } else { "btn" } href=plan_href>
                                                            {if review { "Review goals" } else { "Goal setting" }}
                                                        </a>
                                                    })}
                                                </section>
                                            }
                                        }).collect_view()}
                                    </div>
                                }.into_any()
                            }}
                        }
                    })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}
