//! Calibration of a review cycle, for HR and managers: how the ratings of the selection spread
//! over the overall scale against HR's target distribution, the same per department (or per
//! manager within one department), and the reviewees one page at a time with their proposed and
//! final ratings. During calibration each final rating can be changed, with a reason.
//! The filters are a plain GET form, so the page works before the wasm loads.

use crate::api::reviews::{
    get_calibration, CalibrationPage as CalibrationData, CalibrationRow, ChangeFinalRating,
    HistogramGroup,
};
use crate::error::AppError;
use crate::ui::components::chart::{format_count, format_share};
use crate::ui::components::feedback::{error_fallback, EmptyState, Loading};
use crate::ui::components::form::{field_error, form_error, last_error};
use crate::ui::components::review::CycleBadge;
use crate::ui::use_session;
use keel_core::reviews::{CycleState, RatingScale};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The orders the reviewee table can be sorted in: (query value, label).
const SORTS: &[(&str, &str)] = &[
    ("name", "Name"),
    ("rating_desc", "Rating, highest first"),
    ("rating_asc", "Rating, lowest first"),
    ("department", "Department"),
    ("manager", "Manager"),
];

#[derive(Clone, Debug, PartialEq)]
struct Filters {
    department: Option<i64>,
    manager: Option<i64>,
    sort: &'static str,
    page: i64,
}

impl Default for Filters {
    fn default() -> Self {
        Filters {
            department: None,
            manager: None,
            sort: "name",
            page: 1,
        }
    }
}

impl Filters {
    fn url(&self, cycle_id: i64) -> String {
        let mut parts = Vec::new();
        if let Some(d) = self.department {
            parts.push(format!("department={d}"));
        }
        if let Some(m) = self.manager {
            parts.push(format!("manager={m}"));
        }
        if self.sort != "name" {
            parts.push(format!("sort={}", self.sort));
        }
        if self.page > 1 {
            parts.push(format!("page={}", self.page));
        }
        let base = format!("/reviews/cycles/{cycle_id}/calibration");
        if parts.is_empty() {
            base
        } else {
            format!("{base}?{}", parts.join("&"))
        }
    }
}

fn sort_param(text: Option<String>) -> &'static str {
    text.and_then(|t| {
        SORTS
            .iter()
            .find(|(value, _)| *value == t)
            .map(|(value, _)| *value)
    })
    .unwrap_or("name")
}

