//! People: the directory, profiles, reporting lines, and HR's changes to them (each audited in
//! the same transaction).

use super::{audit, internal, now, on_unique, Pool, Tx};
use crate::error::{AppError, AppResult};
use keel_core::people::{
    DirectoryQuery, EmploymentStatus, PersonCard, PersonId, PersonInput, PrivateDetails, Role,
};
use serde_json::json;

/// The columns every `PersonCard` is read from; `e` is the person, `d` their department.
const CARD_COLUMNS: &str = "e.id, e.name, e.title, d.name AS department, e.location, e.status,
    (SELECT COUNT(*) FROM employees r WHERE r.manager_id = e.id AND r.status = 'active')
        AS report_count";

#[derive(sqlx::FromRow)]
struct CardRow {
    id: i64,
    name: String,
    title: String,
    department: String,
    location: String,
    status: String,
    report_count: i64,
}

impl From<CardRow> for PersonCard {
    fn from(r: CardRow) -> Self {
        PersonCard {
            id: r.id,
            name: r.name,
            title: r.title,
            department: r.department,
            location: r.location,
            status: EmploymentStatus::parse(&r.status),
            report_count: r.report_count,
        }
    }
}

/// A case-folded `LIKE` pattern matching `search` anywhere, with `\`, `%` and `_` escaped.
pub(crate) fn like_pattern(search: &str) -> String {
    let escaped = search
        .trim()
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// One page of the directory (`per_page` people, sorted by name) and how many match in all; a
/// department filter includes its sub-departments.
#[tracing::instrument(skip(pool))]
pub async fn directory(
    pool: &Pool,
    query: &DirectoryQuery,
    per_page: i64,
) -> AppResult<(Vec<PersonCard>, i64)> {
    let mut conditions: Vec<String> = Vec::new();
    let mut texts: Vec<(usize, String)> = Vec::new();
    let mut param = 0;
    let mut next = || {
        param += 1;
        param
    };
    if !query.include_left {
        conditions.push("e.status = 'active'".into());
    }
    let department_param = query.department_id.map(|_| next());
    if let Some(n) = department_param {
        conditions.push(format!(
            "e.department_id IN (WITH RECURSIVE sub(id) AS (
                SELECT id FROM departments WHERE id = ${n}
                UNION ALL SELECT d.id FROM departments d JOIN sub ON d.parent_id = sub.id)
             SELECT id FROM sub)"
        ));
    }
    if !query.search.trim().is_empty() {
        let (a, b) = (next(), next());
        let pattern = like_pattern(&query.search);
        conditions.push(format!(
            "(lower(e.name) LIKE ${a} ESCAPE '\\' OR e.email LIKE ${b} ESCAPE '\\')"
        ));
        texts.push((a, pattern.clone()));
        texts.push((b, pattern));
    }
    let filter = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let page = query.page.max(1);
    let (limit, offset) = (next(), next());
    let list_sql = format!(
        "SELECT {CARD_COLUMNS} FROM employees e JOIN departments d ON d.id = e.department_id
         {filter} ORDER BY e.name, e.id LIMIT ${limit} OFFSET ${offset}"
    );
    let count_sql = format!("SELECT COUNT(*) FROM employees e {filter}");

    let mut list = sqlx::query_as::<_, CardRow>(&list_sql);
    let mut count = sqlx::query_scalar::<_, i64>(&count_sql);
    if let Some(id) = query.department_id {
        list = list.bind(id);
        count = count.bind(id);
    }
    for (_, text) in &texts {
        list = list.bind(text.clone());
        count = count.bind(text.clone());
    }
    let rows = list
        .bind(per_page)
        .bind((page - 1).saturating_mul(per_page))
        .fetch_all(pool)
        .await
        .map_err(internal)?;
    let total = count.fetch_one(pool).await.map_err(internal)?;
    Ok((rows.into_iter().map(PersonCard::from).collect(), total))
}

