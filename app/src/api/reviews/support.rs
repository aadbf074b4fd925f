//! Server-side helpers the review functions share: who the caller is to a review, reading a
//! cycle or template version once, and the one place anonymous answers are aggregated.

use super::*;
use crate::auth::policy::{self, ReviewStanding};
use crate::auth::state;
use crate::error::AppError;
use crate::store::reviews::{ParticipantRow, TemplateVersion};
use crate::store::{self, Pool};
use keel_core::people::CurrentUser;
use keel_core::reviews::{
    anonymous_view, overall_score, template_problems, withheld_while_writing,
};

pub fn today() -> i64 {
    store::now().div_euclid(86_400)
}

/// `Forbidden` unless the user administers reviews (`policy::may_administer_reviews`).
pub fn require_hr(user: &CurrentUser) -> AppResult<()> {
    policy::check(policy::may_administer_reviews(user))
}

pub fn parse_id(text: &str, what: &str) -> AppResult<i64> {
    text.trim()
        .parse::<i64>()
        .map_err(|_| AppError::not_found(what))
}

pub async fn cycle(pool: &Pool, id: CycleId) -> AppResult<Cycle> {
    store::reviews::cycle(pool, id)
        .await?
        .ok_or_else(|| AppError::not_found("That review cycle"))
}

pub async fn version(pool: &Pool, id: i64) -> AppResult<TemplateVersion> {
    store::reviews::version(pool, id)
        .await?
        .ok_or_else(|| AppError::not_found("That template version"))
}

/// `seen[id]`, loaded the first time it is asked for: pages that meet the same few cycles
/// or template versions on many rows read each once.
pub async fn read_once<T, F>(
    seen: &mut std::collections::BTreeMap<i64, T>,
    id: i64,
    load: impl FnOnce() -> F,
) -> AppResult<&T>
where
    F: std::future::Future<Output = AppResult<T>>,
{
    use std::collections::btree_map::Entry;
    match seen.entry(id) {
        Entry::Occupied(known) => Ok(known.into_mut()),
        Entry::Vacant(slot) => Ok(slot.insert(load().await?)),
    }
}

pub fn template_item(t: &TemplateVersion, scales: &[RatingScale]) -> TemplateItem {
    TemplateItem {
        id: t.template_id,
        name: t.name.clone(),
        version: t.version,
        frozen: t.frozen,
        questions: t.definition.question_count(),
        problems: template_problems(&t.definition, scales).len(),
    }
}

/// The signed-in user if they are HR.
pub fn hr() -> AppResult<CurrentUser> {
    let user = crate::auth::current_user()?;
    require_hr(&user)?;
    Ok(user)
}

/// Applies one builder change to a template (see `store::reviews::edit_definition`). Only
/// HR builds templates.
pub async fn edit_template(
    template_id: TemplateId,
    version: i64,
    change: impl FnOnce(&mut TemplateDefinition) -> AppResult<()>,
) -> AppResult<()> {
    let user = hr()?;
    store::reviews::edit_definition(&state().pool, template_id, version, None, change, user.id)
        .await?;
    Ok(())
}

/// A scale id chosen in the builder must be one of the scales.
pub async fn check_scale(pool: &Pool, id: Option<i64>, field: &str) -> AppResult<()> {
    let Some(id) = id else { return Ok(()) };
    if store::reviews::scales(pool)
        .await?
        .iter()
        .any(|s| s.id == id)
    {
        Ok(())
    } else {
        Err(AppError::invalid(field, "Choose a scale from the list."))
    }
}

/// How `user` stands to the reviewee of `p` (see `policy::ReviewStanding`).
pub async fn standing(
    pool: &Pool,
    user: &CurrentUser,
    p: &ParticipantRow,
) -> AppResult<ReviewStanding> {
    let relation = crate::auth::relation(pool, user, p.person_id).await?;
    Ok(ReviewStanding {
        is_launch_manager: !relation.is_self && p.manager_id == Some(user.id),
        relation,
    })
}

pub async fn participant(pool: &Pool, id: ParticipantId) -> AppResult<ParticipantRow> {
    store::reviews::participant(pool, id)
        .await?
        .ok_or_else(|| AppError::not_found("That review"))
}

