//! Writing a review: the form rendered from the cycle's frozen template version, for one
//! reviewer type. Once the page is interactive every change is kept on this device at once and
//! saved to the server a moment later, so closing the tab or losing the network loses nothing;
//! the form says when it last saved. Without wasm it is a plain form with "Save draft" and
//! "Submit". The reviewee's goals sit beside the form (in a drawer on phones).

use crate::api::reviews::{get_review_form, save_review, SaveReview, Saved, WritePage};
use crate::error::AppError;
use crate::ui::components::feedback::{error_fallback, Loading};
use crate::ui::components::form::{form_error, last_error};
use crate::ui::components::goal::{format_date, GoalLine};
use crate::ui::components::review::format_time;
use keel_core::reviews::{
    answer_field, Answers, AssignmentState, Question, QuestionKind, RatingScale, ReviewerType,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use std::time::Duration;

#[component]
pub fn WriteReviewPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok())));
    let page = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => get_review_form(id).await,
                None => Err(AppError::not_found("That review")),
            }
        },
    );
    view! {
        <Transition fallback=|| view! { <Loading/> }>
            <ErrorBoundary fallback=error_fallback>
                {move || Suspend::new(async move { page.await.map(|page| view! { <Writer page/> }) })}
            </ErrorBoundary>
        </Transition>
    }
}

/// Where the draft stands, as the status line says it.
#[derive(Clone, Debug, PartialEq)]
enum Status {
    Saved(i64),
    NotStarted,
    Unsaved,
    Saving,
    Offline,
    Restored,
    Failed(String),
}

impl Status {
    fn text(&self) -> String {
        match self {
            Status::Saved(at) => format!("Saved {}", format_time(*at)),
            Status::NotStarted => "Not started yet. Answers save as you type.".into(),
            Status::Unsaved => "Changes kept on this device; saving…".into(),
            Status::Saving => "Saving…".into(),
            Status::Offline => "Not saved to the server yet (no connection). Your answers are kept on this device and saved when the connection is back.".into(),
            Status::Restored => "Restored answers this device had not yet saved; saving…".into(),
            Status::Failed(message) => format!("Not saved: {message}"),
        }
    }
}

/// The device-side copy of a draft: the answers, and the server save they were typed over.
#[derive(serde::Serialize, serde::Deserialize)]
struct LocalDraft {
    answers: Answers,
    base: Option<i64>,
}

#[cfg(feature = "hydrate")]
mod device {
    pub fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok()?
    }
    pub fn load(key: &str) -> Option<String> {
        storage()?.get_item(key).ok()?
    }
    pub fn store(key: &str, value: &str) {
        if let Some(s) = storage() {
            let _ = s.set_item(key, value);
        }
    }
    pub fn remove(key: &str) {
        if let Some(s) = storage() {
            let _ = s.remove_item(key);
        }
    }
}

#[cfg(not(feature = "hydrate"))]
mod device {
    pub fn load(_: &str) -> Option<String> {
        None
    }
    pub fn store(_: &str, _: &str) {}
    pub fn remove(_: &str) {}
}

