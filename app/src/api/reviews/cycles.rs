//! HR's review cycles: the form, creation, the progress page, phase changes, release per
//! department and reminders.

use super::*;

#[server(prefix = "/api", endpoint = "get_cycle_form_options")]
pub async fn get_cycle_form_options() -> AppResult<CycleFormData> {
    use crate::auth::state;
    use crate::store;
    support::hr()?;
    let pool = &state().pool;
    let scales = store::reviews::scales(pool).await?;
    let templates = store::reviews::templates(pool)
        .await?
        .iter()
        .map(|t| support::template_item(t, &scales))
        .collect();
    let all = store::departments::all(pool).await?;
    let top_departments = all
        .iter()
        .filter(|d| d.parent_id.is_none())
        .map(|d| (d.id, d.name.clone()))
        .collect();
    let departments = all.into_iter().map(|d| (d.id, d.name)).collect();
    let periods = store::goals::periods(pool)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    Ok(CycleFormData {
        top_departments,
        templates,
        departments,
        periods,
    })
}

/// HR sets up a cycle (a draft until launched).
#[server(prefix = "/api", endpoint = "create_review_cycle")]
pub async fn create_review_cycle(cycle: CycleForm) -> AppResult<()> {
    use crate::auth::state;
    use crate::error::AppError;
    use crate::store;
    let user = support::hr()?;
    let pool = &state().pool;
    let input = keel_core::reviews::parse_cycle(&cycle).map_err(AppError::Invalid)?;
    let template = store::reviews::latest_version(pool, input.template_id)
        .await?
        .ok_or_else(|| {
            AppError::invalid("cycle[template_id]", "Choose a template from the list.")
        })?;
    let scales = store::reviews::scales(pool).await?;
    let problems = keel_core::reviews::template_problems(&template.definition, &scales);
    if let Some(first) = problems.first() {
        return Err(AppError::invalid(
            "cycle[template_id]",
            format!("This template cannot be used yet: {}", first.message),
        ));
    }
    if let Some(period) = input.goal_period_id {
        if store::goals::period(pool, period).await?.is_none() {
            return Err(AppError::invalid(
                "cycle[goal_period_id]",
                "Choose a goal period from the list.",
            ));
        }
    }
    if input.scope == keel_core::reviews::ParticipantScope::Department {
        let id = input.scope_value.parse().unwrap_or(0);
        if !store::departments::exists(pool, id).await? {
            return Err(AppError::invalid(
                "cycle[department_id]",
                "Choose a department from the list.",
            ));
        }
    }
    let group = match input.group {
        Some((department, template_id)) => {
            let top = store::departments::all(pool)
                .await?
                .into_iter()
                .any(|d| d.id == department && d.parent_id.is_none());
            if !top {
                return Err(AppError::invalid(
                    "cycle[group_department_id]",
                    "Choose a top-level department from the list.",
                ));
            }
            let version = store::reviews::latest_version(pool, template_id)
                .await?
                .ok_or_else(|| {
                    AppError::invalid(
                        "cycle[group_template_id]",
                        "Choose a template from the list.",
                    )
                })?;
            if let Some(first) =
                keel_core::reviews::template_problems(&version.definition, &scales).first()
            {
                return Err(AppError::invalid(
                    "cycle[group_template_id]",
                    format!("This template cannot be used yet: {}", first.message),
                ));
            }
            Some((department, version.version_id))
        }
        None => None,
    };
    let id =
        store::reviews::create_cycle(pool, &input, template.version_id, group, user.id).await?;
    leptos_axum::redirect(&format!("/reviews/cycles/{id}"));
    Ok(())
}

