//! Participants: who is reviewed in a cycle, their results, acknowledgement and sign-off.

use super::*;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ParticipantRow {
    pub id: i64,
    pub cycle_id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub person_title: String,
    pub manager_id: Option<i64>,
    pub manager_name: Option<String>,
    pub department: String,
    pub top_department_id: i64,
    pub template_version_id: i64,
    pub proposed_rating: Option<f64>,
    pub final_rating: Option<i64>,
    pub released_at: Option<i64>,
    pub employee_comment: Option<String>,
    pub acknowledged_at: Option<i64>,
    pub signed_off_at: Option<i64>,
}

pub(super) const PARTICIPANT_SELECT: &str =
    "SELECT p.id, p.cycle_id, p.person_id, e.name AS person_name,
    e.title AS person_title, p.manager_id, m.name AS manager_name, d.name AS department,
    p.top_department_id, p.template_version_id, p.proposed_rating, p.final_rating, p.released_at,
    p.employee_comment, p.acknowledged_at, p.signed_off_at
    FROM review_participants p JOIN employees e ON e.id = p.person_id
    LEFT JOIN employees m ON m.id = p.manager_id JOIN departments d ON d.id = p.department_id";

pub async fn participant(pool: &Pool, id: ParticipantId) -> AppResult<Option<ParticipantRow>> {
    sqlx::query_as::<_, ParticipantRow>(&format!("{PARTICIPANT_SELECT} WHERE p.id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await
        .map_err(internal)
}

#[derive(sqlx::FromRow)]
struct ParticipantInCycle {
    #[sqlx(flatten)]
    participant: ParticipantRow,
    cycle_name: String,
    cycle_state: String,
}

fn participant_in_cycle_select() -> String {
    PARTICIPANT_SELECT.replace(
        "SELECT p.id,",
        "SELECT c.name AS cycle_name, c.state AS cycle_state, p.id,",
    )
}

/// The cycles a person was reviewed in, newest first: (participant, cycle name, cycle state).
pub async fn reviews_of(
    pool: &Pool,
    person: PersonId,
) -> AppResult<Vec<(ParticipantRow, String, String)>> {
    let rows = sqlx::query_as::<_, ParticipantInCycle>(&format!(
        "{} JOIN review_cycles c ON c.id = p.cycle_id
         WHERE p.person_id = $1 AND c.state <> 'draft' ORDER BY c.starts_on DESC, c.id DESC",
        participant_in_cycle_select()
    ))
    .bind(person)
    .fetch_all(pool)
    .await
    .map_err(internal)?;
    Ok(rows
        .into_iter()
        .map(|r| (r.participant, r.cycle_name, r.cycle_state))
        .collect())
}

/// The direct reports a manager reviews in launched cycles, newest cycle first.
pub async fn team_participants(
    pool: &Pool,
    manager: PersonId,
) -> AppResult<Vec<(ParticipantRow, String)>> {
    let rows = sqlx::query_as::<_, ParticipantInCycle>(&format!(
        "{} JOIN review_cycles c ON c.id = p.cycle_id
         WHERE p.manager_id = $1 AND c.state NOT IN ('draft', 'closed') ORDER BY c.starts_on DESC, e.name",
        participant_in_cycle_select()
    ))
    .bind(manager)
    .fetch_all(pool)
    .await
    .map_err(internal)?;
    Ok(rows
        .into_iter()
        .map(|r| (r.participant, r.cycle_name))
        .collect())
}

/// The reviewee reads their released review, comments and acknowledges it; their manager hears.
pub async fn acknowledge(
    pool: &Pool,
    participant: &ParticipantRow,
    comment: &str,
) -> AppResult<()> {
    let mut tx = crate::store::begin_write(pool).await?;
    let changed = sqlx::query(
        "UPDATE review_participants SET employee_comment = $1, acknowledged_at = $2
         WHERE id = $3 AND released_at IS NOT NULL AND acknowledged_at IS NULL",
    )
    .bind((!comment.is_empty()).then_some(comment))
    .bind(now())
    .bind(participant.id)
    .execute(&mut *tx)
    .await
    .map_err(internal)?
    .rows_affected();
    if changed == 0 {
        return Err(AppError::Conflict(
            "This review is already acknowledged.".into(),
        ));
    }
    if let Some(manager) = participant.manager_id {
        notify(
            &mut tx,
            &[keel_core::notifications::review_acknowledged(
                manager,
                participant.id,
                &participant.person_name,
            )],
        )
        .await?;
    }
    audit::record(
        &mut tx,
        Some(participant.person_id),
        "review.acknowledged",
        "review_participant",
        participant.id,
        None,
        Some(json!({ "comment": comment })),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(())
}

pub async fn sign_off(pool: &Pool, participant: &ParticipantRow, actor: PersonId) -> AppResult<()> {
    let mut tx = crate::store::begin_write(pool).await?;
    let changed = sqlx::query(
        "UPDATE review_participants SET signed_off_at = $1
         WHERE id = $2 AND acknowledged_at IS NOT NULL AND signed_off_at IS NULL",
    )
    .bind(now())
    .bind(participant.id)
    .execute(&mut *tx)
    .await
    .map_err(internal)?
    .rows_affected();
    if changed == 0 {
        return Err(AppError::Conflict(
            "This review is already signed off.".into(),
        ));
    }
    audit::record(
        &mut tx,
        Some(actor),
        "review.signed_off",
        "review_participant",
        participant.id,
        None,
        None,
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(())
}
