//! HR's page for one review cycle: its phases and their deadlines, the step that moves it on
//! (launch, then each next phase), completion per reviewer type and per department, reminders
//! for reviews still to write, and releasing results department by department in calibration.

use crate::api::reviews::{
    get_review_cycle, AdvanceReviewCycle, CyclePage as CycleData, DepartmentProgress, KindProgress,
    ReleaseReviewResults, RemindReviewers,
};
use crate::error::AppError;
use crate::ui::components::chart::{format_count, format_share};
use crate::ui::components::feedback::{error_fallback, Loading};
use crate::ui::components::form::{form_error, last_error};
use crate::ui::components::goal::format_date;
use crate::ui::components::review::CycleBadge;
use keel_core::reviews::{Cycle, CycleState, ReviewerType};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn CyclePage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok())));
    let advance = ServerAction::<AdvanceReviewCycle>::new();
    let remind = ServerAction::<RemindReviewers>::new();
    let release = ServerAction::<ReleaseReviewResults>::new();
    let page = Resource::new(
        move || {
            (
                id.get(),
                advance.version().get(),
                remind.version().get(),
                release.version().get(),
            )
        },
        |(id, ..)| async move {
            match id {
                Some(id) => get_review_cycle(id).await,
                None => Err(AppError::not_found("That review cycle")),
            }
        },
    );
    view! {
        <Title text="Review cycle"/>
        <Transition fallback=|| view! { <Loading/> }>
            <ErrorBoundary fallback=error_fallback>
                {move || Suspend::new(async move {
                    page.await.map(|page| view! { <CycleView page advance remind release/> })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn CycleView(
    page: CycleData,
    advance: ServerAction<AdvanceReviewCycle>,
    remind: ServerAction<RemindReviewers>,
    release: ServerAction<ReleaseReviewResults>,
) -> impl IntoView {
    let cycle = page.cycle.clone();
    let id = cycle.id;
    let state = cycle.state;
    let period = format!(
        "Review period {} – {}",
        format_date(&cycle.starts_on),
        format_date(&cycle.ends_on)
    );
    let template = format!(
        "Template: {} (version {})",
        page.template_name, page.template_version
    );
    let people = match page.participants {
        0 if state == CycleState::Draft => "People are chosen when the cycle launches".to_string(),
        1 => "1 person reviewed".to_string(),
        n => format!("{} people reviewed", format_count(n)),
    };
    let anonymity = cycle.anonymous.then(|| {
        let n = cycle.threshold();
        format!(
            "Peer and upward answers are anonymous: shown combined once writing has closed, from {n} reviewers up, and each question from {n} answers up{}.",
            if n == keel_core::anonymity::MIN_THRESHOLD {
                " (the floor, for small teams)"
            } else {
                ""
            }
        )
    });
    view! {
        <Title text=cycle.name.clone()/>
        <header class="page-header">
            <div>
                <p class="eyebrow"><a href="/reviews/admin">"Review cycles"</a>" / Cycle"</p>
                <h1 class="cycle-title">{cycle.name.clone()}" "<CycleBadge state/></h1>
                <p class="muted">{period}</p>
                <p class="muted small">{template}" · "{people}</p>
                {anonymity.map(|text| view! { <p class="muted small">{text}</p> })}
            </div>
            <div class="page-actions">
                {(state != CycleState::Draft).then(|| view! {
                    <a class="btn" href=format!("/reviews/cycles/{id}/calibration")>"Calibration"</a>
                })}
                <a class="btn" href=format!("/reviews/cycles/{id}/print")>"Print reviews"</a>
                <a class="btn" href=format!("/reviews/cycles/{id}/export.csv") download="" rel="external">
                    "Export ratings (CSV)"
                </a>
            </div>
        </header>
        <PhaseTimeline cycle=cycle.clone() past_due=page.past_due/>
        <NextStep cycle_id=id state next=page.next_phase advance/>
        <Completion
            cycle_id=id
            state
            totals=page.totals.clone()
            outstanding=page.outstanding_reviews
            remind
        />
        <Departments
            cycle_id=id
            state
            participants=page.participants
            departments=page.departments
            totals=page.totals
            release
        />
    }
}

/// The phases this cycle goes through: nomination only when peers review.
fn phases(cycle: &Cycle) -> Vec<CycleState> {
    CycleState::ALL
        .iter()
        .copied()
        .filter(|s| *s != CycleState::Nomination || cycle.has(ReviewerType::Peer))
        .collect()
}

/// What a phase's deadline means, or `None` for phases without one.
fn due_label(cycle: &Cycle, phase: CycleState) -> Option<String> {
    let date = format_date(cycle.due(phase)?);
    Some(match phase {
        CycleState::Nomination => format!("Nominations due {date}"),
        CycleState::Writing => format!("Reviews due {date}"),
        CycleState::Calibration => format!("Calibrated by {date}"),
        _ => format!("Released by {date}"),
    })
}

#[component]
fn PhaseTimeline(cycle: Cycle, past_due: bool) -> impl IntoView {
    let all = phases(&cycle);
    let current = all.iter().position(|s| *s == cycle.state).unwrap_or(0);
    let items = all
        .into_iter()
        .enumerate()
        .map(|(i, phase)| {
            let (class, status) = match i.cmp(&current) {
                std::cmp::Ordering::Less => ("phase phase-done", "done"),
                std::cmp::Ordering::Equal => ("phase phase-current", "current phase"),
                std::cmp::Ordering::Greater => ("phase phase-upcoming", "to come"),
            };
            let late = past_due && i == current && phase == CycleState::Writing;
            view! {
                <li class=class aria-current=(i == current).then_some("step")>
                    <span class="phase-dot" aria-hidden="true"></span>
                    <span class="phase-text">
                        <span class="phase-name">
                            {phase.label()}
                            <span class="visually-hidden">{format!(" ({status})")}</span>
                        </span>
                        {due_label(&cycle, phase).map(|d| view! { <span class="phase-due">{d}</span> })}
                        {late.then(|| view! { <span class="badge badge-warn">"Past due"</span> })}
                    </span>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="card cycle-phases" aria-labelledby="phases-title">
            <h2 id="phases-title">"Phases"</h2>
            <ol class="phase-timeline">{items}</ol>
        </section>
    }
}

/// What moving to `next` does, in a sentence.
fn step_explanation(state: CycleState, next: CycleState) -> &'static str {
    if state == CycleState::Draft {
        return "Launching chooses the participants, creates all their review assignments, freezes \
                the template and notifies everyone who has a review to write or peers to nominate.";
    }
    match next {
        CycleState::Writing => {
            "Nominations still waiting for a manager are approved, and reviewers are told their \
             reviews are open."
        }
        CycleState::Calibration => {
            "Writing ends and calibration opens: managers and HR compare ratings and settle the \
             final ones."
        }
        CycleState::Released => {
            "Every result not yet released goes to its reviewee, who is notified and can \
             acknowledge it."
        }
        CycleState::Closed => "The cycle closes: results stay readable, nothing more changes.",
        _ => "The cycle moves to its next phase.",
    }
}

#[component]
fn NextStep(
    cycle_id: i64,
    state: CycleState,
    next: Option<CycleState>,
    advance: ServerAction<AdvanceReviewCycle>,
) -> impl IntoView {
    let error = last_error(advance);
    next.map(|next| {
        let label = if state == CycleState::Draft {
            "Launch cycle".to_string()
        } else {
            format!("Move to {}", next.label())
        };
        view! {
            <section class="card cycle-next" aria-labelledby="next-title">
                <h2 id="next-title">"Next step"</h2>
                <p class="muted">{step_explanation(state, next)}</p>
                <ActionForm action=advance attr:class="cycle-next-form">
                    <input type="hidden" name="cycle_id" value=cycle_id.to_string()/>
                    <button type="submit" class="btn btn-primary" disabled=move || advance.pending().get()>
                        {move || if advance.pending().get() { "Working…".to_string() } else { label.clone() }}
                    </button>
                </ActionForm>
                {move || form_error(error).get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            </section>
        }
    })
}

fn percent_width(part: i64, total: i64) -> String {
    let share = if total > 0 {
        part as f64 * 100.0 / total as f64
    } else {
        0.0
    };
    format!("width: {share:.1}%")
}

fn people_word(n: i64) -> &'static str {
    if n == 1 {
        "person"
    } else {
        "people"
    }
}

#[component]
fn Completion(
    cycle_id: i64,
    state: CycleState,
    totals: Vec<KindProgress>,
    outstanding: i64,
    remind: ServerAction<RemindReviewers>,
) -> impl IntoView {
    let error = last_error(remind);
    let reminded = Signal::derive(move || {
        remind.value().with(|v| match v {
            Some(Ok(n)) => Some(*n),
            _ => None,
        })
    });
    let can_remind =
        matches!(state, CycleState::Nomination | CycleState::Writing) && outstanding > 0;
    let body = if state == CycleState::Draft {
        view! { <p class="muted">"Completion appears here once the cycle is launched."</p> }
            .into_any()
    } else {
        view! {
            <ul class="kind-progress">
                {totals.into_iter().map(|k| {
                    let name = format!("{}s", k.kind.review_label());
                    let count = format!(
                        "{} of {} submitted · {}",
                        format_count(k.submitted),
                        format_count(k.total),
                        format_share(k.submitted, k.total)
                    );
                    view! {
                        <li class="kind-row">
                            <span class="kind-name">{name}</span>
                            <span class="completion-bar" aria-hidden="true">
                                <span style=percent_width(k.submitted, k.total)></span>
                            </span>
                            <span class="kind-count">
                                {count}
                                {(k.late > 0).then(|| view! {
                                    " "<span class="badge badge-warn">{format!("{} late", format_count(k.late))}</span>
                                })}
                            </span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <section class="card cycle-completion" aria-labelledby="completion-title">
            <h2 id="completion-title">"Completion"</h2>
            {body}
            {can_remind.then(|| {
                let outstanding_text = format!(
                    "{} {} still to write.",
                    format_count(outstanding),
                    if outstanding == 1 { "review" } else { "reviews" }
                );
                view! {
                    <ActionForm action=remind attr:class="remind-form">
                        <input type="hidden" name="cycle_id" value=cycle_id.to_string()/>
                        <span class="muted small">{outstanding_text}</span>
                        <button type="submit" class="btn" disabled=move || remind.pending().get()>"Remind everyone with a review to write"</button>
                    </ActionForm>
                }
            })}
            <div aria-live="polite">
                {move || reminded.get().map(|n| {
                    let n = n as i64;
                    view! { <p class="notice notice-success">{format!("Reminded {} {}.", format_count(n), people_word(n))}</p> }
                })}
            </div>
            {move || form_error(error).get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
        </section>
    }
}

/// "12 / 40", with the late ones when there are any; "? / 3" for a division's anonymous
/// reviews too few to count in the open.
fn kind_cell(kind: Option<&KindProgress>) -> AnyView {
    match kind {
        Some(k) if k.withheld => view! {
            <td class="num muted" title="Too few anonymous reviewers here to show how many have answered">
                {format!("? / {}", format_count(k.total))}
            </td>
        }
        .into_any(),
        Some(k) => view! {
            <td class="num">
                {format!("{} / {}", format_count(k.submitted), format_count(k.total))}
                {(k.late > 0).then(|| view! { <span class="late-count">{format!("{} late", format_count(k.late))}</span> })}
            </td>
        }
        .into_any(),
        None => view! { <td class="num">"—"</td> }.into_any(),
    }
}

#[component]
fn Departments(
    cycle_id: i64,
    state: CycleState,
    participants: i64,
    departments: Vec<DepartmentProgress>,
    totals: Vec<KindProgress>,
    release: ServerAction<ReleaseReviewResults>,
) -> impl IntoView {
    if departments.is_empty() {
        return None;
    }
    // While reviews are written the table follows them per reviewer type; from calibration on
    // it follows the results (completion per type stays in the card above). Both at once
    // would not fit a laptop screen beside the sidebar.
    let collecting = matches!(
        state,
        CycleState::Draft | CycleState::Nomination | CycleState::Writing
    );
    let kinds: Vec<ReviewerType> = if collecting {
        totals.iter().map(|k| k.kind).collect()
    } else {
        vec![]
    };
    let nominating = state == CycleState::Nomination;
    let calibrating = state == CycleState::Calibration;
    let error = last_error(release);
    let released_now = Signal::derive(move || {
        release.value().with(|v| match v {
            Some(Ok(n)) => Some(*n),
            _ => None,
        })
    });
    let sum = |f: fn(&DepartmentProgress) -> i64| departments.iter().map(f).sum::<i64>();
    let (nominated, released, acknowledged, signed_off) = (
        sum(|d| d.nominated),
        sum(|d| d.released),
        sum(|d| d.acknowledged),
        sum(|d| d.signed_off),
    );
    let head_kinds = kinds
        .iter()
        .map(|k| view! { <th scope="col" class="num">{k.label()}</th> })
        .collect_view();
    let foot_kinds = kinds
        .iter()
        .map(|kind| kind_cell(totals.iter().find(|t| t.kind == *kind)))
        .collect_view();
    let rows = departments
        .into_iter()
        .map(|d| {
            let cells = kinds
                .iter()
                .map(|kind| kind_cell(d.kinds.iter().find(|k| k.kind == *kind)))
                .collect_view();
            let all_released = d.released >= d.participants;
            let department_id = d.department_id;
            let release_label = format!("Release results for {}", d.department);
            view! {
                <tr>
                    <th scope="row">{d.department.clone()}</th>
                    <td class="num">{format_count(d.participants)}</td>
                    {cells}
                    {nominating.then(|| view! { <td class="num">{format_count(d.nominated)}</td> })}
                    {(!collecting).then(|| view! {
                        <td class="num">{format_count(d.released)}</td>
                        <td class="num">{format_count(d.acknowledged)}</td>
                        <td class="num">{format_count(d.signed_off)}</td>
                    })}
                    <td class="department-actions">
                        {(calibrating && !all_released).then(|| view! {
                            <ActionForm action=release attr:class="inline-form">
                                <input type="hidden" name="cycle_id" value=cycle_id.to_string()/>
                                <input type="hidden" name="department_id" value=department_id.to_string()/>
                                <button
                                    type="submit"
                                    class="btn btn-small"
                                    aria-label=release_label
                                    disabled=move || release.pending().get()
                                >
                                    "Release"
                                </button>
                            </ActionForm>
                        })}
                        <a
                            class="btn btn-small btn-quiet"
                            href=format!("/reviews/cycles/{cycle_id}/print?department={department_id}")
                            aria-label=format!("Print the reviews of {}", d.department)
                        >
                            "Print"
                        </a>
                    </td>
                </tr>
            }
        })
        .collect_view();
    Some(view! {
        <section class="card cycle-departments" aria-labelledby="departments-title">
            <h2 id="departments-title">"By department"</h2>
            <p class="muted small">
                {if collecting {
                    "Submitted of expected reviews per reviewer type."
                } else {
                    "What happened to each department's results."
                }}
                {calibrating.then_some(" Release a department's results once its ratings are settled.")}
            </p>
            <div class="table-scroll" style="overflow-x: auto">
                <table class="table cycle-table">
                    <thead>
                        <tr>
                            <th scope="col">"Department"</th>
                            <th scope="col" class="num">"People"</th>
                            {head_kinds}
                            {nominating.then(|| view! { <th scope="col" class="num">"Nominated"</th> })}
                            {(!collecting).then(|| view! {
                                <th scope="col" class="num">"Released"</th>
                                <th scope="col" class="num">"Acknowledged"</th>
                                <th scope="col" class="num">"Signed off"</th>
                            })}
                            <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                    <tfoot>
                        <tr>
                            <th scope="row">"All departments"</th>
                            <td class="num">{format_count(participants)}</td>
                            {foot_kinds}
                            {nominating.then(|| view! { <td class="num">{format_count(nominated)}</td> })}
                            {(!collecting).then(|| view! {
                                <td class="num">{format_count(released)}</td>
                                <td class="num">{format_count(acknowledged)}</td>
                                <td class="num">{format_count(signed_off)}</td>
                            })}
                            <td></td>
                        </tr>
                    </tfoot>
                </table>
            </div>
            <div aria-live="polite">
                {move || released_now.get().map(|n| {
                    let n = n as i64;
                    view! { <p class="notice notice-success">{format!("Released results to {} {}.", format_count(n), people_word(n))}</p> }
                })}
            </div>
            {move || form_error(error).get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
        </section>
    })
}
