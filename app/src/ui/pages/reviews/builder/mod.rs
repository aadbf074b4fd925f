//! HR's template builder: a review template's settings, its sections and their questions in
//! order, everything that still keeps a cycle from using it (summarised at the top and shown at
//! its place), and a live preview of the form each reviewer type will fill in.
//!
//! Every change is a small form carrying the version the page shows, so the server refuses a
//! change made against a version someone else has since replaced. Once a cycle uses a version,
//! the next change saves a new one. Each form shows its own problems beside it.

use crate::api::reviews::{
    get_template_builder, AddTemplateQuestion, AddTemplateSection, BuilderPage,
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
                Some(id) => get_template_builder(id).await,
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

mod add;
mod preview;
mod questions;
mod sections;
mod settings;

use add::*;
use preview::*;
use questions::*;
use sections::*;
use settings::*;