/// HR's cycle page: phase, deadlines, completion by phase and department.
#[server(prefix = "/api", endpoint = "get_review_cycle")]
pub async fn get_review_cycle(cycle_id: CycleId) -> AppResult<CyclePage> {
    use crate::auth::state;
    use crate::store;
    use keel_core::reviews::past_due;
    support::hr()?;
    let pool = &state().pool;
    let cycle = support::cycle(pool, cycle_id).await?;
    let version = support::version(pool, cycle.template_version_id).await?;
    let past = cycle.state == CycleState::Writing && past_due(&cycle.writing_due, support::today());
    let counts = store::reviews::progress(pool, cycle_id, past).await?;
    let collecting = matches!(cycle.state, CycleState::Nomination | CycleState::Writing);
    let outcomes = store::reviews::outcomes(pool, cycle_id).await?;
    let kinds_of = |department: Option<i64>| -> Vec<KindProgress> {
        ReviewerType::ALL
            .iter()
            .copied()
            .filter(|k| cycle.has(*k))
            .map(|kind| {
                let rows = counts.iter().filter(|c| {
                    c.kind == kind.as_str() && department.is_none_or(|d| c.top_department_id == d)
                });
                let (mut total, mut submitted, mut late) = (0, 0, 0);
                for r in rows {
                    total += r.total;
                    submitted += r.submitted;
                    late += r.late;
                }
                // Company-wide counts are HR's progress; a small division's would be a clue.
                let withheld = department.is_some()
                    && collecting
                    && cycle.is_anonymous(kind)
                    && (1..cycle.threshold() as i64).contains(&total);
                KindProgress {
                    kind,
                    total,
                    submitted: if withheld { 0 } else { submitted },
                    late: if withheld { 0 } else { late },
                    withheld,
                }
            })
            .collect()
    };
    let departments: Vec<DepartmentProgress> = outcomes
        .iter()
        .map(|o| DepartmentProgress {
            department_id: o.top_department_id,
            department: o.department.clone(),
            participants: o.participants,
            nominated: o.nominated,
            kinds: kinds_of(Some(o.top_department_id)),
            released: o.released,
            acknowledged: o.acknowledged,
            signed_off: o.signed_off,
        })
        .collect();
    let participants = departments.iter().map(|d| d.participants).sum();
    let totals = kinds_of(None);
    let outstanding_reviews = totals.iter().map(|k| k.total - k.submitted).sum();
    Ok(CyclePage {
        next_phase: cycle.state.next(cycle.has(ReviewerType::Peer)),
        template_name: version.name,
        template_version: version.version,
        participants,
        departments,
        totals,
        past_due: past,
        outstanding_reviews,
        cycle,
    })
}

/// Launches a draft cycle, or moves a launched one to its next phase.
#[server(prefix = "/api", endpoint = "advance_review_cycle")]
pub async fn advance_review_cycle(cycle_id: CycleId) -> AppResult<()> {
    use crate::auth::state;
    use crate::store;
    let user = support::hr()?;
    let pool = &state().pool;
    let cycle = support::cycle(pool, cycle_id).await?;
    if cycle.state == CycleState::Draft {
        store::reviews::launch(pool, cycle_id, user.id).await?;
    } else {
        store::reviews::advance(pool, cycle_id, user.id).await?;
    }
    Ok(())
}

/// Releases one top-level department's results (during calibration).
#[server(prefix = "/api", endpoint = "release_review_results")]
pub async fn release_review_results(
    cycle_id: CycleId,
    department_id: DepartmentId,
) -> AppResult<usize> {
    use crate::auth::state;
    use crate::error::AppError;
    use crate::store;
    let user = support::hr()?;
    let pool = &state().pool;
    let top_level = store::departments::all(pool)
        .await?
        .iter()
        .any(|d| d.id == department_id && d.parent_id.is_none());
    if !top_level {
        return Err(AppError::not_found("That department"));
    }
    store::reviews::release_department(pool, cycle_id, department_id, user.id).await
}

/// Reminds everyone with a review still to write; returns how many people.
#[server(prefix = "/api", endpoint = "remind_reviewers")]
pub async fn remind_reviewers(cycle_id: CycleId) -> AppResult<usize> {
    use crate::auth::state;
    use crate::error::AppError;
    let user = support::hr()?;
    let pool = &state().pool;
    let cycle = support::cycle(pool, cycle_id).await?;
    if !matches!(cycle.state, CycleState::Nomination | CycleState::Writing) {
        return Err(AppError::Conflict(
            "Reminders go out while reviews are being written.".into(),
        ));
    }
    crate::store::reviews::remind(pool, &cycle, user.id).await
}
