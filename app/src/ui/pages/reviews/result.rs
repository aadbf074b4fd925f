//! A reviewee's results: for them once HR has released them (to comment on and acknowledge);
//! for their managers (to sign off after the acknowledgement) and HR at any time, with the
//! calibration history.

use crate::api::reviews::{get_review_result, AcknowledgeReview, ResultPage, SignOffReview};
use crate::error::AppError;
use crate::ui::components::feedback::{error_fallback, Loading};
use crate::ui::components::form::{field_error, form_error, last_error};
use crate::ui::components::review::{format_time, PrintButton, ReviewDocument};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ReviewResultPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok())));
    let acknowledge = ServerAction::<AcknowledgeReview>::new();
    let sign_off = ServerAction::<SignOffReview>::new();
    let page = Resource::new(
        move || {
            (
                id.get(),
                acknowledge.version().get(),
                sign_off.version().get(),
            )
        },
        |(id, _, _)| async move {
            match id {
                Some(id) => get_review_result(id).await,
                None => Err(AppError::not_found("That review")),
            }
        },
    );
    view! {
        <Transition fallback=|| view! { <Loading/> }>
            <ErrorBoundary fallback=error_fallback>
                {move || Suspend::new(async move {
                    page.await.map(|page| view! { <Result page acknowledge sign_off/> })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn Result(
    page: ResultPage,
    acknowledge: ServerAction<AcknowledgeReview>,
    sign_off: ServerAction<SignOffReview>,
) -> impl IntoView {
    let title = if page.viewer_is_reviewee {
        format!("Your review · {}", page.cycle_name)
    } else {
        format!("{} · {}", page.person_name, page.cycle_name)
    };
    let id = page.participant_id;
    let ack_error = last_error(acknowledge);
    let sign_error = last_error(sign_off);
    let may_acknowledge =
        page.viewer_is_reviewee && page.released && page.acknowledged_at.is_none();
    let may_sign =
        page.viewer_is_manager && page.acknowledged_at.is_some() && page.signed_off_at.is_none();
    let waiting_for_ack = page.viewer_is_manager && page.released && page.acknowledged_at.is_none();
    let changes = page.changes.clone();
    view! {
        <Title text=title.clone()/>
        <header class="page-header no-print">
            <div>
                <p class="eyebrow"><a href="/reviews">"Reviews"</a>" / Results"</p>
                <h1>{title}</h1>
                {(!page.released).then(|| view! {
                    <p class="muted">"Not released to the reviewee yet."</p>
                })}
            </div>
            <div class="page-actions">
                <PrintButton class="btn"/>
            </div>
        </header>
        <div class="card">
            <ReviewDocument page=page.clone()/>
        </div>
        {may_acknowledge.then(|| view! {
            <section class="card stack no-print" aria-labelledby="ack-heading">
                <h2 id="ack-heading">"Acknowledge your review"</h2>
                <p class="muted small">"Acknowledging says you have read it, not that you agree. Your comment is kept with the review and your manager sees it."</p>
                <ActionForm action=acknowledge>
                    <input type="hidden" name="participant_id" value=id.to_string()/>
                    <div class="field" class:invalid=move || field_error(ack_error, "comment").get().is_some()>
                        <label for="ack-comment">"Your comment (optional)"</label>
                        <textarea id="ack-comment" name="comment" rows="3"></textarea>
                        <p class="field-error" aria-live="polite">{field_error(ack_error, "comment")}</p>
                    </div>
                    {move || form_error(ack_error).get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
                    <button type="submit" class="btn btn-primary" disabled=move || acknowledge.pending().get()>"Acknowledge"</button>
                </ActionForm>
            </section>
        })}
        {waiting_for_ack.then(|| view! {
            <p class="notice small no-print">{format!("Waiting for {} to read and acknowledge the review; you can sign it off after that.", page.person_name)}</p>
        })}
        {may_sign.then(|| view! {
            <section class="card stack no-print" aria-labelledby="sign-heading">
                <h2 id="sign-heading">"Sign off"</h2>
                <p class="muted small">{format!("{} acknowledged the review. Signing off completes it.", page.person_name)}</p>
                <ActionForm action=sign_off>
                    <input type="hidden" name="participant_id" value=id.to_string()/>
                    {move || form_error(sign_error).get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
                    <button type="submit" class="btn btn-primary" disabled=move || sign_off.pending().get()>"Sign off review"</button>
                </ActionForm>
            </section>
        })}
        {(!changes.is_empty()).then(|| view! {
            <section class="card stack no-print" aria-labelledby="changes-heading">
                <h2 id="changes-heading">"Calibration history"</h2>
                <ul class="plain-list">
                    {changes.into_iter().map(|c| view! {
                        <li class="small">
                            <strong>{c.after.clone()}</strong>
                            {format!(" (was {}) by {}, {}", c.before.map(|b| format!("{b:.1}")).unwrap_or_else(|| "unrated".into()), c.actor, format_time(c.at))}
                            <p class="muted">{c.justification.clone()}</p>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        })}
    }
}
