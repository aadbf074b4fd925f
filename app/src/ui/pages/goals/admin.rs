//! HR's goal pages: goal-setting completion by department for a period (a table whose approved
//! column carries a bar), and the periods goals are set for.

use crate::api::goals::{get_goal_completion, list_goal_periods, CreateGoalPeriod};
use crate::ui::components::chart::{format_count, format_share};
use crate::ui::components::feedback::{error_fallback, EmptyState, Loading};
use crate::ui::components::form::{field_error, form_error, last_error, SelectField, TextField};
use crate::ui::components::goal::{format_date, GoalsNav, PeriodTabs};
use crate::ui::pages::goals::period_param;
use keel_core::goals::PeriodKind;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn GoalCompletionPage() -> impl IntoView {
    let period = period_param();
    let page = Resource::new(move || period.get(), get_goal_completion);
    view! {
        <Title text="Goal setting"/>
        <header class="page-header">
            <div>
                <h1>"Goal setting"</h1>
                <p class="muted">"How far each department is with agreeing goals for the period."</p>
            </div>
        </header>
        <Suspense fallback=|| view! { <Loading/> }>
            <ErrorBoundary fallback=error_fallback>
                {move || Suspend::new(async move {
                    page.await.map(|page| {
                        let people: i64 = page.rows.iter().map(|r| r.people).sum();
                        let approved: i64 = page.rows.iter().map(|r| r.approved).sum();
                        let name = page.choice.selected.name.clone();
                        view! {
                            <GoalsNav active="completion" is_manager=false is_hr=true/>
                            <PeriodTabs choice=page.choice.clone() base="/goals/completion"/>
                            <div class="stats">
                                <div class="stat"><span class="stat-value">{format_share(approved, people)}</span><span class="stat-label">{format!("of people have approved goals for {name}")}</span></div>
                                <div class="stat"><span class="stat-value">{format_count(approved)}</span><span class="stat-label">{format!("of {} people", format_count(people))}</span></div>
                            </div>
                            <section class="card" aria-labelledby="completion-title">
                                <h2 id="completion-title">"By department"</h2>
                                <p class="muted small">"The bar is the share of each department's people whose goals are approved."</p>
                                <div class="table-scroll">
                                    <table class="table completion-table">
                                        <thead>
                                            <tr>
                                                <th scope="col">"Department"</th>
                                                <th scope="col" class="num">"People"</th>
                                                <th scope="col">"Approved"</th>
                                                <th scope="col" class="num">"Submitted"</th>
                                                <th scope="col" class="num">"Drafting"</th>
                                                <th scope="col" class="num">"Not started"</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {page.rows.into_iter().map(|r| {
                                                let share = if r.people > 0 { r.approved as f64 * 100.0 / r.people as f64 } else { 0.0 };
                                                view! {
                                                    <tr>
                                                        <th scope="row">{r.department}</th>
                                                        <td class="num">{format_count(r.people)}</td>
                                                        <td>
                                                            <div class="completion-cell">
                                                                <span class="completion-bar" aria-hidden="true"><span style=format!("width: {share:.1}%")></span></span>
                                                                <span class="num">{format!("{} · {}", format_count(r.approved), format_share(r.approved, r.people))}</span>
                                                            </div>
                                                        </td>
                                                        <td class="num">{format_count(r.submitted)}</td>
                                                        <td class="num">{format_count(r.in_progress)}</td>
                                                        <td class="num">{format_count(r.not_started)}</td>
                                                    </tr>
                                                }
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            </section>
                        }
                    })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}

#[component]
pub fn GoalPeriodsPage() -> impl IntoView {
    let create = ServerAction::<CreateGoalPeriod>::new();
    let periods = Resource::new(move || create.version().get(), |_| list_goal_periods());
    let error = last_error(create);
    view! {
        <Title text="Goal periods"/>
        <header class="page-header">
            <div>
                <h1>"Goal periods"</h1>
                <p class="muted">"The quarters, halves and years goals are set for."</p>
            </div>
        </header>
        <GoalsNav active="periods" is_manager=false is_hr=true/>
        <div class="grid">
            <section class="card">
                <h2>"Periods"</h2>
                <Suspense fallback=|| view! { <Loading/> }>
                    <ErrorBoundary fallback=error_fallback>
                        {move || Suspend::new(async move {
                            periods.await.map(|periods| {
                                if periods.is_empty() {
                                    view! { <EmptyState title="No periods yet" body="Add the first quarter or year to start setting goals."/> }.into_any()
                                } else {
                                    view! {
                                        <table class="table">
                                            <thead><tr><th scope="col">"Name"</th><th scope="col">"Kind"</th><th scope="col">"Dates"</th></tr></thead>
                                            <tbody>
                                                {periods.into_iter().map(|p| view! {
                                                    <tr>
                                                        <th scope="row">{p.name}</th>
                                                        <td>{p.kind.label()}</td>
                                                        <td>{format!("{} – {}", format_date(&p.starts_on), format_date(&p.ends_on))}</td>
                                                    </tr>
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                    }.into_any()
                                }
                            })
                        })}
                    </ErrorBoundary>
                </Suspense>
            </section>
            <section class="card">
                <h2>"Add a period"</h2>
                <ActionForm action=create attr:class="form" attr:novalidate=true>
                    <TextField label="Name" name="name" error=field_error(error, "name") hint="For example Q1 2027." autocomplete="off"/>
                    <SelectField
                        label="Kind"
                        name="kind"
                        options=PeriodKind::ALL.iter().map(|k| (k.as_str().to_string(), k.label().to_string())).collect()
                        selected="quarter"
                        error=field_error(error, "kind")
                    />
                    <TextField label="Starts on" name="starts_on" kind="date" error=field_error(error, "starts_on")/>
                    <TextField label="Ends on" name="ends_on" kind="date" error=field_error(error, "ends_on")/>
                    {move || form_error(error).get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
                    <div class="form-actions">
                        <button type="submit" class="btn btn-primary" disabled=move || create.pending().get()>"Add period"</button>
                    </div>
                </ActionForm>
            </section>
        </div>
    }
}
