//! How a person is shown in lists, cards and the org chart.

use keel_core::people::{EmploymentStatus, PersonCard};
use leptos::prelude::*;

/// Initials in a circle; its colour is derived from the name so it stays the same everywhere.
#[component]
pub fn Avatar(#[prop(into)] name: String, #[prop(optional)] large: bool) -> impl IntoView {
    let initials: String = name
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .collect();
    let hue = name
        .bytes()
        .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(b as u32))
        % 360;
    view! {
        <span class="avatar" class:avatar-large=large style=format!("--avatar-hue: {hue}") aria-hidden="true">
            {initials}
        </span>
    }
}

/// One person as a row: avatar, name, title and department, linking to `href`.
#[component]
pub fn PersonRow(person: PersonCard, #[prop(into)] href: String) -> impl IntoView {
    let left = person.status == EmploymentStatus::Left;
    let reports = person.report_count;
    view! {
        <li class="person-row">
            <a href=href class="person-link">
                <Avatar name=person.name.clone()/>
                <span class="person-text">
                    <span class="person-name">
                        {person.name}
                        {left.then(|| view! { <span class="badge badge-muted">"Left"</span> })}
                    </span>
                    <span class="person-meta">{format!("{} · {}", person.title, person.department)}</span>
                </span>
                {(reports > 0)
                    .then(|| {
                        view! {
                            <span class="person-count" title="Direct reports">
                                {format!("{reports} {}", if reports == 1 { "report" } else { "reports" })}
                            </span>
                        }
                    })}
            </a>
        </li>
    }
}

/// A list of people, or a sentence saying why it is empty.
#[component]
pub fn PeopleList(
    people: Vec<PersonCard>,
    #[prop(into)] empty: String,
    #[prop(default = "/people/")] link_prefix: &'static str,
) -> impl IntoView {
    if people.is_empty() {
        return view! { <p class="muted">{empty}</p> }.into_any();
    }
    view! {
        <ul class="people-list">
            {people
                .into_iter()
                .map(|p| {
                    let href = format!("{link_prefix}{}", p.id);
                    view! { <PersonRow person=p href=href/> }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}
