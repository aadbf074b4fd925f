//! Accounts: password credentials, sessions (stored as hashes of their tokens, so a leaked
//! database does not leak live sessions) and the login attempts that rate limiting counts.

use super::{internal, now, Pool, Tx};
use crate::error::AppResult;
use keel_core::people::{CurrentUser, PersonId, Role};

/// A password hash: deliberately not `Serialize`, so it can never end up in a response.
pub struct PasswordHash(pub String);

pub struct LoginCandidate {
    pub id: PersonId,
    pub password_hash: PasswordHash,
}

/// The active person with this email and a password, if any.
pub async fn login_candidate(pool: &Pool, email: &str) -> AppResult<Option<LoginCandidate>> {
    let row: Option<(i64, String)> = sqlx::query_as(
        "SELECT e.id, c.password_hash FROM employees e JOIN credentials c ON c.employee_id = e.id
         WHERE e.email = $1 AND e.status = 'active'",
    )
    .bind(email)
    .fetch_optional(pool)
    .await
    .map_err(internal)?;
    Ok(row.map(|(id, hash)| LoginCandidate {
        id,
        password_hash: PasswordHash(hash),
    }))
}

/// Sets (or replaces) a person's password hash.
pub async fn set_password_in(tx: &mut Tx<'_>, id: PersonId, hash: &PasswordHash) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO credentials (employee_id, password_hash, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (employee_id) DO UPDATE SET password_hash = excluded.password_hash,
            updated_at = excluded.updated_at",
    )
    .bind(id)
    .bind(&hash.0)
    .bind(now())
    .execute(&mut **tx)
    .await
    .map_err(internal)?;
    Ok(())
}

/// Admits a sign-in attempt to the password check, or names the seconds to wait (the rule is
/// `keel_core::signin::admit`). Reading the recent attempts and writing this one (as a failure
/// until `attempt_succeeded`) happen in one transaction that holds the account's lock, so
/// parallel attempts are admitted one at a time and each counts the ones before it.
pub async fn admit_attempt(pool: &Pool, email: &str, ip: &str) -> AppResult<Result<i64, i64>> {
    use keel_core::signin::{admit, RecentAttempts, WINDOW_SECS};
    let at = now();
    let since = at - WINDOW_SECS;
    let mut tx = super::begin_write(pool).await?;
    if !super::is_sqlite(pool) {
        // SQLite's BEGIN IMMEDIATE already admits one writer at a time.
        sqlx::query("SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtext($1))) AS locked")
            .bind(email)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
    }
    let (pair_failures, address_failures, account_failures, account_latest_failure_at, known): (
        i64,
        i64,
        i64,
        Option<i64>,
        i64,
    ) = sqlx::query_as(
        "SELECT
            (SELECT COUNT(*) FROM login_attempts
                WHERE email = $1 AND ip = $2 AND at > $3 AND succeeded = 0),
            (SELECT COUNT(*) FROM login_attempts WHERE ip = $4 AND at > $5 AND succeeded = 0),
            (SELECT COUNT(*) FROM login_attempts WHERE email = $6 AND at > $7 AND succeeded = 0),
            (SELECT MAX(at) FROM login_attempts WHERE email = $8 AND at > $9 AND succeeded = 0),
            (SELECT COUNT(*) FROM (SELECT 1 FROM login_attempts
                WHERE email = $10 AND ip = $11 AND succeeded = 1 LIMIT 1) AS known)",
    )
    .bind(email)
    .bind(ip)
    .bind(since)
    .bind(ip)
    .bind(since)
    .bind(email)
    .bind(since)
    .bind(email)
    .bind(since)
    .bind(email)
    .bind(ip)
    .fetch_one(&mut *tx)
    .await
    .map_err(internal)?;
    let recent = RecentAttempts {
        pair_failures,
        address_failures,
        account_failures,
        account_latest_failure_at,
        known_address: known > 0,
    };
    if let Err(wait) = admit(&recent, at) {
        return Ok(Err(wait));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO login_attempts (email, ip, succeeded, at) VALUES ($1, $2, 0, $3) RETURNING id",
    )
    .bind(email)
    .bind(ip)
    .bind(at)
    .fetch_one(&mut *tx)
    .await
    .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    Ok(Ok(id))
}

/// Marks an admitted attempt as a success: the password was right.
pub async fn attempt_succeeded(pool: &Pool, attempt: i64) -> AppResult<()> {
    sqlx::query("UPDATE login_attempts SET succeeded = 1 WHERE id = $1")
        .bind(attempt)
        .execute(pool)
        .await
        .map_err(internal)?;
    Ok(())
}

/// Starts a session: removes the one being replaced (rotation at login) and this person's
/// expired ones, then stores the new token's hash, all in one transaction.
pub async fn start_session(
    pool: &Pool,
    person: PersonId,
    token_hash: &str,
    replaces: Option<&str>,
    lifetime_secs: i64,
) -> AppResult<()> {
    let at = now();
    let mut tx = super::begin_write(pool).await?;
    if let Some(old) = replaces {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(old)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
    }
    sqlx::query("DELETE FROM sessions WHERE employee_id = $1 AND expires_at <= $2")
        .bind(person)
        .bind(at)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    sqlx::query(
        "INSERT INTO sessions (token_hash, employee_id, created_at, expires_at)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash)
    .bind(person)
    .bind(at)
    .bind(at + lifetime_secs)
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    tx.commit().await.map_err(internal)
}

pub async fn end_session(pool: &Pool, token_hash: &str) -> AppResult<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(pool)
        .await
        .map_err(internal)?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct SessionUserRow {
    id: i64,
    name: String,
    email: String,
    title: String,
    is_manager: i64,
    role: Option<String>,
}

/// The person behind an unexpired session of an active employee, in one query.
pub async fn user_for_session(pool: &Pool, token_hash: &str) -> AppResult<Option<CurrentUser>> {
    let rows = sqlx::query_as::<_, SessionUserRow>(
        "SELECT e.id, e.name, e.email, e.title,
            (SELECT COUNT(*) FROM employees r WHERE r.manager_id = e.id AND r.status = 'active')
                AS is_manager,
            er.role
         FROM sessions s
         JOIN employees e ON e.id = s.employee_id AND e.status = 'active'
         LEFT JOIN employee_roles er ON er.employee_id = e.id
         WHERE s.token_hash = $1 AND s.expires_at > $2",
    )
    .bind(token_hash)
    .bind(now())
    .fetch_all(pool)
    .await
    .map_err(internal)?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let mut roles: Vec<Role> = rows
        .iter()
        .filter_map(|r| r.role.as_deref())
        .filter_map(Role::parse)
        .collect();
    roles.sort();
    Ok(Some(CurrentUser {
        id: first.id,
        name: first.name.clone(),
        email: first.email.clone(),
        title: first.title.clone(),
        roles,
        is_manager: first.is_manager > 0,
    }))
}

/// Name and email of the active people with these emails who can sign in, in the given order.
pub async fn people_with_logins(
    pool: &Pool,
    emails: &[String],
) -> AppResult<Vec<(String, String)>> {
    if emails.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (1..=emails.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT e.name, e.email FROM employees e JOIN credentials c ON c.employee_id = e.id
         WHERE e.status = 'active' AND e.email IN ({})",
        placeholders.join(", ")
    );
    let mut query = sqlx::query_as::<_, (String, String)>(&sql);
    for email in emails {
        query = query.bind(email);
    }
    let mut rows = query.fetch_all(pool).await.map_err(internal)?;
    rows.sort_by_key(|(_, email)| emails.iter().position(|e| e == email));
    Ok(rows)
}
