//! My goals: the signed-in person's goals for a period, phone first. Each goal checks in from
//! the list in two taps ("Check in", then "Save check-in"); the goal-setting state and its next
//! step sit at the top.

pub mod admin;
pub mod detail;
pub mod form;
pub mod plan;
pub mod team;
pub mod tree;

use crate::api::goals::{list_my_goals, MoveGoalPlan};
use crate::ui::components::feedback::{error_fallback, EmptyState, Loading};
use crate::ui::components::form::{form_error, last_error};
use crate::ui::components::goal::{GoalCard, GoalsNav, PeriodTabs, PlanBadge};
use crate::ui::use_session;
use keel_core::goals::{GoalStatus, PlanState};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The `period` query parameter.
pub fn period_param() -> Memo<Option<i64>> {
    let query = use_query_map();
    Memo::new(move |_| query.with(|q| q.get("period").and_then(|p| p.parse().ok())))
}

#[component]
pub fn MyGoalsPage() -> impl IntoView {
    let period = period_param();
    let session = use_session();
    let refresh = RwSignal::new(0u32);
    let move_plan = ServerAction::<MoveGoalPlan>::new();
    let page = Resource::new(
        move || (period.get(), refresh.get(), move_plan.version().get()),
        |(period, _, _)| list_my_goals(period),
    );
    let on_saved = Callback::new(move |_| refresh.update(|n| *n += 1));
    view! {
        <Title text="My goals"/>
        <header class="page-header">
            <div>
                <h1>"My goals"</h1>
                <p class="muted">"What you are working towards, and how it is going."</p>
            </div>
        </header>
        <Transition fallback=|| view! { <Loading/> }>
            <ErrorBoundary fallback=error_fallback>
                {move || Suspend::new(async move {
                    let user = session.user.await.ok().flatten();
                    let (is_manager, is_hr, me) = user
                        .as_ref()
                        .map(|u| (u.is_manager, u.is_hr(), u.id))
                        .unwrap_or((false, false, 0));
                    page.await.map(|page| {
                        let period = page.choice.selected.clone();
                        let new_href = format!("/goals/new?period={}", period.id);
                        let state = page.plan_state;
                        let may_add = state.is_none_or(PlanState::open_for_editing);
                        let may_check_in = |item: &crate::api::goals::GoalWithKeyResults| {
                            item.goal.status == GoalStatus::Active
                                && item.goal.plan_state.is_none_or(|s| s == PlanState::Approved)
                        };
                        let count = page.goals.len();
                        view! {
                            <GoalsNav active="mine" is_manager is_hr/>
                            <PeriodTabs choice=page.choice.clone() base="/goals"/>
                            <PlanBanner
                                state
                                owner_id=me
                                period_id=period.id
                                period_name=period.name.clone()
                                manager=page.manager_name.clone()
                                goal_count=count
                                move_plan
                            />
                            <div class="list-header">
                                <h2 class="section-title">{format!("{} · {count} {}", period.name, if count == 1 { "goal" } else { "goals" })}</h2>
                                {may_add.then(|| view! { <a class="btn btn-primary" href=new_href.clone()>"New goal"</a> })}
                            </div>
                            {if page.goals.is_empty() {
                                view! {
                                    <EmptyState
                                        title=format!("No goals for {} yet", period.name)
                                        body="Draft a few goals aligned to your team's and department's objectives, then submit them to your manager."
                                    />
                                }.into_any()
                            } else {
                                view! {
                                    <ul class="goal-cards">
                                        {page.goals.into_iter().map(|item| {
                                            let may = may_check_in(&item);
                                            view! { <GoalCard item may_check_in=may on_saved/> }
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                        }
                    })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

/// Where the goal-setting session for this period stands, and the owner's next step.
#[component]
fn PlanBanner(
    state: Option<PlanState>,
    owner_id: i64,
    period_id: i64,
    period_name: String,
    manager: Option<String>,
    goal_count: usize,
    move_plan: ServerAction<MoveGoalPlan>,
) -> impl IntoView {
    let manager = manager.unwrap_or_else(|| "your manager".into());
    let error = last_error(move_plan);
    let plan_href = format!("/goals/plan/{owner_id}/{period_id}");
    let (message, step, label) = match state {
        None => return ().into_any(),
        Some(PlanState::Draft) => (
            format!("Your {period_name} goals are a draft. Submit them when they are ready for {manager} to review."),
            Some("submit"),
            "Submit for approval",
        ),
        Some(PlanState::ChangesRequested) => (
            format!("{manager} asked for changes. Edit your goals, then submit them again."),
            Some("submit"),
            "Resubmit for approval",
        ),
        Some(PlanState::Submitted) => (
            format!("Submitted: {manager} is reviewing your {period_name} goals."),
            None,
            "",
        ),
        Some(PlanState::Approved) => (
            format!("{manager} approved your {period_name} goals. Check in on them as you go."),
            None,
            "",
        ),
    };
    let can_submit = goal_count > 0;
    view! {
        <section class="card plan-banner" aria-label="Goal setting">
            <div class="plan-banner-text">
                {state.map(|s| view! { <PlanBadge state=s/> })}
                <p>{message}</p>
                <a href=plan_href>"See the discussion"</a>
            </div>
            {step.filter(|_| can_submit).map(|step| view! {
                <ActionForm action=move_plan attr:class="inline-form">
                    <input type="hidden" name="owner_id" value=owner_id.to_string()/>
                    <input type="hidden" name="period_id" value=period_id.to_string()/>
                    <input type="hidden" name="step" value=step/>
                    <input type="hidden" name="comment" value=""/>
                    <button type="submit" class="btn btn-primary" disabled=move || move_plan.pending().get()>{label}</button>
                </ActionForm>
            })}
            {move || form_error(error).get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
        </section>
    }
    .into_any()
}
