//! The only place SQL lives. One file per aggregate; every function takes the pool or a
//! transaction. The same SQL text runs on SQLite and PostgreSQL through sqlx's `Any` driver, so
//! columns are integers and text only (times are unix seconds, dates are YYYY-MM-DD text).

pub mod accounts;
pub mod audit;
pub mod backup;
pub mod departments;
pub mod goals;
pub mod notifications;
pub mod people;
pub mod reviews;
pub mod seed;

use crate::error::AppError;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};
use std::str::FromStr;
use std::time::Duration;

pub type Pool = AnyPool;
pub type Tx<'a> = sqlx::Transaction<'a, sqlx::Any>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of_url(url: &str) -> Result<Backend, String> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Backend::Postgres)
        } else {
            Err(format!(
                "DATABASE_URL must start with sqlite: or postgres: (got {url:?})"
            ))
        }
    }
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Opens a pool. SQLite connections get WAL, foreign keys, synchronous=FULL and a busy timeout;
/// the database file (and its folder) is created when missing.
pub async fn connect(url: &str, max_connections: u32) -> Result<Pool, String> {
    sqlx::any::install_default_drivers();
    let backend = Backend::of_url(url)?;
    let url = if backend == Backend::Sqlite {
        if let Some(path) = sqlite_path(url) {
            if let Some(dir) = std::path::Path::new(&path).parent() {
                if !dir.as_os_str().is_empty() {
                    std::fs::create_dir_all(dir)
                        .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
                }
            }
        }
        if url.contains('?') {
            url.to_string()
        } else {
            format!("{url}?mode=rwc")
        }
    } else {
        url.to_string()
    };
    let options = AnyConnectOptions::from_str(&url).map_err(|e| e.to_string())?;
    AnyPoolOptions::new()
        .max_connections(max_connections)
        // A connection is checked when it fails, not pinged before every query: for SQLite
        // the ping is a round trip to the connection's worker thread, as costly as a query.
        .test_before_acquire(false)
        .acquire_timeout(Duration::from_secs(10))
        .after_connect(move |conn, _meta| {
            Box::pin(async move {
                if backend == Backend::Sqlite {
                    conn.execute("PRAGMA journal_mode = WAL").await?;
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    conn.execute("PRAGMA synchronous = FULL").await?;
                    conn.execute("PRAGMA busy_timeout = 5000").await?;
                }
                Ok(())
            })
        })
        .connect_with(options)
        .await
        .map_err(|e| format!("cannot open the database: {e}"))
}

fn sqlite_path(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then(|| path.to_string())
}

/// Whether the database answers and has every migration this build knows applied (the
/// readiness check). `Err` when it cannot be reached.
pub async fn schema_is_current(pool: &Pool) -> Result<bool, sqlx::Error> {
    let migrator = if is_sqlite(pool) {
        &SQLITE_MIGRATIONS
    } else {
        &POSTGRES_MIGRATIONS
    };
    let latest = migrator.iter().map(|m| m.version).max().unwrap_or(0);
    let applied: Option<i64> =
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success = TRUE")
            .fetch_one(pool)
            .await?;
    Ok(applied == Some(latest))
}

/// What a migration may ask for in `pending_work` once the schema is up to date. Each is done
/// in one transaction that also deletes its row: work cut short is done again at the next start.
pub const RECOMPUTE_GOAL_ROLLUPS: &str = "recompute_goal_rollups";

