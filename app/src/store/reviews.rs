//! Review cycles: rating scales, template versions, cycles and their launch, assignments and
//! answers, peer nominations, calibration, release and sign-off, and notifications. Every
//! change is one transaction with its audit row.
//!
//! Reads return what is stored, reviewer ids included: the API layer decides what a viewer may
//! see (anonymous authors never leave it). Audit rows about anonymous answers carry no actor.

use super::seed::{bulk_insert, Cell};
use super::{audit, internal, is_sqlite, now, sync_id_sequence, Pool, Tx};
use crate::error::{AppError, AppResult};
use keel_core::people::{DepartmentId, PersonId};
use keel_core::reviews::{
    parse_reviewer_types, reviewer_types_text, Answers, AssignmentId, AssignmentState,
    AssignmentSummary, Cycle, CycleId, CycleInput, CycleState, ParticipantId, ParticipantScope,
    RatingScale, ReviewerType, ScaleId, ScalePoint, TemplateDefinition, TemplateId, VersionId,
};
use serde_json::json;
use std::collections::{BTreeMap, HashMap, HashSet};

// ---------------------------------------------------------------------------------------------
// Rating scales

#[derive(sqlx::FromRow)]
struct ScaleRow {
    id: i64,
    name: String,
    points: String,
}

impl TryFrom<ScaleRow> for RatingScale {
    type Error = AppError;
    fn try_from(r: ScaleRow) -> AppResult<Self> {
        Ok(RatingScale {
            points: super::decode("rating_scales.points", r.id, &r.points)?,
            id: r.id,
            name: r.name,
        })
    }
}

pub async fn scales(pool: &Pool) -> AppResult<Vec<RatingScale>> {
    let rows =
        sqlx::query_as::<_, ScaleRow>("SELECT id, name, points FROM rating_scales ORDER BY name")
            .fetch_all(pool)
            .await
            .map_err(internal)?;
    rows.into_iter().map(RatingScale::try_from).collect()
}

pub async fn create_scale(
    pool: &Pool,
    name: &str,
    points: &[ScalePoint],
    actor: PersonId,
) -> AppResult<ScaleId> {
    let mut tx = super::begin_write(pool).await?;
    let points_json = serde_json::to_string(points).unwrap_or_else(|_| "[]".into());
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO rating_scales (name, points, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(name)
    .bind(&points_json)
    .bind(now())
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| super::on_unique(e, "name", "A scale with that name already exists."))?;
    audit::record(
        &mut tx,
        Some(actor),
        "scale.created",
        "rating_scale",
        id,
        None,
        Some(json!({ "name": name, "points": points })),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(id)
}

// ---------------------------------------------------------------------------------------------
// Templates

/// A template's latest version.
#[derive(Clone, Debug)]
pub struct TemplateVersion {
    pub template_id: TemplateId,
    pub name: String,
    pub version_id: VersionId,
    pub version: i64,
    pub frozen: bool,
    pub definition: TemplateDefinition,
}

#[derive(sqlx::FromRow)]
struct VersionRow {
    template_id: i64,
    name: String,
    version_id: i64,
    version: i64,
    frozen: i64,
    definition: String,
}

impl TryFrom<VersionRow> for TemplateVersion {
    type Error = AppError;
    fn try_from(r: VersionRow) -> AppResult<Self> {
        Ok(TemplateVersion {
            definition: super::decode("template_versions.definition", r.version_id, &r.definition)?,
            template_id: r.template_id,
            name: r.name,
            version_id: r.version_id,
            version: r.version,
            frozen: r.frozen != 0,
        })
    }
}

const VERSION_SELECT: &str = "SELECT t.id AS template_id, t.name, v.id AS version_id, v.version,
    v.frozen, v.definition FROM template_versions v JOIN review_templates t ON t.id = v.template_id";

/// Every template at its latest version, by name.
pub async fn templates(pool: &Pool) -> AppResult<Vec<TemplateVersion>> {
    let rows = sqlx::query_as::<_, VersionRow>(&format!(
        "{VERSION_SELECT} WHERE v.version = (SELECT MAX(version) FROM template_versions
            WHERE template_id = t.id) ORDER BY t.name"
    ))
    .fetch_all(pool)
    .await
    .map_err(internal)?;
    rows.into_iter().map(TemplateVersion::try_from).collect()
}

pub async fn latest_version(
    pool: &Pool,
    template: TemplateId,
) -> AppResult<Option<TemplateVersion>> {
    let row = sqlx::query_as::<_, VersionRow>(&format!(
        "{VERSION_SELECT} WHERE t.id = $1 ORDER BY v.version DESC LIMIT 1"
    ))
    .bind(template)
    .fetch_optional(pool)
    .await
    .map_err(internal)?;
    row.map(TemplateVersion::try_from).transpose()
}

pub async fn version(pool: &Pool, version: VersionId) -> AppResult<Option<TemplateVersion>> {
    let row = sqlx::query_as::<_, VersionRow>(&format!("{VERSION_SELECT} WHERE v.id = $1"))
        .bind(version)
        .fetch_optional(pool)
        .await
        .map_err(internal)?;
    row.map(TemplateVersion::try_from).transpose()
}

/// A new template at version 1.
pub async fn create_template(
    pool: &Pool,
    name: &str,
    definition: &TemplateDefinition,
    actor: PersonId,
) -> AppResult<TemplateId> {
    let mut tx = super::begin_write(pool).await?;
    let id = insert_template(&mut tx, name, definition, actor).await?;
    tx.commit().await.map_err(internal)?;
    Ok(id)
}

