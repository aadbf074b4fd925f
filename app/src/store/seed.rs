//! Writes a generated demo organisation into an empty database, in one transaction, with
//! multi-row inserts (100,000 people take seconds, not minutes).

use super::accounts::{self, PasswordHash};
use super::{audit, internal, now, people, Backend, Pool};
use crate::demo::goals::DemoGoals;
use crate::demo::org::DemoOrg;
use crate::error::{AppError, AppResult};
use keel_core::people::{PersonId, Role};
use serde_json::json;

const BATCH: usize = 400;

/// Whether the database has no people yet (the only state seeding accepts).
pub async fn is_empty(pool: &Pool) -> AppResult<bool> {
    let any: Option<i64> = sqlx::query_scalar("SELECT id FROM employees LIMIT 1")
        .fetch_optional(pool)
        .await
        .map_err(internal)?;
    Ok(any.is_none())
}

/// Inserts `org` and its demo goals; its people get ids 1..=N in order, departments likewise.
/// The demo accounts get roles and `password` (already hashed). Refuses a database that already
/// has people. Returns how many goals it wrote.
pub async fn insert(
    pool: &Pool,
    backend: Backend,
    org: &DemoOrg,
    seed: u64,
    password: &PasswordHash,
) -> AppResult<usize> {
    if !is_empty(pool).await? {
        return Err(AppError::Conflict(
            "The database already has people in it; seeding needs an empty database.".into(),
        ));
    }
    let at = now();
    let mut tx = super::begin_write(pool).await?;
    for (start, chunk) in (0..).step_by(BATCH).zip(org.departments.chunks(BATCH)) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| {
                let p = i * 4;
                format!("(${}, ${}, ${}, ${})", p + 1, p + 2, p + 3, p + 4)
            })
            .collect();
        let sql = format!(
            "INSERT INTO departments (id, name, parent_id, created_at) VALUES {}",
            rows.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for (i, d) in chunk.iter().enumerate() {
            query = query
                .bind((start + i + 1) as i64)
                .bind(d.name.clone())
                .bind(d.parent.map(|p| p as i64 + 1))
                .bind(at);
        }
        query.execute(&mut *tx).await.map_err(internal)?;
    }
    for (start, chunk) in (0..).step_by(BATCH).zip(org.people.chunks(BATCH)) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| {
                let p = i * 10;
                let cols: Vec<String> = (1..=10).map(|c| format!("${}", p + c)).collect();
                format!("({})", cols.join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO employees (id, name, email, title, department_id, manager_id, hire_date,
                location, created_at, updated_at) VALUES {}",
            rows.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for (i, p) in chunk.iter().enumerate() {
            query = query
                .bind((start + i + 1) as i64)
                .bind(p.name.clone())
                .bind(p.email.clone())
                .bind(p.title.clone())
                .bind(p.department as i64 + 1)
                .bind(p.manager.map(|m| m as i64 + 1))
                .bind(p.hire_date.clone())
                .bind(p.location.clone())
                .bind(at)
                .bind(at);
        }
        query.execute(&mut *tx).await.map_err(internal)?;
    }
    if backend == Backend::Postgres {
        for table in ["departments", "employees"] {
            sqlx::query(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            ))
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        }
    }
    let a = org.accounts;
    let id = |index: usize| index as PersonId + 1;
    for (person, role) in [
        (a.hr_admin, Role::HrAdmin),
        (a.executive, Role::Executive),
        (a.admin, Role::Admin),
    ] {
        people::set_role_in(&mut tx, id(person), role, true, None).await?;
    }
    // Everyone in the demo company signs in with the demo password, so any colleague can be
    // tried out (the login page lists only the six demo accounts).
    let rows = (0..org.people.len())
        .map(|person| {
            vec![
                Cell::Int(id(person)),
                Cell::Text(password.0.clone()),
                Cell::Int(at),
            ]
        })
        .collect();
    bulk_insert(
        &mut tx,
        "credentials",
        &["employee_id", "password_hash", "updated_at"],
        rows,
    )
    .await?;
    let goals = crate::demo::goals::generate(org, seed, now().div_euclid(86_400));
    insert_goals(&mut tx, backend, &goals, at).await?;
    let reviews = crate::demo::reviews::generate(org, seed, now().div_euclid(86_400));
    insert_reviews(&mut tx, backend, org, &reviews, at).await?;
    let summary = json!({
        "employees": org.people.len(), "departments": org.departments.len(),
        "goals": goals.goals.len(), "check_ins": goals.check_ins.len(),
        "review_cycles": reviews.cycles.len(), "review_assignments": reviews.assignments.len(),
        "seed": seed,
    });
    audit::record(
        &mut tx,
        None,
        "organisation.seeded",
        "organisation",
        0,
        None,
        Some(summary),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(goals.goals.len())
}

