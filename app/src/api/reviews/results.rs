//! Results: the released review, the reviewee's acknowledgement, the manager's sign-off and
//! the printout.

use super::*;

/// A reviewee's results: for them once released; for their managers and HR at any time.
#[server(prefix = "/api", endpoint = "get_review_result")]
pub async fn get_review_result(participant_id: ParticipantId) -> AppResult<ResultPage> {
    use crate::auth::{current_user, state};
    let user = current_user()?;
    let pool = &state().pool;
    let p = support::participant(pool, participant_id).await?;
    support::result_page(pool, &user, p).await
}

#[server(prefix = "/api", endpoint = "acknowledge_review")]
pub async fn acknowledge_review(participant_id: ParticipantId, comment: String) -> AppResult<()> {
    use crate::auth::{current_user, state};
    use crate::error::AppError;
    let user = current_user()?;
    let pool = &state().pool;
    let p = support::participant(pool, participant_id).await?;
    let who = support::standing(pool, &user, &p).await?;
    if !policy::may_acknowledge(who, p.released_at.is_some()) {
        return Err(AppError::not_found("That review"));
    }
    let comment = keel_core::text::at_most(
        "comment",
        &comment,
        5_000,
        "Keep the comment under 5,000 characters.",
    )?;
    crate::store::reviews::acknowledge(pool, &p, &comment).await
}

#[server(prefix = "/api", endpoint = "sign_off_review")]
pub async fn sign_off_review(participant_id: ParticipantId) -> AppResult<()> {
    use crate::auth::{current_user, state};
    use crate::error::AppError;
    let user = current_user()?;
    let pool = &state().pool;
    let p = support::participant(pool, participant_id).await?;
    policy::check(policy::may_sign_off(
        support::standing(pool, &user, &p).await?,
    ))?;
    if p.acknowledged_at.is_none() {
        return Err(AppError::Conflict(format!(
            "{} has not acknowledged the review yet.",
            p.person_name
        )));
    }
    crate::store::reviews::sign_off(pool, &p, user.id).await
}

/// Every review of a cycle (optionally one department), for printing: HR only, at most
/// `PRINT_LIMIT`.
#[server(prefix = "/api", endpoint = "get_review_printout")]
pub async fn get_review_printout(
    cycle_id: CycleId,
    department: Option<i64>,
) -> AppResult<Vec<ResultPage>> {
    use crate::auth::state;
    use crate::store;
    use crate::store::reviews::CalibrationFilter;
    let user = support::hr()?;
    let pool = &state().pool;
    support::cycle(pool, cycle_id).await?;
    let filter = CalibrationFilter {
        top_department: department.filter(|d| *d > 0),
        ..Default::default()
    };
    let rows =
        store::reviews::calibration_rows(pool, cycle_id, &filter, "department", PRINT_LIMIT, 0)
            .await?;
    let mut pages = Vec::with_capacity(rows.len());
    // HR's own review is not theirs to print (`policy::may_see_result`).
    for p in rows.into_iter().filter(|p| p.person_id != user.id) {
        pages.push(support::result_page(pool, &user, p).await?);
    }
    Ok(pages)
}