/// Up to 8 active people whose name or email starts with `prefix`: the manager picker.
pub async fn suggest(pool: &Pool, prefix: &str) -> AppResult<Vec<(String, String)>> {
    let pattern = like_pattern(prefix).trim_start_matches('%').to_string();
    sqlx::query_as::<_, (String, String)>(
        "SELECT name, email FROM employees
         WHERE status = 'active' AND (lower(name) LIKE $1 ESCAPE '\\' OR email LIKE $2 ESCAPE '\\')
         ORDER BY name LIMIT 8",
    )
    .bind(pattern.clone())
    .bind(pattern)
    .fetch_all(pool)
    .await
    .map_err(internal)
}

pub async fn card(pool: &Pool, id: PersonId) -> AppResult<Option<PersonCard>> {
    let sql = format!(
        "SELECT {CARD_COLUMNS} FROM employees e JOIN departments d ON d.id = e.department_id
         WHERE e.id = $1"
    );
    let row = sqlx::query_as::<_, CardRow>(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await
        .map_err(internal)?;
    Ok(row.map(PersonCard::from))
}

/// The id of the active person with this (lower-case) email.
pub async fn active_id_by_email(pool: &Pool, email: &str) -> AppResult<Option<PersonId>> {
    sqlx::query_scalar("SELECT id FROM employees WHERE email = $1 AND status = 'active'")
        .bind(email)
        .fetch_optional(pool)
        .await
        .map_err(internal)
}

/// Active direct reports, by name.
pub async fn direct_reports(pool: &Pool, manager: PersonId) -> AppResult<Vec<PersonCard>> {
    let sql = format!(
        "SELECT {CARD_COLUMNS} FROM employees e JOIN departments d ON d.id = e.department_id
         WHERE e.manager_id = $1 AND e.status = 'active' ORDER BY e.name, e.id"
    );
    let rows = sqlx::query_as::<_, CardRow>(&sql)
        .bind(manager)
        .fetch_all(pool)
        .await
        .map_err(internal)?;
    Ok(rows.into_iter().map(PersonCard::from).collect())
}

/// The managers above a person, nearest first, up to the top of the company.
pub async fn manager_chain(pool: &Pool, person: PersonId) -> AppResult<Vec<PersonCard>> {
    let sql = chain_sql(&format!(
        "SELECT {CARD_COLUMNS} FROM chain c JOIN employees e ON e.id = c.id
         JOIN departments d ON d.id = e.department_id ORDER BY c.depth"
    ));
    let rows = sqlx::query_as::<_, CardRow>(&sql)
        .bind(person)
        .fetch_all(pool)
        .await
        .map_err(internal)?;
    Ok(rows.into_iter().map(PersonCard::from).collect())
}

/// A query over `chain(id, depth)`: the managers above $1, nearest first (depth 1), up to the top
/// of the company. Each step looks the next manager up with a scalar subquery: written as a
/// join, SQLite builds a Bloom filter over the whole employees table at every step (9 ms instead
/// of 15 µs with 100,000 people).
fn chain_sql(select: &str) -> String {
    format!(
        "WITH RECURSIVE chain(id, depth) AS (
            SELECT manager_id, 1 FROM employees WHERE id = $1 AND manager_id IS NOT NULL
            UNION ALL
            SELECT (SELECT m.manager_id FROM employees m WHERE m.id = c.id), c.depth + 1
            FROM chain c WHERE c.id IS NOT NULL AND c.depth < 64)
         {select}"
    )
}

/// Finds $2 among the managers above $1: its depth (1 for the direct manager) when $1
/// reports to $2 at any depth.
fn reports_to_sql() -> String {
    chain_sql("SELECT CAST(depth AS BIGINT) FROM chain WHERE id = $2 ORDER BY depth LIMIT 1")
}

/// How far above `person` `manager` sits in the reporting line: `Some(1)` for the direct
/// manager, `None` when they are not above them at all.
pub async fn line_distance(
    pool: &Pool,
    person: PersonId,
    manager: PersonId,
) -> AppResult<Option<i64>> {
    sqlx::query_scalar(&reports_to_sql())
        .bind(person)
        .bind(manager)
        .fetch_optional(pool)
        .await
        .map_err(internal)
}

/// Whether `manager` is anywhere above `person` in the reporting line.
pub async fn reports_to(pool: &Pool, person: PersonId, manager: PersonId) -> AppResult<bool> {
    Ok(line_distance(pool, person, manager).await?.is_some())
}

