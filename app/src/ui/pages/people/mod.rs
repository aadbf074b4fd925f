//! The people directory: search by name or email, filter by department (sub-departments
//! included), 25 to a page. It is a plain GET form, so it works before the wasm loads; after,
//! results follow the search box as you type.

pub mod form;
pub mod org;
pub mod person;

use crate::api::people::{list_departments, list_people};
use crate::ui::components::chart::format_count;
use crate::ui::components::feedback::{error_fallback, EmptyState, Loading};
use crate::ui::components::person::PeopleList;
use crate::ui::use_session;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

/// Percent-encodes a query-string value.
pub fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[derive(Clone, Debug, Default, PartialEq)]
struct Filters {
    search: String,
    department: Option<i64>,
    include_left: bool,
    page: i64,
}

impl Filters {
    fn url(&self) -> String {
        let mut parts = Vec::new();
        if !self.search.is_empty() {
            parts.push(format!("search={}", encode_query_value(&self.search)));
        }
        if let Some(d) = self.department {
            parts.push(format!("department={d}"));
        }
        if self.include_left {
            parts.push("include_left=on".to_string());
        }
        if self.page > 1 {
            parts.push(format!("page={}", self.page));
        }
        if parts.is_empty() {
            "/people".to_string()
        } else {
            format!("/people?{}", parts.join("&"))
        }
    }
}

#[component]
pub fn PeoplePage() -> impl IntoView {
    let query = use_query_map();
    let filters = Memo::new(move |_| {
        query.with(|q| Filters {
            search: q.get("search").unwrap_or_default(),
            department: q.get("department").and_then(|d| d.parse().ok()),
            include_left: q
                .get("include_left")
                .is_some_and(|v| v == "on" || v == "true"),
            page: q
                .get("page")
                .and_then(|p| p.parse().ok())
                .unwrap_or(1)
                .max(1),
        })
    });
    let departments = Resource::new(|| (), |_| list_departments());
    let results = Resource::new(
        move || filters.get(),
        |f| list_people(f.search, f.department, f.include_left, f.page),
    );
    let session = use_session();
    let navigate = use_navigate();
    let go = move |f: Filters| {
        navigate(
            &f.url(),
            NavigateOptions {
                replace: true,
                scroll: false,
                ..Default::default()
            },
        )
    };
    let go_search = go.clone();
    let go_department = go;
    let initial = filters.get_untracked();

    view! {
        <Title text="People"/>
        <header class="page-header">
            <div>
                <h1>"People"</h1>
                <p class="muted">"Everyone in the organisation, by name."</p>
            </div>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let is_hr = session.user.await.ok().flatten().is_some_and(|u| u.is_hr());
                    is_hr.then(|| view! {
                        <div class="page-actions">
                            <a class="btn btn-primary" href="/people/new">"Add a person"</a>
                        </div>
                    })
                })}
            </Transition>
        </header>
        <Form method="GET" action="/people" attr:class="filters" attr:role="search">
            <div class="field field-grow">
                <label for="people-search">"Search"</label>
                <input
                    id="people-search"
                    type="search"
                    name="search"
                    placeholder="Name or email"
                    autocomplete="off"
                    value=initial.search.clone()
                    on:input=move |ev| {
                        let mut f = filters.get_untracked();
                        f.search = event_target_value(&ev);
                        f.page = 1;
                        go_search(f);
                    }
                />
            </div>
            <Transition fallback=|| view! { <div class="field"><label>"Department"</label><select disabled=true><option>"All departments"</option></select></div> }>
                {move || {
                    let go_department = go_department.clone();
                    Suspend::new(async move {
                        let selected = filters.get_untracked().department;
                        let options = departments.await.unwrap_or_default();
                        view! {
                            <div class="field">
                                <label for="people-department">"Department"</label>
                                <select
                                    id="people-department"
                                    name="department"
                                    on:change=move |ev| {
                                        let mut f = filters.get_untracked();
                                        f.department = event_target_value(&ev).parse().ok();
                                        f.page = 1;
                                        go_department(f);
                                    }
                                >
                                    <option value="">"All departments"</option>
                                    {options
                                        .into_iter()
                                        .map(|d| {
                                            let label = format!("{}{}", "\u{2003}".repeat(d.depth), d.name);
                                            view! {
                                                <option value=d.id.to_string() selected=Some(d.id) == selected>
                                                    {label}
                                                </option>
                                            }
                                        })
                                        .collect_view()}
                                </select>
                            </div>
                        }
                    })
                }}
            </Transition>
            <label class="check">
                <input type="checkbox" name="include_left" checked=initial.include_left/>
                <span>"Include people who left"</span>
            </label>
            <button type="submit" class="btn">"Search"</button>
        </Form>
        <Transition fallback=|| view! { <Loading label="Finding people…"/> }>
            <ErrorBoundary fallback=error_fallback>
                {move || Suspend::new(async move {
                    let f = filters.get_untracked();
                    results.await.map(|page| {
                        let first = (page.page - 1) * page.per_page + 1;
                        let last = first + page.people.len() as i64 - 1;
                        let has_prev = page.page > 1;
                        let has_next = last < page.total;
                        let prev = Filters { page: page.page - 1, ..f.clone() }.url();
                        let next = Filters { page: page.page + 1, ..f.clone() }.url();
                        if page.people.is_empty() {
                            let body = if f.search.is_empty() {
                                "Nobody is in this department yet.".to_string()
                            } else {
                                format!("Nobody matches “{}”. Try part of a name, or another department.", f.search)
                            };
                            return view! { <EmptyState title="No people found" body=body/> }.into_any();
                        }
                        view! {
                            <section class="card" aria-labelledby="results-title">
                                <h2 id="results-title" class="results-count" aria-live="polite">
                                    {format!(
                                        "{} {} · showing {}–{}",
                                        format_count(page.total),
                                        if page.total == 1 { "person" } else { "people" },
                                        format_count(first),
                                        format_count(last),
                                    )}
                                </h2>
                                <PeopleList people=page.people empty=""/>
                                <nav class="pager" aria-label="Pages">
                                    {has_prev.then(|| view! { <a class="btn" rel="prev" href=prev>"← Previous"</a> })}
                                    <span class="muted">{format!("Page {}", page.page)}</span>
                                    {has_next.then(|| view! { <a class="btn" rel="next" href=next>"Next →"</a> })}
                                </nav>
                            </section>
                        }
                        .into_any()
                    })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_make_readable_urls() {
        let f = Filters {
            search: "ana maría".into(),
            department: Some(4),
            include_left: true,
            page: 2,
        };
        assert_eq!(
            f.url(),
            "/people?search=ana+mar%C3%ADa&department=4&include_left=on&page=2"
        );
        assert_eq!(
            Filters {
                page: 1,
                ..Default::default()
            }
            .url(),
            "/people"
        );
    }
}
