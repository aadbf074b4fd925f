//! Form fields that show their problem right next to them: the server's verdict after a
//! submit, and (once the page is interactive) the browser's own check as soon as a field is left.

use crate::error::AppError;
use leptos::prelude::*;
use server_fn::ServerFn;

/// A check the browser runs on a field's value; `Some(message)` when it is wrong.
pub type Check = fn(&str) -> Option<String>;

/// The error of an action's latest call, if it failed.
pub fn last_error<S>(action: ServerAction<S>) -> Signal<Option<AppError>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
    Signal::derive(move || {
        action
            .value()
            .with(|v| v.as_ref().and_then(|r| r.as_ref().err().cloned()))
    })
}

/// The message for `field` in an error, to show beside that field.
pub fn field_error(error: Signal<Option<AppError>>, field: &'static str) -> Signal<Option<String>> {
    Signal::derive(move || error.with(|e| e.as_ref().and_then(|e| e.field_message(field))))
}

/// The message for the top of a form: a summary when fields are wrong, else the error itself.
pub fn form_error(error: Signal<Option<AppError>>) -> Signal<Option<String>> {
    Signal::derive(move || {
        error.with(|e| match e {
            Some(AppError::Invalid(errors)) => {
                let general = errors
                    .iter()
                    .find(|e| e.field == "form")
                    .map(|e| e.message.clone());
                Some(general.unwrap_or_else(|| "Please correct the highlighted fields.".into()))
            }
            Some(other) => Some(other.to_string()),
            None => None,
        })
    })
}

/// A labelled text input with its error message beneath.
#[component]
pub fn TextField(
    label: &'static str,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(into, optional)] value: String,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional)] check: Option<Check>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] list: Option<&'static str>,
    #[prop(optional)] node_ref: NodeRef<leptos::html::Input>,
    #[prop(optional)] on_input: Option<Callback<String>>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let local = RwSignal::new(None::<String>);
    let shown = move || local.get().or_else(|| error.get());
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let run_check = move |value: String| {
        if let Some(check) = check {
            local.set(check(&value));
        }
    };
    view! {
        <div class="field" class:invalid=move || shown().is_some()>
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=name
                type=kind
                value=value
                autocomplete=autocomplete
                list=list
                required=required
                node_ref=node_ref
                aria-invalid=move || if shown().is_some() { "true" } else { "false" }
                aria-describedby=error_id.clone()
                on:blur=move |ev| run_check(event_target_value(&ev))
                on:input=move |ev| {
                    let value = event_target_value(&ev);
                    if local.get_untracked().is_some() {
                        run_check(value.clone());
                    }
                    if let Some(callback) = on_input {
                        callback.run(value);
                    }
                }
            />
            {hint.map(|h| view! { <p class="field-hint">{h}</p> })}
            <p class="field-error" id=error_id aria-live="polite">{shown}</p>
        </div>
    }
}

/// A labelled select with its error message beneath. `options` are (value, label) pairs.
#[component]
pub fn SelectField(
    label: &'static str,
    name: &'static str,
    options: Vec<(String, String)>,
    #[prop(into, optional)] selected: String,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional)] placeholder: Option<&'static str>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    view! {
        <div class="field" class:invalid=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            <select id=id name=name aria-describedby=error_id.clone()>
                {placeholder.map(|p| view! { <option value="">{p}</option> })}
                {options
                    .into_iter()
                    .map(|(value, text)| {
                        let is_selected = value == selected;
                        view! { <option value=value selected=is_selected>{text}</option> }
                    })
                    .collect_view()}
            </select>
            <p class="field-error" id=error_id aria-live="polite">{move || error.get()}</p>
        </div>
    }
}

/// A form's error summary and its buttons: cancel (a link back) and submit (busy while saving).
#[component]
pub fn FormFooter(
    pending: Memo<bool>,
    error: Signal<Option<String>>,
    label: &'static str,
    cancel: String,
) -> impl IntoView {
    view! {
        {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
        <div class="form-actions">
            <a class="btn btn-quiet" href=cancel>"Cancel"</a>
            <button type="submit" class="btn btn-primary" disabled=move || pending.get()>
                {move || if pending.get() { "Saving…" } else { label }}
            </button>
        </div>
    }
}