#[component]
fn Writer(page: WritePage) -> impl IntoView {
    let title = match page.kind {
        ReviewerType::SelfReview => "Self review".to_string(),
        ReviewerType::Manager => format!("Review of {}", page.reviewee_name),
        ReviewerType::Peer => format!("Peer review of {}", page.reviewee_name),
        ReviewerType::Upward => format!("Upward review of {}", page.reviewee_name),
    };
    let header = view! {
        <Title text=title.clone()/>
        <header class="page-header">
            <div>
                <p class="eyebrow"><a href="/reviews">"Reviews"</a>" / "{page.cycle_name.clone()}</p>
                <h1>{title.clone()}</h1>
                <p class="muted">
                    {page.reviewee_title.clone()}" · due "{format_date(&page.writing_due)}
                    {page.anonymous.then_some(" · Your answers are anonymous: shown only combined with other reviewers'.")}
                </p>
            </div>
        </header>
    };
    let side = view! { <SidePanel page=page.clone()/> };
    if page.state == AssignmentState::Submitted {
        // Nothing of a submitted review stays on this device.
        let key = format!("keel-review-{}", page.assignment_id);
        Effect::new(move |_| device::remove(&key));
        let answers = if page.anonymous {
            // Its answers left the assignment when it was submitted (see "Anonymous answers"
            // in docs/ARCHITECTURE.md): not even its author can read them back.
            view! {
                <p class="muted">"Your answers were stored anonymously, apart from your name, so they can no longer be shown here. They appear in the results only combined with other reviewers' answers."</p>
            }
            .into_any()
        } else {
            view! { <ReadOnly page=page.clone()/> }.into_any()
        };
        return view! {
            {header}
            <div class="review-layout">
                <div class="review-main">
                    <p class="notice small">{format!("Submitted {}. A submitted review can no longer be changed.", page.saved_at.map(format_time).unwrap_or_default())}</p>
                    {answers}
                </div>
                {side}
            </div>
        }
        .into_any();
    }

    let id = page.assignment_id;
    let storage_key = format!("keel-review-{id}");
    let save = ServerAction::<SaveReview>::new();
    let error = last_error(save);
    let answers = RwSignal::new(page.answers.clone());
    let restored = RwSignal::new(0u32);
    let edits = RwSignal::new(0u64);
    let status = RwSignal::new(match page.saved_at {
        Some(at) => Status::Saved(at),
        None => Status::NotStarted,
    });

    // The server's saved_at the answers on this page build on: a device copy is restored only
    // if the server has not saved anything since (so another device's work is never undone,
    // whatever this device's clock says).
    let base = RwSignal::new(page.saved_at);
    // One save at a time; a change made meanwhile is saved when the running one returns.
    let in_flight = RwSignal::new(false);

    let autosave = {
        let storage_key = storage_key.clone();
        Callback::new(move |_: ()| {
            // Every signal may be gone once the person has left the page: do nothing then.
            let (Some(snapshot), Some(ticket), Some(busy)) = (
                answers.try_get_untracked(),
                edits.try_get_untracked(),
                in_flight.try_get_untracked(),
            ) else {
                return;
            };
            if busy {
                return;
            }
            in_flight.set(true);
            status.set(Status::Saving);
            let storage_key = storage_key.clone();
            leptos::task::spawn_local(async move {
                let result = save_review(
                    id,
                    Some(snapshot.into_iter().collect()),
                    keel_core::reviews::SaveIntent::Save,
                )
                .await;
                if in_flight.try_set(false).is_some() {
                    return;
                }
                let latest = edits.try_get_untracked().unwrap_or(ticket);
                if latest != ticket {
                    // Changed meanwhile: the effect below saves again now that this one is done.
                    status.try_set(Status::Unsaved);
                }
                match result {
                    Ok(Saved { saved_at, .. }) => {
                        base.try_set(Some(saved_at));
                        if latest == ticket {
                            device::remove(&storage_key);
                            status.try_set(Status::Saved(saved_at));
                        }
                    }
                    Err(AppError::Transport(_)) => {
                        status.try_set(Status::Offline);
                    }
                    Err(other) => {
                        status.try_set(Status::Failed(other.to_string()));
                        save.value().try_set(Some(Err(other)));
                    }
                }
            });
        })
    };

    let changed = {
        let storage_key = storage_key.clone();
        Callback::new(move |(key, value): (String, String)| {
            answers.update(|a| {
                if value.trim().is_empty() {
                    a.remove(&key);
                } else {
                    a.insert(key, value);
                }
            });
            let draft = LocalDraft {
                answers: answers.get_untracked(),
                base: base.get_untracked(),
            };
            if let Ok(text) = serde_json::to_string(&draft) {
                device::store(&storage_key, &text);
            }
            status.set(Status::Unsaved);
            let ticket = edits.get_untracked() + 1;
            edits.set(ticket);
            set_timeout(
                move || {
                    if edits.try_get_untracked() == Some(ticket) {
                        autosave.run(());
                    }
                },
                Duration::from_millis(700),
            );
        })
    };
    // A change made while a save was running: once it returns, save again.
    Effect::new(move |_| {
        if !in_flight.get()
            && edits.get_untracked() > 0
            && status.get_untracked() == Status::Unsaved
        {
            autosave.run(());
        }
    });

    // In the browser: answers this device kept but the server never got (a closed tab, a lost
    // connection) come back and are saved.
    {
        let storage_key = storage_key.clone();
        let server_saved = page.saved_at;
        let server_answers = page.answers.clone();
        Effect::new(move |_| {
            let Some(local) = device::load(&storage_key)
                .and_then(|t| serde_json::from_str::<LocalDraft>(&t).ok())
            else {
                return;
            };
            if local.base == server_saved && local.answers != server_answers {
                answers.set(local.answers);
                restored.update(|r| *r += 1);
                status.set(Status::Restored);
                autosave.run(());
            } else {
                device::remove(&storage_key);
            }
        });
    }
    // Retry while offline.
    Effect::new(move |_| {
        if status.get() == Status::Offline {
            set_timeout(
                move || {
                    if status.try_get_untracked() == Some(Status::Offline) {
                        autosave.run(());
                    }
                },
                Duration::from_secs(5),
            );
        }
    });
    {
        let storage_key = storage_key.clone();
        Effect::new(move |_| {
            if let Some(Ok(saved)) = save.value().get() {
                device::remove(&storage_key);
                base.set(Some(saved.saved_at));
                status.set(Status::Saved(saved.saved_at));
            }
        });
    }

    let scales = StoredValue::new(page.scales.clone());
    let goals = StoredValue::new(page.goals.clone());
    let sections = page.sections.clone();
    let past_due = page.past_due;
    view! {
        {header}
        <div class="review-layout">
            <div class="review-main">
                {past_due.then(|| view! {
                    <p class="notice notice-warn">{format!("The deadline was {}. You can still keep a draft, but the review can no longer be submitted.", format_date(&page.writing_due))}</p>
                })}
                <ActionForm action=save attr:class="review-form" attr:novalidate=true>
                    <input type="hidden" name="assignment_id" value=id.to_string()/>
                    {sections.into_iter().map(|section| view! {
                        <fieldset class="card review-section">
                            <legend>{section.title.clone()}</legend>
                            {section.questions.into_iter().map(|q| {
                                let scale = q.scale_id.and_then(|s| scales.with_value(|all| all.iter().find(|x| x.id == s).cloned()));
                                view! { <QuestionInput q scale answers restored changed error goals=goals.get_value()/> }
                            }).collect_view()}
                        </fieldset>
                    }).collect_view()}
                    <div class="review-actions">
                        <p class="save-status" role="status" aria-live="polite">{move || status.get().text()}</p>
                        {move || form_error(error).get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
                        <div class="form-actions">
                            <button type="submit" name="intent" value="save" class="btn" disabled=move || save.pending().get()>"Save draft"</button>
                            <button type="submit" name="intent" value="submit" class="btn btn-primary" disabled=move || save.pending().get() || past_due>"Submit review"</button>
                        </div>
                        <p class="muted small">"Once submitted, a review can no longer be changed."</p>
                    </div>
                </ActionForm>
            </div>
            {side}
        </div>
    }
    .into_any()
}

#[component]
fn QuestionInput(
    q: Question,
    scale: Option<RatingScale>,
    answers: RwSignal<Answers>,
    restored: RwSignal<u32>,
    changed: Callback<(String, String)>,
    error: Signal<Option<AppError>>,
    goals: Vec<crate::api::goals::GoalSummary>,
) -> impl IntoView {
    let key = q.key.clone();
    let name = answer_field(&key);
    let field_id = format!("answer-{key}");
    let initial = answers.with_untracked(|a| a.get(&key).cloned().unwrap_or_default());
    let message = {
        let name = name.clone();
        Signal::derive(move || error.with(|e| e.as_ref().and_then(|e| e.field_message(&name))))
    };
    let current = {
        let key = key.clone();
        move || {
            restored.get();
            answers.with_untracked(|a| a.get(&key).cloned().unwrap_or_default())
        }
    };
    let input = match q.kind {
        QuestionKind::Text => {
            let key = key.clone();
            view! {
                <textarea
                    id=field_id.clone()
                    name=name.clone()
                    rows="5"
                    prop:value=current.clone()
                    on:input=move |ev| changed.run((key.clone(), event_target_value(&ev)))
                >{initial.clone()}</textarea>
                {(q.min_length > 0).then(|| view! { <p class="field-hint">{format!("At least {} characters.", q.min_length)}</p> })}
            }
            .into_any()
        }
        QuestionKind::Choice => {
            let options = q.options.clone();
            view! {
                <div class="choice-list" role="radiogroup" aria-labelledby=format!("{field_id}-label")>
                    {options.into_iter().map(|option| {
                        let key = key.clone();
                        let checked = initial == option;
                        let value = option.clone();
                        let current = current.clone();
                        let compare = option.clone();
                        view! {
                            <label class="choice">
                                <input type="radio" name=name.clone() value=option.clone() checked=checked
                                    prop:checked=move || current() == compare
                                    on:change=move |_| changed.run((key.clone(), value.clone()))/>
                                <span>{option}</span>
                            </label>
                        }
                    }).collect_view()}
                </div>
            }
            .into_any()
        }
        _ => {
            let points = scale.as_ref().map(|s| s.points.clone()).unwrap_or_default();
            let descriptors = q.descriptors.clone();
            view! {
                {(q.kind == QuestionKind::Goals).then(|| view! { <GoalsList goals=goals.clone()/> })}
                {(q.kind == QuestionKind::Competency && !q.competency.is_empty()).then(|| view! { <p class="muted small">{format!("Competency: {}", q.competency)}</p> })}
                <div class="rating-scale" role="radiogroup" aria-labelledby=format!("{field_id}-label")>
                    {points.into_iter().enumerate().map(|(i, point)| {
                        let key = key.clone();
                        let value = point.value.to_string();
                        let checked = initial == value;
                        let current = current.clone();
                        let compare = value.clone();
                        let description = descriptors.get(i).cloned().filter(|d| !d.is_empty()).unwrap_or(point.description.clone());
                        view! {
                            <label class="rating-point">
                                <input type="radio" name=name.clone() value=value.clone() checked=checked
                                    prop:checked=move || current() == compare
                                    on:change=move |_| changed.run((key.clone(), value.clone()))/>
                                <span class="rating-value">{point.value}</span>
                                <span class="rating-label">{point.label.clone()}</span>
                                {(!description.is_empty()).then(|| view! { <span class="rating-description">{description}</span> })}
                            </label>
                        }
                    }).collect_view()}
                </div>
            }
            .into_any()
        }
    };
    view! {
        <div class="field review-question" class:invalid=move || message.get().is_some()>
            <p class="question-prompt" id=format!("{field_id}-label")>
                {if q.kind == QuestionKind::Text {
                    view! { <label for=field_id.clone()>{q.prompt.clone()}</label> }.into_any()
                } else {
                    view! { <span>{q.prompt.clone()}</span> }.into_any()
                }}
                {if q.required { view! { <span class="required" aria-label="required">" *"</span> }.into_any() } else { view! { <span class="muted small">" (optional)"</span> }.into_any() }}
            </p>
            {(!q.help.is_empty()).then(|| view! { <p class="field-hint">{q.help.clone()}</p> })}
            {input}
            <p class="field-error" aria-live="polite">{move || message.get()}</p>
        </div>
    }
}

#[component]
fn GoalsList(goals: Vec<crate::api::goals::GoalSummary>) -> impl IntoView {
    if goals.is_empty() {
        return view! { <p class="muted small">"No goals for this period."</p> }.into_any();
    }
    view! {
        <ul class="plain-list review-goals">
            {goals.into_iter().map(|goal| view! { <li><GoalLine goal/></li> }).collect_view()}
        </ul>
    }
    .into_any()
}

/// The reviewee's goals of the cycle's period, beside the form (a drawer on phones).
#[component]
fn SidePanel(page: WritePage) -> impl IntoView {
    let summary = format!("{}'s goals ({})", page.reviewee_name, page.goals.len());
    view! {
        <aside class="review-side" aria-label="Context for this review">
            <details class="card review-drawer">
                <summary>{summary}</summary>
                <div class="review-drawer-body">
                    {match page.goal_period.clone() {
                        Some(period) => view! {
                            <p class="muted small">{format!("Goals for {period}, with their progress today.")}</p>
                            <GoalsList goals=page.goals.clone()/>
                        }.into_any(),
                        None => view! { <p class="muted small">"This cycle has no goal period, so no goals are shown."</p> }.into_any(),
                    }}
                </div>
            </details>
        </aside>
    }
}

#[component]
fn ReadOnly(page: WritePage) -> impl IntoView {
    view! {
        {page.sections.into_iter().map(|section| view! {
            <section class="card review-section">
                <h2>{section.title}</h2>
                <dl class="answers">
                    {section.questions.into_iter().map(|q| {
                        let answer = page.answers.get(&q.key).cloned();
                        let text = match (answer, q.scale_id.and_then(|s| page.scales.iter().find(|x| x.id == s))) {
                            (Some(a), Some(scale)) if q.kind.is_rated() => a.parse::<i64>().map(|v| format!("{v} · {}", scale.label_of(v))).unwrap_or(a),
                            (Some(a), _) => a,
                            (None, _) => "Not answered".into(),
                        };
                        view! { <dt>{q.prompt}</dt><dd class="prewrap">{text}</dd> }
                    }).collect_view()}
                </dl>
            </section>
        }).collect_view()}
    }
}