/// Brings the schema up to date, then does the work the migrations asked for (`pending_work`),
/// such as recomputing goal roll-ups after a migration changed what counts towards them.
pub async fn migrate(pool: &Pool, backend: Backend) -> Result<(), String> {
    let migrator = match backend {
        Backend::Sqlite => &SQLITE_MIGRATIONS,
        Backend::Postgres => &POSTGRES_MIGRATIONS,
    };
    migrator
        .run(pool)
        .await
        .map_err(|e| format!("migration failed: {e}"))?;
    let pending: Vec<String> = sqlx::query_scalar("SELECT name FROM pending_work ORDER BY name")
        .fetch_all(pool)
        .await
        .map_err(|e| format!("reading pending_work failed: {e}"))?;
    for work in pending {
        match work.as_str() {
            RECOMPUTE_GOAL_ROLLUPS => {
                let parents = goals::recompute_every_rollup(pool)
                    .await
                    .map_err(|e| format!("recomputing goal roll-ups failed: {e}"))?;
                tracing::info!(parents, "recomputed goal roll-ups a migration asked for");
            }
            other => return Err(format!("a migration asked for unknown work {other:?}")),
        }
    }
    Ok(())
}

/// Starts a transaction that will write. On SQLite it takes the write lock at once (BEGIN
/// IMMEDIATE): a deferred transaction that reads and then writes after another connection has
/// committed fails with SQLITE_BUSY_SNAPSHOT instead of waiting its turn.
pub async fn begin_write(pool: &Pool) -> Result<Tx<'static>, AppError> {
    let sqlite = pool.connect_options().database_url.scheme() == "sqlite";
    let statement = if sqlite { "BEGIN IMMEDIATE" } else { "BEGIN" };
    pool.begin_with(statement).await.map_err(internal)
}

/// Whether the pool is SQLite (else PostgreSQL).
pub fn is_sqlite(pool: &Pool) -> bool {
    pool.connect_options().database_url.scheme() == "sqlite"
}

/// After rows were inserted with explicit ids, moves PostgreSQL's id sequence past them.
pub async fn sync_id_sequence(tx: &mut Tx<'_>, sqlite: bool, table: &str) -> Result<(), AppError> {
    if !sqlite {
        sqlx::query(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST(1, (SELECT COALESCE(MAX(id), 0) FROM {table})))"
        ))
        .execute(&mut **tx)
        .await
        .map_err(internal)?;
    }
    Ok(())
}

/// Seconds since the unix epoch, UTC.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// A database failure the user cannot fix: logged in full with a fresh correlation id; the
/// user gets the id and a plain message, never the SQL.
pub fn internal(error: sqlx::Error) -> AppError {
    AppError::internal(format_args!("database error: {error}"))
}

/// A statement with its arguments, on either backend.
pub type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// Binds a float that may be NULL. sqlx 0.8.6's `Any` driver sends a NULL `f64` to PostgreSQL
/// typed FLOAT4 and a NULL `f32` typed FLOAT8 (swapped in sqlx-core's any/arguments.rs). A
/// statement prepared with a NULL `f64` is cached with a FLOAT4 parameter, and the next
/// execution that binds a real `f64` fails with "incorrect binary data format". Binding a NULL
/// as `f32` gives it the FLOAT8 type every non-NULL value has.
pub fn bind_real(query: AnyQuery<'_>, value: Option<f64>) -> AnyQuery<'_> {
    match value {
        Some(value) => query.bind(value),
        None => query.bind(None::<f32>),
    }
}

/// Reads a JSON document the store wrote (a template, a scale's points, answers). One that does
/// not decode is damaged data, never "empty": an internal error (logged with what it was), so
/// nothing is shown as blank and nothing is written back over it.
pub fn decode<T: serde::de::DeserializeOwned>(
    what: &str,
    id: i64,
    text: &str,
) -> crate::error::AppResult<T> {
    serde_json::from_str(text).map_err(|error| {
        AppError::internal(format_args!(
            "stored JSON of {what} {id} does not decode: {error}"
        ))
    })
}

/// Turns a unique-constraint violation into a message for `field`; anything else is internal.
pub fn on_unique(error: sqlx::Error, field: &str, message: &str) -> AppError {
    let unique = error
        .as_database_error()
        .map(|e| e.kind() == sqlx::error::ErrorKind::UniqueViolation)
        .unwrap_or(false);
    if unique {
        AppError::invalid(field, message)
    } else {
        internal(error)
    }
}
