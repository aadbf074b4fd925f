//! `server backup` and `server restore` for the embedded SQLite database. A backup is one
//! consistent file (`VACUUM INTO` reads a snapshot, so the server keeps serving meanwhile); a
//! restore checks the file first (integrity, a Keel schema no newer than this build's), refuses
//! while a server has the live database open, and keeps the database it replaces. PostgreSQL
//! has its own tools: pg_dump and pg_restore.

use super::{sqlite_path, Backend, SQLITE_MIGRATIONS};
use sqlx::Connection;
use std::path::{Path, PathBuf};

/// What a backup or restore found in the file it wrote or read.
#[derive(Debug, PartialEq)]
pub struct Checked {
    /// The last migration applied in the file.
    pub schema_version: i64,
    pub people: i64,
}

const USE_PG_DUMP: &str = "this database is PostgreSQL: back it up with pg_dump \
     (pg_dump --format=custom --file=keel.dump DATABASE) and restore with pg_restore";

/// The file a SQLite DATABASE_URL names.
pub fn database_file(database_url: &str) -> Result<PathBuf, String> {
    if Backend::of_url(database_url)? == Backend::Postgres {
        return Err(USE_PG_DUMP.into());
    }
    sqlite_path(database_url)
        .map(PathBuf::from)
        .ok_or_else(|| format!("{database_url:?} names no database file"))
}

/// Writes a consistent copy of the live database to `target` (which must not exist yet) and
/// checks the copy.
pub async fn backup(database_url: &str, target: &Path) -> Result<Checked, String> {
    let live = database_file(database_url)?;
    if !live.exists() {
        return Err(format!("there is no database at {}", live.display()));
    }
    if target.exists() {
        return Err(format!(
            "{} already exists: choose a new file name",
            target.display()
        ));
    }
    let target_text = target
        .to_str()
        .ok_or("the backup file name must be valid UTF-8")?;
    let mut live_db = open(&live).await?;
    sqlx::query("VACUUM INTO ?")
        .bind(target_text)
        .execute(&mut live_db)
        .await
        .map_err(|e| format!("the backup failed: {e}"))?;
    live_db.close().await.ok();
    check(target).await
}

/// Checks a backup: SQLite's integrity check passes and it holds a Keel schema this build can
/// open (equal or older: newer migrations are never undone).
pub async fn check(file: &Path) -> Result<Checked, String> {
    if !file.is_file() {
        return Err(format!("there is no file at {}", file.display()));
    }
    let mut db = open(file).await?;
    let not_keel = || format!("{} is not a Keel database", file.display());
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut db)
        .await
        .map_err(|_| not_keel())?;
    if integrity != "ok" {
        return Err(format!(
            "{} is damaged (integrity check: {integrity})",
            file.display()
        ));
    }
    let schema_version: i64 =
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success = TRUE")
            .fetch_one(&mut db)
            .await
            .map_err(|_| not_keel())?;
    let latest = SQLITE_MIGRATIONS
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap_or(0);
    if schema_version > latest {
        return Err(format!(
            "{} comes from a newer Keel (schema {schema_version}; this build knows up to \
             {latest}): restore it with that version",
            file.display()
        ));
    }
    let people: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM employees")
        .fetch_one(&mut db)
        .await
        .map_err(|_| not_keel())?;
    db.close().await.ok();
    Ok(Checked {
        schema_version,
        people,
    })
}

/// Replaces the database DATABASE_URL names with the backup `source`, once it checks out. The
/// database it replaces (if any) is moved aside, and its path returned. The caller makes sure no
/// server has the database open (see `ServingLock`).
pub async fn restore(
    source: &Path,
    database_url: &str,
) -> Result<(Checked, Option<PathBuf>), String> {
    let checked = check(source).await?;
    let live = database_file(database_url)?;
    if let Some(dir) = live.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    // Copy beside the live file first, so the swap is one rename on the same file system.
    let incoming = with_suffix(&live, ".restoring");
    let swapped = std::fs::copy(source, &incoming)
        .and_then(|_| std::fs::File::open(&incoming)?.sync_all())
        .map_err(|e| format!("cannot copy {}: {e}", source.display()))
        .and_then(|_| swap_in(&live, &incoming));
    if swapped.is_err() {
        let _ = std::fs::remove_file(&incoming);
    }
    let replaced = swapped?;
    Ok((checked, replaced))
}

/// Held (shared) by every serving process for as long as it serves a SQLite database, and taken
/// exclusively by `restore`, so a restore cannot pull the file from under a running server.
/// The operating system releases it when the process ends, however it ends.
pub struct ServingLock {
    _file: std::fs::File,
}

impl ServingLock {
    fn file(database_url: &str) -> Result<std::fs::File, String> {
        let path = with_suffix(&database_file(database_url)?, ".lock");
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| format!("cannot open {}: {e}", path.display()))
    }

    /// Taken by `server serve`: any number of servers may share it.
    pub fn serving(database_url: &str) -> Result<ServingLock, String> {
        let file = ServingLock::file(database_url)?;
        file.try_lock_shared()
            .map_err(|_| "a restore of this database is under way".to_string())?;
        Ok(ServingLock { _file: file })
    }

    /// Taken by `server restore`: only when no server is running on the database.
    pub fn restoring(database_url: &str) -> Result<ServingLock, String> {
        let file = ServingLock::file(database_url)?;
        file.try_lock().map_err(|_| {
            "a Keel server is running on this database: stop it before restoring".to_string()
        })?;
        Ok(ServingLock { _file: file })
    }
}

/// Moves the live database aside (as `<file>.replaced-<time>[-n]`, with its WAL and shared-memory
/// files, untouched: together they are the whole database, even a damaged one, and nothing is
/// opened that could fail) and puts `incoming` in its place. Returns where the old one went.
fn swap_in(live: &Path, incoming: &Path) -> Result<Option<PathBuf>, String> {
    let replaced = if live.exists() {
        // A name nothing has yet (two restores may come in one second).
        let at = super::now();
        let aside = (1..)
            .map(|n| match n {
                1 => with_suffix(live, &format!(".replaced-{at}")),
                n => with_suffix(live, &format!(".replaced-{at}-{n}")),
            })
            .find(|aside| {
                ["", "-wal", "-shm"]
                    .iter()
                    .all(|suffix| !with_suffix(aside, suffix).exists())
            })
            .unwrap_or_else(|| with_suffix(live, ".replaced"));
        for suffix in ["", "-wal", "-shm"] {
            let from = with_suffix(live, suffix);
            if from.exists() {
                std::fs::rename(&from, with_suffix(&aside, suffix))
                    .map_err(|e| format!("cannot move {} aside: {e}", from.display()))?;
            }
        }
        Some(aside)
    } else {
        // A WAL without its database belongs to nothing: it must not be read into the backup.
        for leftover in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(with_suffix(live, leftover));
        }
        None
    };
    std::fs::rename(incoming, live).map_err(|e| format!("cannot put the backup in place: {e}"))?;
    Ok(replaced)
}

/// Opens an existing file (never creates one). Read-write even to read: a WAL database opened
/// read-only fails when its shared-memory file does not exist yet.
/// The path goes to SQLite as a path, not inside a URL, so '?', '#' or '%' in it mean nothing.
async fn open(file: &Path) -> Result<sqlx::sqlite::SqliteConnection, String> {
    use sqlx::ConnectOptions;
    sqlx::sqlite::SqliteConnectOptions::new()
        .filename(file)
        .create_if_missing(false)
        .connect()
        .await
        .map_err(|e| format!("cannot open {}: {e}", file.display()))
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}
