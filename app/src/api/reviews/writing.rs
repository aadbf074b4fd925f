//! Writing reviews: what a person has to write, read and sign, the review form, and saving
//! (draft, autosave, submit).

use super::*;

#[server(prefix = "/api", endpoint = "list_my_reviews")]
pub async fn list_my_reviews() -> AppResult<MyReviewsPage> {
    use crate::auth::{current_user, state};
    use crate::store;
    let user = current_user()?;
    let pool = &state().pool;
    let scales = store::reviews::scales(pool).await?;
    let to_write = store::reviews::assignments_of(pool, user.id)
        .await?
        .into_iter()
        .map(|r| AssignmentSummary {
            id: r.id,
            cycle_id: r.cycle_id,
            cycle_name: r.cycle_name,
            cycle_state: CycleState::parse(&r.cycle_state).unwrap_or(CycleState::Writing),
            kind: ReviewerType::parse(&r.kind).unwrap_or(ReviewerType::Peer),
            state: AssignmentState::parse(&r.state).unwrap_or(AssignmentState::Pending),
            reviewee_id: r.reviewee_id,
            reviewee_name: r.reviewee_name,
            writing_due: r.writing_due,
            saved_at: r.saved_at,
        })
        .collect();
    let mut nominations = Vec::new();
    let mut mine = Vec::new();
    let mut versions: BTreeMap<i64, crate::store::reviews::TemplateVersion> = BTreeMap::new();
    // A person's reviews span a few cycles: each is read once.
    let mut cycles: BTreeMap<i64, Cycle> = BTreeMap::new();
    for (p, cycle_name, state) in store::reviews::reviews_of(pool, user.id).await? {
        support::read_once(&mut versions, p.template_version_id, || {
            support::version(pool, p.template_version_id)
        })
        .await?;
        if state == CycleState::Nomination.as_str() {
            let cycle =
                support::read_once(&mut cycles, p.cycle_id, || support::cycle(pool, p.cycle_id))
                    .await?;
            let peers = store::reviews::nominations(pool, p.id).await?;
            nominations.push(NominationTask {
                participant_id: p.id,
                cycle_name: cycle_name.clone(),
                person_name: p.person_name.clone(),
                due: cycle.nomination_due.clone(),
                nominated: peers.iter().filter(|n| n.state == "nominated").count(),
                approved: peers
                    .iter()
                    .filter(|n| n.state != "nominated" && n.state != "declined")
                    .count(),
                for_manager: false,
            });
        }
        let released = p.released_at.is_some();
        mine.push(ResultLink {
            participant_id: p.id,
            cycle_name,
            person_name: p.person_name.clone(),
            released,
            acknowledged: p.acknowledged_at.is_some(),
            signed_off: p.signed_off_at.is_some(),
            rating: if released {
                support::label_for(&p, &versions, &scales)?
            } else {
                None
            },
        });
    }
    let mut team = Vec::new();
    for (p, cycle_name) in store::reviews::team_participants(pool, user.id).await? {
        support::read_once(&mut versions, p.template_version_id, || {
            support::version(pool, p.template_version_id)
        })
        .await?;
        let cycle =
            support::read_once(&mut cycles, p.cycle_id, || support::cycle(pool, p.cycle_id))
                .await?;
        if cycle.state == CycleState::Nomination {
            let peers = store::reviews::nominations(pool, p.id).await?;
            let waiting = peers.iter().filter(|n| n.state == "nominated").count();
            if waiting > 0 {
                nominations.push(NominationTask {
                    participant_id: p.id,
                    cycle_name: cycle_name.clone(),
                    person_name: p.person_name.clone(),
                    due: cycle.nomination_due.clone(),
                    nominated: waiting,
                    approved: peers
                        .iter()
                        .filter(|n| n.state != "nominated" && n.state != "declined")
                        .count(),
                    for_manager: true,
                });
            }
        }
        team.push(ResultLink {
            participant_id: p.id,
            cycle_name,
            person_name: p.person_name.clone(),
            released: p.released_at.is_some(),
            acknowledged: p.acknowledged_at.is_some(),
            signed_off: p.signed_off_at.is_some(),
            rating: support::label_for(&p, &versions, &scales)?,
        });
    }
    Ok(MyReviewsPage {
        to_write,
        nominations,
        mine,
        team,
        is_hr: user.is_hr(),
    })
}