/// One value of a bulk insert.
pub(crate) enum Cell {
    Int(i64),
    MaybeInt(Option<i64>),
    Real(f64),
    MaybeReal(Option<f64>),
    Text(String),
    MaybeText(Option<String>),
}

/// Inserts `rows` into `table` with multi-row INSERTs, a few hundred rows at a time.
pub(crate) async fn bulk_insert(
    tx: &mut super::Tx<'_>,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Cell>>,
) -> AppResult<()> {
    let width = columns.len();
    let per_batch = (BATCH * 10 / width).max(1);
    for chunk in rows.chunks(per_batch) {
        let placeholders: Vec<String> = (0..chunk.len())
            .map(|r| {
                let cells: Vec<String> =
                    (1..=width).map(|c| format!("${}", r * width + c)).collect();
                format!("({})", cells.join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES {}",
            columns.join(", "),
            placeholders.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for row in chunk {
            for cell in row {
                query = match cell {
                    Cell::Int(v) => query.bind(*v),
                    Cell::MaybeInt(v) => query.bind(*v),
                    Cell::Real(v) => query.bind(*v),
                    Cell::MaybeReal(v) => super::bind_real(query, *v),
                    Cell::Text(v) => query.bind(v.clone()),
                    Cell::MaybeText(v) => query.bind(v.clone()),
                };
            }
        }
        query.execute(&mut **tx).await.map_err(internal)?;
    }
    Ok(())
}

/// Writes the demo goals: periods, goals, key results, check-ins and approved goal plans.
/// Ids are the generated indices plus one (the database is empty).
async fn insert_goals(
    tx: &mut super::Tx<'_>,
    backend: Backend,
    goals: &DemoGoals,
    at: i64,
) -> AppResult<()> {
    use Cell::*;
    let person = |index: usize| index as i64 + 1;
    let periods = goals
        .periods
        .iter()
        .enumerate()
        .map(|(i, p)| {
            vec![
                Int(i as i64 + 1),
                Text(p.name.clone()),
                Text(p.kind.as_str().into()),
                Text(p.starts_on.clone()),
                Text(p.ends_on.clone()),
                Int(at),
            ]
        })
        .collect();
    bulk_insert(
        tx,
        "goal_periods",
        &["id", "name", "kind", "starts_on", "ends_on", "created_at"],
        periods,
    )
    .await?;
    let rows = goals
        .goals
        .iter()
        .enumerate()
        .map(|(i, g)| {
            vec![
                Int(i as i64 + 1),
                Text(g.title.clone()),
                Text(g.description.clone()),
                Int(person(g.owner)),
                Text(g.level.as_str().into()),
                MaybeInt(g.department.map(|d| d as i64 + 1)),
                Int(g.period as i64 + 1),
                Text(g.visibility.as_str().into()),
                Int(g.weight),
                Text("active".into()),
                Text(g.mode.as_str().into()),
                MaybeInt(g.parent.map(|p| p as i64 + 1)),
                Real(g.progress),
                MaybeText(g.confidence.map(|c| c.as_str().to_string())),
                MaybeInt(g.last_check_in_at),
                Int(person(g.owner)),
                Int(g.created_at),
                Int(g.created_at),
                MaybeInt(g.parent.map(|_| person(g.owner))),
                MaybeInt(g.parent.map(|_| g.created_at)),
            ]
        })
        .collect();
    bulk_insert(
        tx,
        "goals",
        &[
            "id",
            "title",
            "description",
            "owner_id",
            "level",
            "department_id",
            "period_id",
            "visibility",
            "weight",
            "status",
            "progress_mode",
            "parent_id",
            "progress",
            "confidence",
            "last_check_in_at",
            "created_by",
            "created_at",
            "updated_at",
            "aligned_by",
            "aligned_at",
        ],
        rows,
    )
    .await?;
    let rows = goals
        .key_results
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let created = goals.goals[k.goal].created_at;
            vec![
                Int(i as i64 + 1),
                Int(k.goal as i64 + 1),
                Int(k.position),
                Text(k.title.clone()),
                Text(k.kind.as_str().into()),
                Text(k.unit.clone()),
                Text(
                    if k.target < k.start {
                        "decrease"
                    } else {
                        "increase"
                    }
                    .into(),
                ),
                Real(k.start),
                Real(k.target),
                Real(k.current),
                Int(k.weight),
                Int(created),
                Int(created),
            ]
        })
        .collect();
    bulk_insert(
        tx,
        "key_results",
        &[
            "id",
            "goal_id",
            "position",
            "title",
            "kind",
            "unit",
            "direction",
            "start_value",
            "target_value",
            "current_value",
            "weight",
            "created_at",
            "updated_at",
        ],
        rows,
    )
    .await?;
    let rows = goals
        .check_ins
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let values: Vec<(i64, f64)> =
                c.values.iter().map(|(k, v)| (*k as i64 + 1, *v)).collect();
            vec![
                Int(i as i64 + 1),
                Int(c.goal as i64 + 1),
                Int(person(c.author)),
                Text(c.confidence.as_str().into()),
                Text(c.comment.clone()),
                Real(c.progress),
                Text(serde_json::to_string(&values).unwrap_or_else(|_| "[]".into())),
                Int(c.at),
            ]
        })
        .collect();
    bulk_insert(
        tx,
        "check_ins",
        &[
            "id",
            "goal_id",
            "author_id",
            "confidence",
            "comment",
            "progress",
            "key_result_values",
            "created_at",
        ],
        rows,
    )
    .await?;
    let rows = goals
        .plans
        .iter()
        .map(|p| {
            vec![
                Int(person(p.owner)),
                Int(p.period as i64 + 1),
                Text(p.state.as_str().into()),
                Int(at),
            ]
        })
        .collect();
    bulk_insert(
        tx,
        "goal_plans",
        &["owner_id", "period_id", "state", "updated_at"],
        rows,
    )
    .await?;
    if backend == Backend::Postgres {
        for table in ["goal_periods", "goals", "key_results", "check_ins"] {
            sqlx::query(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST(1, (SELECT COALESCE(MAX(id), 0) FROM {table})))"
            ))
            .execute(&mut **tx)
            .await
            .map_err(internal)?;
        }
    }
    Ok(())
}

