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

/// The reviewee's nomination: replaces their proposals still awaiting approval with `peers`,
/// and lets their manager know. Refused unless nomination is open and, with the peers already
/// approved, the count is within the cycle's range (both read in this transaction).
pub async fn nominate(
    pool: &Pool,
    participant: &ParticipantRow,
    cycle: &Cycle,
    peers: &[PersonId],
) -> AppResult<()> {
    let sqlite = is_sqlite(pool);
    let mut tx = crate::store::begin_write(pool).await?;
    if super::phase_in(&mut tx, sqlite, cycle.id).await? != CycleState::Nomination {
        return Err(AppError::Conflict(
            "Peer nomination for this cycle is closed.".into(),
        ));
    }
    super::lock_participant(&mut tx, sqlite, participant.id).await?;
    let approved: Vec<i64> = sqlx::query_scalar(
        "SELECT reviewer_id FROM review_assignments WHERE participant_id = $1 AND kind = 'peer'
         AND state NOT IN ('nominated', 'declined')",
    )
    .bind(participant.id)
    .fetch_all(&mut *tx)
    .await
    .map_err(internal)?;
    let total = (peers.len() + approved.iter().filter(|id| !peers.contains(id)).count()) as i64;
    if total < cycle.peer_min || total > cycle.peer_max {
        return Err(AppError::invalid(
            "peers",
            format!(
                "Choose between {} and {} peers ({} chosen).",
                cycle.peer_min, cycle.peer_max, total
            ),
        ));
    }
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

/// The manager approves or declines one nomination, or adds a peer (approved at once), while
/// nomination is open; once writing has opened the set is frozen and only someone who
/// `may_change_frozen` peers (HR) changes it (the phase is read in this transaction). The
/// outcome never depends on whether the peer has started: approving an approved peer changes
/// nothing, and declining one keeps their draft (approving them again gives it back). While
/// frozen, a decline that would leave fewer than the cycle's minimum is refused, an added peer
/// hears they have a review to write, and the audit says the set changed after writing opened.
#[allow(clippy::too_many_arguments)]
pub async fn decide_nomination(
    pool: &Pool,
    participant: &ParticipantRow,
    cycle: &Cycle,
    peer: PersonId,
    approve: bool,
    may_change_frozen: bool,
    actor: PersonId,
) -> AppResult<()> {
    let sqlite = is_sqlite(pool);
    let mut tx = crate::store::begin_write(pool).await?;
    let frozen = match super::phase_in(&mut tx, sqlite, cycle.id).await? {
        CycleState::Nomination => false,
        CycleState::Writing if may_change_frozen => true,
        CycleState::Writing => {
            return Err(AppError::Conflict(
                "The peer reviewers were fixed when writing opened; ask HR if one must change."
                    .into(),
            ))
        }
        _ => {
            return Err(AppError::Conflict(
                "Peer reviewers can no longer change in this cycle.".into(),
            ))
        }
    };
    super::lock_participant(&mut tx, sqlite, participant.id).await?;
    let before: Option<String> = sqlx::query_scalar(
        "SELECT state FROM review_assignments WHERE participant_id = $1 AND reviewer_id = $2 AND kind = 'peer'",
    )
    .bind(participant.id)
    .bind(peer)
    .fetch_optional(&mut *tx)
    .await
    .map_err(internal)?;
    let newly_approved =
        approve && !matches!(before.as_deref(), Some("pending" | "draft" | "submitted"));
    let changed = if approve {
        sqlx::query(
            "UPDATE review_assignments SET state = CASE
                WHEN state IN ('nominated', 'declined') THEN
                    CASE WHEN saved_at IS NULL THEN 'pending' ELSE 'draft' END
                ELSE state END
             WHERE participant_id = $1 AND reviewer_id = $2 AND kind = 'peer'",
        )
    } else {
        sqlx::query(
            "UPDATE review_assignments SET state = 'declined'
             WHERE participant_id = $1 AND reviewer_id = $2 AND kind = 'peer'
                AND state IN ('nominated', 'declined', 'pending', 'draft')",
        )
    }
    .bind(participant.id)
    .bind(peer)
    .execute(&mut *tx)
    .await
    .map_err(internal)?
    .rows_affected();
    if changed == 0 {
        // Nobody has submitted while nomination is open (submitting needs writing), so only
        // HR, after the set froze, can meet a submitted review here.
        if !approve {
            return Err(if frozen {
                AppError::Conflict(
                    "That peer has submitted their review; it stays part of the result.".into(),
                )
            } else {
                AppError::not_found("That nomination")
            });
        }
        sqlx::query(
            "INSERT INTO review_assignments (participant_id, cycle_id, reviewer_id, kind, state, answers)
             VALUES ($1, $2, $3, 'peer', 'pending', '{}')",
        )
        .bind(participant.id)
        .bind(cycle.id)
        .bind(peer)
        .execute(&mut *tx)
        .await
        .map_err(|e| crate::store::on_unique(e, "peer", "That person is already a reviewer."))?;
    }
    if frozen && (!approve || newly_approved) {
        let peers: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM review_assignments
             WHERE participant_id = $1 AND kind = 'peer' AND state <> 'declined'",
        )
        .bind(participant.id)
        .fetch_one(&mut *tx)
        .await
        .map_err(internal)?;
        if approve && peers > cycle.peer_max {
            return Err(AppError::invalid(
                "peer",
                format!(
                    "{} would have {peers} peer reviewers, more than this cycle's maximum of {}.",
                    participant.person_name, cycle.peer_max
                ),
            ));
        }
        if !approve && peers < cycle.peer_min {
            return Err(AppError::invalid(
                "peer",
                format!(
                    "{} would have {peers} peer reviewer{}, fewer than this cycle's minimum of {}: add someone first.",
                    participant.person_name,
                    if peers == 1 { "" } else { "s" },
                    cycle.peer_min
                ),
            ));
        }
        if newly_approved {
            notify(
                &mut tx,
                &[keel_core::notifications::reviews_to_write(peer, 1, cycle)],
            )
            .await?;
        }
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
        Some(json!({ "peer": peer, "after_writing_opened": frozen })),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(())
}
