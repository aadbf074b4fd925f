//! HR's template builder: a review template's settings, its sections and their questions in
//! order, everything that still keeps a cycle from using it (summarised at the top and shown at
//! its place), and a live preview of the form each reviewer type will fill in.
//!
//! Every change is a small form carrying the version the page shows, so the server refuses a
//! change made against a version someone else has since replaced. Once a cycle uses a version,
//! the next change saves a new one. Each form shows its own problems beside it.

use crate::api::reviews::{
    template_builder, AddTemplateQuestion, AddTemplateSection, BuilderPage,
    DuplicateReviewTemplate, MoveTemplateItem, RemoveTemplateItem, RenameTemplateSection,
    TemplateSettings, UpdateTemplateQuestion,
};
use crate::error::{AppError, FieldError};
use crate::ui::components::feedback::{error_fallback, EmptyState, Loading};
use crate::ui::components::form::{field_error, form_error, last_error};
use crate::ui::components::review::ReviewsNav;
use keel_core::reviews::{
    Question, QuestionKind, RatingScale, ReviewerType, Section, TemplateDefinition,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use server_fn::ServerFn;

/// The builder's actions, and which form was submitted last (`"rename:s2"`, `"update:q7"`, …)
/// so that a refusal shows beside that form and nowhere else.
#[derive(Clone, Copy)]
struct Actions {
    settings: ServerAction<TemplateSettings>,
    add_section: ServerAction<AddTemplateSection>,
    rename: ServerAction<RenameTemplateSection>,
    add_question: ServerAction<AddTemplateQuestion>,
    update: ServerAction<UpdateTemplateQuestion>,
    shift: ServerAction<MoveTemplateItem>,
    remove: ServerAction<RemoveTemplateItem>,
    duplicate: ServerAction<DuplicateReviewTemplate>,
    target: RwSignal<Option<String>>,
}

impl Actions {
    fn new() -> Self {
        let actions = Actions {
            settings: ServerAction::new(),
            add_section: ServerAction::new(),
            rename: ServerAction::new(),
            add_question: ServerAction::new(),
            update: ServerAction::new(),
            shift: ServerAction::new(),
            remove: ServerAction::new(),
            duplicate: ServerAction::new(),
            target: RwSignal::new(None),
        };
        let t = actions.target;
        remember(actions.settings, t, |_| "settings".into());
        remember(actions.add_section, t, |_| "add-section".into());
        remember(actions.rename, t, |i| format!("rename:{}", i.key));
        remember(actions.add_question, t, |i| {
            format!("add-question:{}", i.section)
        });
        remember(actions.update, t, |i| format!("update:{}", i.key));
        remember(actions.shift, t, |i| format!("move:{}", i.key));
        remember(actions.remove, t, |i| format!("remove:{}", i.key));
        remember(actions.duplicate, t, |_| "duplicate".into());
        actions
    }

    /// Grows by one whenever any change is saved: the page reloads on it.
    fn saved(self) -> Memo<usize> {
        let counts = [
            successes(self.settings),
            successes(self.add_section),
            successes(self.rename),
            successes(self.add_question),
            successes(self.update),
            successes(self.shift),
            successes(self.remove),
            successes(self.duplicate),
        ];
        Memo::new(move |_| counts.iter().map(|c| c.get()).sum())
    }

    /// The latest refusal of any action, for when the form it came from is unknown (a form
    /// posted before the page became interactive).
    fn any_error(self) -> Signal<Option<AppError>> {
        let errors = [
            last_error(self.settings),
            last_error(self.add_section),
            last_error(self.rename),
            last_error(self.add_question),
            last_error(self.update),
            last_error(self.shift),
            last_error(self.remove),
            last_error(self.duplicate),
        ];
        Signal::derive(move || errors.iter().find_map(|e| e.get()))
    }
}

/// Notes which form an action was dispatched from, while it is on its way.
fn remember<S>(action: ServerAction<S>, target: RwSignal<Option<String>>, place: fn(&S) -> String)
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
    Effect::new(move |_| {
        if let Some(place) = action.input().with(|input| input.as_ref().map(place)) {
            target.set(Some(place));
        }
    });
}

/// The version of an action's latest success (refusals leave it unchanged).
fn successes<S>(action: ServerAction<S>) -> Memo<usize>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
    Memo::new(move |previous: Option<&usize>| {
        let version = action.version().get();
        if action.value().with(|v| matches!(v, Some(Ok(_)))) {
            version
        } else {
            previous.copied().unwrap_or(0)
        }
    })
}

/// The refusal of `action` when it came from the form at `place`.
fn error_at<S>(
    action: ServerAction<S>,
    target: RwSignal<Option<String>>,
    place: String,
) -> Signal<Option<AppError>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
    let error = last_error(action);
    let pending = action.pending();
    Signal::derive(move || {
        if pending.get() || !target.with(|t| t.as_deref() == Some(place.as_str())) {
            return None;
        }
        error.get()
    })
}