/// Makes `email` an administrator who can sign in with `password`: an existing person gets the
/// role, otherwise a new person "Administrator" is added to the first department (created if the
/// database has none). Returns their id.
pub async fn create_admin(
    pool: &Pool,
    email: &str,
    password: &PasswordHash,
) -> AppResult<PersonId> {
    let email = email.trim().to_lowercase();
    let mut tx = super::begin_write(pool).await?;
    let at = now();
    let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM employees WHERE email = $1")
        .bind(&email)
        .fetch_optional(&mut *tx)
        .await
        .map_err(internal)?;
    let id = match existing {
        Some(id) => {
            // Someone who had left comes back: an administrator who cannot sign in is no use.
            let reactivated = sqlx::query(
                "UPDATE employees SET status = 'active', updated_at = $1
                 WHERE id = $2 AND status = 'left'",
            )
            .bind(at)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(internal)?
            .rows_affected();
            if reactivated > 0 {
                let change = Some(json!({ "status": "active" }));
                audit::record(
                    &mut tx,
                    None,
                    "person.reactivated",
                    "employee",
                    id,
                    None,
                    change,
                )
                .await?;
            }
            id
        }
        None => {
            let department: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM departments WHERE parent_id IS NULL ORDER BY id LIMIT 1",
            )
            .fetch_optional(&mut *tx)
            .await
            .map_err(internal)?;
            let department = match department {
                Some(d) => d,
                None => sqlx::query_scalar(
                    "INSERT INTO departments (name, parent_id, created_at) VALUES ('Administration', NULL, $1) RETURNING id",
                )
                .bind(at)
                .fetch_one(&mut *tx)
                .await
                .map_err(internal)?,
            };
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO employees (name, email, title, department_id, manager_id, hire_date,
                    location, status, created_at, updated_at)
                 VALUES ('Administrator', $1, 'Administrator', $2, NULL, $3, '', 'active', $4, $5)
                 RETURNING id",
            )
            .bind(&email)
            .bind(department)
            .bind(keel_core::calendar::date_from_days(at / 86_400))
            .bind(at)
            .bind(at)
            .fetch_one(&mut *tx)
            .await
            .map_err(internal)?;
            audit::record(
                &mut tx,
                None,
                "person.created",
                "employee",
                id,
                None,
                Some(json!({ "email": email })),
            )
            .await?;
            id
        }
    };
    people::set_role_in(&mut tx, id, Role::Admin, true, None).await?;
    accounts::set_password_in(&mut tx, id, password).await?;
    audit::record(&mut tx, None, "password.set", "employee", id, None, None).await?;
    tx.commit().await.map_err(internal)?;
    Ok(id)
}

