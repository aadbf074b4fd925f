//! Adding a person and editing one (details, department, manager): the same form, checked in
//! the browser as fields are left and again by the server on submit.

use crate::api::people::PersonProfile;
use crate::api::people::{
    get_person, list_departments, list_suggested_people, CreatePerson, UpdatePerson,
};
use crate::error::AppError;
use crate::ui::components::feedback::{error_fallback, Loading};
use crate::ui::components::form::{
    field_error, form_error, last_error, FormFooter, SelectField, TextField,
};
use crate::ui::pages::people::person::id_param;
use keel_core::people::{check_date, check_email, DepartmentOption};
use leptos::prelude::*;
use leptos_meta::Title;

fn required(message: &'static str) -> impl Fn(&str) -> Option<String> {
    move |v: &str| v.trim().is_empty().then(|| message.to_string())
}

fn check_name(v: &str) -> Option<String> {
    required("Enter the person's name.")(v)
}
fn check_title(v: &str) -> Option<String> {
    required("Enter a job title.")(v)
}
fn check_email_field(v: &str) -> Option<String> {
    check_email(&v.trim().to_lowercase())
        .err()
        .map(str::to_string)
}
fn check_manager(v: &str) -> Option<String> {
    if v.trim().is_empty() {
        None
    } else {
        check_email_field(v)
    }
}
fn check_hire_date(v: &str) -> Option<String> {
    check_date(v.trim()).err().map(str::to_string)
}

#[component]
pub fn NewPersonPage() -> impl IntoView {
    let departments = Resource::new(|| (), |_| list_departments());
    let create = ServerAction::<CreatePerson>::new();
    view! {
        <Title text="Add a person"/>
        <header class="page-header">
            <div>
                <h1>"Add a person"</h1>
                <p class="muted">"They appear in the directory and org chart at once."</p>
            </div>
        </header>
        <Suspense fallback=|| view! { <Loading/> }>
            <ErrorBoundary fallback=error_fallback>
                {move || Suspend::new(async move {
                    departments.await.map(|departments| {
                        let error = last_error(create);
                        view! {
                            <ActionForm action=create attr:class="card form form-wide" attr:novalidate=true>
                                <PersonFields departments person=None error/>
                                <FormFooter pending=create.pending() error=form_error(error) label="Add person" cancel="/people".to_string()/>
                            </ActionForm>
                        }
                    })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}

#[component]
pub fn EditPersonPage() -> impl IntoView {
    let id = id_param();
    let departments = Resource::new(|| (), |_| list_departments());
    let person = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => get_person(id).await,
                None => Err(AppError::not_found("That person")),
            }
        },
    );
    let update = ServerAction::<UpdatePerson>::new();
    view! {
        <Title text="Edit person"/>
        <Suspense fallback=|| view! { <Loading/> }>
            <ErrorBoundary fallback=error_fallback>
                {move || Suspend::new(async move {
                    let departments = departments.await?;
                    let person = person.await?;
                    if person.private.is_none() {
                        return Err(AppError::Forbidden);
                    }
                    let error = last_error(update);
                    let id = person.card.id;
                    Ok::<_, AppError>(view! {
                        <header class="page-header">
                            <div>
                                <h1>{format!("Edit {}", person.card.name)}</h1>
                                <p class="muted">"Changing the department or manager moves them in the org chart."</p>
                            </div>
                        </header>
                        <ActionForm action=update attr:class="card form form-wide" attr:novalidate=true>
                            <input type="hidden" name="id" value=id.to_string()/>
                            <PersonFields departments person=Some(person) error/>
                            <FormFooter pending=update.pending() error=form_error(error) label="Save changes" cancel=format!("/people/{id}")/>
                        </ActionForm>
                    })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}

/// The fields both forms share, filled from `person` when editing.
#[component]
fn PersonFields(
    departments: Vec<DepartmentOption>,
    person: Option<PersonProfile>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let suggestions = RwSignal::new(Vec::<(String, String)>::new());
    let suggest = Callback::new(move |prefix: String| {
        leptos::task::spawn_local(async move {
            if let Ok(found) = list_suggested_people(prefix).await {
                suggestions.set(found);
            }
        });
    });
    let (name, email, title, department, manager, hire_date, location) = match &person {
        Some(p) => (
            p.card.name.clone(),
            p.email.clone(),
            p.card.title.clone(),
            p.department_id.to_string(),
            p.private
                .as_ref()
                .and_then(|d| d.manager_email.clone())
                .unwrap_or_default(),
            p.private
                .as_ref()
                .map(|d| d.hire_date.clone())
                .unwrap_or_default(),
            p.card.location.clone(),
        ),
        None => Default::default(),
    };
    let options = departments
        .into_iter()
        .map(|d| (d.id.to_string(), d.path))
        .collect();
    view! {
        <div class="form-grid">
            <TextField label="Full name" name="name" value=name check=check_name error=field_error(error, "name") autocomplete="off"/>
            <TextField label="Work email" name="email" kind="email" value=email check=check_email_field error=field_error(error, "email") autocomplete="off"/>
            <TextField label="Job title" name="title" value=title check=check_title error=field_error(error, "title")/>
            <SelectField label="Department" name="department_id" options selected=department placeholder="Choose a department" error=field_error(error, "department_id")/>
            <TextField
                label="Manager's email"
                name="manager_email"
                kind="email"
                value=manager
                list="manager-suggestions"
                hint="Start typing a name. Leave empty only for the head of the company."
                check=check_manager
                on_input=suggest
                error=field_error(error, "manager_email")
                autocomplete="off"
            />
            <datalist id="manager-suggestions">
                {move || suggestions.get().into_iter().map(|(name, email)| view! {
                    <option value=email>{name}</option>
                }).collect_view()}
            </datalist>
            <TextField label="Start date" name="hire_date" kind="date" value=hire_date check=check_hire_date error=field_error(error, "hire_date")/>
            <TextField label="Location" name="location" value=location error=field_error(error, "location") hint="City, or Remote."/>
        </div>
    }
}
