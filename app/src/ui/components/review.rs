//! Pieces the review pages share: the section tabs, the print button, a time stamp, state
//! badges, and the review document (named reviews, anonymous aggregates or why they are
//! withheld) that the result page and the printout both show.

use crate::api::reviews::{AnonymousSection, NamedReview, ResultPage};
use crate::ui::components::goal::format_day;
use keel_core::reviews::{Aggregate, AnonymousView, AssignmentState, CycleState};
use leptos::prelude::*;

/// A button that opens the browser's print dialog (a handler, not an inline `onclick`, so the
/// Content-Security-Policy can forbid inline scripts).
#[component]
pub fn PrintButton(#[prop(into)] class: String) -> impl IntoView {
    let print = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(window) = web_sys::window() {
            let _ = window.print();
        }
    };
    view! { <button type="button" class=class on:click=print>"Print"</button> }
}

/// "28 Nov 2026, 14:05 UTC" for unix seconds.
pub fn format_time(at: i64) -> String {
    let day = at.div_euclid(86_400);
    let seconds = at.rem_euclid(86_400);
    format!(
        "{}, {:02}:{:02} UTC",
        format_day(day),
        seconds / 3600,
        (seconds % 3600) / 60
    )
}

/// Tabs of the Reviews section: everyone's own reviews; cycles and templates for HR.
#[component]
pub fn ReviewsNav(active: &'static str, is_hr: bool) -> impl IntoView {
    let tab = move |href: &'static str, key: &'static str, label: &'static str| {
        view! {
            <a href=href class:active=active == key aria-current=if active == key { Some("page") } else { None }>
                {label}
            </a>
        }
    };
    view! {
        <nav class="section-tabs" aria-label="Reviews">
            {tab("/reviews", "mine", "My reviews")}
            {is_hr.then(|| tab("/reviews/admin", "admin", "Cycles and templates"))}
        </nav>
    }
}

#[component]
pub fn AssignmentBadge(state: AssignmentState) -> impl IntoView {
    let class = match state {
        AssignmentState::Submitted => "badge badge-on",
        AssignmentState::Draft => "badge badge-info",
        AssignmentState::Declined => "badge badge-muted",
        _ => "badge",
    };
    view! { <span class=class>{state.label()}</span> }
}

#[component]
pub fn CycleBadge(state: CycleState) -> impl IntoView {
    let class = match state {
        CycleState::Closed => "badge badge-muted",
        CycleState::Released => "badge badge-on",
        CycleState::Draft => "badge",
        _ => "badge badge-info",
    };
    view! { <span class=class>{state.label()}</span> }
}

/// A whole review as its reader sees it.
#[component]
pub fn ReviewDocument(page: ResultPage) -> impl IntoView {
    let heading = format!("{} · {}", page.person_name, page.cycle_name);
    view! {
        <article class="review-document">
            <header class="review-doc-header">
                <h2>{heading}</h2>
                <p class="muted">
                    {page.person_title.clone()}" · "{page.department.clone()}
                    {page.manager_name.clone().map(|m| format!(" · Manager: {m}"))}
                </p>
                <p class="muted small">"Review period "{page.period.clone()}</p>
                <div class="overall-rating">
                    <span class="muted">"Overall rating"</span>
                    <strong>{page.rating.clone().unwrap_or_else(|| "Not rated yet".into())}</strong>
                </div>
            </header>
            {page.named.into_iter().map(|review| view! { <NamedBlock review/> }).collect_view()}
            {page.anonymous.into_iter().map(|section| view! { <AnonymousBlock section/> }).collect_view()}
            {page.employee_comment.clone().map(|c| view! {
                <section class="review-block">
                    <h3>{format!("{}'s comment", page.person_name)}</h3>
                    <p class="prewrap">{c}</p>
                </section>
            })}
            <p class="muted small review-signatures">
                {match page.acknowledged_at {
                    Some(at) => format!("Acknowledged {}", format_time(at)),
                    None => "Not acknowledged yet".into(),
                }}
                " · "
                {match page.signed_off_at {
                    Some(at) => format!("Signed off {}", format_time(at)),
                    None => "Not signed off yet".into(),
                }}
            </p>
        </article>
    }
}

#[component]
fn NamedBlock(review: NamedReview) -> impl IntoView {
    let title = format!("{} by {}", review.kind.review_label(), review.reviewer);
    view! {
        <section class="review-block">
            <h3>{title}</h3>
            {review.score.map(|s| view! { <p class="muted small">{format!("Score from these answers: {s:.2}")}</p> })}
            <dl class="answers">
                {review.answers.into_iter().map(|(prompt, answer)| view! {
                    <dt>{prompt}</dt>
                    <dd class="prewrap">{answer}</dd>
                }).collect_view()}
            </dl>
        </section>
    }
}

#[component]
fn AnonymousBlock(section: AnonymousSection) -> impl IntoView {
    let title = format!("{}s (anonymous)", section.kind.review_label());
    match section.view {
        AnonymousView::Withheld { reason, .. } => view! {
            <section class="review-block">
                <h3>{title}</h3>
                <p class="notice notice-warn small">{reason}</p>
            </section>
        }
        .into_any(),
        AnonymousView::Shown { reviewers, threshold, questions } => view! {
            <section class="review-block">
                <h3>{title}</h3>
                <p class="muted small">{format!("Combined answers of {reviewers} reviewers. Names are never shown, and a question is shown only when at least {threshold} of them answered it.")}</p>
                <dl class="answers">
                    {questions.into_iter().map(|(prompt, aggregate)| view! {
                        <dt>{prompt}</dt>
                        <dd><AggregateView aggregate/></dd>
                    }).collect_view()}
                </dl>
            </section>
        }
        .into_any(),
    }
}

#[component]
fn AggregateView(aggregate: Aggregate) -> impl IntoView {
    match aggregate {
        Aggregate::Ratings { counts, mean } => {
            let most = counts.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
            view! {
                <div class="aggregate">
                    <p class="small">{mean.map(|m| format!("Average {m:.1}")).unwrap_or_else(|| "No ratings".into())}</p>
                    <ul class="aggregate-bars">
                        {counts.into_iter().map(|(label, n)| {
                            let width = format!("width: {:.0}%", n as f64 / most as f64 * 100.0);
                            view! {
                                <li>
                                    <span class="aggregate-label">{label}</span>
                                    <span class="aggregate-track"><span class="aggregate-fill" style=width></span></span>
                                    <span class="aggregate-count">{n}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </div>
            }
            .into_any()
        }
        Aggregate::Choices(counts) => view! {
            <ul class="plain-list small">
                {counts.into_iter().map(|(option, n)| view! { <li>{format!("{option}: {n}")}</li> }).collect_view()}
            </ul>
        }
        .into_any(),
        Aggregate::TooFewAnswers => view! {
            <p class="muted small">"Not shown: too few reviewers answered this question for their answers to stay anonymous."</p>
        }
        .into_any(),
        Aggregate::Texts(texts) => {
            if texts.is_empty() {
                view! { <p class="muted small">"No written answers."</p> }.into_any()
            } else {
                view! {
                    <ul class="quote-list">
                        {texts.into_iter().map(|t| view! { <li class="prewrap">{t}</li> }).collect_view()}
                    </ul>
                }
                .into_any()
            }
        }
    }
}
