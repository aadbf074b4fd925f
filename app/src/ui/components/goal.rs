//! Pieces every goal page shares: the progress bar, the health badge, a goal's line in a list,
//! the quick check-in form, the period switcher, the goals section tabs, and the progress
//! chart (SVG with the expected pace, the check-ins and the forecast).

use crate::api::goals::{CheckInGoal, PeriodChoice};
use crate::api::goals::{GoalSummary, GoalWithKeyResults};
use crate::ui::components::form::{field_error, form_error, last_error};
use keel_core::analytics::forecast::Forecast;
use keel_core::calendar::date_from_days;
use keel_core::goals::{
    Confidence, GoalComment, Health, KeyResult, KeyResultKind, PlanState, Visibility,
};
use leptos::prelude::*;

/// "12 Nov 2026" for a day number.
pub fn format_day(day: i64) -> String {
    let date = date_from_days(day);
    let month = match &date[5..7] {
        "01" => "Jan",
        "02" => "Feb",
        "03" => "Mar",
        "04" => "Apr",
        "05" => "May",
        "06" => "Jun",
        "07" => "Jul",
        "08" => "Aug",
        "09" => "Sep",
        "10" => "Oct",
        "11" => "Nov",
        _ => "Dec",
    };
    format!(
        "{} {month} {}",
        date[8..10].trim_start_matches('0'),
        &date[0..4]
    )
}

/// "12 Nov 2026" for a date written YYYY-MM-DD.
pub fn format_date(date: &str) -> String {
    keel_core::calendar::day_number(date)
        .map(format_day)
        .unwrap_or_else(|| date.to_string())
}

pub fn percent(value: f64) -> String {
    format!("{}%", value.round() as i64)
}

#[component]
pub fn ProgressBar(progress: f64, expected: f64, health: Health) -> impl IntoView {
    let width = format!("width: {:.1}%", progress.clamp(0.0, 100.0));
    let marker = format!("left: {:.1}%", expected.clamp(0.0, 100.0));
    let label = format!(
        "{} complete; {} expected by now",
        percent(progress),
        percent(expected)
    );
    view! {
        <div class="progress" role="img" aria-label=label>
            <div class=format!("progress-fill health-{}", health.as_str()) style=width></div>
            <div class="progress-pace" style=marker title="Expected by now"></div>
        </div>
    }
}

#[component]
pub fn HealthBadge(health: Health) -> impl IntoView {
    view! { <span class=format!("badge health-badge health-{}", health.as_str())>{health.label()}</span> }
}

#[component]
pub fn PlanBadge(state: PlanState) -> impl IntoView {
    view! { <span class=format!("badge plan-{}", state.as_str())>{state.label()}</span> }
}

/// A goal in a list: title, owner and level, progress bar, health, stale flag.
#[component]
pub fn GoalLine(goal: GoalSummary, #[prop(optional)] show_owner: bool) -> impl IntoView {
    let href = format!("/goals/{}", goal.id);
    let meta = if show_owner {
        format!("{} · {}", goal.level.label(), goal.owner_name)
    } else {
        goal.level.label().to_string()
    };
    view! {
        <div class="goal-line">
            <div class="goal-line-head">
                <a class="goal-title" href=href>{goal.title.clone()}</a>
                <span class="goal-pct">{percent(goal.progress)}</span>
            </div>
            <ProgressBar progress=goal.progress expected=goal.expected health=goal.health/>
            <div class="goal-meta">
                <span class="muted">{meta}</span>
                <HealthBadge health=goal.health/>
                {goal.stale.then(|| view! { <span class="badge badge-warn">"No check-in for a while"</span> })}
                {(goal.visibility == Visibility::Private).then(|| view! { <span class="badge">"Private"</span> })}
                {(!goal.is_aligned()).then(|| view! { <span class="badge badge-warn">"Not aligned"</span> })}
            </div>
        </div>
    }
}

