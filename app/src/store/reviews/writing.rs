//! Assignments and their answers: what a reviewer has to write, saving and submitting, and
//! the submitted reviews of a participant.

use super::*;

/// An assignment with what the writing page needs.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AssignmentRow {
    pub id: i64,
    pub participant_id: i64,
    pub cycle_id: i64,
    pub reviewer_id: i64,
    pub kind: String,
    pub state: String,
    pub answers: String,
    pub saved_at: Option<i64>,
    pub submitted_at: Option<i64>,
    pub reviewee_id: i64,
    pub reviewee_name: String,
    pub reviewee_title: String,
    pub template_version_id: i64,
}

impl AssignmentRow {
    pub fn kind(&self) -> ReviewerType {
        ReviewerType::parse(&self.kind).unwrap_or(ReviewerType::Peer)
    }

    pub fn state(&self) -> AssignmentState {
        AssignmentState::parse(&self.state).unwrap_or(AssignmentState::Pending)
    }

    pub fn answers(&self) -> Answers {
        serde_json::from_str(&self.answers).unwrap_or_default()
    }
}

const ASSIGNMENT_SELECT: &str = "SELECT a.id, a.participant_id, a.cycle_id, a.reviewer_id, a.kind,
    a.state, a.answers, a.saved_at, a.submitted_at, p.person_id AS reviewee_id,
    e.name AS reviewee_name, e.title AS reviewee_title, p.template_version_id
    FROM review_assignments a JOIN review_participants p ON p.id = a.participant_id
    JOIN employees e ON e.id = p.person_id";