/// Writes the demo reviews: the scale, the template (version 1, frozen), the cycles, their
/// participants and assignments with answers, calibration changes, and the notifications the
/// open cycle would have sent. Ids are the generated indices plus one.
async fn insert_reviews(
    tx: &mut super::Tx<'_>,
    backend: Backend,
    org: &DemoOrg,
    demo: &crate::demo::reviews::DemoReviews,
    at: i64,
) -> AppResult<()> {
    use keel_core::reviews::{reviewer_types_text, AssignmentState, ReviewerType};
    use Cell::*;
    let hr = org.accounts.hr_admin as i64 + 1;
    sqlx::query("INSERT INTO rating_scales (id, name, points, created_at) VALUES (1, $1, $2, $3)")
        .bind(&demo.scale.name)
        .bind(serde_json::to_string(&demo.scale.points).unwrap_or_default())
        .bind(at)
        .execute(&mut **tx)
        .await
        .map_err(internal)?;
    sqlx::query("INSERT INTO review_templates (id, name, created_by, created_at) VALUES (1, 'Performance review', $1, $2)")
        .bind(hr)
        .bind(at)
        .execute(&mut **tx)
        .await
        .map_err(internal)?;
    sqlx::query(
        "INSERT INTO template_versions (id, template_id, version, definition, frozen, created_at, updated_at)
         VALUES (1, 1, 1, $1, 1, $2, $2)",
    )
    .bind(serde_json::to_string(&demo.template).unwrap_or_default())
    .bind(at)
    .execute(&mut **tx)
    .await
    .map_err(internal)?;
    let all_types = reviewer_types_text(ReviewerType::ALL);
    for (i, c) in demo.cycles.iter().enumerate() {
        sqlx::query(
            "INSERT INTO review_cycles (id, name, starts_on, ends_on, goal_period_id, state, reviewer_types,
                anonymous, anonymity_threshold, peer_min, peer_max, scope, scope_value, hired_before,
                nomination_due, writing_due, calibration_due, release_due, template_version_id,
                target_distribution, created_by, created_at, launched_at, closed_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 1, 3, 3, 4, 'all', '', NULL, $8, $9, $10, $11, 1, $12, $13, $14, $15, $16)",
        )
        .bind(i as i64 + 1)
        .bind(&c.name)
        .bind(&c.starts_on)
        .bind(&c.ends_on)
        .bind(c.goal_period as i64 + 1)
        .bind(c.state.as_str())
        .bind(&all_types)
        .bind(&c.nomination_due)
        .bind(&c.writing_due)
        .bind(&c.calibration_due)
        .bind(&c.release_due)
        .bind(r#"{"1":5,"2":15,"3":55,"4":20,"5":5}"#)
        .bind(hr)
        .bind(c.launched_at - 86_400)
        .bind(c.launched_at)
        .bind(c.closed_at)
        .execute(&mut **tx)
        .await
        .map_err(internal)?;
    }
    let top = |mut d: usize| {
        while let Some(p) = org.departments[d].parent {
            d = p;
        }
        d as i64 + 1
    };
    let person = |i: usize| i as i64 + 1;
    let rows = demo
        .participants
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let who = &org.people[p.person];
            vec![
                Int(i as i64 + 1),
                Int(p.cycle as i64 + 1),
                Int(person(p.person)),
                MaybeInt(who.manager.map(person)),
                Int(who.department as i64 + 1),
                Int(top(who.department)),
                Int(1),
                MaybeReal(p.proposed),
                MaybeInt(p.final_rating),
                MaybeInt(p.released_at),
                MaybeText(p.comment.clone()),
                MaybeInt(p.acknowledged_at),
                MaybeInt(p.signed_off_at),
            ]
        })
        .collect();
    bulk_insert(
        tx,
        "review_participants",
        &[
            "id",
            "cycle_id",
            "person_id",
            "manager_id",
            "department_id",
            "top_department_id",
            "template_version_id",
            "proposed_rating",
            "final_rating",
            "released_at",
            "employee_comment",
            "acknowledged_at",
            "signed_off_at",
        ],
        rows,
    )
    .await?;
    // Every demo cycle is anonymous: a submitted peer or upward review's answers are stored
    // apart from it, shuffled, under random ids (see store::reviews::save_answers).
    let anonymous = |a: &crate::demo::reviews::DemoAssignment| {
        a.state == AssignmentState::Submitted && a.kind.may_be_anonymous()
    };
    let mut rows: Vec<Vec<Cell>> = demo
        .assignments
        .iter()
        .filter(|a| anonymous(a))
        .flat_map(|a| {
            a.answers
                .iter()
                .filter(|(_, answer)| !answer.trim().is_empty())
                .map(|(key, answer)| {
                    vec![
                        Int(rand::random::<i64>() & i64::MAX),
                        Int(a.participant as i64 + 1),
                        Text(a.kind.as_str().into()),
                        Text(key.clone()),
                        Text(answer.clone()),
                    ]
                })
        })
        .collect();
    rand::seq::SliceRandom::shuffle(rows.as_mut_slice(), &mut rand::thread_rng());
    bulk_insert(
        tx,
        "review_anonymous_answers",
        &["id", "participant_id", "kind", "question_key", "answer"],
        rows,
    )
    .await?;
    let rows = demo
        .assignments
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let answers = if anonymous(a) {
                "{}".to_string()
            } else {
                serde_json::to_string(&a.answers).unwrap_or_else(|_| "{}".into())
            };
            vec![
                Int(i as i64 + 1),
                Int(a.participant as i64 + 1),
                Int(demo.participants[a.participant].cycle as i64 + 1),
                Int(person(a.reviewer)),
                Text(a.kind.as_str().into()),
                Text(a.state.as_str().into()),
                Text(answers),
                MaybeInt(a.saved_at),
                MaybeInt(a.submitted_at),
            ]
        })
        .collect();
    bulk_insert(
        tx,
        "review_assignments",
        &[
            "id",
            "participant_id",
            "cycle_id",
            "reviewer_id",
            "kind",
            "state",
            "answers",
            "saved_at",
            "submitted_at",
        ],
        rows,
    )
    .await?;
    let rows = demo
        .changes
        .iter()
        .map(|c| {
            vec![
                Int(c.participant as i64 + 1),
                Int(hr),
                Real(c.before),
                Int(c.after),
                Text(c.justification.clone()),
                Int(c.at),
            ]
        })
        .collect();
    bulk_insert(
        tx,
        "rating_changes",
        &[
            "participant_id",
            "actor_id",
            "before_rating",
            "after_rating",
            "justification",
            "at",
        ],
        rows,
    )
    .await?;
    // What the open cycle's launch told each reviewer who still has something to write.
    let mut outstanding: std::collections::BTreeMap<usize, i64> = Default::default();
    for a in &demo.assignments {
        let cycle = &demo.cycles[demo.participants[a.participant].cycle];
        if cycle.closed_at.is_none() && a.state != AssignmentState::Submitted {
            *outstanding.entry(a.reviewer).or_default() += 1;
        }
    }
    if let Some(open) = demo.cycles.iter().find(|c| c.closed_at.is_none()) {
        let rows = outstanding
            .iter()
            .map(|(reviewer, n)| {
                vec![
                    Int(person(*reviewer)),
                    Text(format!(
                        "{n} review{} to write for {}",
                        if *n == 1 { "" } else { "s" },
                        open.name
                    )),
                    Text(format!("Reviews are due by {}.", open.writing_due)),
                    Text("/reviews".into()),
                    Int(open.launched_at),
                ]
            })
            .collect();
        bulk_insert(
            tx,
            "notifications",
            &["person_id", "title", "body", "link", "created_at"],
            rows,
        )
        .await?;
    }
    let sqlite = backend == Backend::Sqlite;
    for table in [
        "rating_scales",
        "review_templates",
        "template_versions",
        "review_cycles",
        "review_participants",
        "review_assignments",
    ] {
        super::sync_id_sequence(tx, sqlite, table).await?;
    }
    Ok(())
}
