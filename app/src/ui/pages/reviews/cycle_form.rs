//! HR sets up a review cycle: its name and review period, the template and goal period it uses,
//! who is reviewed and by whom, whether peer and upward answers are anonymous, the deadline of
//! each phase, and an optional target distribution for calibration. The cycle is saved as a
//! draft and opens on its own page, from where it is launched.

use crate::api::reviews::{get_cycle_form_options, CreateReviewCycle, CycleFormData};
use crate::error::AppError;
use crate::ui::components::feedback::{error_fallback, Loading};
use crate::ui::components::form::{
    field_error, form_error, last_error, FormFooter, SelectField, TextField,
};
use keel_core::reviews::{ParticipantScope, ReviewerType};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NewCyclePage() -> impl IntoView {
    let options = Resource::new(|| (), |_| get_cycle_form_options());
    let create = ServerAction::<CreateReviewCycle>::new();
    view! {
        <Title text="New review cycle"/>
        <header class="page-header">
            <div>
                <p class="eyebrow"><a href="/reviews/admin">"Cycles and templates"</a>" / New cycle"</p>
                <h1>"New review cycle"</h1>
                <p class="muted">"The cycle is saved as a draft: nobody is asked for anything until you launch it."</p>
            </div>
        </header>
        <Suspense fallback=|| view! { <Loading/> }>
            <ErrorBoundary fallback=error_fallback>
                {move || Suspend::new(async move {
                    options.await.map(|data| {
                        let error = last_error(create);
                        view! {
                            <ActionForm action=create attr:class="card form form-wide cycle-form" attr:novalidate=true>
                                <CycleFields data error/>
                                <FormFooter pending=create.pending() error=form_error(error) label="Create cycle" cancel="/reviews/admin".into()/>
                            </ActionForm>
                        }
                    })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}

/// A labelled textarea with its hint and error, named like the cycle's other fields.
fn textarea_field(
    label: &'static str,
    name: &'static str,
    rows: &'static str,
    hint: &'static str,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described = format!("{hint_id} {error_id}");
    view! {
        <div class="field span-all" class:invalid=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            <textarea
                id=id
                name=name
                rows=rows
                aria-describedby=described
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
            ></textarea>
            <p class="field-hint" id=hint_id>{hint}</p>
            <p class="field-error" id=error_id aria-live="polite">{error}</p>
        </div>
    }
}

#[component]
fn CycleFields(data: CycleFormData, error: Signal<Option<AppError>>) -> impl IntoView {
    let templates: Vec<(String, String)> = data
        .templates
        .iter()
        .map(|t| {
            let label = match t.problems {
                0 => t.name.clone(),
                1 => format!("{} (1 problem)", t.name),
                n => format!("{} ({n} problems)", t.name),
            };
            (t.id.to_string(), label)
        })
        .collect();
    let no_templates = templates.is_empty();
    let periods: Vec<(String, String)> = data
        .periods
        .iter()
        .map(|(id, name)| (id.to_string(), name.clone()))
        .collect();
    let departments = data.departments.clone();
    let top_departments: Vec<(String, String)> = data
        .top_departments
        .iter()
        .map(|(id, name)| (id.to_string(), name.clone()))
        .collect();
    let group_templates = templates.clone();
    let reviewers_error = field_error(error, "cycle[reviewer_types]");
    let anonymous_error = field_error(error, "cycle[anonymous]");
    let scope_error = field_error(error, "cycle[scope]");
    let department_error = field_error(error, "cycle[department_id]");
    let people_error = field_error(error, "cycle[people]");
    view! {
        <fieldset class="form-section">
            <legend>"Basics"</legend>
            <div class="form-grid">
                <div class="span-all">
                    <TextField label="Name" name="cycle[name]" error=field_error(error, "cycle[name]") hint="For example Annual review 2026." autocomplete="off"/>
                </div>
                <TextField label="Review period starts" name="cycle[starts_on]" kind="date" error=field_error(error, "cycle[starts_on]")/>
                <TextField label="Review period ends" name="cycle[ends_on]" kind="date" error=field_error(error, "cycle[ends_on]")/>
                <div>
                    <SelectField
                        label="Template"
                        name="cycle[template_id]"
                        options=templates
                        placeholder="Choose a template"
                        error=field_error(error, "cycle[template_id]")
                    />
                    {if no_templates {
                        view! {
                            <p class="field-hint">
                                "There are no templates yet. "<a href="/reviews/admin">"Create one"</a>" first."
                            </p>
                        }
                        .into_any()
                    } else {
                        view! {
                            <p class="field-hint">"A template with problems cannot be used until they are fixed in its builder. The cycle keeps the version it launches with."</p>
                        }
                        .into_any()
                    }}
                </div>
                <div>
                    <SelectField
                        label="A different template for one division (optional)"
                        name="cycle[group_department_id]"
                        options=top_departments
                        placeholder="No: everyone gets the template above"
                        error=field_error(error, "cycle[group_department_id]")
                    />
                    <SelectField
                        label="That division's template"
                        name="cycle[group_template_id]"
                        options=group_templates
                        placeholder="Choose a template"
                        error=field_error(error, "cycle[group_template_id]")
                    />
                </div>
                <div>
                    <SelectField
                        label="Goals reviewed"
                        name="cycle[goal_period_id]"
                        options=periods
                        placeholder="No goal section"
                        error=field_error(error, "cycle[goal_period_id]")
                    />
                    <p class="field-hint">"Goal-achievement questions show the reviewee's goals of this period."</p>
                </div>
            </div>
        </fieldset>

        <fieldset class="form-section">
            <legend>"Who is reviewed"</legend>
            <fieldset class="choice-group scope-options" aria-describedby="cycle-scope-error">
                <legend>"Reviewees"</legend>
                {ParticipantScope::ALL.iter().copied().map(|scope| {
                    let detail = match scope {
                        ParticipantScope::All => None,
                        ParticipantScope::Department => Some(view! {
                            <div class="field scope-detail" class:invalid=move || department_error.get().is_some()>
                                <label for="field-cycle[department_id]">"Department"</label>
                                <select id="field-cycle[department_id]" name="cycle[department_id]" aria-describedby="field-cycle[department_id]-error">
                                    <option value="">"Choose a department"</option>
                                    {departments.iter().map(|(id, name)| view! {
                                        <option value=id.to_string()>{name.clone()}</option>
                                    }).collect_view()}
                                </select>
                                <p class="field-hint">"Everyone in it and in the departments below it."</p>
                                <p class="field-error" id="field-cycle[department_id]-error" aria-live="polite">{department_error}</p>
                            </div>
                        }.into_any()),
                        ParticipantScope::People => Some(view! {
                            <div class="field scope-detail" class:invalid=move || people_error.get().is_some()>
                                <label for="field-cycle[people]">"People's e-mail addresses"</label>
                                <textarea id="field-cycle[people]" name="cycle[people]" rows="3" aria-describedby="field-cycle[people]-hint field-cycle[people]-error"></textarea>
                                <p class="field-hint" id="field-cycle[people]-hint">"Separated by commas, spaces or new lines."</p>
                                <p class="field-error" id="field-cycle[people]-error" aria-live="polite">{people_error}</p>
                            </div>
                        }.into_any()),
                    };
                    view! {
                        <div class="scope-option">
                            <label class="check">
                                <input type="radio" name="cycle[scope]" value=scope.as_str() checked=scope == ParticipantScope::All/>
                                {scope.label()}
                            </label>
                            {detail}
                        </div>
                    }
                }).collect_view()}
                <p class="field-error" id="cycle-scope-error" aria-live="polite">{scope_error}</p>
            </fieldset>
            <div class="form-grid">
                <TextField
                    label="Hired before"
                    name="cycle[hired_before]"
                    kind="date"
                    error=field_error(error, "cycle[hired_before]")
                    hint="People hired on or after this date are left out. Leave empty to include everyone."
                />
            </div>
        </fieldset>

        <fieldset class="form-section">
            <legend>"Reviews"</legend>
            <fieldset class="choice-group" class:invalid=move || reviewers_error.get().is_some() aria-describedby="cycle-reviewers-error">
                <legend>"Who writes reviews"</legend>
                <div class="choice-row">
                    {ReviewerType::ALL.iter().enumerate().map(|(i, t)| view! {
                        <label class="check">
                            <input type="checkbox" name=format!("cycle[reviewer_types][{i}]") value=t.as_str() checked=true/>
                            {t.review_label()}
                        </label>
                    }).collect_view()}
                </div>
                <p class="field-hint">"Upward reviews are written about a manager by the people who report to them."</p>
                <p class="field-error" id="cycle-reviewers-error" aria-live="polite">{reviewers_error}</p>
            </fieldset>
            <div class="choice-group">
                <label class="check">
                    <input type="checkbox" name="cycle[anonymous]" value="on" checked=true aria-describedby="cycle-anonymous-error"/>
                    "Peer and upward answers are anonymous (shown only combined, after writing closes)"
                </label>
                <p class="field-error" id="cycle-anonymous-error" aria-live="polite">{anonymous_error}</p>
            </div>
            <div class="form-grid">
                <TextField
                    label="Anonymity threshold"
                    name="cycle[anonymity_threshold]"
                    kind="number"
                    value=keel_core::anonymity::DEFAULT_THRESHOLD.to_string()
                    error=field_error(error, "cycle[anonymity_threshold]")
                    hint="Anonymous answers of a type are shown from this many reviewers up, and each question from this many answers up. 5 by default; 3 is the floor, for small teams."
                />
                <TextField
                    label="Fewest peers"
                    name="cycle[peer_min]"
                    kind="number"
                    value="5"
                    error=field_error(error, "cycle[peer_min]")
                    hint="Each reviewee chooses at least this many peers (with anonymous answers, at least the threshold)."
                />
                <TextField
                    label="Most peers"
                    name="cycle[peer_max]"
                    kind="number"
                    value="8"
                    error=field_error(error, "cycle[peer_max]")
                    hint="And at most this many."
                />
            </div>
        </fieldset>

        <fieldset class="form-section">
            <legend>"Phases and deadlines"</legend>
            <p class="muted small">"Each phase ends on or after the one before it."</p>
            <div class="form-grid">
                <TextField
                    label="Peers nominated by"
                    name="cycle[nomination_due]"
                    kind="date"
                    error=field_error(error, "cycle[nomination_due]")
                    hint="Only when peers write reviews."
                />
                <TextField
                    label="Reviews written by"
                    name="cycle[writing_due]"
                    kind="date"
                    error=field_error(error, "cycle[writing_due]")
                />
                <TextField
                    label="Calibrated by"
                    name="cycle[calibration_due]"
                    kind="date"
                    error=field_error(error, "cycle[calibration_due]")
                />
                <TextField
                    label="Results released by"
                    name="cycle[release_due]"
                    kind="date"
                    error=field_error(error, "cycle[release_due]")
                />
            </div>
        </fieldset>

        <fieldset class="form-section">
            <legend>"Calibration target"</legend>
            <div class="form-grid">
                {textarea_field(
                    "Target distribution (optional)",
                    "cycle[target_distribution]",
                    "4",
                    "One line per rating, such as 3=60 for 60% of reviewees at rating 3; the lines must add up to 100. Leave empty for no target.",
                    field_error(error, "cycle[target_distribution]"),
                )}
            </div>
        </fieldset>
    }
}
