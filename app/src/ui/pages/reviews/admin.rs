//! HR's overview of performance reviews: the review cycles, the templates they are written on
//! (with what still keeps a template from being used), and the rating scales questions are
//! answered on. New templates and scales start here; new cycles have their own form.

use crate::api::reviews::{
    get_review_admin, CreateRatingScale, CreateReviewTemplate, CycleItem, TemplateItem,
};
use crate::ui::components::chart::format_count;
use crate::ui::components::feedback::{error_fallback, EmptyState, Loading};
use crate::ui::components::form::{field_error, form_error, last_error, SelectField, TextField};
use crate::ui::components::goal::format_date;
use crate::ui::components::review::{CycleBadge, ReviewsNav};
use keel_core::reviews::{CycleState, RatingScale};
use leptos::html::Form;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ReviewAdminPage() -> impl IntoView {
    let create_template = ServerAction::<CreateReviewTemplate>::new();
    let create_scale = ServerAction::<CreateRatingScale>::new();
    let page = Resource::new(
        move || {
            (
                create_template.version().get(),
                create_scale.version().get(),
            )
        },
        |_| get_review_admin(),
    );
    view! {
        <Title text="Cycles and templates"/>
        <header class="page-header">
            <div>
                <h1>"Cycles and templates"</h1>
                <p class="muted">"Run review cycles, and build the templates and rating scales they use."</p>
            </div>
            <div class="page-actions">
                <a class="btn btn-primary" href="/reviews/cycles/new">"New cycle"</a>
            </div>
        </header>
        <ReviewsNav active="admin" is_hr=true/>
        <Transition fallback=|| view! { <Loading/> }>
            <ErrorBoundary fallback=error_fallback>
                {move || Suspend::new(async move {
                    page.await.map(|page| view! {
                        <Cycles cycles=page.cycles/>
                        <div class="grid admin-grid">
                            <Templates templates=page.templates scales=page.scales.clone() create=create_template/>
                            <Scales scales=page.scales create=create_scale/>
                        </div>
                    })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn Cycles(cycles: Vec<CycleItem>) -> impl IntoView {
    view! {
        <section class="card admin-section" aria-labelledby="cycles-title">
            <h2 id="cycles-title">"Review cycles"</h2>
            {if cycles.is_empty() {
                view! {
                    <EmptyState
                        title="No review cycles yet"
                        body="Start a cycle to choose who is reviewed, by whom, on which template, and by when."
                    />
                }
                .into_any()
            } else {
                view! {
                    <ul class="admin-list">
                        {cycles.into_iter().map(|item| {
                            let cycle = item.cycle;
                            let people = match item.participants {
                                0 if cycle.state == CycleState::Draft => "People are chosen at launch".to_string(),
                                1 => "1 person".to_string(),
                                n => format!("{} people", format_count(n)),
                            };
                            let period = format!(
                                "Review period {} – {}",
                                format_date(&cycle.starts_on),
                                format_date(&cycle.ends_on)
                            );
                            view! {
                                <li class="admin-row">
                                    <div class="admin-row-head">
                                        <a class="admin-row-title" href=format!("/reviews/cycles/{}", cycle.id)>{cycle.name.clone()}</a>
                                        <CycleBadge state=cycle.state/>
                                    </div>
                                    <p class="muted small">
                                        {period}" · "{people}" · "
                                        {format!("Reviews due {}", format_date(&cycle.writing_due))}
                                    </p>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </section>
    }
}

#[component]
fn Templates(
    templates: Vec<TemplateItem>,
    scales: Vec<RatingScale>,
    create: ServerAction<CreateReviewTemplate>,
) -> impl IntoView {
    let error = last_error(create);
    let has_scales = !scales.is_empty();
    let options: Vec<(String, String)> = scales
        .iter()
        .map(|s| (s.id.to_string(), s.name.clone()))
        .collect();
    let selected = scales.first().map(|s| s.id.to_string()).unwrap_or_default();
    view! {
        <section class="card admin-section" aria-labelledby="templates-title">
            <h2 id="templates-title">"Templates"</h2>
            {if templates.is_empty() {
                view! {
                    <EmptyState
                        title="No templates yet"
                        body="A template holds the questions reviewers answer. Create one below, then add sections and questions."
                    />
                }
                .into_any()
            } else {
                view! {
                    <ul class="admin-list">
                        {templates.into_iter().map(|t| {
                            let questions = match t.questions {
                                1 => "1 question".to_string(),
                                n => format!("{n} questions"),
                            };
                            let problems = match t.problems {
                                0 => None,
                                1 => Some("1 problem to fix".to_string()),
                                n => Some(format!("{n} problems to fix")),
                            };
                            view! {
                                <li class="admin-row">
                                    <div class="admin-row-head">
                                        <a class="admin-row-title" href=format!("/reviews/templates/{}", t.id)>{t.name}</a>
                                        {t.frozen.then(|| view! { <span class="badge badge-muted">"in use"</span> })}
                                        {problems.map(|p| view! { <span class="badge badge-warn">{p}</span> })}
                                    </div>
                                    <p class="muted small">{format!("version {}", t.version)}" · "{questions}</p>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
            <h3 class="admin-form-title">"New template"</h3>
            <ActionForm action=create attr:class="form" attr:novalidate=true>
                <TextField label="Name" name="name" error=field_error(error, "name") hint="For example Annual review 2026." autocomplete="off"/>
                <SelectField
                    label="Overall rating scale"
                    name="scale_id"
                    options=options
                    selected=selected
                    placeholder="Choose a scale"
                    error=field_error(error, "scale_id")
                />
                {(!has_scales).then(|| view! {
                    <p class="field-hint">"Add a rating scale first: the overall rating is given on one."</p>
                })}
                {move || {
                    form_error(error)
                        .get()
                        .filter(|_| {
                            field_error(error, "name").get().is_none()
                                && field_error(error, "scale_id").get().is_none()
                        })
                        .map(|m| view! { <p class="form-error" role="alert">{m}</p> })
                }}
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" disabled=move || create.pending().get()>
                        "Create and open the builder"
                    </button>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
fn Scales(scales: Vec<RatingScale>, create: ServerAction<CreateRatingScale>) -> impl IntoView {
    let error = last_error(create);
    let name_error = field_error(error, "name");
    let points_error = field_error(error, "points");
    let form_ref = NodeRef::<Form>::new();
    // A scale that was added is in the list above; the form starts empty again.
    Effect::new(move |_| {
        if create.value().with(|v| matches!(v, Some(Ok(_)))) {
            if let Some(form) = form_ref.get_untracked() {
                form.reset();
            }
        }
    });
    view! {
        <section class="card admin-section" aria-labelledby="scales-title">
            <h2 id="scales-title">"Rating scales"</h2>
            {if scales.is_empty() {
                view! {
                    <EmptyState
                        title="No rating scales yet"
                        body="Rating questions and the overall rating are answered on a scale. Add the first one below."
                    />
                }
                .into_any()
            } else {
                view! {
                    <ul class="admin-list">
                        {scales.into_iter().map(|s| view! {
                            <li class="admin-row">
                                <p class="admin-row-title">{s.name}</p>
                                <ol class="scale-points">
                                    {s.points.into_iter().map(|p| view! {
                                        <li>
                                            <span class="scale-value">{p.value}</span>
                                            <span class="scale-label">{p.label}</span>
                                            {(!p.description.is_empty()).then(|| view! {
                                                <span class="muted small">{p.description}</span>
                                            })}
                                        </li>
                                    }).collect_view()}
                                </ol>
                            </li>
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
            <h3 class="admin-form-title">"New rating scale"</h3>
            <ActionForm action=create node_ref=form_ref attr:class="form" attr:novalidate=true>
                <div class="field" class:invalid=move || name_error.get().is_some()>
                    <label for="scale-name">"Name"</label>
                    <input
                        id="scale-name"
                        name="name"
                        type="text"
                        autocomplete="off"
                        aria-describedby="scale-name-error"
                        aria-invalid=move || if name_error.get().is_some() { "true" } else { "false" }
                    />
                    <p class="field-hint">"For example Five-point performance."</p>
                    <p class="field-error" id="scale-name-error" aria-live="polite">{name_error}</p>
                </div>
                <div class="field" class:invalid=move || points_error.get().is_some()>
                    <label for="scale-points">"Points"</label>
                    <textarea
                        id="scale-points"
                        name="points"
                        rows="5"
                        aria-describedby="scale-points-hint scale-points-error"
                        aria-invalid=move || if points_error.get().is_some() { "true" } else { "false" }
                    ></textarea>
                    <p class="field-hint" id="scale-points-hint">
                        "One point per line, lowest first, as “Label: description” (the description is optional). The first line is worth 1, the next 2, and so on; 2 to 10 points."
                    </p>
                    <p class="field-error" id="scale-points-error" aria-live="polite">{points_error}</p>
                </div>
                {move || {
                    form_error(error)
                        .get()
                        .filter(|_| name_error.get().is_none() && points_error.get().is_none())
                        .map(|m| view! { <p class="form-error" role="alert">{m}</p> })
                }}
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" disabled=move || create.pending().get()>
                        "Add scale"
                    </button>
                </div>
            </ActionForm>
        </section>
    }
}
