//! A goal-setting session: one person's goals for a period, as both they and their manager see
//! it. The owner submits (or, once approved, requests a change); the manager comments on each
//! goal, asks for changes, or approves. Goals without alignment are flagged.

use crate::api::goals::{get_goal_plan, CommentOnGoal, MoveGoalPlan, PlanPage};
use crate::error::AppError;
use crate::ui::components::feedback::{error_fallback, EmptyState, Loading};
use crate::ui::components::form::{field_error, form_error, last_error};
use crate::ui::components::goal::{Comments, GoalLine, PlanBadge};
use keel_core::goals::PlanState;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn GoalPlanPage() -> impl IntoView {
    let params = use_params_map();
    let ids = Memo::new(move |_| {
        params.with(|p| {
            let owner = p.get("owner").and_then(|v| v.parse::<i64>().ok());
            let period = p.get("period").and_then(|v| v.parse::<i64>().ok());
            owner.zip(period)
        })
    });
    let step = ServerAction::<MoveGoalPlan>::new();
    let comment = ServerAction::<CommentOnGoal>::new();
    let page = Resource::new(
        move || (ids.get(), step.version().get(), comment.version().get()),
        |(ids, _, _)| async move {
            match ids {
                Some((owner, period)) => get_goal_plan(owner, period).await,
                None => Err(AppError::not_found("That goal-setting session")),
            }
        },
    );
    view! {
        <Transition fallback=|| view! { <Loading/> }>
            <ErrorBoundary fallback=error_fallback>
                {move || Suspend::new(async move {
                    page.await.map(|page| view! { <Plan page step comment/> })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn Plan(
    page: PlanPage,
    step: ServerAction<MoveGoalPlan>,
    comment: ServerAction<CommentOnGoal>,
) -> impl IntoView {
    let title = if page.viewer_is_owner {
        format!("My goals for {}", page.period.name)
    } else {
        format!("{}'s goals for {}", page.owner_name, page.period.name)
    };
    let manager = page
        .manager_name
        .clone()
        .unwrap_or_else(|| "their manager".into());
    let explanation = match (page.state, page.viewer_is_owner) {
        (None, _) => "No goals drafted for this period yet.".to_string(),
        (Some(PlanState::Draft), true) => {
            format!("Draft: submit your goals when they are ready for {manager}.")
        }
        (Some(PlanState::Draft), false) => {
            "Still a draft: they have not submitted these goals yet.".into()
        }
        (Some(PlanState::Submitted), true) => format!("Submitted: {manager} is reviewing them."),
        (Some(PlanState::Submitted), false) => {
            "Submitted for your approval. Comment on any goal, then approve or ask for changes."
                .into()
        }
        (Some(PlanState::ChangesRequested), true) => {
            "Changes requested: edit your goals and submit them again.".into()
        }
        (Some(PlanState::ChangesRequested), false) => {
            "You asked for changes; waiting for them to resubmit.".into()
        }
        (Some(PlanState::Approved), _) => {
            "Approved. The goals are locked; a change request reopens them.".into()
        }
    };
    let base = (page.owner_id, page.period.id);
    let actions: Vec<(&'static str, &'static str, bool)> =
        match (page.state, page.viewer_is_owner, page.viewer_is_manager) {
            (Some(PlanState::Draft | PlanState::ChangesRequested), true, _)
                if !page.goals.is_empty() =>
            {
                vec![("submit", "Submit for approval", false)]
            }
            (Some(PlanState::Submitted), _, true) => vec![
                ("approve", "Approve goals", false),
                ("request_changes", "Request changes", true),
            ],
            (Some(PlanState::Approved), true, _) => vec![("reopen", "Request a change", true)],
            _ => vec![],
        };
    let error = last_error(step);
    let empty = page.goals.is_empty();
    view! {
        <Title text=title.clone()/>
        <header class="page-header">
            <div>
                <p class="eyebrow"><a href="/goals">"Goals"</a>" / Goal setting"</p>
                <h1>{title}</h1>
                <p class="muted">{explanation}</p>
            </div>
            <div class="page-actions">{page.state.map(|s| view! { <PlanBadge state=s/> })}</div>
        </header>
        {if empty {
            view! { <EmptyState title="No goals yet" body="Goals drafted for this period appear here for discussion."/> }.into_any()
        } else {
            view! {
                <ul class="plan-goals">
                    {page.goals.into_iter().map(|g| {
                        let id = g.goal.goal.id;
                        view! {
                            <li class="card plan-goal">
                                <GoalLine goal=g.goal.goal.clone()/>
                                {match g.parent {
                                    Some(p) => view! { <p class="muted small">"Aligned to "<a href=format!("/goals/{}", p.id)>{p.title}</a></p> }.into_any(),
                                    None => view! { <p class="notice notice-warn small">"Not aligned to any company or department objective."</p> }.into_any(),
                                }}
                                {(!g.goal.key_results.is_empty()).then(|| view! {
                                    <ul class="kr-list">
                                        {g.goal.key_results.iter().map(|kr| view! {
                                            <li><span>{kr.title.clone()}</span><span class="muted">{format!("{} → {}", kr.format_value(kr.start), kr.format_value(kr.target))}</span></li>
                                        }).collect_view()}
                                    </ul>
                                })}
                                <Comments comments=g.comments/>
                                <ActionForm action=comment attr:class="comment-form">
                                    <input type="hidden" name="goal_id" value=id.to_string()/>
                                    <input type="hidden" name="check_in_id" value=""/>
                                    <label class="visually-hidden" for=format!("plan-comment-{id}")>"Comment on this goal"</label>
                                    <textarea id=format!("plan-comment-{id}") name="body" rows="1" placeholder="Comment on this goal"></textarea>
                                    <button type="submit" class="btn btn-small">"Comment"</button>
                                </ActionForm>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        {(!actions.is_empty()).then(|| view! {
            <section class="card plan-actions" aria-label="Decision">
                {actions.into_iter().map(|(name, label, needs_comment)| view! {
                    <ActionForm action=step attr:class="plan-step">
                        <input type="hidden" name="owner_id" value=base.0.to_string()/>
                        <input type="hidden" name="period_id" value=base.1.to_string()/>
                        <input type="hidden" name="step" value=name/>
                        {if needs_comment {
                            view! {
                                <div class="field" class:invalid=move || field_error(error, "comment").get().is_some()>
                                    <label for=format!("step-{name}")>{if name == "reopen" { "What should change, and why?" } else { "What should change?" }}</label>
                                    <textarea id=format!("step-{name}") name="comment" rows="2"></textarea>
                                    <p class="field-error" aria-live="polite">{field_error(error, "comment")}</p>
                                </div>
                            }.into_any()
                        } else {
                            view! { <input type="hidden" name="comment" value=""/> }.into_any()
                        }}
                        <button type="submit" class=if needs_comment { "btn" } else { "btn btn-primary" } disabled=move || step.pending().get()>{label}</button>
                    </ActionForm>
                }).collect_view()}
                {move || form_error(error).get().filter(|_| field_error(error, "comment").get().is_none()).map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            </section>
        })}
    }
}
