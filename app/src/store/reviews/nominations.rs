//! Peer nomination: the reviewee's choices and the manager's decisions, each locking the
//! reviewee first so the peer tally cannot deadlock.

use super::*;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct NominationRow {
    pub id: i64,
    pub reviewer_id: i64,
    pub name: String,
    pub title: String,
    pub state: String,
}

/// The peer reviewers proposed or approved for a participant (declined ones too, last).
pub async fn nominations(pool: &Pool, participant: ParticipantId) -> AppResult<Vec<NominationRow>> {
    sqlx::query_as::<_, NominationRow>(
        "SELECT a.id, a.reviewer_id, e.name, e.title, a.state FROM review_assignments a
         JOIN employees e ON e.id = a.reviewer_id
         WHERE a.participant_id = $1 AND a.kind = 'peer'
         ORDER BY CASE a.state WHEN 'declined' THEN 1 ELSE 0 END, e.name",
    )
    .bind(participant)
    .fetch_all(pool)
    .await
    .map_err(internal)
}

/// Takes the reviewee's row lock first on PostgreSQL (SQLite has one writer at a time), so
/// that a nomination and the manager's decision on the same reviewee queue instead of each
/// holding what the other waits for: an assignment row on one side, the peer tally row the
/// triggers update on the other.
async fn lock_participant(tx: &mut Tx<'_>, sqlite: bool, id: ParticipantId) -> AppResult<()> {
    if !sqlite {
        sqlx::query("SELECT id FROM review_participants WHERE id = $1 FOR UPDATE")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await
            .map_err(internal)?;
    }
    Ok(())
}

/// The reviewee's nomination: replaces their proposals still awaiting approval with `peers`,
/// and lets their manager know.
pub async fn nominate(
    pool: &Pool,
    participant: &ParticipantRow,
    cycle: &Cycle,
    peers: &[PersonId],
) -> AppResult<()> {
    let mut tx = crate::store::begin_write(pool).await?;
    lock_participant(&mut tx, is_sqlite(pool), participant.id).await?;
    sqlx::query("DELETE FROM review_assignments WHERE participant_id = $1 AND kind = 'peer' AND state = 'nominated'")
        .bind(participant.id)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    for peer in peers {
        sqlx::query(
            "INSERT INTO review_assignments (participant_id, cycle_id, reviewer_id, kind, state, answers)
             VALUES ($1, $2, $3, 'peer', 'nominated', '{}')
             ON CONFLICT (participant_id, reviewer_id, kind) DO NOTHING",
        )
        .bind(participant.id)
        .bind(cycle.id)
        .bind(peer)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    }
    if let Some(manager) = participant.manager_id {
        notify(
            &mut tx,
            &[keel_core::notifications::peers_nominated(
                manager,
                participant.id,
                &participant.person_name,
                cycle,
            )],
        )
        .await?;
    }
    audit::record(
        &mut tx,
        Some(participant.person_id),
        "review.peers_nominated",
        "review_participant",
        participant.id,
        None,
        Some(json!({ "peers": peers })),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(())
}

/// The manager approves or declines one nomination, or adds a peer (approved at once).
pub async fn decide_nomination(
    pool: &Pool,
    participant: &ParticipantRow,
    cycle_id: CycleId,
    peer: PersonId,
    approve: bool,
    actor: PersonId,
) -> AppResult<()> {
    let mut tx = crate::store::begin_write(pool).await?;
    lock_participant(&mut tx, is_sqlite(pool), participant.id).await?;
    let state = if approve { "pending" } else { "declined" };
    let changed = sqlx::query(
        "UPDATE review_assignments SET state = $1 WHERE participant_id = $2 AND reviewer_id = $3
         AND kind = 'peer' AND state IN ('nominated', 'pending', 'declined')",
    )
    .bind(state)
    .bind(participant.id)
    .bind(peer)
    .execute(&mut *tx)
    .await
    .map_err(internal)?
    .rows_affected();
    if changed == 0 {
        if !approve {
            return Err(AppError::not_found("That nomination"));
        }
        sqlx::query(
            "INSERT INTO review_assignments (participant_id, cycle_id, reviewer_id, kind, state, answers)
             VALUES ($1, $2, $3, 'peer', 'pending', '{}')",
        )
        .bind(participant.id)
        .bind(cycle_id)
        .bind(peer)
        .execute(&mut *tx)
        .await
        .map_err(|e| crate::store::on_unique(e, "peer", "That person is already a reviewer."))?;
    }
    audit::record(
        &mut tx,
        Some(actor),
        if approve {
            "review.peer_approved"
        } else {
            "review.peer_declined"
        },
        "review_participant",
        participant.id,
        None,
        Some(json!({ "peer": peer })),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(())
}