async fn insert_template(
    tx: &mut Tx<'_>,
    name: &str,
    definition: &TemplateDefinition,
    actor: PersonId,
) -> AppResult<TemplateId> {
    let at = now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO review_templates (name, created_by, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(name)
    .bind(actor)
    .bind(at)
    .fetch_one(&mut **tx)
    .await
    .map_err(|e| super::on_unique(e, "name", "A template with that name already exists."))?;
    sqlx::query(
        "INSERT INTO template_versions (template_id, version, definition, frozen, created_at, updated_at)
         VALUES ($1, 1, $2, 0, $3, $3)",
    )
    .bind(id)
    .bind(serde_json::to_string(definition).unwrap_or_default())
    .bind(at)
    .execute(&mut **tx)
    .await
    .map_err(internal)?;
    audit::record(
        tx,
        Some(actor),
        "template.created",
        "review_template",
        id,
        None,
        Some(json!({ "name": name })),
    )
    .await?;
    Ok(id)
}

/// Applies one builder change to a template's latest version in one transaction (so two
/// editors' changes compose instead of overwriting each other), and optionally renames it. The
/// change is written over the latest version while no cycle uses it, otherwise as the next
/// version (the frozen one stays exactly as cycles saw it); a change that changes nothing writes
/// nothing. `expected_version` is the version the editor saw: a newer one means their page is
/// stale. Returns the version number now latest.
pub async fn edit_definition(
    pool: &Pool,
    template: TemplateId,
    expected_version: i64,
    new_name: Option<&str>,
    change: impl FnOnce(&mut TemplateDefinition) -> AppResult<()>,
    actor: PersonId,
) -> AppResult<i64> {
    let mut tx = super::begin_write(pool).await?;
    let latest: Option<(i64, i64, i64, String, String)> = sqlx::query_as(
        "SELECT v.id, v.version, v.frozen, v.definition, t.name FROM template_versions v
         JOIN review_templates t ON t.id = v.template_id WHERE v.template_id = $1
         ORDER BY v.version DESC LIMIT 1",
    )
    .bind(template)
    .fetch_optional(&mut *tx)
    .await
    .map_err(internal)?;
    let Some((version_id, version, frozen, before_text, name)) = latest else {
        return Err(AppError::not_found("That template"));
    };
    if version != expected_version {
        return Err(AppError::Conflict(
            "This template has a newer version than the page shows. Reload the page to see it."
                .into(),
        ));
    }
    let before: TemplateDefinition =
        super::decode("template_versions.definition", version_id, &before_text)?;
    let mut definition = before.clone();
    change(&mut definition)?;
    let at = now();
    if let Some(new_name) = new_name.filter(|n| *n != name) {
        sqlx::query("UPDATE review_templates SET name = $1 WHERE id = $2")
            .bind(new_name)
            .bind(template)
            .execute(&mut *tx)
            .await
            .map_err(|e| {
                super::on_unique(e, "name", "A template with that name already exists.")
            })?;
        audit::record(
            &mut tx,
            Some(actor),
            "template.renamed",
            "review_template",
            template,
            Some(json!({ "name": name })),
            Some(json!({ "name": new_name })),
        )
        .await?;
    }
    if definition == before {
        tx.commit().await.map_err(internal)?;
        return Ok(version);
    }
    let text = serde_json::to_string(&definition).unwrap_or_default();
    let saved_version = if frozen != 0 {
        sqlx::query(
            "INSERT INTO template_versions (template_id, version, definition, frozen, created_at, updated_at)
             VALUES ($1, $2, $3, 0, $4, $4)",
        )
        .bind(template)
        .bind(version + 1)
        .bind(&text)
        .bind(at)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
        version + 1
    } else {
        sqlx::query("UPDATE template_versions SET definition = $1, updated_at = $2 WHERE id = $3")
            .bind(&text)
            .bind(at)
            .bind(version_id)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        version
    };
    audit::record(
        &mut tx,
        Some(actor),
        if frozen != 0 {
            "template.versioned"
        } else {
            "template.updated"
        },
        "review_template",
        template,
        Some(json!({ "version": version, "definition": before })),
        Some(json!({ "version": saved_version, "definition": definition })),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(saved_version)
}

/// A copy of a template's latest version as a new template.
pub async fn duplicate_template(
    pool: &Pool,
    template: TemplateId,
    name: &str,
    actor: PersonId,
) -> AppResult<TemplateId> {
    let source = latest_version(pool, template)
        .await?
        .ok_or_else(|| AppError::not_found("That template"))?;
    create_template(pool, name, &source.definition, actor).await
}

// ---------------------------------------------------------------------------------------------
// Cycles

#[derive(sqlx::FromRow)]
struct CycleRow {
    id: i64,
    name: String,
    starts_on: String,
    ends_on: String,
    goal_period_id: Option<i64>,
    state: String,
    reviewer_types: String,
    anonymous: i64,
    peer_min: i64,
    peer_max: i64,
    scope: String,
    scope_value: String,
    hired_before: Option<String>,
    nomination_due: Option<String>,
    writing_due: String,
    calibration_due: String,
    release_due: String,
    template_version_id: i64,
    target_distribution: Option<String>,
}

impl From<CycleRow> for Cycle {
    fn from(r: CycleRow) -> Self {
        Cycle {
            id: r.id,
            name: r.name,
            starts_on: r.starts_on,
            ends_on: r.ends_on,
            goal_period_id: r.goal_period_id,
            state: CycleState::parse(&r.state).unwrap_or(CycleState::Draft),
            reviewer_types: parse_reviewer_types(&r.reviewer_types),
            anonymous: r.anonymous != 0,
            peer_min: r.peer_min,
            peer_max: r.peer_max,
            scope: ParticipantScope::parse(&r.scope).unwrap_or(ParticipantScope::All),
            scope_value: r.scope_value,
            hired_before: r.hired_before,
            nomination_due: r.nomination_due,
            writing_due: r.writing_due,
            calibration_due: r.calibration_due,
            release_due: r.release_due,
            template_version_id: r.template_version_id,
            target_distribution: r
                .target_distribution
                .and_then(|t| serde_json::from_str::<BTreeMap<String, f64>>(&t).ok())
                .map(|m| {
                    m.into_iter()
                        .filter_map(|(k, v)| Some((k.parse().ok()?, v)))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}

const CYCLE_COLUMNS: &str = "id, name, starts_on, ends_on, goal_period_id, state, reviewer_types,
    anonymous, peer_min, peer_max, scope, scope_value, hired_before, nomination_due, writing_due,
    calibration_due, release_due, template_version_id, target_distribution";

/// Every cycle, newest first, with how many people it reviews.
pub async fn cycles(pool: &Pool) -> AppResult<Vec<(Cycle, i64)>> {
    let rows = sqlx::query_as::<_, CycleRow>(&format!(
        "SELECT {CYCLE_COLUMNS} FROM review_cycles ORDER BY starts_on DESC, id DESC"
    ))
    .fetch_all(pool)
    .await
    .map_err(internal)?;
    let counts: Vec<(i64, i64)> =
        sqlx::query_as("SELECT cycle_id, CAST(SUM(participants) AS BIGINT) FROM review_division_tallies GROUP BY cycle_id")
            .fetch_all(pool)
            .await
            .map_err(internal)?;
    let counts: HashMap<i64, i64> = counts.into_iter().collect();
    Ok(rows
        .into_iter()
        .map(|r| {
            let n = counts.get(&r.id).copied().unwrap_or(0);
            (Cycle::from(r), n)
        })
        .collect())
}

pub async fn cycle(pool: &Pool, id: CycleId) -> AppResult<Option<Cycle>> {
    let row = sqlx::query_as::<_, CycleRow>(&format!(
        "SELECT {CYCLE_COLUMNS} FROM review_cycles WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(pool)
    .await
    .map_err(internal)?;
    Ok(row.map(Cycle::from))
}

fn distribution_json(target: &BTreeMap<i64, f64>) -> Option<String> {
    (!target.is_empty()).then(|| {
        let map: BTreeMap<String, f64> = target.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        serde_json::to_string(&map).unwrap_or_default()
    })
}

/// A draft cycle, not yet visible to anyone but HR.
pub async fn create_cycle(
    pool: &Pool,
    input: &CycleInput,
    template_version: VersionId,
    group: Option<(DepartmentId, VersionId)>,
    actor: PersonId,
) -> AppResult<CycleId> {
    let mut tx = super::begin_write(pool).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO review_cycles (name, starts_on, ends_on, goal_period_id, state, reviewer_types,
            anonymous, peer_min, peer_max, scope, scope_value, hired_before, nomination_due,
            writing_due, calibration_due, release_due, template_version_id, target_distribution,
            created_by, created_at)
         VALUES ($1, $2, $3, $4, 'draft', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
         RETURNING id",
    )
    .bind(&input.name)
    .bind(&input.starts_on)
    .bind(&input.ends_on)
    .bind(input.goal_period_id)
    .bind(reviewer_types_text(&input.reviewer_types))
    .bind(input.anonymous as i64)
    .bind(input.peer_min)
    .bind(input.peer_max)
    .bind(input.scope.as_str())
    .bind(&input.scope_value)
    .bind(&input.hired_before)
    .bind(&input.nomination_due)
    .bind(&input.writing_due)
    .bind(&input.calibration_due)
    .bind(&input.release_due)
    .bind(template_version)
    .bind(distribution_json(&input.target_distribution))
    .bind(actor)
    .bind(now())
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| super::on_unique(e, "cycle[name]", "A cycle with that name already exists."))?;
    if let Some((department, version)) = group {
        sqlx::query(
            "INSERT INTO cycle_templates (cycle_id, department_id, template_version_id) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(department)
        .bind(version)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    }
    audit::record(
        &mut tx,
        Some(actor),
        "cycle.created",
        "review_cycle",
        id,
        None,
        Some(json!({ "name": input.name, "template_version_id": template_version })),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(id)
}

/// One active person as a launch sees them.
#[derive(sqlx::FromRow)]
struct Candidate {
    id: i64,
    email: String,
    department_id: i64,
    manager_id: Option<i64>,
    hire_date: String,
}

/// A notification to write.
pub struct Note {
    pub person: PersonId,
    pub title: String,
    pub body: String,
    pub link: String,
}

/// Launches a draft cycle in one transaction: picks the participants, creates their
/// assignments (self, manager, upward from each direct report who is also reviewed), freezes the
/// template versions, notifies everyone with something to do, and opens the first phase.
/// Returns how many people are reviewed.
pub async fn launch(pool: &Pool, cycle_id: CycleId, actor: PersonId) -> AppResult<usize> {
    let sqlite = is_sqlite(pool);
    let mut tx = super::begin_write(pool).await?;
    let row = sqlx::query_as::<_, CycleRow>(&format!(
        "SELECT {CYCLE_COLUMNS} FROM review_cycles WHERE id = $1"
    ))
    .bind(cycle_id)
    .fetch_optional(&mut *tx)
    .await
    .map_err(internal)?;
    let cycle = Cycle::from(row.ok_or_else(|| AppError::not_found("That cycle"))?);
    if cycle.state != CycleState::Draft {
        return Err(AppError::Conflict(
            "This cycle has already been launched.".into(),
        ));
    }
    if !sqlite {
        // Rows get explicit ids from MAX(id): nothing else may insert meanwhile.
        sqlx::query("LOCK TABLE review_participants, review_assignments IN EXCLUSIVE MODE")
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
    }
    let departments: Vec<(i64, Option<i64>)> =
        sqlx::query_as("SELECT id, parent_id FROM departments")
            .fetch_all(&mut *tx)
            .await
            .map_err(internal)?;
    let parent: HashMap<i64, Option<i64>> = departments.iter().copied().collect();
    let top_of = |mut id: i64| {
        for _ in 0..64 {
            match parent.get(&id).copied().flatten() {
                Some(p) => id = p,
                None => break,
            }
        }
        id
    };
    let under = |id: i64, root: i64| {
        let mut current = Some(id);
        for _ in 0..64 {
            match current {
                Some(c) if c == root => return true,
                Some(c) => current = parent.get(&c).copied().flatten(),
                None => return false,
            }
        }
        false
    };
    let people = sqlx::query_as::<_, Candidate>(
        "SELECT id, email, department_id, manager_id, hire_date FROM employees
         WHERE status = 'active' ORDER BY id",
    )
    .fetch_all(&mut *tx)
    .await
    .map_err(internal)?;
    let picked_emails: HashSet<&str> = cycle
        .scope_value
        .split(',')
        .filter(|e| !e.is_empty())
        .collect();
    let scope_department = cycle.scope_value.parse::<i64>().ok();
    let chosen: Vec<&Candidate> = people
        .iter()
        .filter(|p| match cycle.scope {
            ParticipantScope::All => true,
            ParticipantScope::Department => {
                scope_department.is_some_and(|d| under(p.department_id, d))
            }
            ParticipantScope::People => picked_emails.contains(p.email.as_str()),
        })
        .filter(|p| {
            cycle
                .hired_before
                .as_deref()
                .is_none_or(|cut| p.hire_date.as_str() < cut)
        })
        .collect();
    if chosen.is_empty() {
        return Err(AppError::invalid(
            "form",
            "Nobody matches this cycle's participants (check the department, the people listed and the hiring cut-off).",
        ));
    }
    let overrides: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT department_id, template_version_id FROM cycle_templates WHERE cycle_id = $1",
    )
    .bind(cycle_id)
    .fetch_all(&mut *tx)
    .await
    .map_err(internal)?;
    let overrides: HashMap<i64, i64> = overrides.into_iter().collect();
    let first_participant: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM review_participants")
            .fetch_one(&mut *tx)
            .await
            .map_err(internal)?;
    let first_assignment: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM review_assignments")
            .fetch_one(&mut *tx)
            .await
            .map_err(internal)?;
    let mut participant_of: HashMap<i64, i64> = HashMap::new();
    let mut participant_rows = Vec::with_capacity(chosen.len());
    let mut versions: HashSet<i64> = HashSet::new();
    for (i, p) in chosen.iter().enumerate() {
        let id = first_participant + i as i64 + 1;
        participant_of.insert(p.id, id);
        let top = top_of(p.department_id);
        let version = overrides
            .get(&top)
            .copied()
            .unwrap_or(cycle.template_version_id);
        versions.insert(version);
        participant_rows.push(vec![
            Cell::Int(id),
            Cell::Int(cycle_id),
            Cell::Int(p.id),
            Cell::MaybeInt(p.manager_id),
            Cell::Int(p.department_id),
            Cell::Int(top),
            Cell::Int(version),
        ]);
    }
    bulk_insert(
        &mut tx,
        "review_participants",
        &[
            "id",
            "cycle_id",
            "person_id",
            "manager_id",
            "department_id",
            "top_department_id",
            "template_version_id",
        ],
        participant_rows,
    )
    .await?;
    let mut assignments: Vec<(i64, i64, ReviewerType)> = Vec::new();
    for p in &chosen {
        let participant = participant_of[&p.id];
        if cycle.has(ReviewerType::SelfReview) {
            assignments.push((participant, p.id, ReviewerType::SelfReview));
        }
        if let Some(manager) = p.manager_id {
            if cycle.has(ReviewerType::Manager) {
                assignments.push((participant, manager, ReviewerType::Manager));
            }
            if cycle.has(ReviewerType::Upward) {
                if let Some(manager_participant) = participant_of.get(&manager) {
                    assignments.push((*manager_participant, p.id, ReviewerType::Upward));
                }
            }
        }
    }
    let rows = assignments
        .iter()
        .enumerate()
        .map(|(i, (participant, reviewer, kind))| {
            vec![
                Cell::Int(first_assignment + i as i64 + 1),
                Cell::Int(*participant),
                Cell::Int(cycle_id),
                Cell::Int(*reviewer),
                Cell::Text(kind.as_str().into()),
                Cell::Text(AssignmentState::Pending.as_str().into()),
                Cell::Text("{}".into()),
            ]
        })
        .collect();
    bulk_insert(
        &mut tx,
        "review_assignments",
        &[
            "id",
            "participant_id",
            "cycle_id",
            "reviewer_id",
            "kind",
            "state",
            "answers",
        ],
        rows,
    )
    .await?;
    sync_id_sequence(&mut tx, sqlite, "review_participants").await?;
    sync_id_sequence(&mut tx, sqlite, "review_assignments").await?;
    for version in &versions {
        sqlx::query("UPDATE template_versions SET frozen = 1 WHERE id = $1")
            .bind(version)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
    }
    let first_phase = CycleState::Draft
        .next(cycle.has(ReviewerType::Peer))
        .unwrap_or(CycleState::Writing);
    claim_phase(&mut tx, cycle_id, CycleState::Draft, first_phase).await?;
    sqlx::query("UPDATE review_cycles SET launched_at = $1 WHERE id = $2")
        .bind(now())
        .bind(cycle_id)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    let notes = phase_notes(&mut tx, &cycle, first_phase).await?;
    notify(&mut tx, &notes).await?;
    audit::record(
        &mut tx,
        Some(actor),
        "cycle.launched",
        "review_cycle",
        cycle_id,
        Some(json!({ "state": "draft" })),
        Some(json!({ "state": first_phase.as_str(), "participants": chosen.len(), "assignments": assignments.len() })),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(chosen.len())
}

/// Moves a cycle from `from` to `to` only if it is still in `from`: of two clicks on the same
/// button, the second finds nothing to move (on PostgreSQL it waits for the first to commit).
async fn claim_phase(
    tx: &mut Tx<'_>,
    cycle_id: CycleId,
    from: CycleState,
    to: CycleState,
) -> AppResult<()> {
    let moved = sqlx::query("UPDATE review_cycles SET state = $1 WHERE id = $2 AND state = $3")
        .bind(to.as_str())
        .bind(cycle_id)
        .bind(from.as_str())
        .execute(&mut **tx)
        .await
        .map_err(internal)?
        .rows_affected();
    if moved == 0 {
        return Err(AppError::Conflict(
            "This cycle has just moved on. Reload the page to see where it stands.".into(),
        ));
    }
    Ok(())
}

/// Who hears about a phase opening, and what they read.
async fn phase_notes(tx: &mut Tx<'_>, cycle: &Cycle, phase: CycleState) -> AppResult<Vec<Note>> {
    let mut notes = Vec::new();
    match phase {
        CycleState::Nomination => {
            let people: Vec<(i64, i64)> = sqlx::query_as(
                "SELECT id, person_id FROM review_participants WHERE cycle_id = $1 ORDER BY id",
            )
            .bind(cycle.id)
            .fetch_all(&mut **tx)
            .await
            .map_err(internal)?;
            for (participant, person) in people {
                notes.push(Note {
                    person,
                    title: format!("Choose your peer reviewers for {}", cycle.name),
                    body: format!(
                        "Nominate {} to {} colleagues who know your work{}.",
                        cycle.peer_min,
                        cycle.peer_max,
                        cycle
                            .nomination_due
                            .as_deref()
                            .map(|d| format!(" by {d}"))
                            .unwrap_or_default()
                    ),
                    link: format!("/reviews/nominate/{participant}"),
                });
            }
        }
        CycleState::Writing => {
            let reviewers: Vec<(i64, i64)> = sqlx::query_as(
                "SELECT reviewer_id, COUNT(*) FROM review_assignments
                 WHERE cycle_id = $1 AND state IN ('pending', 'draft') GROUP BY reviewer_id ORDER BY reviewer_id",
            )
            .bind(cycle.id)
            .fetch_all(&mut **tx)
            .await
            .map_err(internal)?;
            for (person, count) in reviewers {
                notes.push(Note {
                    person,
                    title: format!(
                        "{count} review{} to write for {}",
                        if count == 1 { "" } else { "s" },
                        cycle.name
                    ),
                    body: format!("Reviews are due by {}.", cycle.writing_due),
                    link: "/reviews".into(),
                });
            }
        }
        _ => {}
    }
    Ok(notes)
}

/// Moves a launched cycle to its next phase. Nominations still awaiting the manager are
/// approved when writing opens; entering "released" releases everyone not yet released.
pub async fn advance(pool: &Pool, cycle_id: CycleId, actor: PersonId) -> AppResult<CycleState> {
    let mut tx = super::begin_write(pool).await?;
    let row = sqlx::query_as::<_, CycleRow>(&format!(
        "SELECT {CYCLE_COLUMNS} FROM review_cycles WHERE id = $1"
    ))
    .bind(cycle_id)
    .fetch_optional(&mut *tx)
    .await
    .map_err(internal)?;
    let cycle = Cycle::from(row.ok_or_else(|| AppError::not_found("That cycle"))?);
    if cycle.state == CycleState::Draft {
        return Err(AppError::Conflict("Launch the cycle first.".into()));
    }
    let next = cycle
        .state
        .next(cycle.has(ReviewerType::Peer))
        .ok_or_else(|| AppError::Conflict("This cycle is closed.".into()))?;
    let at = now();
    claim_phase(&mut tx, cycle_id, cycle.state, next).await?;
    match next {
        CycleState::Writing => {
            sqlx::query("UPDATE review_assignments SET state = 'pending' WHERE cycle_id = $1 AND state = 'nominated'")
                .bind(cycle_id)
                .execute(&mut *tx)
                .await
                .map_err(internal)?;
        }
        CycleState::Released => {
            release_where(&mut tx, &cycle, None).await?;
        }
        _ => {}
    }
    sqlx::query("UPDATE review_cycles SET closed_at = $1 WHERE id = $2")
        .bind((next == CycleState::Closed).then_some(at))
        .bind(cycle_id)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    let notes = phase_notes(&mut tx, &cycle, next).await?;
    notify(&mut tx, &notes).await?;
    audit::record(
        &mut tx,
        Some(actor),
        "cycle.phase_changed",
        "review_cycle",
        cycle_id,
        Some(json!({ "state": cycle.state.as_str() })),
        Some(json!({ "state": next.as_str() })),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(next)
}

/// Releases results to the reviewees of one top-level department (or all), notifying them.
async fn release_where(
    tx: &mut Tx<'_>,
    cycle: &Cycle,
    department: Option<DepartmentId>,
) -> AppResult<usize> {
    let select = format!(
        "SELECT id, person_id FROM review_participants
         WHERE cycle_id = $1 AND released_at IS NULL{} ORDER BY id",
        if department.is_some() {
            " AND top_department_id = $2"
        } else {
            ""
        }
    );
    let mut query = sqlx::query_as(&select).bind(cycle.id);
    if let Some(department) = department {
        query = query.bind(department);
    }
    let people: Vec<(i64, i64)> = query.fetch_all(&mut **tx).await.map_err(internal)?;
    let update = format!(
        "UPDATE review_participants SET released_at = $1
         WHERE cycle_id = $2 AND released_at IS NULL{}",
        if department.is_some() {
            " AND top_department_id = $3"
        } else {
            ""
        }
    );
    let mut query = sqlx::query(&update).bind(now()).bind(cycle.id);
    if let Some(department) = department {
        query = query.bind(department);
    }
    query.execute(&mut **tx).await.map_err(internal)?;
    let notes: Vec<Note> = people
        .iter()
        .map(|(participant, person)| Note {
            person: *person,
            title: format!("Your review from {} is ready", cycle.name),
            body: "Read it, add a comment if you like, and acknowledge it.".into(),
            link: format!("/reviews/results/{participant}"),
        })
        .collect();
    notify(tx, &notes).await?;
    Ok(people.len())
}

/// HR releases one top-level department's results during calibration.
pub async fn release_department(
    pool: &Pool,
    cycle_id: CycleId,
    department: DepartmentId,
    actor: PersonId,
) -> AppResult<usize> {
    let cycle = cycle(pool, cycle_id)
        .await?
        .ok_or_else(|| AppError::not_found("That cycle"))?;
    if !matches!(cycle.state, CycleState::Calibration | CycleState::Released) {
        return Err(AppError::Conflict(
            "Results can be released once calibration has started.".into(),
        ));
    }
    let mut tx = super::begin_write(pool).await?;
    let released = release_where(&mut tx, &cycle, Some(department)).await?;
    audit::record(
        &mut tx,
        Some(actor),
        "cycle.released",
        "review_cycle",
        cycle_id,
        None,
        Some(json!({ "department_id": department, "participants": released })),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(released)
}

// ---------------------------------------------------------------------------------------------
// Progress

/// Completion of one reviewer type in one top-level department.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ProgressCount {
    pub top_department_id: i64,
    pub kind: String,
    pub total: i64,
    pub submitted: i64,
    pub late: i64,
}

/// Assignment completion by top-level department and reviewer type (nominations and declined
/// ones not counted), from the tallies the triggers of migration 0004 keep. `late` counts the
/// unsubmitted ones while `past_due` is true.
pub async fn progress(
    pool: &Pool,
    cycle_id: CycleId,
    past_due: bool,
) -> AppResult<Vec<ProgressCount>> {
    sqlx::query_as::<_, ProgressCount>(
        "SELECT top_department_id, kind, pending + draft + submitted AS total, submitted,
            CASE WHEN $2 = 1 THEN pending + draft ELSE 0 END AS late
         FROM review_kind_tallies WHERE cycle_id = $1 ORDER BY top_department_id, kind",
    )
    .bind(cycle_id)
    .bind(past_due as i64)
    .fetch_all(pool)
    .await
    .map_err(internal)
}

/// Per top-level department: reviewees, how many have peer reviewers (nominated or
/// approved), released, acknowledged and signed off.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OutcomeCount {
    pub top_department_id: i64,
    pub department: String,
    pub participants: i64,
    pub nominated: i64,
    pub released: i64,
    pub acknowledged: i64,
    pub signed_off: i64,
}

pub async fn outcomes(pool: &Pool, cycle_id: CycleId) -> AppResult<Vec<OutcomeCount>> {
    sqlx::query_as::<_, OutcomeCount>(
        "SELECT t.top_department_id, d.name AS department,
            CAST(SUM(t.participants) AS BIGINT) AS participants,
            CAST(SUM(t.with_peers) AS BIGINT) AS nominated,
            CAST(SUM(t.released) AS BIGINT) AS released,
            CAST(SUM(t.acknowledged) AS BIGINT) AS acknowledged,
            CAST(SUM(t.signed_off) AS BIGINT) AS signed_off
         FROM review_division_tallies t JOIN departments d ON d.id = t.top_department_id
         WHERE t.cycle_id = $1 GROUP BY t.top_department_id, d.name
         HAVING SUM(t.participants) > 0 ORDER BY d.name",
    )
    .bind(cycle_id)
    .fetch_all(pool)
    .await
    .map_err(internal)
}

/// Sends a reminder to everyone with a review still to write in this cycle. Returns how many
/// people were reminded.
pub async fn remind(pool: &Pool, cycle: &Cycle, actor: PersonId) -> AppResult<usize> {
    let mut tx = super::begin_write(pool).await?;
    let reviewers: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT reviewer_id, COUNT(*) FROM review_assignments
         WHERE cycle_id = $1 AND state IN ('pending', 'draft') GROUP BY reviewer_id ORDER BY reviewer_id",
    )
    .bind(cycle.id)
    .fetch_all(&mut *tx)
    .await
    .map_err(internal)?;
    let notes: Vec<Note> = reviewers
        .iter()
        .map(|(person, count)| Note {
            person: *person,
            title: format!(
                "Reminder: {count} review{} still to write",
                if *count == 1 { "" } else { "s" }
            ),
            body: format!("{} reviews were due by {}.", cycle.name, cycle.writing_due),
            link: "/reviews".into(),
        })
        .collect();
    notify(&mut tx, &notes).await?;
    audit::record(
        &mut tx,
        Some(actor),
        "cycle.reminded",
        "review_cycle",
        cycle.id,
        None,
        Some(json!({ "people": notes.len() })),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(notes.len())
}

/// Colleagues a person might ask for a peer review: those sharing their manager, then others
/// in their department. (id, name, title)
pub async fn colleagues(
    pool: &Pool,
    person: PersonId,
    limit: i64,
) -> AppResult<Vec<(i64, String, String)>> {
    sqlx::query_as(
        "SELECT c.id, c.name, c.title FROM employees me JOIN employees c
            ON c.id <> me.id AND c.status = 'active'
            AND (c.manager_id = me.manager_id OR c.department_id = me.department_id)
         WHERE me.id = $1
         ORDER BY CASE WHEN c.manager_id = me.manager_id THEN 0 ELSE 1 END, c.name LIMIT $2",
    )
    .bind(person)
    .bind(limit)
    .fetch_all(pool)
    .await
    .map_err(internal)
}

// ---------------------------------------------------------------------------------------------
// Assignments and answers

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

/// What a person has to write, in cycles that are still open (declined nominations left out).
pub async fn assignments_of(pool: &Pool, reviewer: PersonId) -> AppResult<Vec<AssignmentSummary>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        cycle_id: i64,
        cycle_name: String,
        cycle_state: String,
        kind: String,
        state: String,
        reviewee_id: i64,
        reviewee_name: String,
        writing_due: String,
        saved_at: Option<i64>,
    }
    let rows = sqlx::query_as::<_, Row>(
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
    .map_err(internal)?;
    Ok(rows
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
        .collect())
}

/// Saves answers as a draft, or submits them (with the overall score when it is the manager's
/// review, which becomes the proposed rating). A submitted review never changes again: the
/// update only matches unsubmitted rows, so two tabs cannot both submit.
pub async fn save_answers(
    pool: &Pool,
    assignment: &AssignmentRow,
    answers: &Answers,
    submit: bool,
    score: Option<f64>,
    anonymous: bool,
) -> AppResult<i64> {
    let at = now();
    let mut tx = super::begin_write(pool).await?;
    let text = serde_json::to_string(answers).unwrap_or_else(|_| "{}".into());
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
    if submit {
        if assignment.kind() == ReviewerType::Manager {
            let query =
                sqlx::query("UPDATE review_participants SET proposed_rating = $1 WHERE id = $2");
            super::bind_real(query, score)
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

/// The submitted reviews of one participant: (kind, reviewer id, reviewer name, answers).
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

// ---------------------------------------------------------------------------------------------
// Peer nomination

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
    let mut tx = super::begin_write(pool).await?;
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
            &[Note {
                person: manager,
                title: format!("{} nominated peer reviewers", participant.person_name),
                body: format!("Approve or change them for {}.", cycle.name),
                link: format!("/reviews/nominate/{}", participant.id),
            }],
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
    let mut tx = super::begin_write(pool).await?;
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
        .map_err(|e| super::on_unique(e, "peer", "That person is already a reviewer."))?;
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

// ---------------------------------------------------------------------------------------------
// Participants, release and sign-off

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

const PARTICIPANT_SELECT: &str = "SELECT p.id, p.cycle_id, p.person_id, e.name AS person_name,
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
    let mut tx = super::begin_write(pool).await?;
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
            &[Note {
                person: manager,
                title: format!("{} acknowledged their review", participant.person_name),
                body: "Read their comment and sign the review off.".into(),
                link: format!("/reviews/results/{}", participant.id),
            }],
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
    let mut tx = super::begin_write(pool).await?;
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

// ---------------------------------------------------------------------------------------------
// Calibration

/// Which reviewees calibration looks at.
#[derive(Clone, Debug, Default)]
pub struct CalibrationFilter {
    pub top_department: Option<DepartmentId>,
    pub manager: Option<PersonId>,
    /// A manager calibrating sees only their own organisation: the reviewees whose manager at
    /// launch is them or someone below them.
    pub within_org_of: Option<PersonId>,
}

impl CalibrationFilter {
    fn is_everyone(&self) -> bool {
        self.top_department.is_none() && self.manager.is_none() && self.within_org_of.is_none()
    }

    /// The WHERE clause over `review_participants p` or `review_manager_tallies t` (the same
    /// column names; a tally's manager 0 is "none", which no filter asks for).
    fn where_sql(&self, table: &str) -> String {
        let mut sql = format!(" WHERE {table}.cycle_id = $1");
        if let Some(d) = self.top_department {
            sql.push_str(&format!(" AND {table}.top_department_id = {d}"));
        }
        if let Some(m) = self.manager {
            sql.push_str(&format!(" AND {table}.manager_id = {m}"));
        }
        if let Some(m) = self.within_org_of {
            sql.push_str(&format!(
                " AND {table}.manager_id IN (WITH RECURSIVE org(id) AS (SELECT CAST({m} AS BIGINT)
                    UNION ALL SELECT e.id FROM employees e JOIN org ON e.manager_id = org.id)
                    SELECT id FROM org)"
            ));
        }
        sql
    }
}

/// The effective rating: the calibrated one, else the manager's proposal rounded half up, as
/// Rust's `f64::round` does. Proposals have two decimals, so they are rounded in hundredths
/// (exact in both databases) and then by integer division: PostgreSQL's ROUND on doubles
/// rounds ties to even, and SQLite has no FLOOR without its math extension. The tally
/// triggers of migration 0004 use the same expression.
const EFFECTIVE: &str =
    "COALESCE(p.final_rating, (CAST(ROUND(p.proposed_rating * 100) AS BIGINT) + 50) / 100)";

/// How many reviewees have each effective rating (0: no manager review yet), per group: the
/// top-level department, or the manager (`by_manager`). Read from the tallies, so its cost
/// does not grow with the number of reviewees.
pub async fn histogram(
    pool: &Pool,
    cycle_id: CycleId,
    filter: &CalibrationFilter,
    by_manager: bool,
) -> AppResult<Vec<(i64, String, i64, i64)>> {
    let sql = if by_manager {
        format!(
            "SELECT t.manager_id, COALESCE(m.name, 'No manager'), t.rating, CAST(SUM(t.reviewees) AS BIGINT)
             FROM review_manager_tallies t LEFT JOIN employees m ON m.id = t.manager_id {}
             GROUP BY t.manager_id, m.name, t.rating HAVING SUM(t.reviewees) > 0 ORDER BY 2, 1, 3",
            filter.where_sql("t")
        )
    } else if filter.is_everyone() {
        "SELECT t.top_department_id, d.name, t.rating, CAST(SUM(t.participants) AS BIGINT)
         FROM review_division_tallies t JOIN departments d ON d.id = t.top_department_id
         WHERE t.cycle_id = $1
         GROUP BY t.top_department_id, d.name, t.rating HAVING SUM(t.participants) > 0 ORDER BY 2, 1, 3"
            .to_string()
    } else {
        format!(
            "SELECT t.top_department_id, d.name, t.rating, CAST(SUM(t.reviewees) AS BIGINT)
             FROM review_manager_tallies t JOIN departments d ON d.id = t.top_department_id {}
             GROUP BY t.top_department_id, d.name, t.rating HAVING SUM(t.reviewees) > 0 ORDER BY 2, 1, 3",
            filter.where_sql("t")
        )
    };
    sqlx::query_as(&sql)
        .bind(cycle_id)
        .fetch_all(pool)
        .await
        .map_err(internal)
}

/// One page of reviewees for calibration. (How many match in all is the histogram's sum.)
pub async fn calibration_rows(
    pool: &Pool,
    cycle_id: CycleId,
    filter: &CalibrationFilter,
    sort: &str,
    limit: i64,
    offset: i64,
) -> AppResult<Vec<ParticipantRow>> {
    let order = match sort {
        "rating_desc" => format!("{EFFECTIVE} DESC NULLS LAST, e.name, e.id"),
        "rating_asc" => format!("{EFFECTIVE} ASC NULLS LAST, e.name, e.id"),
        "manager" => "m.name, e.name, e.id".to_string(),
        "department" => "d.name, e.name, e.id".to_string(),
        _ => "e.name, e.id".to_string(),
    };
    let mut sql = PARTICIPANT_SELECT.to_string();
    let mut where_sql = filter.where_sql("p");
    if filter.is_everyone() && sort == "name" {
        // Everyone by name: SQLite would join and sort every reviewee for one page; walking the
        // employees' (name, id) index instead stops after it (CROSS JOIN fixes SQLite's join
        // order; PostgreSQL plans it as any join). With a filter the planner's choice is better.
        sql = sql.replace(
            "FROM review_participants p JOIN employees e ON e.id = p.person_id",
            "FROM employees e CROSS JOIN review_participants p",
        );
        where_sql.push_str(" AND p.person_id = e.id");
    }
    sqlx::query_as::<_, ParticipantRow>(&format!(
        "{sql}{where_sql} ORDER BY {order} LIMIT $2 OFFSET $3"
    ))
    .bind(cycle_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await
    .map_err(internal)
}

/// The managers to filter by (at most 500): those with reviewees in the chosen department, or
/// in the calibrating manager's organisation. Everyone at once would be thousands in a large
/// company, so without either the list is empty and the page asks for a department first.
pub async fn calibration_managers(
    pool: &Pool,
    cycle_id: CycleId,
    filter: &CalibrationFilter,
) -> AppResult<Vec<(i64, String)>> {
    let mut scope = CalibrationFilter {
        manager: None,
        ..filter.clone()
    };
    if scope.top_department.is_none() {
        // A manager chosen by link: list the managers of their department.
        if let Some(m) = filter.manager {
            scope.top_department = sqlx::query_scalar(
                "SELECT top_department_id FROM review_manager_tallies
                 WHERE cycle_id = $1 AND manager_id = $2 AND reviewees > 0 LIMIT 1",
            )
            .bind(cycle_id)
            .bind(m)
            .fetch_optional(pool)
            .await
            .map_err(internal)?;
        }
    }
    if scope.is_everyone() {
        return Ok(vec![]);
    }
    sqlx::query_as(&format!(
        "SELECT t.manager_id, m.name FROM review_manager_tallies t JOIN employees m ON m.id = t.manager_id
         {} GROUP BY t.manager_id, m.name HAVING SUM(t.reviewees) > 0 ORDER BY m.name LIMIT 500",
        scope.where_sql("t")
    ))
    .bind(cycle_id)
    .fetch_all(pool)
    .await
    .map_err(internal)
}

/// A calibrated change to a final rating, with its reason.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RatingChange {
    pub actor_name: String,
    pub before_rating: Option<f64>,
    pub after_rating: i64,
    pub justification: String,
    pub at: i64,
}

pub async fn rating_changes(
    pool: &Pool,
    participant: ParticipantId,
) -> AppResult<Vec<RatingChange>> {
    sqlx::query_as::<_, RatingChange>(
        "SELECT e.name AS actor_name, r.before_rating, r.after_rating, r.justification, r.at
         FROM rating_changes r JOIN employees e ON e.id = r.actor_id
         WHERE r.participant_id = $1 ORDER BY r.at DESC, r.id DESC",
    )
    .bind(participant)
    .fetch_all(pool)
    .await
    .map_err(internal)
}

/// Changes a final rating: the change, its history row and its audit row in one transaction.
pub async fn set_final_rating(
    pool: &Pool,
    participant: &ParticipantRow,
    rating: i64,
    justification: &str,
    actor: PersonId,
) -> AppResult<()> {
    let before = participant
        .final_rating
        .map(|r| r as f64)
        .or(participant.proposed_rating);
    let mut tx = super::begin_write(pool).await?;
    sqlx::query("UPDATE review_participants SET final_rating = $1 WHERE id = $2")
        .bind(rating)
        .bind(participant.id)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    let insert = sqlx::query(
        "INSERT INTO rating_changes (participant_id, actor_id, before_rating, after_rating, justification, at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(participant.id)
    .bind(actor);
    super::bind_real(insert, before)
        .bind(rating)
        .bind(justification)
        .bind(now())
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    audit::record(
        &mut tx,
        Some(actor),
        "review.rating_changed",
        "review_participant",
        participant.id,
        Some(json!({ "rating": before })),
        Some(json!({ "rating": rating, "justification": justification })),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(())
}

/// Every reviewee of a cycle for the CSV export, by department then name.
pub async fn export_rows(
    pool: &Pool,
    cycle_id: CycleId,
) -> AppResult<Vec<(ParticipantRow, String)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        participant: ParticipantRow,
        email: String,
    }
    let rows = sqlx::query_as::<_, Row>(&format!(
        "{} WHERE p.cycle_id = $1 ORDER BY d.name, e.name",
        PARTICIPANT_SELECT.replace("SELECT p.id,", "SELECT e.email, p.id,")
    ))
    .bind(cycle_id)
    .fetch_all(pool)
    .await
    .map_err(internal)?;
    Ok(rows.into_iter().map(|r| (r.participant, r.email)).collect())
}

// ---------------------------------------------------------------------------------------------
// Notifications

pub async fn notify(tx: &mut Tx<'_>, notes: &[Note]) -> AppResult<()> {
    let at = now();
    let rows = notes
        .iter()
        .map(|n| {
            vec![
                Cell::Int(n.person),
                Cell::Text(n.title.clone()),
                Cell::Text(n.body.clone()),
                Cell::Text(n.link.clone()),
                Cell::Int(at),
            ]
        })
        .collect();
    bulk_insert(
        tx,
        "notifications",
        &["person_id", "title", "body", "link", "created_at"],
        rows,
    )
    .await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct NotificationRow {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub link: String,
    pub created_at: i64,
    pub read_at: Option<i64>,
}

/// A person's latest notifications.
pub async fn notifications(
    pool: &Pool,
    person: PersonId,
    limit: i64,
) -> AppResult<Vec<NotificationRow>> {
    sqlx::query_as::<_, NotificationRow>(
        "SELECT id, title, body, link, created_at, read_at FROM notifications
         WHERE person_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
    )
    .bind(person)
    .bind(limit)
    .fetch_all(pool)
    .await
    .map_err(internal)
}

pub async fn unread_count(pool: &Pool, person: PersonId) -> AppResult<i64> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications WHERE person_id = $1 AND read_at IS NULL",
    )
    .bind(person)
    .fetch_one(pool)
    .await
    .map_err(internal)
}

/// Marks one of a person's notifications read, or all of them when `id` is `None`.
pub async fn mark_read(pool: &Pool, person: PersonId, id: Option<i64>) -> AppResult<()> {
    let sql = format!(
        "UPDATE notifications SET read_at = $1 WHERE person_id = $2 AND read_at IS NULL{}",
        if id.is_some() { " AND id = $3" } else { "" }
    );
    let mut query = sqlx::query(&sql).bind(now()).bind(person);
    if let Some(id) = id {
        query = query.bind(id);
    }
    query.execute(pool).await.map_err(internal)?;
    Ok(())
}