/// The switcher between periods: links, so it works before the page is interactive.
#[component]
pub fn PeriodTabs(choice: PeriodChoice, base: &'static str) -> impl IntoView {
    view! {
        <nav class="period-tabs" aria-label="Period">
            {choice
                .periods
                .iter()
                .map(|p| {
                    let current = p.id == choice.selected.id;
                    view! {
                        <a
                            href=format!("{base}?period={}", p.id)
                            class:active=current
                            aria-current=if current { Some("page") } else { None }
                        >
                            {p.name.clone()}
                        </a>
                    }
                })
                .collect_view()}
        </nav>
    }
}

/// The tabs across the goals section, by role.
#[component]
pub fn GoalsNav(active: &'static str, is_manager: bool, is_hr: bool) -> impl IntoView {
    let tab = move |href: &'static str, key: &'static str, label: &'static str| {
        view! {
            <a href=href class:active=active == key aria-current=if active == key { Some("page") } else { None }>
                {label}
            </a>
        }
    };
    view! {
        <nav class="section-tabs" aria-label="Goals">
            {tab("/goals", "mine", "My goals")}
            {is_manager.then(|| tab("/goals/team", "team", "Team"))}
            {tab("/goals/tree", "tree", "Alignment")}
            {is_hr.then(|| tab("/goals/completion", "completion", "Goal setting"))}
            {is_hr.then(|| tab("/goals/periods", "periods", "Periods"))}
        </nav>
    }
}

/// The check-in form: a value per key result, a confidence, a comment. Prefilled with the
/// current values, so a check-in that changes nothing but the confidence is two taps.
#[component]
pub fn CheckInForm(
    goal_id: i64,
    key_results: Vec<KeyResult>,
    confidence: Option<Confidence>,
    /// Called after a successful check-in.
    on_saved: Callback<()>,
) -> impl IntoView {
    let action = ServerAction::<CheckInGoal>::new();
    let error = last_error(action);
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            on_saved.run(());
        }
    });
    let chosen = confidence.unwrap_or(Confidence::OnTrack);
    let id_prefix = format!("ci-{goal_id}");
    view! {
        <ActionForm action=action attr:class="check-in-form" attr:novalidate=true>
            <input type="hidden" name="goal_id" value=goal_id.to_string()/>
            {key_results
                .into_iter()
                .enumerate()
                .map(|(i, kr)| {
                    let field = format!("values[{i}][value]");
                    let id = format!("{id_prefix}-kr-{}", kr.id);
                    let message = Signal::derive({
                        let field = field.clone();
                        move || error.with(|e| e.as_ref().and_then(|e| e.field_message(&field)))
                    });
                    let hint = format!(
                        "Target {} (from {})",
                        kr.format_value(kr.target),
                        kr.format_value(kr.start)
                    );
                    let input = if kr.kind == KeyResultKind::Milestone {
                        let done = kr.current >= 1.0;
                        view! {
                            <select id=id.clone() name=field.clone()>
                                <option value="not_done" selected=!done>"Not done"</option>
                                <option value="done" selected=done>"Done"</option>
                            </select>
                        }
                        .into_any()
                    } else {
                        view! {
                            <input
                                id=id.clone()
                                name=field.clone()
                                type="text"
                                inputmode="decimal"
                                value=keel_core::goals::format_number(kr.current)
                            />
                        }
                        .into_any()
                    };
                    view! {
                        <div class="field" class:invalid=move || message.get().is_some()>
                            <input type="hidden" name=format!("values[{i}][key_result_id]") value=kr.id.to_string()/>
                            <label for=id>{kr.title.clone()}</label>
                            {input}
                            {(kr.kind != KeyResultKind::Milestone).then(|| view! { <p class="field-hint">{hint}</p> })}
                            <p class="field-error" aria-live="polite">{message}</p>
                        </div>
                    }
                })
                .collect_view()}
            <fieldset class="confidence">
                <legend>"How confident are you?"</legend>
                {Confidence::ALL
                    .iter()
                    .map(|c| {
                        let id = format!("{id_prefix}-{}", c.as_str());
                        let input_id = id.clone();
                        view! {
                            <label class=format!("confidence-option confidence-{}", c.as_str()) for=id>
                                <input type="radio" id=input_id name="confidence" value=c.as_str() checked=*c == chosen/>
                                <span>{c.label()}</span>
                            </label>
                        }
                    })
                    .collect_view()}
                <p class="field-error" aria-live="polite">{field_error(error, "confidence")}</p>
            </fieldset>
            <div class="field" class:invalid=move || field_error(error, "comment").get().is_some()>
                <label for=format!("{id_prefix}-comment")>"Comment (optional)"</label>
                <textarea id=format!("{id_prefix}-comment") name="comment" rows="2"></textarea>
                <p class="field-error" aria-live="polite">{field_error(error, "comment")}</p>
            </div>
            {move || form_error(error).get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "Saving…" } else { "Save check-in" }}
                </button>
            </div>
        </ActionForm>
    }
}

