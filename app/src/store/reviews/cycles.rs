//! Review cycles: creation, launch (participants, assignments, frozen versions, notifications
//! in one transaction), phase changes claimed once, and release.

use super::*;
use keel_core::notifications;
use keel_core::org::DepartmentTree;
use keel_core::reviews::{plan_launch, LaunchCandidate, LaunchRules};

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
    anonymity_threshold: i64,
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
            anonymity_threshold: r.anonymity_threshold,
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
    anonymous, anonymity_threshold, peer_min, peer_max, scope, scope_value, hired_before,
    nomination_due, writing_due, calibration_due, release_due, template_version_id, target_distribution";

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
    let mut tx = crate::store::begin_write(pool).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO review_cycles (name, starts_on, ends_on, goal_period_id, state, reviewer_types,
            anonymous, peer_min, peer_max, scope, scope_value, hired_before, nomination_due,
            writing_due, calibration_due, release_due, template_version_id, target_distribution,
            created_by, created_at, anonymity_threshold)
         VALUES ($1, $2, $3, $4, 'draft', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
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
    .bind(input.anonymity_threshold)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| crate::store::on_unique(e, "cycle[name]", "A cycle with that name already exists."))?;
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

/// A person as a launch sees them (`keel_core::reviews::LaunchCandidate`).
#[derive(sqlx::FromRow)]
struct CandidateRow {
    id: i64,
    email: String,
    department_id: i64,
    manager_id: Option<i64>,
    hire_date: String,
    status: String,
}

/// Launches a draft cycle in one transaction: reads the people, departments and division
/// templates, has `keel_core::reviews::plan_launch` decide who takes part and who writes which
/// review, writes that plan (participants, assignments), freezes the template versions it uses,
/// notifies everyone with something to do, and opens the first phase. Returns how many people
/// are reviewed.
pub async fn launch(pool: &Pool, cycle_id: CycleId, actor: PersonId) -> AppResult<usize> {
    let sqlite = is_sqlite(pool);
    let mut tx = crate::store::begin_write(pool).await?;
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
    let candidates: Vec<LaunchCandidate> = sqlx::query_as::<_, CandidateRow>(
        "SELECT id, email, department_id, manager_id, hire_date, status FROM employees
         WHERE status = 'active' ORDER BY id",
    )
    .fetch_all(&mut *tx)
    .await
    .map_err(internal)?
    .into_iter()
    .map(|c| LaunchCandidate {
        active: c.status == "active",
        person: c.id,
        email: c.email,
        department: c.department_id,
        manager: c.manager_id,
        hire_date: c.hire_date,
    })
    .collect();
    let division_versions: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT department_id, template_version_id FROM cycle_templates WHERE cycle_id = $1",
    )
    .bind(cycle_id)
    .fetch_all(&mut *tx)
    .await
    .map_err(internal)?;
    let division_versions: BTreeMap<i64, i64> = division_versions.into_iter().collect();
    let plan = plan_launch(
        &candidates,
        &DepartmentTree::new(departments),
        &LaunchRules {
            scope: cycle.scope,
            scope_value: &cycle.scope_value,
            hired_before: cycle.hired_before.as_deref(),
            reviewer_types: &cycle.reviewer_types,
            template_version: cycle.template_version_id,
            division_versions: &division_versions,
        },
    )
    .map_err(|e| AppError::Invalid(vec![e]))?;

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
    let participant_of: HashMap<PersonId, i64> = plan
        .participants
        .iter()
        .enumerate()
        .map(|(i, p)| (p.person, first_participant + i as i64 + 1))
        .collect();
    let participant_rows = plan
        .participants
        .iter()
        .map(|p| {
            vec![
                Cell::Int(participant_of[&p.person]),
                Cell::Int(cycle_id),
                Cell::Int(p.person),
                Cell::MaybeInt(p.manager),
                Cell::Int(p.department),
                Cell::Int(p.top_department),
                Cell::Int(p.template_version),
            ]
        })
        .collect();
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
    let rows = plan
        .assignments
        .iter()
        .enumerate()
        .map(|(i, a)| {
            vec![
                Cell::Int(first_assignment + i as i64 + 1),
                Cell::Int(participant_of[&a.reviewee]),
                Cell::Int(cycle_id),
                Cell::Int(a.reviewer),
                Cell::Text(a.kind.as_str().into()),
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
    // The versions were checked when the cycle was created, but stay editable until now:
    // check them again, locked (on PostgreSQL) against a builder change in flight.
    let scales: Vec<RatingScale> = sqlx::query_as::<_, super::templates::ScaleRow>(
        "SELECT id, name, points FROM rating_scales",
    )
    .fetch_all(&mut *tx)
    .await
    .map_err(internal)?
    .into_iter()
    .map(RatingScale::try_from)
    .collect::<AppResult<_>>()?;
    for version in &plan.versions {
        let text: String = sqlx::query_scalar(if sqlite {
            "SELECT definition FROM template_versions WHERE id = $1"
        } else {
            "SELECT definition FROM template_versions WHERE id = $1 FOR UPDATE"
        })
        .bind(version)
        .fetch_one(&mut *tx)
        .await
        .map_err(internal)?;
        let definition: TemplateDefinition =
            crate::store::decode("template_versions.definition", *version, &text)?;
        if let Some(problem) = keel_core::reviews::template_problems(&definition, &scales).first() {
            return Err(AppError::Conflict(format!(
                "The template has changed since this cycle was created and is not ready to use: {} Fix it in the template builder, then launch.",
                problem.message
            )));
        }
    }
    for version in &plan.versions {
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
        Some(json!({ "state": first_phase.as_str(), "participants": plan.participants.len(), "assignments": plan.assignments.len() })),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(plan.participants.len())
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
                notes.push(notifications::nominate_peers(person, participant, cycle));
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
                notes.push(notifications::reviews_to_write(person, count, cycle));
            }
        }
        _ => {}
    }
    Ok(notes)
}