/// How many active people are anywhere below `manager`.
pub async fn organisation_size(pool: &Pool, manager: PersonId) -> AppResult<i64> {
    sqlx::query_scalar(
        "WITH RECURSIVE below(id, depth) AS (
            SELECT id, 1 FROM employees WHERE manager_id = $1 AND status = 'active'
            UNION ALL
            SELECT e.id, b.depth + 1 FROM employees e JOIN below b ON e.manager_id = b.id
            WHERE e.status = 'active' AND b.depth < 64)
         SELECT COUNT(*) FROM below",
    )
    .bind(manager)
    .fetch_one(pool)
    .await
    .map_err(internal)
}

/// The person at the top of the company (no manager), the first if there are several.
pub async fn top_of_company(pool: &Pool) -> AppResult<Option<PersonId>> {
    sqlx::query_scalar(
        "SELECT id FROM employees WHERE manager_id IS NULL AND status = 'active'
         ORDER BY id LIMIT 1",
    )
    .fetch_optional(pool)
    .await
    .map_err(internal)
}

#[derive(sqlx::FromRow)]
struct DetailRow {
    email: String,
    department_id: i64,
    manager_id: Option<i64>,
    hire_date: String,
    manager_email: Option<String>,
}

pub struct PersonDetails {
    pub email: String,
    pub department_id: i64,
    pub manager_id: Option<PersonId>,
    pub private: PrivateDetails,
}