pub async fn assignment(pool: &Pool, id: AssignmentId) -> AppResult<Option<AssignmentRow>> {
    sqlx::query_as::<_, AssignmentRow>(&format!("{ASSIGNMENT_SELECT} WHERE a.id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await
        .map_err(internal)
}

/// An assignment in a cycle that is still open, as the "to write" list shows it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OpenAssignmentRow {
    pub id: i64,
    pub cycle_id: i64,
    pub cycle_name: String,
    pub cycle_state: String,
    pub kind: String,
    pub state: String,
    pub reviewee_id: i64,
    pub reviewee_name: String,
    pub writing_due: String,
    pub saved_at: Option<i64>,
}

/// What a person has to write, in cycles that are still open (declined nominations left out),
/// by due date, then self, manager, upward and peer reviews, then reviewee.
pub async fn assignments_of(pool: &Pool, reviewer: PersonId) -> AppResult<Vec<OpenAssignmentRow>> {
    sqlx::query_as::<_, OpenAssignmentRow>(
        "SELECT a.id, c.id AS cycle_id, c.name AS cycle_name, c.state AS cycle_state, a.kind, a.state,
            p.person_id AS reviewee_id, e.name AS reviewee_name, c.writing_due, a.saved_at
         FROM review_assignments a JOIN review_participants p ON p.id = a.participant_id
         JOIN review_cycles c ON c.id = a.cycle_id JOIN employees e ON e.id = p.person_id
         WHERE a.reviewer_id = $1 AND a.state <> 'declined' AND c.state IN ('nomination', 'writing', 'calibration')
         ORDER BY c.writing_due, CASE a.kind WHEN 'self' THEN 0 WHEN 'manager' THEN 1 WHEN 'upward' THEN 2 ELSE 3 END, e.name",
    )
    .bind(reviewer)
    .fetch_all(pool)
    .await
    .map_err(internal)
}

/// Saves answers as a draft, or submits them (with the overall score when it is the manager's
/// review, which becomes the proposed rating), if the cycle's phase, read in the transaction,
/// still allows it. A submitted review never changes again: the update only matches
/// unsubmitted rows, so two tabs cannot both submit. Submitting an
/// `anonymous` review moves its answers to `review_anonymous_answers` (no reviewer, no time, a
/// random id per answer) and empties them on the assignment, which keeps only that it is done.
pub async fn save_answers(
    pool: &Pool,
    assignment: &AssignmentRow,
    cycle: &Cycle,
    answers: &Answers,
    submit: bool,
    score: Option<f64>,
) -> AppResult<i64> {
    let at = now();
    let anonymous = cycle.is_anonymous(assignment.kind());
    let mut tx = crate::store::begin_write(pool).await?;
    // The phase the caller saw may have ended since (HR closed writing): read it again here.
    let sqlite = is_sqlite(pool);
    let phase = super::phase_in(&mut tx, sqlite, cycle.id).await?;
    if let Some(refusal) = keel_core::reviews::saving_refusal(&cycle.name, phase, submit) {
        return Err(AppError::Conflict(refusal));
    }
    super::lock_participant(&mut tx, sqlite, assignment.participant_id).await?;
    let moves_out = submit && anonymous;
    let text = if moves_out {
        "{}".to_string()
    } else {
        serde_json::to_string(answers).unwrap_or_else(|_| "{}".into())
    };
    let state = if submit {
        AssignmentState::Submitted
    } else {
        AssignmentState::Draft
    };
    let changed = sqlx::query(
        "UPDATE review_assignments SET answers = $1, state = $2, saved_at = $3, submitted_at = $4
         WHERE id = $5 AND state IN ('pending', 'draft')",
    )
    .bind(&text)
    .bind(state.as_str())
    .bind(at)
    .bind(submit.then_some(at))
    .bind(assignment.id)
    .execute(&mut *tx)
    .await
    .map_err(internal)?
    .rows_affected();
    if changed == 0 {
        return Err(AppError::Conflict(
            "This review has already been submitted and can no longer be changed.".into(),
        ));
    }
    if moves_out {
        store_anonymously(&mut tx, assignment, answers).await?;
    }
    if submit {
        if assignment.kind() == ReviewerType::Manager {
            let query =
                sqlx::query("UPDATE review_participants SET proposed_rating = $1 WHERE id = $2");
            crate::store::bind_real(query, score)
                .bind(assignment.participant_id)
                .execute(&mut *tx)
                .await
                .map_err(internal)?;
        }
        // Anonymous answers leave no trace of their author in the audit trail.
        audit::record(
            &mut tx,
            (!anonymous).then_some(assignment.reviewer_id),
            "review.submitted",
            "review_assignment",
            assignment.id,
            None,
            Some(json!({ "kind": assignment.kind, "participant_id": assignment.participant_id })),
        )
        .await?;
    }
    tx.commit().await.map_err(internal)?;
    Ok(at)
}

/// Writes one anonymous review's non-empty answers, shuffled, each under a random id.
async fn store_anonymously(
    tx: &mut Tx<'_>,
    assignment: &AssignmentRow,
    answers: &Answers,
) -> AppResult<()> {
    use rand::seq::SliceRandom;
    let mut rows: Vec<(&String, &String)> = answers
        .iter()
        .filter(|(_, answer)| !answer.trim().is_empty())
        .collect();
    rows.shuffle(&mut rand::thread_rng());
    for (key, answer) in rows {
        sqlx::query(
            "INSERT INTO review_anonymous_answers (id, participant_id, kind, question_key, answer)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(rand::random::<i64>() & i64::MAX)
        .bind(assignment.participant_id)
        .bind(&assignment.kind)
        .bind(key)
        .bind(answer)
        .execute(&mut **tx)
        .await
        .map_err(internal)?;
    }
    Ok(())
}

/// The anonymous answers of one reviewer type about a participant: (question key, answer), in
/// no meaningful order (`keel_core::reviews::anonymous_view` aggregates them).
pub async fn anonymous_answers(
    pool: &Pool,
    participant: ParticipantId,
    kind: ReviewerType,
) -> AppResult<Vec<(String, String)>> {
    sqlx::query_as(
        "SELECT question_key, answer FROM review_anonymous_answers
         WHERE participant_id = $1 AND kind = $2",
    )
    .bind(participant)
    .bind(kind.as_str())
    .fetch_all(pool)
    .await
    .map_err(internal)
}

/// The submitted reviews of one participant: (kind, reviewer id, reviewer name, answers).
/// Anonymous ones come with empty answers: theirs are in `anonymous_answers`.
pub async fn submitted_reviews(
    pool: &Pool,
    participant: ParticipantId,
) -> AppResult<Vec<(ReviewerType, PersonId, String, Answers)>> {
    let rows: Vec<(String, i64, String, String)> = sqlx::query_as(
        "SELECT a.kind, a.reviewer_id, e.name, a.answers FROM review_assignments a
         JOIN employees e ON e.id = a.reviewer_id
         WHERE a.participant_id = $1 AND a.state = 'submitted' ORDER BY a.submitted_at, a.id",
    )
    .bind(participant)
    .fetch_all(pool)
    .await
    .map_err(internal)?;
    Ok(rows
        .into_iter()
        .map(|(kind, id, name, answers)| {
            (
                ReviewerType::parse(&kind).unwrap_or(ReviewerType::Peer),
                id,
                name,
                serde_json::from_str(&answers).unwrap_or_default(),
            )
        })
        .collect())
}

/// How many reviews of each type a participant has, and how many are submitted.
pub async fn review_counts(
    pool: &Pool,
    participant: ParticipantId,
) -> AppResult<Vec<(String, i64, i64)>> {
    sqlx::query_as(
        "SELECT kind, COUNT(*), COUNT(CASE WHEN state = 'submitted' THEN 1 END) FROM review_assignments
         WHERE participant_id = $1 AND state IN ('pending', 'draft', 'submitted') GROUP BY kind ORDER BY kind",
    )
    .bind(participant)
    .fetch_all(pool)
    .await
    .map_err(internal)
}
