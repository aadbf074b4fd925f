//! A goal's page: progress over time against the even pace with the forecast, key results,
//! the check-in form, the check-in history with comments threaded under each check-in, the
//! goals aligned to it (and how many are forecast to miss), and the goal-setting discussion.

use crate::api::goals::{get_goal, CommentOnGoal, SetGoalStatus};
use crate::api::goals::{Alignment, GoalDetail, Uncounted};
use crate::ui::components::feedback::{error_fallback, EmptyState, Loading};
use crate::ui::components::form::{field_error, form_error, last_error};
use crate::ui::components::goal::{
    format_date, format_day, percent, CheckInDisclosure, Comments, GoalLine, HealthBadge,
    PlanBadge, ProgressBar, ProgressChart,
};
use crate::ui::pages::people::person::id_param;
use keel_core::analytics::forecast::METHOD_NOTE;
use keel_core::calendar::day_number;
use keel_core::goals::{GoalStatus, ProgressMode, Visibility};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Aligned goals listed on a goal's page; the tree shows the rest.
const SHOWN_CHILDREN: usize = 30;

#[component]
pub fn GoalPage() -> impl IntoView {
    let id = id_param();
    // Earlier pages of the check-ins and of the discussion, by key (see `get_goal`).
    let query = use_query_map();
    let before = Memo::new(move |_| {
        query.with(|q| {
            let key = |name: &str| q.get(name).and_then(|v| v.parse::<i64>().ok());
            (key("check_ins_before"), key("comments_before"))
        })
    });
    let refresh = RwSignal::new(0u32);
    let comment = ServerAction::<CommentOnGoal>::new();
    let status = ServerAction::<SetGoalStatus>::new();
    let detail = Resource::new(
        move || {
            (
                id.get(),
                before.get(),
                refresh.get(),
                comment.version().get(),
                status.version().get(),
            )
        },
        |(id, (check_ins_before, comments_before), _, _, _)| async move {
            match id {
                Some(id) => get_goal(id, check_ins_before, comments_before).await,
                None => Err(crate::error::AppError::not_found("That goal")),
            }
        },
    );
    let on_saved = Callback::new(move |_| refresh.update(|n| *n += 1));
    view! {
        <Transition fallback=|| view! { <Loading/> }>
            <ErrorBoundary fallback=error_fallback>
                {move || Suspend::new(async move {
                    detail.await.map(|d| view! { <Goal detail=d on_saved comment status/> })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn Goal(
    detail: GoalDetail,
    on_saved: Callback<()>,
    comment: ServerAction<CommentOnGoal>,
    status: ServerAction<SetGoalStatus>,
) -> impl IntoView {
    let goal = detail.goal.clone();
    let id = goal.id;
    // Whether an earlier page of the check-ins or the discussion is shown.
    let paged = use_query_map().with_untracked(|q| {
        (
            q.get("check_ins_before").is_some(),
            q.get("comments_before").is_some(),
        )
    });
    let start = day_number(&detail.period.starts_on).unwrap_or(detail.today);
    let end = day_number(&detail.period.ends_on).unwrap_or(detail.today);
    let points = detail.progress_points.clone();
    let rolled_up = detail.progress_mode == ProgressMode::RolledUp && !detail.children.is_empty();
    let (forecast_total, forecast_miss) = detail.children_forecast;
    let forecast_summary = if goal.child_count > detail.children.len() as i64 {
        format!(
            "Of the first {} aligned goals, {forecast_miss} of the {forecast_total} with check-ins are forecast to miss.",
            detail.children.len()
        )
    } else {
        format!("{forecast_miss} of {forecast_total} aligned goals are forecast to miss.")
    };
    let facts = format!(
        "{} goal · {} · {}",
        goal.level.label(),
        goal.owner_name,
        detail.period.name
    );
    let forecast_text = detail.forecast.map(|f| {
        format!(
            "Forecast for {}: {} (80% interval {}–{}), {} chance of reaching the target.",
            format_date(&detail.period.ends_on),
            percent(f.projected),
            percent(f.low),
            percent(f.high),
            percent(f.probability * 100.0)
        )
    });
    let open: Vec<String> = detail
        .path
        .iter()
        .chain([&id])
        .map(|g| g.to_string())
        .collect();
    let tree_href = format!(
        "/goals/tree?period={}&open={}",
        detail.period.id,
        open.join(",")
    );
    let key_results = detail.key_results.clone();
    let table_rows = detail.progress_points.clone();
    view! {
        <Title text=goal.title.clone()/>
        <header class="page-header">
            <div>
                <p class="eyebrow"><a href="/goals">"Goals"</a>" / "{goal.level.label()}</p>
                <h1>{goal.title.clone()}</h1>
                <p class="muted">{facts}</p>
                <div class="goal-meta">
                    <HealthBadge health=goal.health/>
                    {goal.plan_state.map(|s| view! { <PlanBadge state=s/> })}
                    {goal.stale.then(|| view! { <span class="badge badge-warn">"No check-in for a while"</span> })}
                    {(goal.visibility == Visibility::Private).then(|| view! { <span class="badge">"Private"</span> })}
                    {(goal.status != GoalStatus::Active).then(|| view! { <span class="badge badge-muted">{goal.status.label()}</span> })}
                </div>
            </div>
            <div class="page-actions">
                <a class="btn" href=tree_href.clone()>"Show in tree"</a>
                {goal.plan_state.map(|_| view! {
                    <a class="btn" href=format!("/goals/plan/{}/{}", goal.owner_id, goal.period_id)>"Goal setting"</a>
                })}
                {detail.permissions.edit.then(|| view! { <a class="btn btn-primary" href=format!("/goals/{id}/edit")>"Edit"</a> })}
            </div>
        </header>
        {detail.locked_reason.clone().map(|r| view! { <p class="notice">{r}</p> })}
        {(goal.parent_id.is_none() && goal.level != keel_core::goals::GoalLevel::Company).then(|| view! {
            <p class="notice notice-warn">"Not aligned to any company or department objective."</p>
        })}
        <div class="grid">
            <section class="card span-2" aria-labelledby="progress-title">
                <div class="card-header">
                    <h2 id="progress-title">"Progress"</h2>
                    <span class="goal-pct">{percent(goal.progress)}</span>
                </div>
                <ProgressBar progress=goal.progress expected=goal.expected health=goal.health/>
                <p class="muted small">
                    {format!("{} expected by today at an even pace.", percent(goal.expected))}
                    {rolled_up.then_some(" Progress rolls up from the aligned goals below.")}
                </p>
                <ProgressChart start_day=start end_day=end today=detail.today points forecast=detail.forecast/>
                {forecast_text.map(|t| view! { <p class="forecast-text">{t}</p> })}
                <p class="muted small">{METHOD_NOTE}</p>
                <details class="chart-table">
                    <summary>"Show as a table"</summary>
                    <table class="table">
                        <thead><tr><th scope="col">"Date"</th><th scope="col" class="num">"Progress"</th></tr></thead>
                        <tbody>
                            {table_rows.iter().map(|(day, progress)| view! {
                                <tr>
                                    <td>{format_day(*day)}</td>
                                    <td class="num">{percent(*progress)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </details>
            </section>
            <section class="card" aria-labelledby="kr-title">
                <h2 id="kr-title">"Key results"</h2>
                {if key_results.is_empty() {
                    view! { <p class="muted">"No key results: progress comes from the aligned goals."</p> }.into_any()
                } else {
                    view! {
                        <ul class="kr-detail">
                            {key_results.iter().map(|kr| {
                                let p = kr.progress();
                                view! {
                                    <li>
                                        <div class="goal-line-head">
                                            <span>{kr.title.clone()}</span>
                                            <span class="muted">{format!("{} of {}", kr.format_value(kr.current), kr.format_value(kr.target))}</span>
                                        </div>
                                        <div class="progress progress-thin"><div class="progress-fill" style=format!("width: {p:.1}%")></div></div>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
                {(detail.permissions.check_in && !key_results.is_empty()).then(|| view! {
                    <CheckInDisclosure goal_id=id key_results=key_results.clone() confidence=goal.confidence on_saved/>
                })}
            </section>
            <section class="card" aria-labelledby="aligned-title">
                <div class="card-header">
                    <h2 id="aligned-title">"Aligned goals"</h2>
                    <span class="muted">{goal.child_count.to_string()}</span>
                </div>
                {detail.parent.clone().map(|p| view! {
                    <p class="muted">"Aligned to "<a href=format!("/goals/{}", p.id)>{p.title}</a>{format!(" ({})", p.level.label().to_lowercase())}</p>
                })}
                {(forecast_total > 0).then(|| view! {
                    <p class="forecast-text">{forecast_summary.clone()}</p>
                })}
                {if detail.children.is_empty() {
                    view! { <p class="muted">"No goals are aligned to this one yet."</p> }.into_any()
                } else {
                    view! {
                        <ul class="goal-lines">
                            {detail.children.iter().take(SHOWN_CHILDREN).map(|c| {
                                let alignment = detail.alignments.iter().find(|a| a.goal_id == c.id).map(alignment_note);
                                view! {
                                    <li>
                                        <GoalLine goal=c.clone() show_owner=true/>
                                        {alignment.map(|note| view! { <p class="muted small aligned-by">{note}</p> })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        {(goal.child_count > SHOWN_CHILDREN as i64).then(|| view! {
                            <p class="muted small">
                                {format!("and {} more: ", goal.child_count - SHOWN_CHILDREN as i64)}
                                <a href=tree_href.clone()>"see them all in the alignment tree"</a>
                            </p>
                        })}
                    }.into_any()
                }}
            </section>
            <section class="card span-2" aria-labelledby="history-title">
                <h2 id="history-title">"Check-ins"</h2>
                {paged.0.then(|| view! {
                    <p class="small"><a href=format!("/goals/{id}")>"Back to the latest check-ins"</a></p>
                })}
                {if detail.check_ins.is_empty() {
                    view! { <EmptyState title="No check-ins yet" body="Each check-in records the key results' new values, a confidence and a comment."/> }.into_any()
                } else {
                    view! {
                        <ol class="history">
                            {detail.check_ins.iter().rev().map(|c| {
                                let values = c.values.iter().filter_map(|(kr, v)| {
                                    detail.key_results.iter().find(|k| k.id == *kr).map(|k| format!("{}: {}", k.title, k.format_value(*v)))
                                }).collect::<Vec<_>>().join(" · ");
                                view! {
                                    <li class="history-item">
                                        <div class="history-head">
                                            <strong>{c.author_name.clone()}</strong>
                                            <span class="muted">{format_day(c.created_at.div_euclid(86_400))}</span>
                                            <span class=format!("badge confidence-{}", c.confidence.as_str())>{c.confidence.label()}</span>
                                            <span class="muted">{percent(c.progress)}</span>
                                        </div>
                                        {(!values.is_empty()).then(|| view! { <p class="small muted">{values}</p> })}
                                        {(!c.comment.is_empty()).then(|| view! { <p>{c.comment.clone()}</p> })}
                                        <Comments comments=c.comments.clone()/>
                                        <CommentForm goal_id=id check_in_id=Some(c.id) action=comment label="Reply"/>
                                    </li>
                                }
                            }).collect_view()}
                        </ol>
                    }.into_any()
                }}
                {detail.earlier_check_ins.map(|key| view! {
                    <p class="small"><a href=format!("/goals/{id}?check_ins_before={key}")>"Show earlier check-ins"</a></p>
                })}
            </section>
            <section class="card span-2" aria-labelledby="discussion-title">
                <h2 id="discussion-title">"Discussion"</h2>
                {if detail.description.is_empty() { None } else { Some(view! { <p class="description">{detail.description.clone()}</p> }) }}
                {detail.earlier_comments.map(|key| view! {
                    <p class="small"><a href=format!("/goals/{id}?comments_before={key}#discussion-title")>"Show earlier comments"</a></p>
                })}
                {paged.1.then(|| view! {
                    <p class="small"><a href=format!("/goals/{id}#discussion-title")>"Back to the latest comments"</a></p>
                })}
                <Comments comments=detail.comments.clone()/>
                <CommentForm goal_id=id check_in_id=None action=comment label="Add comment"/>
            </section>
            {detail.permissions.edit.then(|| view! { <StatusActions id current=goal.status action=status/> })}
        </div>
    }
}

#[component]
fn CommentForm(
    goal_id: i64,
    check_in_id: Option<i64>,
    action: ServerAction<CommentOnGoal>,
    label: &'static str,
) -> impl IntoView {
    // Replies under check-ins and the goal's own comment box share one action; the error
    // shows under the goal's box only, so it never appears under every check-in at once.
    let error = last_error(action);
    let key = check_in_id.map(|c| c.to_string()).unwrap_or_default();
    let id = format!("comment-{goal_id}-{key}");
    view! {
        <ActionForm action=action attr:class="comment-form">
            <input type="hidden" name="goal_id" value=goal_id.to_string()/>
            <input type="hidden" name="check_in_id" value=key.clone()/>
            <label class="visually-hidden" for=id.clone()>{label}</label>
            <textarea id=id name="body" rows="1" placeholder=if check_in_id.is_some() { "Reply to this check-in" } else { "Write a comment" }></textarea>
            <button type="submit" class="btn btn-small">{label}</button>
            <p class="field-error" aria-live="polite">{move || if key.is_empty() { field_error(error, "body").get() } else { None }}</p>
        </ActionForm>
    }
}

#[component]
fn StatusActions(
    id: i64,
    current: GoalStatus,
    action: ServerAction<SetGoalStatus>,
) -> impl IntoView {
    let error = last_error(action);
    view! {
        <section class="card span-2" aria-labelledby="status-title">
            <h2 id="status-title">"Status"</h2>
            <p class="muted">{format!("This goal is {}.", current.label().to_lowercase())}</p>
            <div class="button-row">
                {GoalStatus::ALL.iter().filter(|s| **s != current).map(|s| {
                    let label = match s {
                        GoalStatus::Active => "Reopen",
                        GoalStatus::Completed => "Mark completed",
                        GoalStatus::Cancelled => "Cancel goal",
                    };
                    view! {
                        <ActionForm action=action attr:class="inline-form">
                            <input type="hidden" name="id" value=id.to_string()/>
                            <input type="hidden" name="status" value=s.as_str()/>
                            <button type="submit" class="btn">{label}</button>
                        </ActionForm>
                    }
                }).collect_view()}
            </div>
            {move || form_error(error).get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
        </section>
    }
}

/// "Aligned by Dana Kim on 3 Dec 2026", and why it does not count towards this goal, if so.
fn alignment_note(alignment: &Alignment) -> String {
    let day = format_day(alignment.at.div_euclid(86_400));
    let why = match alignment.uncounted {
        // A parent set by hand counts no aligned goal; its page says how progress is set.
        None | Some(Uncounted::ParentManual) => "",
        Some(Uncounted::Cancelled) => " · cancelled, so not counted",
        Some(Uncounted::NotAgreed) => " · not counted until its goals are approved",
        Some(Uncounted::Private) => " · private, so not counted here",
    };
    format!("Aligned by {} on {day}{why}", alignment.by)
}