pub async fn details(pool: &Pool, id: PersonId) -> AppResult<Option<PersonDetails>> {
    let row = sqlx::query_as::<_, DetailRow>(
        "SELECT e.email, e.department_id, e.manager_id, e.hire_date, m.email AS manager_email
         FROM employees e LEFT JOIN employees m ON m.id = e.manager_id WHERE e.id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await
    .map_err(internal)?;
    Ok(row.map(|row| PersonDetails {
        email: row.email,
        department_id: row.department_id,
        manager_id: row.manager_id,
        private: PrivateDetails {
            hire_date: row.hire_date,
            manager_email: row.manager_email,
        },
    }))
}

pub async fn roles(pool: &Pool, id: PersonId) -> AppResult<Vec<Role>> {
    let names: Vec<String> =
        sqlx::query_scalar("SELECT role FROM employee_roles WHERE employee_id = $1 ORDER BY role")
            .bind(id)
            .fetch_all(pool)
            .await
            .map_err(internal)?;
    Ok(names.iter().filter_map(|n| Role::parse(n)).collect())
}

/// Everything HR can change about a person, as the audit trail records it.
#[derive(sqlx::FromRow)]
struct SnapshotRow {
    name: String,
    email: String,
    title: String,
    department_id: i64,
    manager_id: Option<i64>,
    hire_date: String,
    location: String,
    status: String,
}

async fn snapshot(tx: &mut Tx<'_>, id: PersonId) -> AppResult<Option<serde_json::Value>> {
    let row = sqlx::query_as::<_, SnapshotRow>(
        "SELECT name, email, title, department_id, manager_id, hire_date, location, status
         FROM employees WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await
    .map_err(internal)?;
    Ok(row.map(|r| {
        json!({
            "name": r.name, "email": r.email, "title": r.title,
            "department_id": r.department_id, "manager_id": r.manager_id,
            "hire_date": r.hire_date, "location": r.location, "status": r.status,
        })
    }))
}

/// Serialises changes to people on PostgreSQL (SQLite's `BEGIN IMMEDIATE` already does): two
/// edits checked at once could otherwise each pass the loop check (A under B, B under A), a
/// person be marked as left while someone is being placed under them, or HR change someone in
/// the instant they are made an administrator. HR changes people rarely, so one
/// transaction-scoped lock for all of them costs nothing.
async fn lock_people_changes(tx: &mut Tx<'_>, sqlite: bool) -> AppResult<()> {
    if !sqlite {
        sqlx::query("SELECT pg_advisory_xact_lock(4242001)")
            .execute(&mut **tx)
            .await
            .map_err(internal)?;
    }
    Ok(())
}

/// `Forbidden` if `person` is an administrator (read in this transaction) and the actor may not
/// manage administrators (`policy::Action::ManagePerson`).
async fn refuse_admin_unless(
    tx: &mut Tx<'_>,
    person: PersonId,
    may_manage_admins: bool,
) -> AppResult<()> {
    if may_manage_admins {
        return Ok(());
    }
    let admin: Option<i64> = sqlx::query_scalar(
        "SELECT employee_id FROM employee_roles WHERE employee_id = $1 AND role = 'admin'",
    )
    .bind(person)
    .fetch_optional(&mut **tx)
    .await
    .map_err(internal)?;
    if admin.is_some() {
        return Err(AppError::Forbidden);
    }
    Ok(())
}

/// Resolves the manager's email to an active person, checks the department exists, and refuses
/// a manager who reports (at any depth) to the person being changed.
async fn resolve_placement(
    tx: &mut Tx<'_>,
    input: &PersonInput,
    person: Option<PersonId>,
) -> AppResult<Option<PersonId>> {
    let department: Option<i64> = sqlx::query_scalar("SELECT id FROM departments WHERE id = $1")
        .bind(input.department_id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(internal)?;
    if department.is_none() {
        return Err(AppError::invalid(
            "department_id",
            "Choose a department from the list.",
        ));
    }
    let Some(email) = &input.manager_email else {
        return Ok(None);
    };
    let manager: Option<i64> =
        sqlx::query_scalar("SELECT id FROM employees WHERE email = $1 AND status = 'active'")
            .bind(email)
            .fetch_optional(&mut **tx)
            .await
            .map_err(internal)?;
    let Some(manager) = manager else {
        return Err(AppError::invalid(
            "manager_email",
            "Nobody active in Keel has this email.",
        ));
    };
    if let Some(person) = person {
        if manager == person {
            return Err(AppError::invalid(
                "manager_email",
                "A person cannot manage themselves.",
            ));
        }
        let cycle: Option<i64> = sqlx::query_scalar(&reports_to_sql())
            .bind(manager)
            .bind(person)
            .fetch_optional(&mut **tx)
            .await
            .map_err(internal)?;
        if cycle.is_some() {
            return Err(AppError::invalid(
                "manager_email",
                "This person already reports to them: choose someone outside their team.",
            ));
        }
    }
    Ok(Some(manager))
}

const EMAIL_TAKEN: &str = "Someone in Keel already has this email.";

/// Adds a person; returns their id.
pub async fn create(pool: &Pool, input: &PersonInput, actor: PersonId) -> AppResult<PersonId> {
    let mut tx = super::begin_write(pool).await?;
    lock_people_changes(&mut tx, super::is_sqlite(pool)).await?;
    let manager = resolve_placement(&mut tx, input, None).await?;
    let at = now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO employees (name, email, title, department_id, manager_id, hire_date,
            location, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'active', $8, $9) RETURNING id",
    )
    .bind(&input.name)
    .bind(&input.email)
    .bind(&input.title)
    .bind(input.department_id)
    .bind(manager)
    .bind(&input.hire_date)
    .bind(&input.location)
    .bind(at)
    .bind(at)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| on_unique(e, "email", EMAIL_TAKEN))?;
    let after = snapshot(&mut tx, id).await?;
    audit::record(
        &mut tx,
        Some(actor),
        "person.created",
        "employee",
        id,
        None,
        after,
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(id)
}

/// Changes a person's details, department or manager.
pub async fn update(
    pool: &Pool,
    id: PersonId,
    input: &PersonInput,
    actor: PersonId,
    may_manage_admins: bool,
) -> AppResult<()> {
    let mut tx = super::begin_write(pool).await?;
    let before = snapshot(&mut tx, id)
        .await?
        .ok_or_else(|| AppError::not_found("That person"))?;
    lock_people_changes(&mut tx, super::is_sqlite(pool)).await?;
    refuse_admin_unless(&mut tx, id, may_manage_admins).await?;
    let manager = resolve_placement(&mut tx, input, Some(id)).await?;
    sqlx::query(
        "UPDATE employees SET name = $1, email = $2, title = $3, department_id = $4,
            manager_id = $5, hire_date = $6, location = $7, updated_at = $8
         WHERE id = $9",
    )
    .bind(&input.name)
    .bind(&input.email)
    .bind(&input.title)
    .bind(input.department_id)
    .bind(manager)
    .bind(&input.hire_date)
    .bind(&input.location)
    .bind(now())
    .bind(id)
    .execute(&mut *tx)
    .await
    .map_err(|e| on_unique(e, "email", EMAIL_TAKEN))?;
    let after = snapshot(&mut tx, id).await?;
    if after.as_ref() != Some(&before) {
        let moved = after.as_ref().is_some_and(|a| {
            a["manager_id"] != before["manager_id"] || a["department_id"] != before["department_id"]
        });
        let action = if moved {
            "person.moved"
        } else {
            "person.updated"
        };
        audit::record(
            &mut tx,
            Some(actor),
            action,
            "employee",
            id,
            Some(before),
            after,
        )
        .await?;
    }
    tx.commit().await.map_err(internal)?;
    Ok(())
}

/// Marks a person as having left and ends their sessions. Refused while they still manage
/// anyone: their reports need a new manager first.
pub async fn mark_left(
    pool: &Pool,
    id: PersonId,
    actor: PersonId,
    may_manage_admins: bool,
) -> AppResult<()> {
    let mut tx = super::begin_write(pool).await?;
    lock_people_changes(&mut tx, super::is_sqlite(pool)).await?;
    refuse_admin_unless(&mut tx, id, may_manage_admins).await?;
    let before = snapshot(&mut tx, id)
        .await?
        .ok_or_else(|| AppError::not_found("That person"))?;
    if before["status"] == "left" {
        return Err(AppError::Conflict(
            "This person is already marked as left.".into(),
        ));
    }
    let reports: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM employees WHERE manager_id = $1 AND status = 'active'",
    )
    .bind(id)
    .fetch_one(&mut *tx)
    .await
    .map_err(internal)?;
    if reports > 0 {
        return Err(AppError::Conflict(format!(
            "They still manage {reports} {}. Give {} a new manager first.",
            if reports == 1 { "person" } else { "people" },
            if reports == 1 { "them" } else { "each of them" },
        )));
    }
    sqlx::query("UPDATE employees SET status = 'left', updated_at = $1 WHERE id = $2")
        .bind(now())
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    sqlx::query("DELETE FROM sessions WHERE employee_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    let after = snapshot(&mut tx, id).await?;
    audit::record(
        &mut tx,
        Some(actor),
        "person.left",
        "employee",
        id,
        Some(before),
        after,
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(())
}

/// Grants or removes a role. Changing nothing (granting a role already held) records nothing.
pub async fn set_role(
    pool: &Pool,
    id: PersonId,
    role: Role,
    granted: bool,
    actor: Option<PersonId>,
) -> AppResult<()> {
    let mut tx = super::begin_write(pool).await?;
    lock_people_changes(&mut tx, super::is_sqlite(pool)).await?;
    set_role_in(&mut tx, id, role, granted, actor).await?;
    tx.commit().await.map_err(internal)
}

pub(crate) async fn set_role_in(
    tx: &mut Tx<'_>,
    id: PersonId,
    role: Role,
    granted: bool,
    actor: Option<PersonId>,
) -> AppResult<()> {
    let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM employees WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(internal)?;
    if exists.is_none() {
        return Err(AppError::not_found("That person"));
    }
    let held: Option<String> =
        sqlx::query_scalar("SELECT role FROM employee_roles WHERE employee_id = $1 AND role = $2")
            .bind(id)
            .bind(role.as_str())
            .fetch_optional(&mut **tx)
            .await
            .map_err(internal)?;
    if held.is_some() == granted {
        return Ok(());
    }
    if granted {
        sqlx::query(
            "INSERT INTO employee_roles (employee_id, role, granted_at) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(role.as_str())
        .bind(now())
        .execute(&mut **tx)
        .await
        .map_err(internal)?;
    } else {
        sqlx::query("DELETE FROM employee_roles WHERE employee_id = $1 AND role = $2")
            .bind(id)
            .bind(role.as_str())
            .execute(&mut **tx)
            .await
            .map_err(internal)?;
    }
    let (action, before, after) = if granted {
        ("role.granted", None, Some(json!({ "role": role.as_str() })))
    } else {
        ("role.revoked", Some(json!({ "role": role.as_str() })), None)
    };
    audit::record(tx, actor, action, "employee", id, before, after).await
}
