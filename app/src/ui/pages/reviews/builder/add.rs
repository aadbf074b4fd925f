//! Adding a section, and duplicating the whole template under a new name.

use super::*;

#[component]
pub(super) fn AddSection(ctx: Ctx) -> impl IntoView {
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
pub(super) fn Duplicate(ctx: Ctx, name: String) -> impl IntoView {
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