/// The reviews of a participant as anyone may see them: named reviews for self, manager
/// and non-anonymous peers and upward reviewers; anonymous types only aggregated, only after
/// writing has closed, only from the cycle's threshold of reviewers up and each question from
/// that many non-empty answers up. This is the one place answers leave the server for a
/// reviewee, their managers or HR.
pub async fn reviews_for(
    pool: &Pool,
    cycle: &Cycle,
    p: &ParticipantRow,
    version: &TemplateVersion,
    scales: &[RatingScale],
) -> AppResult<(Vec<NamedReview>, Vec<AnonymousSection>)> {
    let submitted = store::reviews::submitted_reviews(pool, p.id).await?;
    let def = &version.definition;
    let mut named = Vec::new();
    for kind in ReviewerType::ALL
        .iter()
        .copied()
        .filter(|k| !cycle.is_anonymous(*k))
    {
        for (_, _, name, answers) in submitted.iter().filter(|(k, ..)| *k == kind) {
            named.push(NamedReview {
                kind,
                reviewer: name.clone(),
                answers: def
                    .questions()
                    .filter(|q| q.asks(kind))
                    .map(|q| {
                        let text = answers
                            .get(&q.key)
                            .map(|a| answer_text(q, a, scales))
                            .unwrap_or_else(|| "Not answered".into());
                        (q.prompt.clone(), text)
                    })
                    .collect(),
                score: overall_score(def, scales, answers),
            });
        }
    }
    let counts = store::reviews::review_counts(pool, p.id).await?;
    let mut anonymous = Vec::new();
    for kind in ReviewerType::ALL
        .iter()
        .copied()
        .filter(|k| cycle.has(*k) && cycle.is_anonymous(*k))
    {
        let expected = counts
            .iter()
            .find(|(k, ..)| k == kind.as_str())
            .map(|c| c.1)
            .unwrap_or(0);
        let reviewers = submitted.iter().filter(|(k, ..)| *k == kind).count();
        if expected == 0 && reviewers == 0 {
            continue;
        }
        let view = if matches!(cycle.state, CycleState::Nomination | CycleState::Writing) {
            // While reviews still arrive, each new one would change the aggregate (and how
            // many have arrived is a clue in itself): nothing anonymous is shown, not even a
            // count, until writing has closed.
            withheld_while_writing(kind, cycle.threshold())
        } else {
            let answers = store::reviews::anonymous_answers(pool, p.id, kind).await?;
            anonymous_view(def, scales, kind, cycle.threshold(), reviewers, &answers)
        };
        anonymous.push(AnonymousSection { kind, view });
    }
    Ok((named, anonymous))
}

/// An answer as a reader sees it: "4 · Exceeds" for ratings, the text otherwise.
pub fn answer_text(
    q: &keel_core::reviews::Question,
    answer: &str,
    scales: &[RatingScale],
) -> String {
    if q.kind.is_rated() {
        let scale = q.scale_id.and_then(|id| scales.iter().find(|s| s.id == id));
        match (scale, answer.parse::<i64>()) {
            (Some(s), Ok(v)) => format!("{v} · {}", s.label_of(v)),
            _ => answer.to_string(),
        }
    } else {
        answer.to_string()
    }
}

/// The overall scale of a template version (the first scale when none is set). With no
/// scale at all the data is damaged: an internal error, logged, never an invented scale.
pub fn overall_scale(version: &TemplateVersion, scales: &[RatingScale]) -> AppResult<RatingScale> {
    version
        .definition
        .overall_scale(scales)
        .cloned()
        .ok_or_else(|| {
            AppError::internal(format_args!(
                "template version {} has no overall scale",
                version.version_id
            ))
        })
}

pub fn rating_label(p: &ParticipantRow, scale: &RatingScale) -> Option<String> {
    let value = p
        .final_rating
        .or(p.proposed_rating.map(|r| scale.nearest(r)))?;
    Some(format!("{value} · {}", scale.label_of(value)))
}

/// Builds the full result view (used by the result page and the printout).
pub async fn result_page(
    pool: &Pool,
    user: &CurrentUser,
    p: ParticipantRow,
) -> AppResult<ResultPage> {
    let who = standing(pool, user, &p).await?;
    let released = p.released_at.is_some();
    if !policy::may_see_result(user, who, released) {
        // Before release a reviewee's own results do not exist for them.
        return Err(AppError::not_found("That review"));
    }
    let cycle = cycle(pool, p.cycle_id).await?;
    let version = version(pool, p.template_version_id).await?;
    let scales = store::reviews::scales(pool).await?;
    let scale = overall_scale(&version, &scales)?;
    let (named, anonymous) = reviews_for(pool, &cycle, &p, &version, &scales).await?;
    let changes = if policy::may_see_rating_changes(user, who) {
        store::reviews::rating_changes(pool, p.id)
            .await?
            .into_iter()
            .map(|c| RatingChangeView {
                actor: c.actor_name,
                before: c.before_rating,
                after: format!("{} · {}", c.after_rating, scale.label_of(c.after_rating)),
                justification: c.justification,
                at: c.at,
            })
            .collect()
    } else {
        vec![]
    };
    Ok(ResultPage {
        participant_id: p.id,
        rating: rating_label(&p, &scale),
        person_name: p.person_name.clone(),
        person_title: p.person_title.clone(),
        department: p.department.clone(),
        manager_name: p.manager_name.clone(),
        cycle_name: cycle.name.clone(),
        period: format!("{} to {}", cycle.starts_on, cycle.ends_on),
        released,
        proposed: p.proposed_rating,
        named,
        anonymous,
        employee_comment: p.employee_comment.clone(),
        acknowledged_at: p.acknowledged_at,
        signed_off_at: p.signed_off_at,
        viewer_is_reviewee: who.is_reviewee(),
        viewer_is_manager: who.is_line_manager(),
        changes,
    })
}

/// The rating a list shows for a participant, on their template's overall scale.
pub fn label_for(
    p: &ParticipantRow,
    versions: &BTreeMap<i64, TemplateVersion>,
    scales: &[RatingScale],
) -> AppResult<Option<String>> {
    let Some(version) = versions.get(&p.template_version_id) else {
        return Ok(None);
    };
    Ok(rating_label(p, &overall_scale(version, scales)?))
}
