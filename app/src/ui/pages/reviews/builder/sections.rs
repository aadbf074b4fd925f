//! Sections: their questions in order, moving, renaming and removing them.

use super::*;

/// Move up and Move down for a section or question: one form, the button says which way.
#[component]
pub(super) fn MoveButtons(
    ctx: Ctx,
    key: String,
    what: String,
    first: bool,
    last: bool,
) -> impl IntoView {
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
pub(super) fn ItemError(ctx: Ctx, key: String) -> impl IntoView {
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
pub(super) fn SectionBlock(
    ctx: Ctx,
    section: Section,
    index: usize,
    count: usize,
) -> impl IntoView {
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
pub(super) fn open_on_error(error: Signal<Option<AppError>>) -> RwSignal<bool> {
    let open = RwSignal::new(false);
    Effect::new(move |_| {
        if error.with(Option::is_some) {
            open.set(true);
        }
    });
    open
}

#[component]
pub(super) fn RenameSection(ctx: Ctx, key: String, title: String) -> impl IntoView {
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
