//! The template's settings: its name, the overall scale and the declared weight total.

use super::*;

#[component]
pub(super) fn Settings(ctx: Ctx, name: String, definition: TemplateDefinition) -> impl IntoView {
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
