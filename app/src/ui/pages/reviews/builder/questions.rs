//! Questions: one block each, its editor, and adding a question to a section.

use super::*;

pub(super) fn reviewers_text(reviewers: &[ReviewerType]) -> String {
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
pub(super) fn QuestionBlock(
    ctx: Ctx,
    question: Question,
    first: bool,
    last: bool,
) -> impl IntoView {
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
pub(super) fn question_input(
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
pub(super) fn question_textarea(
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

pub(super) const QUESTION_FIELDS: &[&str] = &[
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
pub(super) fn EditQuestion(ctx: Ctx, question: Question) -> impl IntoView {
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
pub(super) fn AddQuestion(ctx: Ctx, section: String) -> impl IntoView {
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