/// A review to write (or, once submitted, to read back): only its reviewer may open it.
#[server(prefix = "/api", endpoint = "get_review_form")]
pub async fn get_review_form(assignment_id: AssignmentId) -> AppResult<WritePage> {
    use crate::auth::{current_user, state};
    use crate::error::AppError;
    use crate::store;
    use keel_core::reviews::past_due;
    let user = current_user()?;
    let pool = &state().pool;
    let a = store::reviews::assignment(pool, assignment_id)
        .await?
        .filter(|a| a.reviewer_id == user.id && a.state() != AssignmentState::Declined)
        .ok_or_else(|| AppError::not_found("That review"))?;
    let cycle = support::cycle(pool, a.cycle_id).await?;
    let version = support::version(pool, a.template_version_id).await?;
    let kind = a.kind();
    let sections: Vec<Section> = version
        .definition
        .sections
        .iter()
        .map(|s| Section {
            key: s.key.clone(),
            title: s.title.clone(),
            questions: s
                .questions
                .iter()
                .filter(|q| q.asks(kind))
                .cloned()
                .collect(),
        })
        .filter(|s| !s.questions.is_empty())
        .collect();
    let (goals, goal_period) = match cycle.goal_period_id {
        Some(period) => {
            let rows = store::goals::goals_of(pool, a.reviewee_id, period).await?;
            let rows = crate::api::goals::support::visible_only(pool, &user, rows).await?;
            let name = store::goals::period(pool, period).await?.map(|p| p.name);
            (
                rows.iter()
                    .map(|r| crate::api::goals::support::summarize(r, 0))
                    .collect(),
                name,
            )
        }
        None => (vec![], None),
    };
    Ok(WritePage {
        assignment_id,
        cycle_name: cycle.name.clone(),
        kind,
        state: a.state(),
        reviewee_id: a.reviewee_id,
        reviewee_name: a.reviewee_name.clone(),
        reviewee_title: a.reviewee_title.clone(),
        past_due: past_due(&cycle.writing_due, support::today()),
        writing_due: cycle.writing_due.clone(),
        anonymous: cycle.is_anonymous(kind),
        sections,
        scales: store::reviews::scales(pool).await?,
        answers: a.answers(),
        saved_at: a.saved_at,
        goals,
        goal_period,
    })
}

/// Saves a review's answers as a draft (`intent` "save", also the autosave) or submits them
/// (`intent` "submit": required answers checked, then it is final).
#[server(prefix = "/api", endpoint = "save_review")]
pub async fn save_review(
    assignment_id: AssignmentId,
    answers: Option<BTreeMap<String, String>>,
    intent: SaveIntent,
) -> AppResult<Saved> {
    use crate::auth::{current_user, state};
    use crate::error::AppError;
    use crate::store;
    use keel_core::reviews::{
        check_answers, overall_score, past_due, saving_refusal, Completeness,
    };
    let user = current_user()?;
    let pool = &state().pool;
    let a = store::reviews::assignment(pool, assignment_id)
        .await?
        .filter(|a| a.reviewer_id == user.id)
        .ok_or_else(|| AppError::not_found("That review"))?;
    match a.state() {
        AssignmentState::Submitted => {
            return Err(AppError::Conflict(
                "This review has already been submitted and can no longer be changed.".into(),
            ))
        }
        AssignmentState::Nominated | AssignmentState::Declined => {
            return Err(AppError::Conflict(
                "This peer review has not been approved by the manager.".into(),
            ))
        }
        _ => {}
    }
    let cycle = support::cycle(pool, a.cycle_id).await?;
    let submit = intent == SaveIntent::Submit;
    if let Some(refusal) = saving_refusal(&cycle.name, cycle.state, submit) {
        return Err(AppError::Conflict(refusal));
    }
    if submit && past_due(&cycle.writing_due, support::today()) {
        return Err(AppError::Conflict(format!(
            "The deadline for these reviews was {}; reviews can no longer be submitted. Your draft is kept.",
            cycle.writing_due
        )));
    }
    let version = support::version(pool, a.template_version_id).await?;
    let scales = store::reviews::scales(pool).await?;
    let answers: Answers = answers.unwrap_or_default().into_iter().collect();
    let completeness = if submit {
        Completeness::Submit
    } else {
        Completeness::Draft
    };
    let kept = check_answers(
        &version.definition,
        &scales,
        a.kind(),
        &answers,
        completeness,
    )
    .map_err(AppError::Invalid)?;
    let score = overall_score(&version.definition, &scales, &kept);
    let saved_at = store::reviews::save_answers(pool, &a, &cycle, &kept, submit, score).await?;
    if submit {
        leptos_axum::redirect("/reviews");
    }
    Ok(Saved {
        saved_at,
        submitted: submit,
    })
}