/// The message for the top of a small form: the refusal itself, unless it belongs to one of
/// the form's fields (then it shows there).
fn general_error(
    error: Signal<Option<AppError>>,
    fields: &'static [&'static str],
) -> Signal<Option<String>> {
    let summary = form_error(error);
    Signal::derive(move || {
        let at_field = error.with(|e| {
            e.as_ref()
                .is_some_and(|e| fields.iter().any(|f| e.field_message(f).is_some()))
        });
        if at_field {
            None
        } else {
            summary.get()
        }
    })
}

/// A short form of a question for button labels and lists.
fn short(text: &str) -> String {
    let text = text.trim();
    if text.chars().count() > 60 {
        format!("{}…", text.chars().take(57).collect::<String>())
    } else {
        text.to_string()
    }
}

fn problems_at(problems: &[FieldError], field: &str) -> Vec<String> {
    problems
        .iter()
        .filter(|p| p.field == field)
        .map(|p| p.message.clone())
        .collect()
}

#[component]
pub fn TemplateBuilderPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok())));
    let query = use_query_map();
    let viewer = Memo::new(move |_| {
        query.with(|q| {
            q.get("as")
                .and_then(|v| ReviewerType::parse(&v))
                .unwrap_or(ReviewerType::SelfReview)
        })
    });
    let actions = Actions::new();
    let saved = actions.saved();
    let page = Resource::new(
        move || (id.get(), saved.get()),
        |(id, _)| async move {
            match id {
                Some(id) => template_builder(id).await,
                None => Err(AppError::not_found("That template")),
            }
        },
    );
    view! {
        <Title text="Template builder"/>
        <Transition fallback=|| view! { <Loading/> }>
            <ErrorBoundary fallback=error_fallback>
                {move || Suspend::new(async move {
                    page.await.map(|page| {
                        // A fresh view per load: no typed text or open panel stays behind at a
                        // place where another question now stands.
                        let stamp = (page.template_id, saved.get_untracked());
                        view! {
                            <For each=move || [stamp] key=|stamp| *stamp let:_stamp>
                                <Builder page=page.clone() actions viewer/>
                            </For>
                        }
                    })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

/// What every builder form needs to know about the page.
#[derive(Clone, Copy)]
struct Ctx {
    template_id: i64,
    version: i64,
    actions: Actions,
    scales: StoredValue<Vec<RatingScale>>,
    problems: StoredValue<Vec<FieldError>>,
    weight_sum: u32,
}

impl Ctx {
    /// The hidden fields every change carries.
    fn hidden(self) -> impl IntoView {
        view! {
            <input type="hidden" name="template_id" value=self.template_id.to_string()/>
            <input type="hidden" name="version" value=self.version.to_string()/>
        }
    }

    fn problems(self, field: &str) -> Vec<String> {
        self.problems.with_value(|p| problems_at(p, field))
    }

    fn scale(self, id: Option<i64>) -> Option<RatingScale> {
        let id = id?;
        self.scales
            .with_value(|s| s.iter().find(|s| s.id == id).cloned())
    }
}

#[component]
fn Builder(page: BuilderPage, actions: Actions, viewer: Memo<ReviewerType>) -> impl IntoView {
    let BuilderPage {
        template_id,
        name,
        version,
        frozen,
        definition,
        scales,
        problems,
    } = page;
    let ctx = Ctx {
        template_id,
        version,
        actions,
        scales: StoredValue::new(scales),
        problems: StoredValue::new(problems.clone()),
        weight_sum: definition.weight_sum(),
    };
    let section_count = definition.sections.len();
    let sections: Vec<(usize, Section)> = definition.sections.iter().cloned().enumerate().collect();
    let fallback_error = actions.any_error();
    view! {
        <Title text=format!("{name} · Template")/>
        <header class="page-header">
            <div>
                <p class="eyebrow"><a href="/reviews/admin">"Cycles and templates"</a>" / Template"</p>
                <h1>{name.clone()}</h1>
                <p class="muted">{format!("Version {version}")}</p>
            </div>
        </header>
        <ReviewsNav active="admin" is_hr=true/>
        {frozen.then(|| view! {
            <p class="notice notice-warn small builder-frozen">
                {format!(
                    "A cycle uses version {version}; your next change saves version {} and the cycle keeps the version it launched with.",
                    version + 1
                )}
            </p>
        })}
        {move || {
            (actions.target.get().is_none())
                .then(|| fallback_error.get())
                .flatten()
                .map(|error| view! { <ErrorList error/> })
        }}
        <ProblemSummary problems definition=definition.clone()/>
        <div class="builder-layout">
            <div class="builder-main">
                <Settings ctx name=name.clone() definition=definition.clone()/>
                {sections
                    .into_iter()
                    .map(|(index, section)| view! { <SectionBlock ctx section index count=section_count/> })
                    .collect_view()}
                {(section_count == 0).then(|| view! {
                    <EmptyState
                        title="No sections yet"
                        body="Sections group the questions, such as Results, Behaviours or Development. Add the first one below."
                    />
                })}
                <AddSection ctx/>
                <Duplicate ctx name/>
            </div>
            <Preview template_id definition=StoredValue::new(definition) scales=ctx.scales viewer/>
        </div>
    }
}

/// A refusal shown on its own: each message it carries.
#[component]
fn ErrorList(error: AppError) -> impl IntoView {
    let messages: Vec<String> = match &error {
        AppError::Invalid(errors) => errors.iter().map(|e| e.message.clone()).collect(),
        other => vec![other.to_string()],
    };
    view! {
        <div class="form-error builder-error" role="alert">
            {messages.into_iter().map(|m| view! { <p>{m}</p> }).collect_view()}
        </div>
    }
}

/// Everything to fix, each linked to where it is fixed.
#[component]
fn ProblemSummary(problems: Vec<FieldError>, definition: TemplateDefinition) -> impl IntoView {
    if problems.is_empty() {
        return view! {
            <p class="notice builder-ready small">"Ready: a cycle can use this template."</p>
        }
        .into_any();
    }
    let heading = match problems.len() {
        1 => "1 thing to fix before a cycle can use this template".to_string(),
        n => format!("{n} things to fix before a cycle can use this template"),
    };
    let place = |field: &str| -> (String, String) {
        if let Some(key) = field
            .strip_prefix("questions[")
            .and_then(|f| f.strip_suffix(']'))
        {
            let prompt = definition
                .question(key)
                .map(|q| short(&q.prompt))
                .unwrap_or_default();
            (format!("#question-{key}"), format!("Question “{prompt}”"))
        } else if let Some(key) = field
            .strip_prefix("sections[")
            .and_then(|f| f.strip_suffix(']'))
        {
            let title = definition
                .sections
                .iter()
                .find(|s| s.key == key)
                .map(|s| s.title.clone())
                .unwrap_or_default();
            (format!("#section-{key}"), format!("Section “{title}”"))
        } else {
            ("#template-settings".to_string(), "Settings".to_string())
        }
    };
    view! {
        <section class="notice notice-warn problem-summary" aria-labelledby="problem-summary-title">
            <h2 id="problem-summary-title">{heading}</h2>
            <ul>
                {problems.iter().map(|p| {
                    let (href, label) = place(&p.field);
                    view! { <li><a href=href>{label}</a>": "{p.message.clone()}</li> }
                }).collect_view()}
            </ul>
        </section>
    }
    .into_any()
}

/// Problems of the template shown at one place.
#[component]
fn Problems(messages: Vec<String>) -> impl IntoView {
    (!messages.is_empty()).then(|| {
        view! {
            <ul class="builder-problems">
                {messages.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}
            </ul>
        }
    })
}

#[component]
fn Settings(ctx: Ctx, name: String, definition: TemplateDefinition) -> impl IntoView {
    let error = error_at(ctx.actions.settings, ctx.actions.target, "settings".into());
    let name_error = field_error(error, "name");
    let scale_error = field_error(error, "overall_scale_id");
    let total_error = field_error(error, "weights_total");
    let general = general_error(error, &["name", "overall_scale_id", "weights_total"]);
    let selected = definition.overall_scale_id;
    let total = definition
        .weights_total
        .map(|t| t.to_string())
        .unwrap_or_default();
    let sum = definition.weight_sum();
    let options = ctx.scales.get_value();
    view! {
        <section class="card builder-settings" id="template-settings" aria-labelledby="settings-title">
            <h2 id="settings-title">"Settings"</h2>
            <Problems messages=ctx.problems("template")/>
            <ActionForm action=ctx.actions.settings attr:class="form" attr:novalidate=true>
                {ctx.hidden()}
                <div class="form-grid">
                    <div class="field span-all" class:invalid=move || name_error.get().is_some()>
                        <label for="settings-name">"Name"</label>
                        <input id="settings-name" name="name" type="text" value=name autocomplete="off" aria-describedby="settings-name-error"/>
                        <p class="field-error" id="settings-name-error" aria-live="polite">{name_error}</p>
                    </div>
                    <div class="field" class:invalid=move || scale_error.get().is_some()>
                        <label for="settings-scale">"Overall rating scale"</label>
                        <select id="settings-scale" name="overall_scale_id" aria-describedby="settings-scale-hint">
                            <option value="" selected=selected.is_none()>"Choose a scale"</option>
                            {options.into_iter().map(|s| view! {
                                <option value=s.id.to_string() selected=selected == Some(s.id)>{s.name}</option>
                            }).collect_view()}
                        </select>
                        <p class="field-hint" id="settings-scale-hint">"The overall rating is given, and calibrated, on this scale."</p>
                        <Problems messages=ctx.problems("overall_scale_id")/>
                        <p class="field-error" aria-live="polite">{scale_error}</p>
                    </div>
                    <div class="field" class:invalid=move || total_error.get().is_some()>
                        <label for="settings-total">"Weights add up to"</label>
                        <input
                            id="settings-total"
                            name="weights_total"
                            type="number"
                            min="0"
                            step="1"
                            inputmode="numeric"
                            value=total
                            aria-describedby="settings-total-hint"
                        />
                        <p class="field-hint" id="settings-total-hint">
                            {format!("Leave empty for relative weights: each rated question counts by its share of all weights (now {sum} in total). With a number, the weights must add up to exactly it, such as 100.")}
                        </p>
                        <Problems messages=ctx.problems("weights_total")/>
                        <p class="field-error" aria-live="polite">{total_error}</p>
                    </div>
                </div>
                {move || general.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" disabled=move || ctx.actions.settings.pending().get()>
                        "Save settings"
                    </button>
                </div>
            </ActionForm>
        </section>
    }
}

/// Move up and Move down for a section or question: one form, the button says which way.
#[component]
fn MoveButtons(ctx: Ctx, key: String, what: String, first: bool, last: bool) -> impl IntoView {
    let pending = ctx.actions.shift.pending();
    view! {
        <ActionForm action=ctx.actions.shift attr:class="builder-move">
            {ctx.hidden()}
            <input type="hidden" name="key" value=key/>
            <button
                type="submit"
                name="direction"
                value="up"
                class="btn btn-small btn-quiet"
                aria-label=format!("Move {what} up")
                disabled=move || first || pending.get()
            >
                "Move up"
            </button>
            <button
                type="submit"
                name="direction"
                value="down"
                class="btn btn-small btn-quiet"
                aria-label=format!("Move {what} down")
                disabled=move || last || pending.get()
            >
                "Move down"
            </button>
        </ActionForm>
    }
}

/// The refusal of a move or removal of one item, beside it.
#[component]
fn ItemError(ctx: Ctx, key: String) -> impl IntoView {
    let moved = error_at(ctx.actions.shift, ctx.actions.target, format!("move:{key}"));
    let removed = error_at(
        ctx.actions.remove,
        ctx.actions.target,
        format!("remove:{key}"),
    );
    move || {
        moved
            .get()
            .or_else(|| removed.get())
            .map(|error| view! { <ErrorList error/> })
    }
}

#[component]
fn SectionBlock(ctx: Ctx, section: Section, index: usize, count: usize) -> impl IntoView {
    let Section {
        key,
        title,
        questions,
    } = section;
    let what = format!("section {}", title);
    let question_count = questions.len();
    let last_section = index + 1 == count;
    let heading_id = format!("section-{key}-title");
    let remove_pending = ctx.actions.remove.pending();
    let remove_label = format!("Remove section {title}");
    let remove_key = key.clone();
    let remove = if question_count == 0 {
        view! {
            <ActionForm action=ctx.actions.remove attr:class="builder-remove">
                {ctx.hidden()}
                <input type="hidden" name="key" value=remove_key/>
                <button type="submit" class="btn btn-small btn-quiet" aria-label=remove_label disabled=move || remove_pending.get()>
                    "Remove"
                </button>
            </ActionForm>
        }
        .into_any()
    } else {
        let warning = match question_count {
            1 => "Removing the section also removes its question.".to_string(),
            n => format!("Removing the section also removes its {n} questions."),
        };
        view! {
            <details class="builder-remove-confirm">
                <summary class="btn btn-small btn-quiet">
                    "Remove"<span class="visually-hidden">{format!(" section {title}")}</span>
                </summary>
                <div class="builder-remove-panel">
                    <p class="small">{warning}</p>
                    <ActionForm action=ctx.actions.remove attr:class="builder-remove">
                        {ctx.hidden()}
                        <input type="hidden" name="key" value=remove_key/>
                        <button type="submit" class="btn btn-small btn-danger" disabled=move || remove_pending.get()>
                            {remove_label.clone()}
                        </button>
                    </ActionForm>
                </div>
            </details>
        }
        .into_any()
    };
    let anchor = format!("section-{key}");
    let section_problems = ctx.problems(&format!("sections[{key}]"));
    let labelled_by = heading_id.clone();
    view! {
        <section class="card builder-section" id=anchor aria-labelledby=labelled_by>
            <div class="builder-section-head">
                <h2 id=heading_id>
                    {if title.trim().is_empty() { "Untitled section".to_string() } else { title.clone() }}
                </h2>
                <div class="builder-tools">
                    <MoveButtons ctx key=key.clone() what first=index == 0 last=last_section/>
                    {remove}
                </div>
            </div>
            <ItemError ctx key=key.clone()/>
            <Problems messages=section_problems/>
            <RenameSection ctx key=key.clone() title/>
            {if questions.is_empty() {
                view! { <p class="muted small">"No questions in this section yet."</p> }.into_any()
            } else {
                view! {
                    <ol class="builder-questions">
                        {questions.into_iter().enumerate().map(|(i, question)| {
                            let first = index == 0 && i == 0;
                            let last = last_section && i + 1 == question_count;
                            view! { <QuestionBlock ctx question first last/> }
                        }).collect_view()}
                    </ol>
                }
                .into_any()
            }}
            <AddQuestion ctx section=key/>
        </section>
    }
}

/// Keeps a panel open once its form has been refused, without closing it again.
fn open_on_error(error: Signal<Option<AppError>>) -> RwSignal<bool> {
    let open = RwSignal::new(false);
    Effect::new(move |_| {
        if error.with(Option::is_some) {
            open.set(true);
        }
    });
    open
}

#[component]
fn RenameSection(ctx: Ctx, key: String, title: String) -> impl IntoView {
    let error = error_at(
        ctx.actions.rename,
        ctx.actions.target,
        format!("rename:{key}"),
    );
    let title_error = field_error(error, "title");
    let general = general_error(error, &["title"]);
    let open = open_on_error(error);
    let id = format!("section-{key}-rename");
    view! {
        <details class="builder-edit" open=move || open.get()>
            <summary>"Rename section"</summary>
            <ActionForm action=ctx.actions.rename attr:class="builder-inline-form" attr:novalidate=true>
                {ctx.hidden()}
                <input type="hidden" name="key" value=key/>
                <div class="field" class:invalid=move || title_error.get().is_some()>
                    <label for=id.clone()>"Section title"</label>
                    <input id=id name="title" type="text" value=title autocomplete="off"/>
                    <p class="field-error" aria-live="polite">{title_error}</p>
                </div>
                {move || general.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
                <div class="form-actions">
                    <button type="submit" class="btn btn-small" disabled=move || ctx.actions.rename.pending().get()>
                        "Save title"
                    </button>
                </div>
            </ActionForm>
        </details>
    }
}

fn reviewers_text(reviewers: &[ReviewerType]) -> String {
    if reviewers.is_empty() {
        return "Nobody answers it".into();
    }
    if reviewers.len() == ReviewerType::ALL.len() {
        return "Answered in every review".into();
    }
    let names: Vec<&str> = reviewers.iter().map(|r| r.review_label()).collect();
    format!("Answered in the {}", names.join(", ").to_lowercase())
}

#[component]
fn QuestionBlock(ctx: Ctx, question: Question, first: bool, last: bool) -> impl IntoView {
    let key = question.key.clone();
    let rated = question.kind.is_rated();
    let what = format!("question “{}”", short(&question.prompt));
    let scale_name = ctx
        .scale(question.scale_id)
        .map(|s| s.name)
        .unwrap_or_else(|| "no scale chosen".into());
    let weight = if !rated {
        None
    } else if question.weight == 0 {
        Some("Weight 0: not counted in the score".to_string())
    } else if ctx.weight_sum > 0 {
        Some(format!(
            "Weight {} ({:.0}% of the score)",
            question.weight,
            question.weight as f64 * 100.0 / ctx.weight_sum as f64
        ))
    } else {
        Some(format!("Weight {}", question.weight))
    };
    let remove_pending = ctx.actions.remove.pending();
    let remove_key = key.clone();
    let anchor = format!("question-{key}");
    let question_problems = ctx.problems(&format!("questions[{key}]"));
    view! {
        <li class="builder-question" id=anchor>
            <div class="builder-question-head">
                <div class="builder-question-text">
                    <p class="eyebrow">{question.kind.label()}</p>
                    <p class="builder-prompt">
                        {if question.prompt.trim().is_empty() { "No question text yet".to_string() } else { question.prompt.clone() }}
                    </p>
                    {(!question.help.is_empty()).then(|| view! { <p class="muted small">{question.help.clone()}</p> })}
                </div>
                <div class="builder-tools">
                    <MoveButtons ctx key=key.clone() what=what.clone() first last/>
                    <ActionForm action=ctx.actions.remove attr:class="builder-remove">
                        {ctx.hidden()}
                        <input type="hidden" name="key" value=remove_key/>
                        <button
                            type="submit"
                            class="btn btn-small btn-quiet"
                            aria-label=format!("Remove {what}")
                            disabled=move || remove_pending.get()
                        >
                            "Remove"
                        </button>
                    </ActionForm>
                </div>
            </div>
            <ul class="builder-meta small">
                <li>
                    {if question.required {
                        view! { <span class="badge">"Required"</span> }.into_any()
                    } else {
                        view! { <span class="badge badge-muted">"Optional"</span> }.into_any()
                    }}
                </li>
                <li>{reviewers_text(&question.reviewers)}</li>
                {weight.map(|w| view! { <li>{w}</li> })}
                {rated.then(|| view! { <li>{format!("Scale: {scale_name}")}</li> })}
                {(question.kind == QuestionKind::Competency && !question.competency.is_empty())
                    .then(|| view! { <li>{format!("Competency: {}", question.competency)}</li> })}
                {(question.kind == QuestionKind::Text && question.min_length > 0)
                    .then(|| view! { <li>{format!("At least {} characters", question.min_length)}</li> })}
                {(question.kind == QuestionKind::Choice && !question.options.is_empty())
                    .then(|| view! { <li>{format!("Options: {}", question.options.join(" · "))}</li> })}
            </ul>
            <ItemError ctx key=key.clone()/>
            <Problems messages=question_problems/>
            <EditQuestion ctx question/>
        </li>
    }
}

/// A labelled single-line input of the question form.
fn question_input(
    id: String,
    label: &'static str,
    name: &'static str,
    value: String,
    hint: Option<String>,
    numeric: bool,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    view! {
        <div class="field" class:invalid=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=name
                type="text"
                value=value
                autocomplete="off"
                inputmode=if numeric { "numeric" } else { "text" }
                aria-describedby=hint_id.clone()
            />
            {hint.map(|h| view! { <p class="field-hint" id=hint_id>{h}</p> })}
            <p class="field-error" aria-live="polite">{error}</p>
        </div>
    }
}

/// A labelled textarea of the question form.
fn question_textarea(
    id: String,
    label: &'static str,
    name: &'static str,
    value: String,
    hint: Option<String>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    view! {
        <div class="field span-all" class:invalid=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            <textarea id=id name=name rows="3" aria-describedby=hint_id.clone()>{value}</textarea>
            {hint.map(|h| view! { <p class="field-hint" id=hint_id>{h}</p> })}
            <p class="field-error" aria-live="polite">{error}</p>
        </div>
    }
}

const QUESTION_FIELDS: &[&str] = &[
    "question[prompt]",
    "question[help]",
    "question[required]",
    "question[reviewers]",
    "question[weight]",
    "question[scale_id]",
    "question[competency]",
    "question[descriptors]",
    "question[min_length]",
    "question[options]",
];

#[component]
fn EditQuestion(ctx: Ctx, question: Question) -> impl IntoView {
    let key = question.key.clone();
    let kind = question.kind;
    let error = error_at(
        ctx.actions.update,
        ctx.actions.target,
        format!("update:{key}"),
    );
    let general = general_error(error, QUESTION_FIELDS);
    let open = open_on_error(error);
    let id_prefix = format!("q-{key}");
    let key_field = key.clone();
    let id = move |field: &str| format!("{id_prefix}-{field}");
    let reviewers_error = field_error(error, "question[reviewers]");
    let scale_error = field_error(error, "question[scale_id]");
    let levels = ctx.scale(question.scale_id).map(|s| s.points.len());
    let scales = ctx.scales.get_value();
    view! {
        <details class="builder-edit" open=move || open.get()>
            <summary>"Edit question"</summary>
            <ActionForm action=ctx.actions.update attr:class="form builder-question-form" attr:novalidate=true>
                {ctx.hidden()}
                <input type="hidden" name="key" value=key_field/>
                <div class="form-grid">
                    {question_textarea(
                        id("prompt"),
                        "Question",
                        "question[prompt]",
                        question.prompt.clone(),
                        None,
                        field_error(error, "question[prompt]"),
                    )}
                    <div class="span-all">
                        {question_input(
                            id("help"),
                            "Help text (optional)",
                            "question[help]",
                            question.help.clone(),
                            Some("Shown under the question, for example what a good answer covers.".into()),
                            false,
                            field_error(error, "question[help]"),
                        )}
                    </div>
                    <div class="span-all">
                        <label class="check">
                            <input type="checkbox" name="question[required]" value="on" checked=question.required/>
                            "Required: a review cannot be submitted without an answer"
                        </label>
                    </div>
                    <fieldset class="choice-group span-all" class:invalid=move || reviewers_error.get().is_some()>
                        <legend>"Who answers it"</legend>
                        <div class="choice-row">
                            {ReviewerType::ALL.iter().enumerate().map(|(i, t)| view! {
                                <label class="check">
                                    <input
                                        type="checkbox"
                                        name=format!("question[reviewers][{i}]")
                                        value=t.as_str()
                                        checked=question.reviewers.contains(t)
                                    />
                                    {t.review_label()}
                                </label>
                            }).collect_view()}
                        </div>
                        <p class="field-error" aria-live="polite">{reviewers_error}</p>
                    </fieldset>
                    {kind.is_rated().then(|| view! {
                        {question_input(
                            id("weight"),
                            "Weight",
                            "question[weight]",
                            question.weight.to_string(),
                            Some("How much it counts in the overall score; 0 leaves it out.".into()),
                            true,
                            field_error(error, "question[weight]"),
                        )}
                        <div class="field" class:invalid=move || scale_error.get().is_some()>
                            <label for=id("scale")>"Rating scale"</label>
                            <select id=id("scale") name="question[scale_id]">
                                <option value="" selected=question.scale_id.is_none()>"Choose a scale"</option>
                                {scales.into_iter().map(|s| view! {
                                    <option value=s.id.to_string() selected=question.scale_id == Some(s.id)>{s.name}</option>
                                }).collect_view()}
                            </select>
                            <p class="field-error" aria-live="polite">{scale_error}</p>
                        </div>
                    })}
                    {(kind == QuestionKind::Competency).then(|| view! {
                        <div class="span-all">
                            {question_input(
                                id("competency"),
                                "Competency",
                                "question[competency]",
                                question.competency.clone(),
                                Some("For example Ownership or Communication.".into()),
                                false,
                                field_error(error, "question[competency]"),
                            )}
                        </div>
                        {question_textarea(
                            id("descriptors"),
                            "Behaviour at each level",
                            "question[descriptors]",
                            question.descriptors.join("\n"),
                            Some(match levels {
                                Some(n) => format!("One line per level of the scale, lowest first: {n} lines."),
                                None => "One line per level of the scale, lowest first.".to_string(),
                            }),
                            field_error(error, "question[descriptors]"),
                        )}
                    })}
                    {(kind == QuestionKind::Text).then(|| view! {
                        {question_input(
                            id("min-length"),
                            "Shortest answer (characters)",
                            "question[min_length]",
                            if question.min_length == 0 { String::new() } else { question.min_length.to_string() },
                            Some("Leave empty to accept any length.".into()),
                            true,
                            field_error(error, "question[min_length]"),
                        )}
                    })}
                    {(kind == QuestionKind::Choice).then(|| view! {
                        {question_textarea(
                            id("options"),
                            "Options",
                            "question[options]",
                            question.options.join("\n"),
                            Some("One option per line; at least two.".into()),
                            field_error(error, "question[options]"),
                        )}
                    })}
                </div>
                {move || general.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary btn-small" disabled=move || ctx.actions.update.pending().get()>
                        "Save question"
                    </button>
                </div>
            </ActionForm>
        </details>
    }
}

#[component]
fn AddQuestion(ctx: Ctx, section: String) -> impl IntoView {
    let error = error_at(
        ctx.actions.add_question,
        ctx.actions.target,
        format!("add-question:{section}"),
    );
    let kind_error = field_error(error, "kind");
    let prompt_error = field_error(error, "prompt");
    let general = general_error(error, &["kind", "prompt"]);
    let kind_id = format!("add-{section}-kind");
    let prompt_id = format!("add-{section}-prompt");
    view! {
        <ActionForm action=ctx.actions.add_question attr:class="builder-add" attr:novalidate=true>
            {ctx.hidden()}
            <input type="hidden" name="section" value=section/>
            <p class="builder-add-title">"Add question"</p>
            <div class="builder-add-fields">
                <div class="field" class:invalid=move || kind_error.get().is_some()>
                    <label for=kind_id.clone()>"Kind"</label>
                    <select id=kind_id name="kind">
                        {QuestionKind::ALL.iter().map(|k| view! {
                            <option value=k.as_str() selected=*k == QuestionKind::Rating>{k.label()}</option>
                        }).collect_view()}
                    </select>
                    <p class="field-error" aria-live="polite">{kind_error}</p>
                </div>
                <div class="field builder-add-prompt" class:invalid=move || prompt_error.get().is_some()>
                    <label for=prompt_id.clone()>"Question"</label>
                    <input id=prompt_id name="prompt" type="text" autocomplete="off"/>
                    <p class="field-error" aria-live="polite">{prompt_error}</p>
                </div>
                <button type="submit" class="btn" disabled=move || ctx.actions.add_question.pending().get()>
                    "Add question"
                </button>
            </div>
            {move || general.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
        </ActionForm>
    }
}

#[component]
fn AddSection(ctx: Ctx) -> impl IntoView {
    let error = error_at(
        ctx.actions.add_section,
        ctx.actions.target,
        "add-section".into(),
    );
    let title_error = field_error(error, "title");
    let general = general_error(error, &["title"]);
    view! {
        <section class="card" aria-labelledby="add-section-title">
            <h2 id="add-section-title">"Add section"</h2>
            <ActionForm action=ctx.actions.add_section attr:class="builder-add" attr:novalidate=true>
                {ctx.hidden()}
                <div class="builder-add-fields">
                    <div class="field builder-add-prompt" class:invalid=move || title_error.get().is_some()>
                        <label for="add-section-name">"Title"</label>
                        <input id="add-section-name" name="title" type="text" autocomplete="off"/>
                        <p class="field-hint">"For example Results, Behaviours or Growth."</p>
                        <p class="field-error" aria-live="polite">{title_error}</p>
                    </div>
                    <button type="submit" class="btn" disabled=move || ctx.actions.add_section.pending().get()>
                        "Add section"
                    </button>
                </div>
                {move || general.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            </ActionForm>
        </section>
    }
}

#[component]
fn Duplicate(ctx: Ctx, name: String) -> impl IntoView {
    let error = error_at(
        ctx.actions.duplicate,
        ctx.actions.target,
        "duplicate".into(),
    );
    let name_error = field_error(error, "name");
    let general = general_error(error, &["name"]);
    view! {
        <section class="card" aria-labelledby="duplicate-title">
            <h2 id="duplicate-title">"Duplicate template"</h2>
            <p class="muted small">"Starts a new template from this one's latest version; this one stays as it is."</p>
            <ActionForm action=ctx.actions.duplicate attr:class="builder-add" attr:novalidate=true>
                <input type="hidden" name="template_id" value=ctx.template_id.to_string()/>
                <div class="builder-add-fields">
                    <div class="field builder-add-prompt" class:invalid=move || name_error.get().is_some()>
                        <label for="duplicate-name">"Name of the copy"</label>
                        <input id="duplicate-name" name="name" type="text" value=format!("Copy of {name}") autocomplete="off"/>
                        <p class="field-error" aria-live="polite">{name_error}</p>
                    </div>
                    <button type="submit" class="btn" disabled=move || ctx.actions.duplicate.pending().get()>
                        "Duplicate"
                    </button>
                </div>
                {move || general.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            </ActionForm>
        </section>
    }
}

/// The form a reviewer of the chosen type would see, with every input disabled.
#[component]
fn Preview(
    template_id: i64,
    definition: StoredValue<TemplateDefinition>,
    scales: StoredValue<Vec<RatingScale>>,
    viewer: Memo<ReviewerType>,
) -> impl IntoView {
    view! {
        <aside class="card builder-preview" aria-labelledby="preview-title">
            <h2 id="preview-title">"Preview"</h2>
            <nav class="section-tabs preview-tabs" aria-label="Preview as">
                <span class="preview-tabs-label muted small">"Preview as"</span>
                {ReviewerType::ALL.iter().copied().map(|t| view! {
                    <a
                        href=format!("/reviews/templates/{template_id}?as={}", t.as_str())
                        data-noscroll=""
                        class:active=move || viewer.get() == t
                        aria-current=move || (viewer.get() == t).then_some("page")
                    >
                        {t.label()}
                    </a>
                }).collect_view()}
            </nav>
            {move || {
                let who = viewer.get();
                let sections: Vec<(String, Vec<Question>)> = definition.with_value(|d| {
                    d.sections
                        .iter()
                        .map(|s| (s.title.clone(), s.questions.iter().filter(|q| q.asks(who)).cloned().collect::<Vec<_>>()))
                        .filter(|(_, qs)| !qs.is_empty())
                        .collect()
                });
                if sections.is_empty() {
                    return view! {
                        <EmptyState
                            title=format!("No questions in the {}", who.review_label().to_lowercase())
                            body="Questions this reviewer type answers appear here as they will see them."
                        />
                    }
                    .into_any();
                }
                view! {
                    <p class="muted small">
                        {format!("The {} as its writer sees it. Nothing here can be filled in.", who.review_label().to_lowercase())}
                    </p>
                    <div class="preview-form">
                        {sections.into_iter().map(|(title, questions)| view! {
                            <section class="preview-section">
                                <h3>{title}</h3>
                                {questions.into_iter().map(|q| {
                                    let scale = q.scale_id.and_then(|id| scales.with_value(|s| s.iter().find(|s| s.id == id).cloned()));
                                    view! { <PreviewQuestion question=q scale/> }
                                }).collect_view()}
                            </section>
                        }).collect_view()}
                    </div>
                }
                .into_any()
            }}
        </aside>
    }
}

#[component]
fn PreviewQuestion(question: Question, scale: Option<RatingScale>) -> impl IntoView {
    let group = format!("preview-{}", question.key);
    let prompt = if question.prompt.trim().is_empty() {
        "No question text yet".to_string()
    } else {
        question.prompt.clone()
    };
    let required = question
        .required
        .then(|| view! { <span class="muted small">" (required)"</span> });
    let help = (!question.help.is_empty())
        .then(|| view! { <p class="muted small">{question.help.clone()}</p> });
    match question.kind {
        QuestionKind::Text => {
            let id = format!("{group}-text");
            view! {
                <div class="field preview-question">
                    <label for=id.clone()>{prompt}{required}</label>
                    {help}
                    <textarea id=id rows="4" disabled=true></textarea>
                    {(question.min_length > 0).then(|| view! {
                        <p class="field-hint">{format!("At least {} characters.", question.min_length)}</p>
                    })}
                </div>
            }
            .into_any()
        }
        QuestionKind::Choice => view! {
            <fieldset class="preview-question choice-group">
                <legend>{prompt}{required}</legend>
                {help}
                <div class="preview-options">
                    {question.options.iter().map(|o| view! {
                        <label class="check">
                            <input type="radio" name=group.clone() value=o.clone() disabled=true/>
                            {o.clone()}
                        </label>
                    }).collect_view()}
                </div>
            </fieldset>
        }
        .into_any(),
        kind => {
            let descriptors = question.descriptors.clone();
            let points = match scale {
                None => view! { <p class="notice notice-warn small">"No rating scale chosen yet."</p> }.into_any(),
                Some(scale) => view! {
                    <div class="preview-scale">
                        {scale.points.into_iter().enumerate().map(|(i, p)| {
                            let detail = if kind == QuestionKind::Competency {
                                descriptors.get(i).cloned().unwrap_or_default()
                            } else {
                                p.description.clone()
                            };
                            view! {
                                <label class="preview-point">
                                    <input type="radio" name=group.clone() value=p.value.to_string() disabled=true/>
                                    <span>
                                        <strong>{format!("{} · {}", p.value, p.label)}</strong>
                                        {(!detail.is_empty()).then(|| view! { <span class="muted small preview-detail">{detail}</span> })}
                                    </span>
                                </label>
                            }
                        }).collect_view()}
                    </div>
                }
                .into_any(),
            };
            view! {
                <fieldset class="preview-question choice-group">
                    <legend>{prompt}{required}</legend>
                    {help}
                    {(kind == QuestionKind::Competency).then(|| view! {
                        <p class="small"><strong>"Competency: "</strong>{question.competency.clone()}</p>
                    })}
                    {(kind == QuestionKind::Goals).then(|| view! {
                        <p class="preview-goals muted small">"The reviewee's goals for the cycle's period appear here."</p>
                    })}
                    {points}
                </fieldset>
            }
            .into_any()
        }
    }
}
