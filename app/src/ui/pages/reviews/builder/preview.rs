//! The preview: the template as one reviewer type will see it, from the saved version.

use super::*;

/// The form a reviewer of the chosen type would see, with every input disabled.
#[component]
pub(super) fn Preview(
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
pub(super) fn PreviewQuestion(question: Question, scale: Option<RatingScale>) -> impl IntoView {
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
