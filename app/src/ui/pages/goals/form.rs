//! Adding and editing a goal with its key results. One form for both: level and period are
//! chosen when the goal is created; alignment, visibility, weight, progress mode and key
//! results can change while the goal is open for editing. Every problem shows at its field.

use crate::api::goals::GoalDetail;
use crate::api::goals::{get_goal_form_options, CreateGoal, GoalFormData, UpdateGoal};
use crate::error::AppError;
use crate::ui::components::feedback::{error_fallback, Loading};
use crate::ui::components::form::{
    field_error, form_error, last_error, FormFooter, SelectField, TextField,
};
use crate::ui::pages::goals::period_param;
use crate::ui::pages::people::person::id_param;
use crate::ui::use_session;
use keel_core::goals::{
    format_number, Direction, KeyResult, KeyResultKind, ProgressMode, Visibility,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn check_title(v: &str) -> Option<String> {
    v.trim()
        .is_empty()
        .then(|| "Give the goal a title.".to_string())
}

fn check_weight(v: &str) -> Option<String> {
    match v.trim().parse::<i64>() {
        _ if v.trim().is_empty() => None,
        Ok(w) if w < 0 => Some("Weight cannot be negative.".into()),
        Ok(_) => None,
        Err(_) => Some("Enter the weight as a whole number, such as 1 or 3.".into()),
    }
}

#[component]
pub fn NewGoalPage() -> impl IntoView {
    let period = period_param();
    let query = use_query_map();
    let parent = Memo::new(move |_| query.with(|q| q.get("parent").unwrap_or_default()));
    let data = Resource::new(
        move || period.get(),
        |period| get_goal_form_options(period, None),
    );
    let create = ServerAction::<CreateGoal>::new();
    let session = use_session();
    view! {
        <Title text="New goal"/>
        <header class="page-header">
            <div>
                <h1>"New goal"</h1>
                <p class="muted">"Say what you want to achieve, align it to a goal above, and add key results that show when it is met."</p>
            </div>
        </header>
        <Suspense fallback=|| view! { <Loading/> }>
            <ErrorBoundary fallback=error_fallback>
                {move || Suspend::new(async move {
                    let user = session.user.await.ok().flatten();
                    let may_set_for_others = user.as_ref().is_some_and(|u| u.is_manager || u.is_hr());
                    data.await.map(|data| {
                        let error = last_error(create);
                        view! {
                            <ActionForm action=create attr:class="card form form-wide" attr:novalidate=true>
                                <GoalFields data existing=None error may_set_for_others parent=parent.get_untracked()/>
                                <FormFooter pending=create.pending() error=form_error(error) label="Save goal" cancel="/goals".into()/>
                            </ActionForm>
                        }
                    })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}

#[component]
pub fn EditGoalPage() -> impl IntoView {
    let id = id_param();
    let data = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => get_goal_form_options(None, Some(id)).await,
                None => Err(AppError::not_found("That goal")),
            }
        },
    );
    let update = ServerAction::<UpdateGoal>::new();
    view! {
        <Title text="Edit goal"/>
        <Suspense fallback=|| view! { <Loading/> }>
            <ErrorBoundary fallback=error_fallback>
                {move || Suspend::new(async move {
                    let data = data.await?;
                    let existing = data.existing.clone().ok_or_else(|| AppError::not_found("That goal"))?;
                    if let Some(reason) = existing.locked_reason.clone() {
                        return Err(AppError::Conflict(reason));
                    }
                    let error = last_error(update);
                    let id = existing.goal.id;
                    Ok::<_, AppError>(view! {
                        <header class="page-header">
                            <div>
                                <h1>{format!("Edit “{}”", existing.goal.title)}</h1>
                                <p class="muted">{format!("{} goal · {}", existing.goal.level.label(), existing.period.name)}</p>
                            </div>
                        </header>
                        <ActionForm action=update attr:class="card form form-wide" attr:novalidate=true>
                            <input type="hidden" name="id" value=id.to_string()/>
                            <GoalFields data existing=Some(existing) error may_set_for_others=false parent=String::new()/>
                            <FormFooter pending=update.pending() error=form_error(error) label="Save changes" cancel=format!("/goals/{id}")/>
                        </ActionForm>
                    })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}

#[component]
fn GoalFields(
    data: GoalFormData,
    existing: Option<GoalDetail>,
    error: Signal<Option<AppError>>,
    may_set_for_others: bool,
    parent: String,
) -> impl IntoView {
    let editing = existing.is_some();
    let e = existing.as_ref();
    let title = e.map(|d| d.goal.title.clone()).unwrap_or_default();
    let description = e.map(|d| d.description.clone()).unwrap_or_default();
    let visibility = e.map(|d| d.goal.visibility).unwrap_or(Visibility::Public);
    let weight = e
        .map(|d| d.goal.weight.to_string())
        .unwrap_or_else(|| "1".into());
    let mode = e.map(|d| d.progress_mode).unwrap_or(ProgressMode::Manual);
    let parent = e
        .and_then(|d| d.goal.parent_id.map(|p| p.to_string()))
        .unwrap_or(parent);
    let key_results: Vec<KeyResult> = e.map(|d| d.key_results.clone()).unwrap_or_default();
    let level_options: Vec<(String, String)> = data
        .levels
        .iter()
        .rev()
        .map(|l| (l.as_str().to_string(), l.label().to_string()))
        .collect();
    let period_options: Vec<(String, String)> = data
        .choice
        .periods
        .iter()
        .map(|p| (p.id.to_string(), p.name.clone()))
        .collect();
    let parent_options: Vec<(String, String)> = data
        .parents
        .iter()
        .map(|p| {
            (
                p.id.to_string(),
                format!("{} · {}", p.level.label(), p.title),
            )
        })
        .collect();
    let rows = RwSignal::new((key_results.len() + 1).max(2));
    let existing_krs = StoredValue::new(key_results);
    view! {
        <div class="form-grid">
            <div class="span-all">
                <TextField label="Goal" name="goal[title]" value=title check=check_title error=field_error(error, "title") autocomplete="off"/>
            </div>
            <div class="field span-all" class:invalid=move || field_error(error, "description").get().is_some()>
                <label for="field-description">"Why it matters (optional)"</label>
                <textarea id="field-description" name="goal[description]" rows="3">{description}</textarea>
                <p class="field-error" aria-live="polite">{field_error(error, "description")}</p>
            </div>
            {(!editing).then(|| view! {
                <SelectField label="Level" name="goal[level]" options=level_options selected="individual" error=field_error(error, "level")/>
                <SelectField label="Period" name="goal[period_id]" options=period_options selected=data.choice.selected.id.to_string() error=field_error(error, "period_id")/>
            })}
            <SelectField label="Aligned to" name="goal[parent_id]" options=parent_options selected=parent placeholder="Not aligned yet" error=field_error(error, "parent_id")/>
            <SelectField
                label="Who can see it"
                name="goal[visibility]"
                options=Visibility::ALL.iter().map(|v| (v.as_str().to_string(), match v { Visibility::Public => "Everyone".to_string(), Visibility::Private => "Private: me, my managers and HR".to_string() })).collect()
                selected=visibility.as_str()
                error=field_error(error, "visibility")
            />
            <TextField label="Weight" name="goal[weight]" kind="text" value=weight check=check_weight error=field_error(error, "weight") hint="How much it counts towards the goal it aligns to."/>
            <SelectField
                label="Progress"
                name="goal[progress_mode]"
                options=ProgressMode::ALL.iter().map(|m| (m.as_str().to_string(), m.label().to_string())).collect()
                selected=mode.as_str()
                error=field_error(error, "progress_mode")
            />
            {(may_set_for_others && !editing).then(|| view! {
                <TextField label="Owner's email (optional)" name="goal[owner_email]" kind="email" error=field_error(error, "owner_email") hint="Leave empty to set the goal for yourself." autocomplete="off"/>
            })}
        </div>
        <fieldset class="kr-fieldset">
            <legend>"Key results"</legend>
            <p class="muted small">"Measurable outcomes. Progress is their weighted average. Leave a row empty to skip it."</p>
            {move || (0..rows.get()).map(|i| {
                let kr = existing_krs.with_value(|k| k.get(i).cloned());
                view! { <KeyResultRow index=i kr error/> }
            }).collect_view()}
            <button type="button" class="btn btn-quiet" on:click=move |_| rows.update(|n| *n = (*n + 1).min(10))>"Add another key result"</button>
        </fieldset>
    }
}

#[component]
fn KeyResultRow(
    index: usize,
    kr: Option<KeyResult>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let name = move |field: &str| format!("key_results[{index}][{field}]");
    let message = move |field: &'static str| {
        let key = name(field);
        Signal::derive(move || error.with(|e| e.as_ref().and_then(|e| e.field_message(&key))))
    };
    let id = move |field: &str| format!("kr-{index}-{field}");
    let (kr_id, title, kind, unit, direction, start, target, weight) = match &kr {
        Some(k) => (
            k.id.to_string(),
            k.title.clone(),
            k.kind,
            k.unit.clone(),
            Some(k.direction),
            format_number(k.start),
            format_number(k.target),
            k.weight.to_string(),
        ),
        None => (
            String::new(),
            String::new(),
            KeyResultKind::Number,
            String::new(),
            None,
            String::new(),
            String::new(),
            "1".into(),
        ),
    };
    let field = move |label: &'static str,
                      key: &'static str,
                      value: String,
                      hint: Option<&'static str>| {
        let msg = message(key);
        view! {
            <div class=format!("field kr-{key}") class:invalid=move || msg.get().is_some()>
                <label for=id(key)>{label}</label>
                <input id=id(key) name=name(key) type="text" value=value autocomplete="off" inputmode=if key == "title" || key == "unit" { "text" } else { "decimal" }/>
                {hint.map(|h| view! { <p class="field-hint">{h}</p> })}
                <p class="field-error" aria-live="polite">{msg}</p>
            </div>
        }
    };
    let kind_msg = message("kind");
    let direction_msg = message("direction");
    view! {
        <div class="kr-row" role="group" aria-label=format!("Key result {}", index + 1)>
            <input type="hidden" name=name("id") value=kr_id/>
            {field("Key result", "title", title, None)}
            <div class="field kr-kind" class:invalid=move || kind_msg.get().is_some()>
                <label for=id("kind")>"Kind"</label>
                <select id=id("kind") name=name("kind")>
                    {KeyResultKind::ALL.iter().map(|k| view! { <option value=k.as_str() selected=*k == kind>{k.label()}</option> }).collect_view()}
                </select>
                <p class="field-error" aria-live="polite">{kind_msg}</p>
            </div>
            {field("Start", "start", start, None)}
            {field("Target", "target", target, None)}
            {field("Unit", "unit", unit, Some("e.g. days, EUR"))}
            <div class="field kr-direction" class:invalid=move || direction_msg.get().is_some()>
                <label for=id("direction")>"Direction"</label>
                <select id=id("direction") name=name("direction")>
                    <option value="" selected=direction.is_none()>"From start and target"</option>
                    {Direction::ALL.iter().map(|d| view! { <option value=d.as_str() selected=Some(*d) == direction>{d.label()}</option> }).collect_view()}
                </select>
                <p class="field-error" aria-live="polite">{direction_msg}</p>
            </div>
            {field("Weight", "weight", weight, None)}
        </div>
    }
}
