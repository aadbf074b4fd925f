//! Peer nomination: the reviewee ticks the colleagues they would like feedback from (between
//! the cycle's minimum and maximum); their manager approves or declines each, or adds someone.

use crate::api::reviews::{get_nominations, DecidePeer, NominatePeers, Nominations};
use crate::error::AppError;
use crate::ui::components::feedback::{error_fallback, EmptyState, Loading};
use crate::ui::components::form::{field_error, form_error, last_error};
use crate::ui::components::goal::format_date;
use keel_core::reviews::{AssignmentState, CycleState};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn NominationPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok())));
    let nominate = ServerAction::<NominatePeers>::new();
    let decide = ServerAction::<DecidePeer>::new();
    let page = Resource::new(
        move || (id.get(), nominate.version().get(), decide.version().get()),
        |(id, _, _)| async move {
            match id {
                Some(id) => get_nominations(id).await,
                None => Err(AppError::not_found("That review")),
            }
        },
    );
    view! {
        <Transition fallback=|| view! { <Loading/> }>
            <ErrorBoundary fallback=error_fallback>
                {move || Suspend::new(async move {
                    page.await.map(|page| view! { <Nomination page nominate decide/> })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn Nomination(
    page: Nominations,
    nominate: ServerAction<NominatePeers>,
    decide: ServerAction<DecidePeer>,
) -> impl IntoView {
    let title = if page.viewer_is_reviewee {
        "Choose your peer reviewers".to_string()
    } else {
        format!("Peer reviewers for {}", page.person_name)
    };
    let open = page.cycle_state == CycleState::Nomination;
    let nominate_error = last_error(nominate);
    let decide_error = last_error(decide);
    let id = page.participant_id;
    let chosen: Vec<_> = page
        .options
        .iter()
        .filter(|o| o.state.is_some())
        .cloned()
        .collect();
    let range = format!(
        "Choose {} to {} colleagues who know your work well.",
        page.peer_min, page.peer_max
    );
    view! {
        <Title text=title.clone()/>
        <header class="page-header">
            <div>
                <p class="eyebrow"><a href="/reviews">"Reviews"</a>" / "{page.cycle_name.clone()}</p>
                <h1>{title}</h1>
                <p class="muted">
                    {if open {
                        page.due.as_ref().map(|d| format!("Nominations close {}.", format_date(d))).unwrap_or_default()
                    } else {
                        "Nomination has closed for this cycle.".to_string()
                    }}
                </p>
            </div>
        </header>
        {(page.viewer_is_reviewee && open).then(|| {
            let options = page.options.clone();
            view! {
                <section class="card stack" aria-labelledby="choose-heading">
                    <h2 id="choose-heading">"Your nomination"</h2>
                    <p class="muted small">{range}" Your manager approves the list."</p>
                    <ActionForm action=nominate>
                        <input type="hidden" name="participant_id" value=id.to_string()/>
                        <fieldset class="field peer-options" class:invalid=move || field_error(nominate_error, "peers").get().is_some()>
                            <legend class="visually-hidden">"Colleagues"</legend>
                            {options.into_iter().enumerate().map(|(i, o)| {
                                let checked = matches!(o.state, Some(AssignmentState::Nominated | AssignmentState::Pending | AssignmentState::Draft | AssignmentState::Submitted));
                                let locked = matches!(o.state, Some(AssignmentState::Pending | AssignmentState::Draft | AssignmentState::Submitted));
                                view! {
                                    <label class="peer-option">
                                        <input type="checkbox" name=format!("peers[{i}]") value=o.id.to_string() checked=checked disabled=locked/>
                                        <span>
                                            <span class="peer-name">{o.name.clone()}</span>
                                            <span class="muted small">{o.title.clone()}</span>
                                        </span>
                                        {o.state.map(|s| view! { <PeerBadge state=s/> })}
                                    </label>
                                }
                            }).collect_view()}
                            <p class="field-error" aria-live="polite">{field_error(nominate_error, "peers")}</p>
                        </fieldset>
                        {move || form_error(nominate_error).get().filter(|_| field_error(nominate_error, "peers").get().is_none()).map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
                        <button type="submit" class="btn btn-primary" disabled=move || nominate.pending().get()>"Send to my manager"</button>
                    </ActionForm>
                </section>
            }
        })}
        {(page.viewer_is_manager && !page.viewer_is_reviewee).then(|| {
            let can_change = page.may_change;
            view! {
                <section class="card stack" aria-labelledby="approve-heading">
                    <h2 id="approve-heading">"Nominated peers"</h2>
                    {if chosen.is_empty() {
                        view! { <EmptyState title="No peers nominated yet" body="You can add reviewers yourself below."/> }.into_any()
                    } else {
                        view! {
                            <ul class="plain-list peer-decisions">
                                {chosen.clone().into_iter().map(|o| {
                                    let peer = o.id;
                                    view! {
                                        <li class="peer-decision">
                                            <span>
                                                <span class="peer-name">{o.name.clone()}</span>
                                                <span class="muted small">{o.title.clone()}</span>
                                            </span>
                                            {o.state.map(|s| view! { <PeerBadge state=s/> })}
                                            {(can_change && matches!(o.state, Some(AssignmentState::Nominated | AssignmentState::Declined))).then(|| view! {
                                                <ActionForm action=decide attr:class="inline-form">
                                                    <input type="hidden" name="participant_id" value=id.to_string()/>
                                                    <input type="hidden" name="peer" value=peer.to_string()/>
                                                    <button type="submit" name="decision" value="approve" class="btn btn-small">"Approve"</button>
                                                </ActionForm>
                                            })}
                                            {(can_change && matches!(o.state, Some(AssignmentState::Nominated | AssignmentState::Pending))).then(|| view! {
                                                <ActionForm action=decide attr:class="inline-form">
                                                    <input type="hidden" name="participant_id" value=id.to_string()/>
                                                    <input type="hidden" name="peer" value=peer.to_string()/>
                                                    <button type="submit" name="decision" value="decline" class="btn btn-small btn-quiet">"Decline"</button>
                                                </ActionForm>
                                            })}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                    {(page.cycle_state == CycleState::Writing).then(|| view! {
                        <p class="muted small">
                            {if can_change {
                                "Writing has opened, so this list is fixed for everyone but HR. A change is audited, and a decline may not leave fewer peers than the cycle's minimum."
                            } else {
                                "Writing has opened, so this list is fixed: that keeps anonymous answers anonymous. Ask HR if a reviewer must change."
                            }}
                        </p>
                    })}
                    {can_change.then(|| view! {
                        <ActionForm action=decide attr:class="add-peer">
                            <input type="hidden" name="participant_id" value=id.to_string()/>
                            <input type="hidden" name="decision" value="approve"/>
                            <div class="field" class:invalid=move || field_error(decide_error, "peer").get().is_some()>
                                <label for="add-peer">"Add a reviewer by e-mail"</label>
                                <input id="add-peer" type="email" name="peer" autocomplete="off"/>
                                <p class="field-error" aria-live="polite">{field_error(decide_error, "peer")}</p>
                            </div>
                            <button type="submit" class="btn">"Add reviewer"</button>
                        </ActionForm>
                    })}
                    {move || form_error(decide_error).get().filter(|_| field_error(decide_error, "peer").get().is_none()).map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
                </section>
            }
        })}
    }
}

/// Where a peer stands on this page: awaiting approval, approved or declined. Whether an
/// approved peer has started or submitted is not shown here (the server reports both as
/// pending): it would say whose answers are whose.
#[component]
fn PeerBadge(state: AssignmentState) -> impl IntoView {
    let (class, label) = match state {
        AssignmentState::Nominated => ("badge", "Awaiting approval"),
        AssignmentState::Declined => ("badge badge-muted", "Declined"),
        _ => ("badge badge-on", "Approved"),
    };
    view! { <span class=class>{label}</span> }
}