/// A thread of comments, oldest first.
#[component]
pub fn Comments(comments: Vec<GoalComment>) -> impl IntoView {
    (!comments.is_empty()).then(|| {
        view! {
            <ul class="comments">
                {comments.into_iter().map(|c| view! {
                    <li class="comment">
                        <span class="comment-head"><strong>{c.author_name}</strong>" "<span class="muted small">{format_day(c.created_at.div_euclid(86_400))}</span></span>
                        <p>{c.body}</p>
                    </li>
                }).collect_view()}
            </ul>
        }
    })
}

/// A goal with a "Check in" disclosure underneath (a native <details>, so it opens before the
/// page is interactive too).
#[component]
pub fn GoalCard(
    item: GoalWithKeyResults,
    may_check_in: bool,
    on_saved: Callback<()>,
) -> impl IntoView {
    let goal = item.goal.clone();
    view! {
        <li class="goal-card">
            <GoalLine goal=goal.clone()/>
            {(!item.key_results.is_empty()).then(|| view! {
                <ul class="kr-list">
                    {item.key_results.iter().map(|kr| view! {
                        <li>
                            <span>{kr.title.clone()}</span>
                            <span class="muted">{format!("{} / {}", kr.format_value(kr.current), kr.format_value(kr.target))}</span>
                        </li>
                    }).collect_view()}
                </ul>
            })}
            {(may_check_in && !item.key_results.is_empty()).then(|| view! {
                <CheckInDisclosure goal_id=goal.id key_results=item.key_results.clone() confidence=goal.confidence on_saved small=true/>
            })}
        </li>
    }
}

/// "Check in" as a native <details> (it opens before the page is interactive too) that closes
/// itself once the check-in is saved, so the new progress shows.
#[component]
pub fn CheckInDisclosure(
    goal_id: i64,
    key_results: Vec<KeyResult>,
    /// The latest confidence, chosen to start with.
    confidence: Option<Confidence>,
    on_saved: Callback<()>,
    #[prop(optional)] small: bool,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let saved = Callback::new(move |_| {
        open.set(false);
        on_saved.run(());
    });
    view! {
        <details
            class="check-in"
            prop:open=move || open.get()
            on:toggle=move |ev| {
                let element = event_target::<leptos::web_sys::Element>(&ev);
                open.set(element.has_attribute("open"));
            }
        >
            <summary class=if small { "btn btn-small" } else { "btn" }>"Check in"</summary>
            <CheckInForm goal_id key_results confidence on_saved=saved/>
        </details>
    }
}

const CHART_W: f64 = 600.0;
const CHART_H: f64 = 220.0;
const PAD_L: f64 = 40.0;
const PAD_R: f64 = 16.0;
const PAD_T: f64 = 12.0;
const PAD_B: f64 = 30.0;

