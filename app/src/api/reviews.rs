//! Review cycles: HR's scales, templates and cycles; writing reviews; peer nomination;
//! calibration; release, acknowledgement and sign-off; and the notification centre.
//!
//! Anonymity is enforced here, in one function (`support::reviews_for`): anonymous peer and
//! upward answers leave the server only aggregated, without names, and only from three
//! reviewers of a type up; their authors appear in no reply, export or audit row.

use crate::error::{AppResult, FieldError};
use keel_core::goals::GoalSummary;
use keel_core::people::{DepartmentId, PersonId};
use keel_core::reviews::{
    AnonymousView, Answers, AssignmentId, AssignmentState, AssignmentSummary, Cycle, CycleForm,
    CycleId, CycleState, MoveDirection, ParticipantId, PeerDecision, QuestionForm, QuestionKind,
    RatingScale, ReviewerType, SaveIntent, Section, TemplateDefinition, TemplateId,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

// ---------------------------------------------------------------------------------------------
// What the pages get

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TemplateItem {
    pub id: TemplateId,
    pub name: String,
    pub version: i64,
    pub frozen: bool,
    pub questions: usize,
    pub problems: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CycleItem {
    pub cycle: Cycle,
    pub participants: i64,
}

/// HR's overview: cycles, templates, scales.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReviewAdminPage {
    pub cycles: Vec<CycleItem>,
    pub templates: Vec<TemplateItem>,
    pub scales: Vec<RatingScale>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BuilderPage {
    pub template_id: TemplateId,
    pub name: String,
    pub version: i64,
    /// A cycle uses this version: the next change writes a new version.
    pub frozen: bool,
    pub definition: TemplateDefinition,
    pub scales: Vec<RatingScale>,
    /// What keeps it from being used, each at its place (`questions[q3]`, …).
    pub problems: Vec<FieldError>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CycleFormData {
    pub templates: Vec<TemplateItem>,
    pub departments: Vec<(i64, String)>,
    /// The top-level departments, which may get a template of their own.
    pub top_departments: Vec<(i64, String)>,
    pub periods: Vec<(i64, String)>,
}

/// Completion of one reviewer type in one department.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KindProgress {
    pub kind: ReviewerType,
    pub total: i64,
    pub submitted: i64,
    pub late: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DepartmentProgress {
    pub department_id: i64,
    pub department: String,
    pub participants: i64,
    pub nominated: i64,
    pub kinds: Vec<KindProgress>,
    pub released: i64,
    pub acknowledged: i64,
    pub signed_off: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CyclePage {
    pub cycle: Cycle,
    pub template_name: String,
    pub template_version: i64,
    pub participants: i64,
    pub departments: Vec<DepartmentProgress>,
    pub totals: Vec<KindProgress>,
    pub next_phase: Option<CycleState>,
    pub past_due: bool,
    /// Reviews still to write (pending or draft), all reviewer types together.
    pub outstanding_reviews: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistogramGroup {
    pub id: i64,
    pub name: String,
    /// Reviewees per point of the overall scale, lowest first.
    pub counts: Vec<i64>,
    /// Reviewees without a manager review yet.
    pub unrated: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CalibrationRow {
    pub participant_id: ParticipantId,
    pub person_id: PersonId,
    pub name: String,
    pub title: String,
    pub department: String,
    pub manager: Option<String>,
    pub proposed: Option<f64>,
    pub final_rating: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CalibrationPage {
    pub cycle: Cycle,
    pub scale: RatingScale,
    /// The whole selection, then one group per department (or per manager when a department
    /// is chosen).
    pub overall: HistogramGroup,
    pub groups: Vec<HistogramGroup>,
    pub groups_by_manager: bool,
    pub rows: Vec<CalibrationRow>,
    pub total: i64,
    pub page: i64,
    pub page_size: i64,
    pub departments: Vec<(i64, String)>,
    pub managers: Vec<(i64, String)>,
    pub can_change: bool,
}

/// A review someone has to write, or a nomination to make or approve.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NominationTask {
    pub participant_id: ParticipantId,
    pub cycle_name: String,
    pub person_name: String,
    pub due: Option<String>,
    pub nominated: usize,
    pub approved: usize,
    pub for_manager: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResultLink {
    pub participant_id: ParticipantId,
    pub cycle_name: String,
    pub person_name: String,
    pub released: bool,
    pub acknowledged: bool,
    pub signed_off: bool,
    pub rating: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MyReviewsPage {
    pub to_write: Vec<AssignmentSummary>,
    pub nominations: Vec<NominationTask>,
    pub mine: Vec<ResultLink>,
    pub team: Vec<ResultLink>,
    pub is_hr: bool,
}

/// The page a reviewer writes on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WritePage {
    pub assignment_id: AssignmentId,
    pub cycle_name: String,
    pub kind: ReviewerType,
    pub state: AssignmentState,
    pub reviewee_id: PersonId,
    pub reviewee_name: String,
    pub reviewee_title: String,
    pub writing_due: String,
    pub past_due: bool,
    pub anonymous: bool,
    /// Only the questions this reviewer type answers.
    pub sections: Vec<Section>,
    pub scales: Vec<RatingScale>,
    pub answers: Answers,
    pub saved_at: Option<i64>,
    pub goals: Vec<GoalSummary>,
    pub goal_period: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Saved {
    pub saved_at: i64,
    pub submitted: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PeerOption {
    pub id: PersonId,
    pub name: String,
    pub title: String,
    /// Awaiting approval, approved ("Not started" etc.) or declined; `None` when not chosen.
    pub state: Option<AssignmentState>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Nominations {
    pub participant_id: ParticipantId,
    pub person_name: String,
    pub cycle_name: String,
    pub cycle_state: CycleState,
    pub due: Option<String>,
    pub peer_min: i64,
    pub peer_max: i64,
    /// The chosen peers first, then colleagues to choose from.
    pub options: Vec<PeerOption>,
    pub viewer_is_reviewee: bool,
    pub viewer_is_manager: bool,
}

/// One named review (self, manager, or non-anonymous peer/upward): (prompt, answer text).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NamedReview {
    pub kind: ReviewerType,
    pub reviewer: String,
    pub answers: Vec<(String, String)>,
    pub score: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnonymousSection {
    pub kind: ReviewerType,
    pub view: AnonymousView,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RatingChangeView {
    pub actor: String,
    pub before: Option<f64>,
    pub after: String,
    pub justification: String,
    pub at: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResultPage {
    pub participant_id: ParticipantId,
    pub person_name: String,
    pub person_title: String,
    pub department: String,
    pub manager_name: Option<String>,
    pub cycle_name: String,
    pub period: String,
    pub released: bool,
    pub rating: Option<String>,
    pub proposed: Option<f64>,
    pub named: Vec<NamedReview>,
    pub anonymous: Vec<AnonymousSection>,
    pub employee_comment: Option<String>,
    pub acknowledged_at: Option<i64>,
    pub signed_off_at: Option<i64>,
    pub viewer_is_reviewee: bool,
    pub viewer_is_manager: bool,
    pub changes: Vec<RatingChangeView>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Notification {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub link: String,
    pub created_at: i64,
    pub read: bool,
}

/// Calibration rows per page.
pub const CALIBRATION_PAGE: i64 = 50;
/// At most this many reviews go into one printout.
pub const PRINT_LIMIT: i64 = 200;

#[cfg(feature = "ssr")]
pub(crate) mod support {
    use super::*;
    use crate::auth::state;
    use crate::error::AppError;
    use crate::store::reviews::{ParticipantRow, TemplateVersion};
    use crate::store::{self, Pool};
    use keel_core::people::CurrentUser;
    use keel_core::reviews::{anonymous_view, overall_score, template_problems};

    pub fn today() -> i64 {
        store::now().div_euclid(86_400)
    }

    pub fn require_hr(user: &CurrentUser) -> AppResult<()> {
        if user.is_hr() {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
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

    /// How the viewer stands to a reviewee: themselves, somewhere above them, HR.
    pub struct Standing {
        pub is_reviewee: bool,
        pub is_manager: bool,
        pub is_hr: bool,
    }

    pub async fn standing(
        pool: &Pool,
        user: &CurrentUser,
        p: &ParticipantRow,
    ) -> AppResult<Standing> {
        let is_reviewee = p.person_id == user.id;
        let is_manager = !is_reviewee
            && (p.manager_id == Some(user.id)
                || store::people::reports_to(pool, p.person_id, user.id).await?);
        Ok(Standing {
            is_reviewee,
            is_manager,
            is_hr: user.is_hr(),
        })
    }

    pub async fn participant(pool: &Pool, id: ParticipantId) -> AppResult<ParticipantRow> {
        store::reviews::participant(pool, id)
            .await?
            .ok_or_else(|| AppError::not_found("That review"))
    }

    /// The reviews of a participant as anyone may see them: named reviews for self, manager
    /// and non-anonymous peers and upward reviewers; anonymous types only aggregated, and only
    /// from `ANONYMITY_THRESHOLD` reviewers up. This is the one place answers leave the server
    /// for a reviewee, their managers or HR.
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
            let sets: Vec<Answers> = submitted
                .iter()
                .filter(|(k, ..)| *k == kind)
                .map(|(_, _, _, a)| a.clone())
                .collect();
            let expected = counts
                .iter()
                .find(|(k, ..)| k == kind.as_str())
                .map(|c| c.1)
                .unwrap_or(0);
            if expected == 0 && sets.is_empty() {
                continue;
            }
            let view = if matches!(cycle.state, CycleState::Nomination | CycleState::Writing) {
                // While reviews still arrive, each new one would change the aggregate and so
                // could be singled out: nothing anonymous is shown until writing has closed.
                let noun = kind.label().to_lowercase();
                AnonymousView::Withheld {
                    reviewers: sets.len(),
                    reason: format!(
                        "{} {noun} review{} submitted so far. Anonymous answers are shown only when at least {} {noun} reviewers have answered, and only after writing has closed, so that nobody can be identified.",
                        sets.len(),
                        if sets.len() == 1 { " was" } else { "s were" },
                        keel_core::reviews::ANONYMITY_THRESHOLD,
                    ),
                }
            } else {
                anonymous_view(def, scales, kind, &sets)
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
    pub fn overall_scale(
        version: &TemplateVersion,
        scales: &[RatingScale],
    ) -> AppResult<RatingScale> {
        version.definition.overall_scale(scales).cloned().ok_or_else(|| {
            let correlation_id = store::new_correlation_id();
            tracing::error!(%correlation_id, version = version.version_id, "template version has no overall scale");
            AppError::Internal { correlation_id }
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
        if !(who.is_hr || who.is_manager || (who.is_reviewee && released)) {
            // Before release a reviewee's own results do not exist for them.
            return Err(AppError::not_found("That review"));
        }
        let cycle = cycle(pool, p.cycle_id).await?;
        let version = version(pool, p.template_version_id).await?;
        let scales = store::reviews::scales(pool).await?;
        let scale = overall_scale(&version, &scales)?;
        let (named, anonymous) = reviews_for(pool, &cycle, &p, &version, &scales).await?;
        let changes = if who.is_hr || who.is_manager {
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
            viewer_is_reviewee: who.is_reviewee,
            viewer_is_manager: who.is_manager,
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
}

// ---------------------------------------------------------------------------------------------
// HR: scales, templates, cycles

#[server(prefix = "/api", endpoint = "review_admin")]
pub async fn review_admin() -> AppResult<ReviewAdminPage> {
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
    let cycles = store::reviews::cycles(pool)
        .await?
        .into_iter()
        .map(|(cycle, participants)| CycleItem {
            cycle,
            participants,
        })
        .collect();
    Ok(ReviewAdminPage {
        cycles,
        templates,
        scales,
    })
}

/// HR adds a rating scale: a name and one point per line ("Label: description").
#[server(prefix = "/api", endpoint = "create_rating_scale")]
pub async fn create_rating_scale(name: String, points: String) -> AppResult<()> {
    use crate::auth::state;
    use crate::error::AppError;
    let user = support::hr()?;
    let (name, points) =
        keel_core::reviews::parse_scale(&name, &points).map_err(AppError::Invalid)?;
    crate::store::reviews::create_scale(&state().pool, &name, &points, user.id).await?;
    Ok(())
}

/// HR starts a template and opens the builder.
#[server(prefix = "/api", endpoint = "create_review_template")]
pub async fn create_review_template(name: String, scale_id: String) -> AppResult<()> {
    use crate::auth::state;
    use crate::error::AppError;
    let user = support::hr()?;
    let pool = &state().pool;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 120 {
        return Err(AppError::invalid(
            "name",
            "Give the template a name (up to 120 characters).",
        ));
    }
    let scales = crate::store::reviews::scales(pool).await?;
    let scale = scale_id
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|id| scales.iter().any(|s| s.id == *id));
    if scale.is_none() {
        return Err(AppError::invalid(
            "scale_id",
            "Choose the scale for the overall rating.",
        ));
    }
    let definition = TemplateDefinition {
        overall_scale_id: scale,
        ..Default::default()
    };
    let id = crate::store::reviews::create_template(pool, name, &definition, user.id).await?;
    leptos_axum::redirect(&format!("/reviews/templates/{id}"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "template_builder")]
pub async fn template_builder(template_id: TemplateId) -> AppResult<BuilderPage> {
    use crate::auth::state;
    use crate::error::AppError;
    use crate::store;
    support::hr()?;
    let pool = &state().pool;
    let latest = store::reviews::latest_version(pool, template_id)
        .await?
        .ok_or_else(|| AppError::not_found("That template"))?;
    let scales = store::reviews::scales(pool).await?;
    let problems = keel_core::reviews::template_problems(&latest.definition, &scales);
    Ok(BuilderPage {
        template_id,
        name: latest.name,
        version: latest.version,
        frozen: latest.frozen,
        definition: latest.definition,
        scales,
        problems,
    })
}

/// The template's name, overall scale and declared weight total.
#[server(prefix = "/api", endpoint = "template_settings")]
pub async fn template_settings(
    template_id: TemplateId,
    version: i64,
    name: String,
    overall_scale_id: String,
    weights_total: String,
) -> AppResult<()> {
    use crate::error::AppError;
    let user = support::hr()?;
    let pool = &crate::auth::state().pool;
    let name = name.trim().to_string();
    if name.is_empty() || name.chars().count() > 120 {
        return Err(AppError::invalid(
            "name",
            "Give the template a name (up to 120 characters).",
        ));
    }
    let total = match weights_total.trim() {
        "" => None,
        t => Some(t.parse::<u32>().map_err(|_| {
            AppError::invalid(
                "weights_total",
                "Enter a whole number, or leave it empty for relative weights.",
            )
        })?),
    };
    let scale = overall_scale_id.trim().parse::<i64>().ok();
    support::check_scale(pool, scale, "overall_scale_id").await?;
    crate::store::reviews::edit_definition(
        pool,
        template_id,
        version,
        Some(&name),
        |def| {
            def.overall_scale_id = scale;
            def.weights_total = total;
            Ok(())
        },
        user.id,
    )
    .await?;
    Ok(())
}

#[server(prefix = "/api", endpoint = "add_template_section")]
pub async fn add_template_section(
    template_id: TemplateId,
    version: i64,
    title: String,
) -> AppResult<()> {
    use crate::error::AppError;
    support::hr()?;
    let title = title.trim().to_string();
    if title.is_empty() || title.chars().count() > 120 {
        return Err(AppError::invalid(
            "title",
            "Give the section a title (up to 120 characters).",
        ));
    }
    support::edit_template(template_id, version, |def| {
        def.add_section(&title);
        Ok(())
    })
    .await
}

#[server(prefix = "/api", endpoint = "rename_template_section")]
pub async fn rename_template_section(
    template_id: TemplateId,
    version: i64,
    key: String,
    title: String,
) -> AppResult<()> {
    use crate::error::AppError;
    support::hr()?;
    let title = title.trim().to_string();
    if title.is_empty() || title.chars().count() > 120 {
        return Err(AppError::invalid(
            "title",
            "Give the section a title (up to 120 characters).",
        ));
    }
    support::edit_template(template_id, version, |def| {
        let section = def
            .section_mut(&key)
            .ok_or_else(|| AppError::not_found("That section"))?;
        section.title = title;
        Ok(())
    })
    .await
}

#[server(prefix = "/api", endpoint = "add_template_question")]
pub async fn add_template_question(
    template_id: TemplateId,
    version: i64,
    section: String,
    kind: QuestionKind,
    prompt: String,
) -> AppResult<()> {
    use crate::error::AppError;
    support::hr()?;
    let prompt = prompt.trim().to_string();
    if prompt.is_empty() || prompt.chars().count() > 500 {
        return Err(AppError::invalid(
            "prompt",
            "Write the question (up to 500 characters).",
        ));
    }
    support::edit_template(template_id, version, |def| {
        def.add_question(&section, kind, &prompt)
            .map(|_| ())
            .ok_or_else(|| AppError::not_found("That section"))
    })
    .await
}

#[server(prefix = "/api", endpoint = "update_template_question")]
pub async fn update_template_question(
    template_id: TemplateId,
    version: i64,
    key: String,
    question: QuestionForm,
) -> AppResult<()> {
    use crate::error::AppError;
    support::hr()?;
    support::edit_template(template_id, version, |def| {
        let q = def
            .question_mut(&key)
            .ok_or_else(|| AppError::not_found("That question"))?;
        keel_core::reviews::apply_question_form(q, &question).map_err(AppError::Invalid)
    })
    .await
}

/// Moves a section or question one place up or down (`direction` is "up" or "down").
#[server(prefix = "/api", endpoint = "move_template_item")]
pub async fn move_template_item(
    template_id: TemplateId,
    version: i64,
    key: String,
    direction: MoveDirection,
) -> AppResult<()> {
    use crate::error::AppError;
    support::hr()?;
    support::edit_template(template_id, version, |def| {
        if def.shift(&key, direction.step()) {
            Ok(())
        } else {
            Err(AppError::Conflict(
                "That is already as far as it can go.".into(),
            ))
        }
    })
    .await
}

#[server(prefix = "/api", endpoint = "remove_template_item")]
pub async fn remove_template_item(
    template_id: TemplateId,
    version: i64,
    key: String,
) -> AppResult<()> {
    use crate::error::AppError;
    support::hr()?;
    support::edit_template(template_id, version, |def| {
        if def.remove(&key) {
            Ok(())
        } else {
            Err(AppError::not_found("That item"))
        }
    })
    .await
}

#[server(prefix = "/api", endpoint = "duplicate_review_template")]
pub async fn duplicate_review_template(template_id: TemplateId, name: String) -> AppResult<()> {
    use crate::auth::state;
    use crate::error::AppError;
    let user = support::hr()?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 120 {
        return Err(AppError::invalid(
            "name",
            "Give the copy a name (up to 120 characters).",
        ));
    }
    let id = crate::store::reviews::duplicate_template(&state().pool, template_id, name, user.id)
        .await?;
    leptos_axum::redirect(&format!("/reviews/templates/{id}"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "cycle_form_options")]
pub async fn cycle_form_options() -> AppResult<CycleFormData> {
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
#[server(prefix = "/api", endpoint = "review_cycle")]
pub async fn review_cycle(cycle_id: CycleId) -> AppResult<CyclePage> {
    use crate::auth::state;
    use crate::store;
    use keel_core::reviews::past_due;
    support::hr()?;
    let pool = &state().pool;
    let cycle = support::cycle(pool, cycle_id).await?;
    let version = support::version(pool, cycle.template_version_id).await?;
    let past = cycle.state == CycleState::Writing && past_due(&cycle.writing_due, support::today());
    let counts = store::reviews::progress(pool, cycle_id, past).await?;
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
                KindProgress {
                    kind,
                    total,
                    submitted,
                    late,
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

// ---------------------------------------------------------------------------------------------
// Calibration

#[server(prefix = "/api", endpoint = "calibration")]
pub async fn calibration(
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
    if !(user.is_hr() || user.is_manager) {
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
        within_org_of: (!user.is_hr()).then_some(user.id),
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
    let departments = if user.is_hr() {
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
        cycle,
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
    if !(who.is_hr || who.is_manager) || who.is_reviewee {
        return Err(AppError::Forbidden);
    }
    let cycle = support::cycle(pool, p.cycle_id).await?;
    if cycle.state != CycleState::Calibration {
        return Err(AppError::Conflict(
            "Ratings change only while the cycle is in calibration.".into(),
        ));
    }
    if p.released_at.is_some() {
        return Err(AppError::Conflict(format!(
            "{}'s results have been released; the rating can no longer change.",
            p.person_name
        )));
    }
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

// ---------------------------------------------------------------------------------------------
// Reviewers and reviewees

#[server(prefix = "/api", endpoint = "my_reviews")]
pub async fn my_reviews() -> AppResult<MyReviewsPage> {
    use crate::auth::{current_user, state};
    use crate::store;
    let user = current_user()?;
    let pool = &state().pool;
    let scales = store::reviews::scales(pool).await?;
    let to_write = store::reviews::assignments_of(pool, user.id).await?;
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
#[server(prefix = "/api", endpoint = "review_form")]
pub async fn review_form(assignment_id: AssignmentId) -> AppResult<WritePage> {
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
    use keel_core::reviews::{check_answers, overall_score, past_due, Completeness};
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
    if !matches!(cycle.state, CycleState::Nomination | CycleState::Writing) {
        return Err(AppError::Conflict(format!(
            "Reviews for {} are closed: the cycle is in {}.",
            cycle.name,
            cycle.state.label().to_lowercase()
        )));
    }
    let submit = intent == SaveIntent::Submit;
    if submit && cycle.state != CycleState::Writing {
        return Err(AppError::Conflict(
            "Reviews can be submitted once the writing phase opens; your draft is kept.".into(),
        ));
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
    let saved_at =
        store::reviews::save_answers(pool, &a, &kept, submit, score, cycle.is_anonymous(a.kind()))
            .await?;
    if submit {
        leptos_axum::redirect("/reviews");
    }
    Ok(Saved {
        saved_at,
        submitted: submit,
    })
}

#[server(prefix = "/api", endpoint = "nomination_page")]
pub async fn nomination_page(participant_id: ParticipantId) -> AppResult<Nominations> {
    use crate::auth::{current_user, state};
    use crate::error::AppError;
    use crate::store;
    let user = current_user()?;
    let pool = &state().pool;
    let p = support::participant(pool, participant_id).await?;
    let who = support::standing(pool, &user, &p).await?;
    let viewer_is_manager = p.manager_id == Some(user.id) || who.is_hr;
    if !(who.is_reviewee || viewer_is_manager) {
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
        viewer_is_reviewee: who.is_reviewee,
        viewer_is_manager,
    })
}

/// The reviewee proposes their peer reviewers (between the cycle's minimum and maximum).
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
    if p.person_id != user.id {
        return Err(AppError::not_found("That review"));
    }
    let cycle = support::cycle(pool, p.cycle_id).await?;
    if cycle.state != CycleState::Nomination {
        return Err(AppError::Conflict(
            "Peer nomination for this cycle is closed.".into(),
        ));
    }
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
    let approved = store::reviews::nominations(pool, p.id)
        .await?
        .iter()
        .filter(|n| {
            n.state != "nominated" && n.state != "declined" && !ids.contains(&n.reviewer_id)
        })
        .count() as i64;
    let total = ids.len() as i64 + approved;
    if total < cycle.peer_min || total > cycle.peer_max {
        return Err(AppError::invalid(
            "peers",
            format!(
                "Choose between {} and {} peers ({} chosen).",
                cycle.peer_min, cycle.peer_max, total
            ),
        ));
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

/// The manager approves or declines a nominated peer, or adds one by e-mail.
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
    if !(p.manager_id == Some(user.id) || user.is_hr()) || p.person_id == user.id {
        return Err(AppError::Forbidden);
    }
    let cycle = support::cycle(pool, p.cycle_id).await?;
    if !matches!(cycle.state, CycleState::Nomination | CycleState::Writing) {
        return Err(AppError::Conflict(
            "Peer reviewers can no longer change in this cycle.".into(),
        ));
    }
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
        cycle.id,
        peer_id,
        decision == PeerDecision::Approve,
        user.id,
    )
    .await
}

/// A reviewee's results: for them once released; for their managers and HR at any time.
#[server(prefix = "/api", endpoint = "review_result")]
pub async fn review_result(participant_id: ParticipantId) -> AppResult<ResultPage> {
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
    if p.person_id != user.id || p.released_at.is_none() {
        return Err(AppError::not_found("That review"));
    }
    let comment = comment.trim();
    if comment.chars().count() > 5_000 {
        return Err(AppError::invalid(
            "comment",
            "Keep the comment under 5,000 characters.",
        ));
    }
    crate::store::reviews::acknowledge(pool, &p, comment).await
}

#[server(prefix = "/api", endpoint = "sign_off_review")]
pub async fn sign_off_review(participant_id: ParticipantId) -> AppResult<()> {
    use crate::auth::{current_user, state};
    use crate::error::AppError;
    let user = current_user()?;
    let pool = &state().pool;
    let p = support::participant(pool, participant_id).await?;
    let who = support::standing(pool, &user, &p).await?;
    if !who.is_manager {
        return Err(AppError::Forbidden);
    }
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
#[server(prefix = "/api", endpoint = "print_reviews")]
pub async fn print_reviews(
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
    for p in rows {
        pages.push(support::result_page(pool, &user, p).await?);
    }
    Ok(pages)
}

// ---------------------------------------------------------------------------------------------
// Notifications

#[server(prefix = "/api", endpoint = "notifications")]
pub async fn notifications() -> AppResult<Vec<Notification>> {
    use crate::auth::{current_user, state};
    let user = current_user()?;
    Ok(
        crate::store::reviews::notifications(&state().pool, user.id, 100)
            .await?
            .into_iter()
            .map(|n| Notification {
                id: n.id,
                title: n.title,
                body: n.body,
                link: n.link,
                created_at: n.created_at,
                read: n.read_at.is_some(),
            })
            .collect(),
    )
}

#[server(prefix = "/api", endpoint = "unread_notifications")]
pub async fn unread_notifications() -> AppResult<i64> {
    use crate::auth::{current_user, state};
    let user = current_user()?;
    crate::store::reviews::unread_count(&state().pool, user.id).await
}

/// Marks one notification read (or all, when `id` is empty).
#[server(prefix = "/api", endpoint = "mark_notifications_read")]
pub async fn mark_notifications_read(id: Option<i64>) -> AppResult<()> {
    use crate::auth::{current_user, state};
    let user = current_user()?;
    crate::store::reviews::mark_read(&state().pool, user.id, id).await
}

// ---------------------------------------------------------------------------------------------
// CSV export (a plain GET route, served by the server crate)

/// One CSV field: quoted when it holds a comma, quote or line break; a leading =, +, - or @
/// is defused so spreadsheets do not run it as a formula.
pub fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// The ratings of a cycle as CSV, for HR: one line per reviewee.
#[cfg(feature = "ssr")]
pub async fn ratings_csv(
    pool: &crate::store::Pool,
    user: &keel_core::people::CurrentUser,
    cycle_id: CycleId,
) -> AppResult<(String, String)> {
    use crate::store;
    support::require_hr(user)?;
    let cycle = support::cycle(pool, cycle_id).await?;
    let scales = store::reviews::scales(pool).await?;
    let mut versions: BTreeMap<i64, store::reviews::TemplateVersion> = BTreeMap::new();
    let mut out = String::from(
        "Name,Email,Department,Manager,Proposed rating,Final rating,Rating,Released,Acknowledged,Signed off\n",
    );
    let date = |at: Option<i64>| {
        at.map(|t| keel_core::calendar::date_from_days(t.div_euclid(86_400)))
            .unwrap_or_default()
    };
    for (p, email) in store::reviews::export_rows(pool, cycle_id).await? {
        support::read_once(&mut versions, p.template_version_id, || {
            support::version(pool, p.template_version_id)
        })
        .await?;
        let row = [
            p.person_name.clone(),
            email,
            p.department.clone(),
            p.manager_name.clone().unwrap_or_default(),
            p.proposed_rating
                .map(|r| format!("{r:.2}"))
                .unwrap_or_default(),
            p.final_rating.map(|r| r.to_string()).unwrap_or_default(),
            support::label_for(&p, &versions, &scales)?.unwrap_or_default(),
            date(p.released_at),
            date(p.acknowledged_at),
            date(p.signed_off_at),
        ];
        out.push_str(
            &row.iter()
                .map(|f| csv_field(f))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push('\n');
    }
    let file = format!(
        "{}-ratings.csv",
        cycle
            .name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            })
            .collect::<String>()
    );
    Ok((file, out))
}
