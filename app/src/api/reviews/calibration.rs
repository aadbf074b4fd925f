//! Calibration: the histogram against the target, the paged table of reviewees, and rating
//! changes with a justification (HR and managers, each within their reach).

use super::*;

#[server(prefix = "/api", endpoint = "get_calibration")]
pub async fn get_calibration(
    cycle_id: CycleId,
    department: Option<i64>,
    manager: Option<i64>,
    sort: Option<String>,
    page: Option<i64>,
) -> AppResult<CalibrationPage> {
    use crate::auth::{current_user, state};
    use crate::error::AppError;
    use crate::store;
    use crate::store::reviews::CalibrationFilter;
    let user = current_user()?;
    if !policy::may_open_calibration(&user) {
        return Err(AppError::Forbidden);
    }
    let pool = &state().pool;
    let cycle = support::cycle(pool, cycle_id).await?;
    if cycle.state == CycleState::Draft {
        return Err(AppError::not_found("That review cycle"));
    }
    let version = support::version(pool, cycle.template_version_id).await?;
    let scales = store::reviews::scales(pool).await?;
    let scale = support::overall_scale(&version, &scales)?;
    let filter = CalibrationFilter {
        top_department: department.filter(|d| *d > 0),
        manager: manager.filter(|m| *m > 0),
        within_org_of: (!policy::calibrates_everyone(&user)).then_some(user.id),
    };
    let by_manager = filter.top_department.is_some();
    let counts = store::reviews::histogram(pool, cycle_id, &filter, by_manager).await?;
    let point_index = |rating: i64| scale.points.iter().position(|p| p.value == rating);
    let mut overall = HistogramGroup {
        id: 0,
        name: "Everyone selected".into(),
        counts: vec![0; scale.points.len()],
        unrated: 0,
    };
    let mut groups: Vec<HistogramGroup> = Vec::new();
    for (id, name, rating, n) in counts {
        if groups.last().is_none_or(|g| g.id != id || g.name != name) {
            groups.push(HistogramGroup {
                id,
                name,
                counts: vec![0; scale.points.len()],
                unrated: 0,
            });
        }
        let group = groups.last_mut().expect("just pushed");
        match point_index(rating) {
            Some(i) => {
                group.counts[i] += n;
                overall.counts[i] += n;
            }
            None => {
                group.unrated += n;
                overall.unrated += n;
            }
        }
    }
    groups.truncate(60);
    let page = page.unwrap_or(1).clamp(1, 100_000);
    let total = overall.counts.iter().sum::<i64>() + overall.unrated;
    let rows = store::reviews::calibration_rows(
        pool,
        cycle_id,
        &filter,
        sort.as_deref().unwrap_or("name"),
        CALIBRATION_PAGE,
        (page - 1) * CALIBRATION_PAGE,
    )
    .await?;
    let departments = if policy::calibrates_everyone(&user) {
        store::departments::all(pool)
            .await?
            .into_iter()
            .filter(|d| d.parent_id.is_none())
            .map(|d| (d.id, d.name))
            .collect()
    } else {
        vec![]
    };
    let managers = store::reviews::calibration_managers(pool, cycle_id, &filter).await?;
    Ok(CalibrationPage {
        can_change: cycle.state == CycleState::Calibration,
        rows: rows
            .into_iter()
            .map(|p| CalibrationRow {
                participant_id: p.id,
                person_id: p.person_id,
                name: p.person_name,
                title: p.person_title,
                department: p.department,
                manager: p.manager_name,
                proposed: p.proposed_rating,
                final_rating: p.final_rating,
            })
            .collect(),
        cycle: CalibrationCycle {
            id: cycle.id,
            name: cycle.name,
            state: cycle.state,
            target_distribution: cycle.target_distribution,
        },
        scale,
        overall,
        groups,
        groups_by_manager: by_manager,
        total,
        page,
        page_size: CALIBRATION_PAGE,
        departments,
        managers,
    })
}

/// Changes a reviewee's final rating during calibration, with a required justification.
#[server(prefix = "/api", endpoint = "change_final_rating")]
pub async fn change_final_rating(
    participant_id: ParticipantId,
    rating: String,
    justification: String,
) -> AppResult<()> {
    use crate::auth::{current_user, state};
    use crate::error::AppError;
    use crate::store;
    let user = current_user()?;
    let pool = &state().pool;
    let p = support::participant(pool, participant_id).await?;
    let who = support::standing(pool, &user, &p).await?;
    policy::check(policy::may_change_final_rating(&user, who))?;
    // The phase and whether the result is released are checked where the rating is written
    // (`store::reviews::set_final_rating`), in its transaction.
    let version = support::version(pool, p.template_version_id).await?;
    let scales = store::reviews::scales(pool).await?;
    let scale = support::overall_scale(&version, &scales)?;
    let mut errors = Vec::new();
    let value = rating
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|v| scale.contains(*v));
    if value.is_none() {
        errors.push(FieldError::new(
            "rating",
            format!("Choose a rating from {} to {}.", scale.min(), scale.max()),
        ));
    }
    let justification = justification.trim();
    if justification.chars().count() < 10 {
        errors.push(FieldError::new(
            "justification",
            "Explain the change in a sentence (at least 10 characters): it is kept with the rating.",
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    store::reviews::set_final_rating(pool, &p, value.unwrap_or_default(), justification, user.id)
        .await
}