/// Progress over the period: the even pace (dashed), the check-ins (line and dots), today,
/// and the forecast to the period's end with its 80 % interval.
#[component]
pub fn ProgressChart(
    start_day: i64,
    end_day: i64,
    today: i64,
    /// (day, progress) of each check-in, oldest first.
    points: Vec<(i64, f64)>,
    forecast: Option<Forecast>,
) -> impl IntoView {
    let span = (end_day - start_day).max(1) as f64;
    let x = move |day: i64| {
        PAD_L + ((day - start_day) as f64 / span).clamp(0.0, 1.0) * (CHART_W - PAD_L - PAD_R)
    };
    let y = |p: f64| PAD_T + (1.0 - p.clamp(0.0, 100.0) / 100.0) * (CHART_H - PAD_T - PAD_B);
    let mut line = vec![(x(start_day), y(0.0))];
    line.extend(points.iter().map(|(d, p)| (x(*d), y(*p))));
    let path = line
        .iter()
        .enumerate()
        .map(|(i, (px, py))| format!("{}{px:.1},{py:.1}", if i == 0 { "M" } else { "L" }))
        .collect::<String>();
    let last = line.last().copied().unwrap_or((x(start_day), y(0.0)));
    let end_x = x(end_day);
    let today_x = x(today);
    let grid = [0.0, 50.0, 100.0]
        .into_iter()
        .map(|p| {
            view! {
                <line x1=PAD_L x2=CHART_W - PAD_R y1=y(p) y2=y(p) class="chart-grid"></line>
                <text x=PAD_L - 6.0 y=y(p) + 4.0 text-anchor="end" class="chart-label">{percent(p)}</text>
            }
        })
        .collect_view();
    let dots = points
        .iter()
        .map(|(d, p)| {
            view! {
                <circle cx=x(*d) cy=y(*p) r="4" class="chart-dot">
                    <title>{format!("{}: {}", format_day(*d), percent(*p))}</title>
                </circle>
            }
        })
        .collect_view();
    let show_today = today > start_day && today < end_day;
    let forecast_view = forecast.map(|f| {
        view! {
            <g class="chart-forecast">
                <line x1=last.0 y1=last.1 x2=end_x y2=y(f.projected) class="chart-forecast-line"></line>
                <line x1=end_x y1=y(f.low) x2=end_x y2=y(f.high) class="chart-interval"></line>
                <line x1=end_x - 5.0 y1=y(f.low) x2=end_x + 5.0 y2=y(f.low) class="chart-interval"></line>
                <line x1=end_x - 5.0 y1=y(f.high) x2=end_x + 5.0 y2=y(f.high) class="chart-interval"></line>
                <circle cx=end_x cy=y(f.projected) r="4" class="chart-forecast-dot"></circle>
            </g>
        }
    });
    let description = format!(
        "Progress from {} to {}: {} check-ins; the dashed line is the even pace.",
        format_day(start_day),
        format_day(end_day),
        points.len()
    );
    view! {
        <svg class="progress-chart" viewBox=format!("0 0 {CHART_W} {CHART_H}") role="img" aria-label=description>
            {grid}
            <line x1=x(start_day) y1=y(0.0) x2=end_x y2=y(100.0) class="chart-pace"></line>
            {show_today.then(|| view! {
                <line x1=today_x x2=today_x y1=PAD_T y2=CHART_H - PAD_B class="chart-today"></line>
                <text x=today_x y=CHART_H - 8.0 text-anchor="middle" class="chart-label">"Today"</text>
            })}
            <path d=path class="chart-line"></path>
            {dots}
            {forecast_view}
            <text x=PAD_L y=CHART_H - 8.0 class="chart-label">{format_day(start_day)}</text>
            <text x=CHART_W - PAD_R y=CHART_H - 8.0 text-anchor="end" class="chart-label">{format_day(end_day)}</text>
        </svg>
    }
}