#[component]
pub fn CalibrationPage() -> impl IntoView {
    let params = use_params_map();
    let cycle_id =
        Memo::new(move |_| params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok())));
    let query = use_query_map();
    let filters = Memo::new(move |_| {
        query.with(|q| Filters {
            department: q
                .get("department")
                .and_then(|d| d.parse().ok())
                .filter(|d| *d > 0),
            manager: q
                .get("manager")
                .and_then(|m| m.parse().ok())
                .filter(|m| *m > 0),
            sort: sort_param(q.get("sort")),
            page: q
                .get("page")
                .and_then(|p| p.parse().ok())
                .unwrap_or(1)
                .max(1),
        })
    });
    // Bumped by a row when its rating change is saved, so the page reloads its numbers.
    let changed = RwSignal::new(0_usize);
    let page = Resource::new(
        move || (cycle_id.get(), filters.get(), changed.get()),
        |(id, f, _)| async move {
            match id {
                Some(id) => {
                    get_calibration(
                        id,
                        f.department,
                        f.manager,
                        Some(f.sort.to_string()),
                        Some(f.page),
                    )
                    .await
                }
                None => Err(AppError::not_found("That review cycle")),
            }
        },
    );
    let session = use_session();
    view! {
        <Title text="Calibration"/>
        <Transition fallback=|| view! { <Loading/> }>
            <ErrorBoundary fallback=error_fallback>
                {move || Suspend::new(async move {
                    let is_hr = session.user.await.ok().flatten().is_some_and(|u| u.is_hr());
                    let f = filters.get_untracked();
                    page.await.map(|page| view! { <Calibration page filters=f is_hr changed/> })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn Calibration(
    page: CalibrationData,
    filters: Filters,
    is_hr: bool,
    changed: RwSignal<usize>,
) -> impl IntoView {
    let cycle = page.cycle.clone();
    let id = cycle.id;
    let explanation = if page.can_change {
        "Compare the spread of ratings with the target and settle each final rating. Every change needs a reason, which is kept with the rating."
    } else if matches!(cycle.state, CycleState::Nomination | CycleState::Writing) {
        "Proposed ratings come from submitted manager reviews. Final ratings can be changed once the cycle reaches calibration."
    } else {
        "Calibration is over: these final ratings are settled."
    };
    let (back_href, back_label) = if is_hr {
        (format!("/reviews/cycles/{id}"), cycle.name.clone())
    } else {
        ("/reviews".to_string(), "Reviews".to_string())
    };
    let points: Vec<(i64, String)> = page
        .scale
        .points
        .iter()
        .map(|p| (p.value, p.label.clone()))
        .collect();
    let target: Vec<f64> = if cycle.target_distribution.is_empty() {
        vec![]
    } else {
        points
            .iter()
            .map(|(value, _)| cycle.target_distribution.get(value).copied().unwrap_or(0.0))
            .collect()
    };
    let form = view! { <FilterForm cycle_id=id filters=filters.clone() departments=page.departments.clone() managers=page.managers.clone()/> };
    let body = if page.total == 0 {
        view! {
            <EmptyState
                title="Nobody to calibrate"
                body="No reviewees match these filters. Choose another department or manager."
            />
        }
        .into_any()
    } else {
        let group_heading = if page.groups_by_manager {
            "By manager"
        } else {
            "By department"
        };
        let rated: i64 = page.overall.counts.iter().sum();
        let unrated = page.overall.unrated;
        view! {
            <section class="card calibration-section" aria-labelledby="distribution-title">
                <h2 id="distribution-title">"Distribution of ratings"</h2>
                <p class="muted small">
                    {format!("{} rated", format_count(rated))}
                    {(unrated > 0).then(|| format!(" · {} without a manager review yet", format_count(unrated)))}
                </p>
                <Histogram
                    id="hist-overall"
                    title=format!("Ratings of {} on the {} scale", page.overall.name.to_lowercase(), page.scale.name)
                    points=points.clone()
                    group=page.overall.clone()
                    target=target.clone()
                />
            </section>
            {(!page.groups.is_empty()).then(|| view! {
                <section class="card calibration-section" aria-labelledby="groups-title">
                    <h2 id="groups-title">{group_heading}</h2>
                    {(!target.is_empty()).then(|| view! {
                        <p class="muted small">"Dashed outlines show the target for the size of each group."</p>
                    })}
                    <div class="hist-grid">
                        {page.groups.iter().enumerate().map(|(i, g)| view! {
                            <Histogram
                                id=format!("hist-group-{i}")
                                title=g.name.clone()
                                points=points.clone()
                                group=g.clone()
                                target=target.clone()
                                compact=true
                            />
                        }).collect_view()}
                    </div>
                </section>
            })}
            <Reviewees page=page.clone() filters changed/>
        }
        .into_any()
    };
    view! {
        <Title text=format!("Calibration · {}", cycle.name)/>
        <header class="page-header">
            <div>
                <p class="eyebrow"><a href=back_href>{back_label}</a>" / Calibration"</p>
                <h1 class="cycle-title">"Calibration "<CycleBadge state=cycle.state/></h1>
                <p class="muted">{explanation}</p>
            </div>
        </header>
        {form}
        {body}
    }
}

#[component]
fn FilterForm(
    cycle_id: i64,
    filters: Filters,
    departments: Vec<(i64, String)>,
    managers: Vec<(i64, String)>,
) -> impl IntoView {
    // HR lists managers once a department is chosen: a large company has thousands.
    let department_first =
        managers.is_empty() && filters.department.is_none() && !departments.is_empty();
    view! {
        <Form method="GET" action=format!("/reviews/cycles/{cycle_id}/calibration") attr:class="filters calibration-filters" attr:aria-label="Filter reviewees">
            {(!departments.is_empty()).then(|| view! {
                <div class="field">
                    <label for="calibration-department">"Department"</label>
                    <select id="calibration-department" name="department">
                        <option value="">"All departments"</option>
                        {departments.into_iter().map(|(id, name)| view! {
                            <option value=id.to_string() selected=filters.department == Some(id)>{name}</option>
                        }).collect_view()}
                    </select>
                </div>
            })}
            <div class="field">
                <label for="calibration-manager">"Manager"</label>
                <select id="calibration-manager" name="manager" disabled=department_first>
                    <option value="">{if department_first { "Choose a department first" } else { "All managers" }}</option>
                    {managers.into_iter().map(|(id, name)| view! {
                        <option value=id.to_string() selected=filters.manager == Some(id)>{name}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="calibration-sort">"Sort by"</label>
                <select id="calibration-sort" name="sort">
                    {SORTS.iter().map(|(value, label)| view! {
                        <option value=*value selected=filters.sort == *value>{*label}</option>
                    }).collect_view()}
                </select>
            </div>
            <button type="submit" class="btn">"Show"</button>
        </Form>
    }
}

const HIST_WIDTH: i64 = 360;
const HIST_PAD: i64 = 8;
const HIST_TOP: i64 = 20;

/// "12.5%" or "20%".
fn format_percent(p: f64) -> String {
    if (p - p.round()).abs() < 0.05 {
        format!("{}%", p.round() as i64)
    } else {
        format!("{p:.1}%")
    }
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        format!(
            "{}…",
            text.chars().take(max.saturating_sub(1)).collect::<String>()
        )
    }
}

/// A vertical bar per point of the scale with its count above it; when HR set a target
/// distribution, a dashed outline per point at the target share of the rated reviewees. The
/// full chart carries a table of the same numbers; a compact one is summarised in its title.
#[component]
fn Histogram(
    #[prop(into)] id: String,
    #[prop(into)] title: String,
    /// (value, label) of each point of the scale, lowest first.
    points: Vec<(i64, String)>,
    group: HistogramGroup,
    /// The target percent per point; empty when there is none.
    target: Vec<f64>,
    #[prop(optional)] compact: bool,
) -> impl IntoView {
    let plot_h: i64 = if compact { 80 } else { 140 };
    let label_space: i64 = if compact { 22 } else { 40 };
    let height = HIST_TOP + plot_h + label_space;
    let n = points.len().max(1) as i64;
    let slot = (HIST_WIDTH - 2 * HIST_PAD) / n;
    let bar_w = (slot * 3 / 5).max(4);
    let target_w = (slot * 4 / 5).max(6);
    let rated: i64 = group.counts.iter().sum();
    let target_counts: Vec<f64> = target.iter().map(|p| p / 100.0 * rated as f64).collect();
    let most = group
        .counts
        .iter()
        .map(|c| *c as f64)
        .chain(target_counts.iter().copied())
        .fold(1.0_f64, f64::max);
    let scaled = |v: f64| ((v * plot_h as f64) / most).round() as i64;
    let base = HIST_TOP + plot_h;
    let label_chars = ((slot / 7).max(3)) as usize;
    let summary = {
        let parts: Vec<String> = points
            .iter()
            .zip(group.counts.iter())
            .enumerate()
            .map(|(i, ((_, label), count))| match target.get(i) {
                Some(t) => format!("{label}: {count} (target {})", format_percent(*t)),
                None => format!("{label}: {count}"),
            })
            .collect();
        let mut text = format!("{title}. {}", parts.join("; "));
        if group.unrated > 0 {
            text.push_str(&format!("; {} without a manager review yet", group.unrated));
        }
        text
    };
    let bars = points
        .iter()
        .enumerate()
        .map(|(i, (value, label))| {
            let count = group.counts.get(i).copied().unwrap_or(0);
            let h = scaled(count as f64).max(if count > 0 { 2 } else { 0 });
            let x0 = HIST_PAD + i as i64 * slot;
            let center = x0 + slot / 2;
            let target_shape = target_counts.get(i).map(|t| {
                let th = scaled(*t).max(1);
                view! {
                    <rect
                        x=center - target_w / 2
                        y=base - th
                        width=target_w
                        height=th
                        class="hist-target"
                    ></rect>
                }
            });
            view! {
                <g>
                    <rect x=center - bar_w / 2 y=base - h width=bar_w height=h rx="2" class="hist-bar"></rect>
                    {target_shape}
                    <text x=center y=base - h - 5 text-anchor="middle" class="hist-count">{format_count(count)}</text>
                    <text x=center y=base + 15 text-anchor="middle" class="hist-value">{value.to_string()}</text>
                    {(!compact).then(|| view! {
                        <text x=center y=base + 31 text-anchor="middle" class="hist-label">{shorten(label, label_chars)}</text>
                    })}
                </g>
            }
        })
        .collect_view();
    let svg = view! {
        <svg viewBox=format!("0 0 {HIST_WIDTH} {height}") role="img" class="hist-svg">
            <title>{summary}</title>
            {bars}
            <line x1=HIST_PAD y1=base x2=HIST_WIDTH - HIST_PAD y2=base class="chart-axis"></line>
        </svg>
    };
    let has_target = !target.is_empty();
    if compact {
        let unrated = group.unrated;
        return view! {
            <figure class="hist hist-mini" id=id>
                <figcaption class="hist-title">{title}</figcaption>
                {svg}
                <p class="muted small">
                    {format!("{} rated", format_count(rated))}
                    {(unrated > 0).then(|| format!(" · {} without a manager review yet", format_count(unrated)))}
                </p>
            </figure>
        }
        .into_any();
    }
    let table_rows = points
        .iter()
        .enumerate()
        .map(|(i, (value, label))| {
            let count = group.counts.get(i).copied().unwrap_or(0);
            let target_cells = target.get(i).map(|t| {
                let expected = (t / 100.0 * rated as f64).round() as i64;
                view! {
                    <td class="num">{format_percent(*t)}</td>
                    <td class="num">{format_count(expected)}</td>
                }
            });
            view! {
                <tr>
                    <th scope="row">{format!("{value} · {label}")}</th>
                    <td class="num">{format_count(count)}</td>
                    <td class="num">{format_share(count, rated)}</td>
                    {target_cells}
                </tr>
            }
        })
        .collect_view();
    view! {
        <figure class="hist" id=id>
            <figcaption class="chart-title">{title}</figcaption>
            <div class="hist-chart">
                {svg}
                {has_target.then(|| view! {
                    <ul class="hist-legend">
                        <li><span class="swatch swatch-actual" aria-hidden="true"></span>"Actual"</li>
                        <li><span class="swatch swatch-target" aria-hidden="true"></span>"Target"</li>
                    </ul>
                })}
            </div>
            <div class="table-scroll">
            <table class="table chart-table">
                <thead>
                    <tr>
                        <th scope="col">"Rating"</th>
                        <th scope="col" class="num">"Reviewees"</th>
                        <th scope="col" class="num">"Share"</th>
                        {has_target.then(|| view! {
                            <th scope="col" class="num">"Target"</th>
                            <th scope="col" class="num">"Target count"</th>
                        })}
                    </tr>
                </thead>
                <tbody>{table_rows}</tbody>
                <tfoot>
                    <tr>
                        <th scope="row">"Rated"</th>
                        <td class="num">{format_count(rated)}</td>
                        <td class="num">{if rated > 0 { "100%" } else { "—" }}</td>
                        {has_target.then(|| view! { <td></td><td></td> })}
                    </tr>
                    <tr>
                        <th scope="row">"Without a manager review yet"</th>
                        <td class="num">{format_count(group.unrated)}</td>
                        <td></td>
                        {has_target.then(|| view! { <td></td><td></td> })}
                    </tr>
                </tfoot>
            </table>
            </div>
        </figure>
    }
    .into_any()
}

#[component]
fn Reviewees(page: CalibrationData, filters: Filters, changed: RwSignal<usize>) -> impl IntoView {
    let id = page.cycle.id;
    let count = page.rows.len() as i64;
    let first = (page.page - 1) * page.page_size + 1;
    let last = first + count - 1;
    let has_prev = page.page > 1;
    let has_next = last < page.total;
    let prev = Filters {
        page: page.page - 1,
        ..filters.clone()
    }
    .url(id);
    let next = Filters {
        page: page.page + 1,
        ..filters.clone()
    }
    .url(id);
    let start = Filters { page: 1, ..filters }.url(id);
    let can_change = page.can_change;
    let scale = page.scale;
    let heading = if count > 0 {
        format!(
            "Showing {}–{} of {}",
            format_count(first),
            format_count(last),
            format_count(page.total)
        )
    } else {
        format!(
            "Page {} is past the last of {} reviewees",
            page.page,
            format_count(page.total)
        )
    };
    view! {
        <section class="card calibration-section" aria-labelledby="reviewees-title">
            <h2 id="reviewees-title">"Reviewees"</h2>
            <p class="results-count" aria-live="polite">{heading}</p>
            {if count == 0 {
                view! { <p><a href=start>"Go to the first page"</a></p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll" style="overflow-x: auto">
                        <table class="table calibration-table">
                            <thead>
                                <tr>
                                    <th scope="col">"Name"</th>
                                    <th scope="col">"Title"</th>
                                    <th scope="col">"Department"</th>
                                    <th scope="col">"Manager"</th>
                                    <th scope="col" class="num">"Proposed"</th>
                                    <th scope="col">"Final rating"</th>
                                    {can_change.then(|| view! { <th scope="col"><span class="visually-hidden">"Change the rating"</span></th> })}
                                </tr>
                            </thead>
                            <tbody>
                                {page.rows.into_iter().map(|row| view! {
                                    <RevieweeRow row scale=scale.clone() can_change changed/>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                .into_any()
            }}
            <nav class="pager" aria-label="Pages">
                {has_prev.then(|| view! { <a class="btn" rel="prev" href=prev>"← Previous"</a> })}
                <span class="muted">{format!("Page {}", page.page)}</span>
                {has_next.then(|| view! { <a class="btn" rel="next" href=next>"Next →"</a> })}
            </nav>
        </section>
    }
}

#[component]
fn RevieweeRow(
    row: CalibrationRow,
    scale: RatingScale,
    can_change: bool,
    changed: RwSignal<usize>,
) -> impl IntoView {
    let pid = row.participant_id;
    let proposed = row
        .proposed
        .map(|p| format!("{p:.1}"))
        .unwrap_or_else(|| "—".into());
    let final_rating = row
        .final_rating
        .map(|v| scale.label_of(v))
        .unwrap_or_else(|| "—".into());
    let change = can_change.then(|| {
        let act = ServerAction::<ChangeFinalRating>::new();
        let error = last_error(act);
        Effect::new(move |_| {
            if act.value().with(|v| matches!(v, Some(Ok(())))) {
                changed.update(|n| *n += 1);
            }
        });
        let current = row
            .final_rating
            .or_else(|| row.proposed.map(|p| scale.nearest(p)));
        let rating_id = format!("rating-{pid}");
        let justification_id = format!("justification-{pid}");
        let rating_error = field_error(error, "rating");
        let justification_error = field_error(error, "justification");
        let summary = form_error(error);
        let other_error = Signal::derive(move || {
            summary
                .get()
                .filter(|_| rating_error.get().is_none() && justification_error.get().is_none())
        });
        view! {
            <td class="rating-change-cell">
                <details class="rating-change">
                    <summary class="btn btn-small">
                        "Change"<span class="visually-hidden">{format!(" the rating of {}", row.name)}</span>
                    </summary>
                    <ActionForm action=act attr:class="rating-change-form">
                        <input type="hidden" name="participant_id" value=pid.to_string()/>
                        <div class="field" class:invalid=move || rating_error.get().is_some()>
                            <label for=rating_id.clone()>"Final rating"</label>
                            <select id=rating_id.clone() name="rating" aria-describedby=format!("{rating_id}-error")>
                                {scale.points.iter().map(|p| view! {
                                    <option value=p.value.to_string() selected=current == Some(p.value)>
                                        {format!("{} · {}", p.value, p.label)}
                                    </option>
                                }).collect_view()}
                            </select>
                            <p class="field-error" id=format!("{rating_id}-error") aria-live="polite">{rating_error}</p>
                        </div>
                        <div class="field" class:invalid=move || justification_error.get().is_some()>
                            <label for=justification_id.clone()>"Why the change?"</label>
                            <textarea
                                id=justification_id.clone()
                                name="justification"
                                rows="3"
                                required=true
                                aria-describedby=format!("{justification_id}-error")
                            ></textarea>
                            <p class="field-hint">"Kept with the rating for everyone who reads it later."</p>
                            <p class="field-error" id=format!("{justification_id}-error") aria-live="polite">{justification_error}</p>
                        </div>
                        {move || other_error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
                        <button type="submit" class="btn btn-primary btn-small" disabled=move || act.pending().get()>
                            "Save rating"
                        </button>
                    </ActionForm>
                </details>
            </td>
        }
    });
    view! {
        <tr>
            <th scope="row"><a href=format!("/reviews/results/{pid}")>{row.name.clone()}</a></th>
            <td>{row.title}</td>
            <td>{row.department}</td>
            <td>{row.manager.unwrap_or_else(|| "—".into())}</td>
            <td class="num">{proposed}</td>
            <td>{final_rating}</td>
            {change}
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_make_readable_urls() {
        let f = Filters {
            department: Some(3),
            manager: Some(42),
            sort: "rating_desc",
            page: 2,
        };
        assert_eq!(
            f.url(7),
            "/reviews/cycles/7/calibration?department=3&manager=42&sort=rating_desc&page=2"
        );
        assert_eq!(Filters::default().url(7), "/reviews/cycles/7/calibration");
    }

    #[test]
    fn unknown_sorts_fall_back_to_name() {
        assert_eq!(sort_param(Some("rating_asc".into())), "rating_asc");
        assert_eq!(sort_param(Some("salary".into())), "name");
        assert_eq!(sort_param(None), "name");
    }

    #[test]
    fn percents_drop_needless_decimals() {
        assert_eq!(format_percent(20.0), "20%");
        assert_eq!(format_percent(12.5), "12.5%");
    }
}