/// Moves a launched cycle to its next phase. Nominations still awaiting the manager are
/// approved when writing opens; entering "released" releases everyone not yet released.
pub async fn advance(pool: &Pool, cycle_id: CycleId, actor: PersonId) -> AppResult<CycleState> {
    let mut tx = crate::store::begin_write(pool).await?;
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
        CycleState::Calibration => {
            redeal_anonymous_answers(&mut tx, is_sqlite(pool), cycle_id).await?;
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

/// When writing closes, rewrites the cycle's anonymous answers under fresh random ids, all in
/// this one transaction. On PostgreSQL, rows written together share a transaction id (`xmin`,
/// the same as their assignment's) and sit together in the heap; after this they share one
/// with every other anonymous answer of the cycle, re-inserted in random order. On SQLite,
/// where a row sits in the file can still say when it was written; after this every row has
/// moved, and the space it left is zeroed. See "Anonymous answers" in docs/ARCHITECTURE.md.
async fn redeal_anonymous_answers(
    tx: &mut Tx<'_>,
    sqlite: bool,
    cycle_id: CycleId,
) -> AppResult<()> {
    if sqlite {
        // New random ids move every row to a new place in the table's b-tree; secure_delete
        // zeroes what they leave behind in the file.
        for statement in [
            "PRAGMA secure_delete = ON",
            "UPDATE review_anonymous_answers SET id = (random() & 9223372036854775807)
             WHERE participant_id IN (SELECT id FROM review_participants WHERE cycle_id = $1)",
            "PRAGMA secure_delete = OFF",
        ] {
            let query = sqlx::query(statement);
            let query = if statement.contains("$1") {
                query.bind(cycle_id)
            } else {
                query
            };
            query.execute(&mut **tx).await.map_err(internal)?;
        }
        return Ok(());
    }
    sqlx::query(
        "WITH taken AS (
            DELETE FROM review_anonymous_answers WHERE participant_id IN
                (SELECT id FROM review_participants WHERE cycle_id = $1)
            RETURNING participant_id, kind, question_key, answer)
         INSERT INTO review_anonymous_answers (id, participant_id, kind, question_key, answer)
         SELECT (floor(random() * 2147483648)::bigint << 31) | floor(random() * 2147483648)::bigint, participant_id, kind, question_key, answer
         FROM taken ORDER BY random()",
    )
    .bind(cycle_id)
    .execute(&mut **tx)
    .await
    .map_err(internal)?;
    Ok(())
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
        .map(|(participant, person)| notifications::review_released(*person, *participant, cycle))
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
    let mut tx = crate::store::begin_write(pool).await?;
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
