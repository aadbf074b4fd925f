//! My reviews: the reviews I have to write, peer nominations to make or approve, my own results
//! once released, and (for managers) where each report's review stands.

pub mod admin;
pub mod builder;
pub mod calibration;
pub mod cycle;
pub mod cycle_form;
pub mod nominate;
pub mod print;
pub mod result;
pub mod write;

use crate::api::reviews::{list_my_reviews, AssignmentSummary, MyReviewsPage as Page, ResultLink};
use crate::ui::components::feedback::{error_fallback, EmptyState, Loading};
use crate::ui::components::goal::format_date;
use crate::ui::components::review::{format_time, AssignmentBadge, ReviewsNav};
use keel_core::reviews::{AssignmentState, ReviewerType};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn MyReviewsPage() -> impl IntoView {
    let page = Resource::new(|| (), |_| list_my_reviews());
    view! {
        <Title text="Reviews"/>
        <Transition fallback=|| view! { <Loading/> }>
            <ErrorBoundary fallback=error_fallback>
                {move || Suspend::new(async move { page.await.map(|page| view! { <Reviews page/> }) })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn Reviews(page: Page) -> impl IntoView {
    let open: Vec<AssignmentSummary> = page
        .to_write
        .iter()
        .filter(|a| a.state != AssignmentState::Submitted && a.state != AssignmentState::Nominated)
        .cloned()
        .collect();
    let done: Vec<AssignmentSummary> = page
        .to_write
        .iter()
        .filter(|a| a.state == AssignmentState::Submitted)
        .cloned()
        .collect();
    let waiting = page
        .to_write
        .iter()
        .filter(|a| a.state == AssignmentState::Nominated)
        .count();
    let nothing = open.is_empty()
        && done.is_empty()
        && page.nominations.is_empty()
        && page.mine.is_empty()
        && page.team.is_empty();
    view! {
        <header class="page-header">
            <div>
                <h1>"Reviews"</h1>
                <p class="muted">"Reviews to write, your results, and your team's."</p>
            </div>
        </header>
        <ReviewsNav active="mine" is_hr=page.is_hr/>
        {nothing.then(|| view! {
            <EmptyState title="No reviews right now" body="When HR launches a review cycle that includes you, your reviews to write and your results appear here."/>
        })}
        {(!page.nominations.is_empty()).then(|| view! {
            <section class="stack" aria-labelledby="nominations-heading">
                <h2 id="nominations-heading">"Peer reviewers"</h2>
                <ul class="review-list">
                    {page.nominations.into_iter().map(|n| {
                        let text = if n.for_manager {
                            format!("{} nominated {} peer reviewer{}: approve or change them.", n.person_name, n.nominated, if n.nominated == 1 { "" } else { "s" })
                        } else if n.nominated + n.approved == 0 {
                            "Choose the colleagues you would like feedback from.".to_string()
                        } else {
                            format!("{} chosen, {} approved by your manager.", n.nominated + n.approved, n.approved)
                        };
                        view! {
                            <li class="card review-item">
                                <div>
                                    <a href=format!("/reviews/nominate/{}", n.participant_id) class="review-item-title">
                                        {if n.for_manager { format!("Peers for {}", n.person_name) } else { "Choose your peer reviewers".to_string() }}
                                    </a>
                                    <p class="muted small">{n.cycle_name}{n.due.map(|d| format!(" · due {}", format_date(&d)))}</p>
                                    <p class="small">{text}</p>
                                </div>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        })}
        {(!open.is_empty() || waiting > 0).then(|| view! {
            <section class="stack" aria-labelledby="to-write-heading">
                <h2 id="to-write-heading">"To write"</h2>
                {(waiting > 0).then(|| view! {
                    <p class="muted small">{format!("{waiting} more peer review{} will appear once the managers approve the nominations.", if waiting == 1 { "" } else { "s" })}</p>
                })}
                <ul class="review-list">
                    {open.into_iter().map(|a| view! { <AssignmentItem a/> }).collect_view()}
                </ul>
            </section>
        })}
        {(!page.mine.is_empty()).then(|| view! {
            <section class="stack" aria-labelledby="mine-heading">
                <h2 id="mine-heading">"My results"</h2>
                <ul class="review-list">
                    {page.mine.into_iter().map(|r| view! { <ResultItem r own=true/> }).collect_view()}
                </ul>
            </section>
        })}
        {(!page.team.is_empty()).then(|| view! {
            <section class="stack" aria-labelledby="team-heading">
                <h2 id="team-heading">"My team"</h2>
                <ul class="review-list">
                    {page.team.into_iter().map(|r| view! { <ResultItem r own=false/> }).collect_view()}
                </ul>
            </section>
        })}
        {(!done.is_empty()).then(|| view! {
            <section class="stack" aria-labelledby="done-heading">
                <h2 id="done-heading">"Submitted"</h2>
                <ul class="review-list">
                    {done.into_iter().map(|a| view! { <AssignmentItem a/> }).collect_view()}
                </ul>
            </section>
        })}
    }
}

#[component]
fn AssignmentItem(a: AssignmentSummary) -> impl IntoView {
    let title = match a.kind {
        ReviewerType::SelfReview => "Your self review".to_string(),
        ReviewerType::Manager => format!("Review of {}", a.reviewee_name),
        ReviewerType::Peer => format!("Peer review of {}", a.reviewee_name),
        ReviewerType::Upward => format!("Upward review of {}", a.reviewee_name),
    };
    let action = match a.state {
        AssignmentState::Pending => "Start",
        AssignmentState::Draft => "Continue",
        _ => "View",
    };
    view! {
        <li class="card review-item">
            <div>
                <a href=format!("/reviews/write/{}", a.id) class="review-item-title">{title}</a>
                <p class="muted small">
                    {a.cycle_name.clone()}" · due "{format_date(&a.writing_due)}
                    {a.saved_at.filter(|_| a.state == AssignmentState::Draft).map(|t| format!(" · saved {}", format_time(t)))}
                </p>
            </div>
            <div class="review-item-side">
                <AssignmentBadge state=a.state/>
                <a class="btn btn-small" href=format!("/reviews/write/{}", a.id)>{action}</a>
            </div>
        </li>
    }
}

#[component]
fn ResultItem(r: ResultLink, own: bool) -> impl IntoView {
    let status = if !r.released {
        "Not released yet"
    } else if r.signed_off {
        "Signed off"
    } else if r.acknowledged {
        "Acknowledged"
    } else {
        "Released"
    };
    let title = if own {
        r.cycle_name.clone()
    } else {
        r.person_name.clone()
    };
    let href = format!("/reviews/results/{}", r.participant_id);
    let linked = r.released || !own;
    view! {
        <li class="card review-item">
            <div>
                {if linked {
                    view! { <a href=href class="review-item-title">{title}</a> }.into_any()
                } else {
                    view! { <span class="review-item-title">{title}</span> }.into_any()
                }}
                <p class="muted small">
                    {if own { "Your review".to_string() } else { r.cycle_name.clone() }}
                    {r.rating.map(|x| format!(" · {x}"))}
                </p>
            </div>
            <div class="review-item-side">
                <span class=if r.signed_off || r.acknowledged { "badge badge-on" } else { "badge" }>{status}</span>
            </div>
        </li>
    }
}
