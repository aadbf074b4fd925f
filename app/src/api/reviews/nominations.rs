//! Peer nomination: the reviewee chooses colleagues, the manager approves, declines or adds.

use super::*;

#[server(prefix = "/api", endpoint = "get_nominations")]
pub async fn get_nominations(participant_id: ParticipantId) -> AppResult<Nominations> {
    use crate::auth::{current_user, state};
    use crate::error::AppError;
    use crate::store;
    let user = current_user()?;
    let pool = &state().pool;
    let p = support::participant(pool, participant_id).await?;
    let who = support::standing(pool, &user, &p).await?;
    if !policy::may_see_nominations(&user, who) {
        return Err(AppError::not_found("That review"));
    }
    let cycle = support::cycle(pool, p.cycle_id).await?;
    if !cycle.has(ReviewerType::Peer) {
        return Err(AppError::not_found("Peer nomination for that cycle"));
    }
    let chosen = store::reviews::nominations(pool, p.id).await?;
    let mut options: Vec<PeerOption> = chosen
        .iter()
        .map(|n| PeerOption {
            id: n.reviewer_id,
            name: n.name.clone(),
            title: n.title.clone(),
            // Whether an approved peer has written yet is nobody's business here: it
            // would tell which answer in the combined view is whose.
            state: AssignmentState::parse(&n.state).map(|state| match state {
                AssignmentState::Draft | AssignmentState::Submitted => AssignmentState::Pending,
                other => other,
            }),
        })
        .collect();
    for colleague in store::reviews::colleagues(pool, p.person_id, 40).await? {
        if !options.iter().any(|o| o.id == colleague.0) {
            options.push(PeerOption {
                id: colleague.0,
                name: colleague.1,
                title: colleague.2,
                state: None,
            });
        }
    }
    Ok(Nominations {
        participant_id,
        person_name: p.person_name,
        cycle_name: cycle.name.clone(),
        cycle_state: cycle.state,
        due: cycle.nomination_due.clone(),
        peer_min: cycle.peer_min,
        peer_max: cycle.peer_max,
        options,
        viewer_is_reviewee: who.is_reviewee(),
        viewer_is_manager: policy::may_decide_peers(&user, who),
        may_change: match cycle.state {
            CycleState::Nomination => policy::may_decide_peers(&user, who),
            CycleState::Writing => policy::may_change_frozen_peers(&user, who),
            _ => false,
        },
    })
}

/// The reviewee proposes their peer reviewers (between the cycle's minimum and maximum, counted
/// with those already approved, in the transaction that writes them, as is the phase).
#[server(prefix = "/api", endpoint = "nominate_peers")]
pub async fn nominate_peers(
    participant_id: ParticipantId,
    peers: Option<Vec<String>>,
) -> AppResult<()> {
    use crate::auth::{current_user, state};
    use crate::error::AppError;
    use crate::store;
    let user = current_user()?;
    let pool = &state().pool;
    let p = support::participant(pool, participant_id).await?;
    if !policy::may_nominate_peers(support::standing(pool, &user, &p).await?) {
        return Err(AppError::not_found("That review"));
    }
    let cycle = support::cycle(pool, p.cycle_id).await?;
    let mut ids: Vec<i64> = Vec::new();
    for text in peers.unwrap_or_default() {
        let id = support::parse_id(&text, "That colleague")?;
        if id == user.id {
            return Err(AppError::invalid(
                "peers",
                "You cannot review yourself as a peer.",
            ));
        }
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    for id in &ids {
        match store::people::card(pool, *id).await? {
            Some(card) if card.status == keel_core::people::EmploymentStatus::Active => {}
            _ => {
                return Err(AppError::invalid(
                    "peers",
                    "Choose colleagues from the list.",
                ))
            }
        }
        if Some(*id) == p.manager_id {
            return Err(AppError::invalid(
                "peers",
                "Your manager writes the manager review; choose colleagues as peers.",
            ));
        }
    }
    let nominations = store::reviews::nominations(pool, p.id).await?;
    if let Some(declined) = nominations
        .iter()
        .find(|n| n.state == "declined" && ids.contains(&n.reviewer_id))
    {
        return Err(AppError::invalid(
            "peers",
            format!(
                "Your manager declined {}; choose someone else.",
                declined.name
            ),
        ));
    }
    store::reviews::nominate(pool, &p, &cycle, &ids).await
}

/// The manager approves or declines a nominated peer, or adds one by e-mail, while nomination
/// is open. When writing opens the set is frozen: only HR changes it, the minimum is
/// rechecked and the change audited. The reply never depends on whether a peer has started
/// writing: approving an approved peer succeeds, and declining one discards nothing they wrote.
#[server(prefix = "/api", endpoint = "decide_peer")]
pub async fn decide_peer(
    participant_id: ParticipantId,
    peer: String,
    decision: PeerDecision,
) -> AppResult<()> {
    use crate::auth::{current_user, state};
    use crate::error::AppError;
    use crate::store;
    let user = current_user()?;
    let pool = &state().pool;
    let p = support::participant(pool, participant_id).await?;
    let who = support::standing(pool, &user, &p).await?;
    policy::check(policy::may_decide_peers(&user, who))?;
    let cycle = support::cycle(pool, p.cycle_id).await?;
    // Whether the phase allows it is decided in the transaction that writes the decision.
    let may_change_frozen = policy::may_change_frozen_peers(&user, who);
    let peer = peer.trim();
    let peer_id = match peer.parse::<i64>() {
        Ok(id) => id,
        Err(_) => store::people::active_id_by_email(pool, &peer.to_lowercase())
            .await?
            .ok_or_else(|| AppError::invalid("peer", "No active person has that e-mail."))?,
    };
    if peer_id == p.person_id {
        return Err(AppError::invalid(
            "peer",
            "People do not review themselves as peers.",
        ));
    }
    if Some(peer_id) == p.manager_id || peer_id == user.id {
        return Err(AppError::invalid(
            "peer",
            "The manager writes the manager review; peers are colleagues.",
        ));
    }
    match store::people::card(pool, peer_id).await? {
        Some(card) if card.status == keel_core::people::EmploymentStatus::Active => {}
        _ => {
            return Err(AppError::invalid(
                "peer",
                "No active person has that e-mail.",
            ))
        }
    }
    store::reviews::decide_nomination(
        pool,
        &p,
        &cycle,
        peer_id,
        decision == PeerDecision::Approve,
        may_change_frozen,
        user.id,
    )
    .await
}
