//! What a self-hoster's tooling relies on: a liveness check, and a readiness check that says
//! whether the database answers with this build's schema.

use crate::common::*;
use axum::http::StatusCode;

#[tokio::test]
async fn health_and_readiness_answer_without_a_session_and_readiness_checks_the_schema() {
    for db in TestDb::all().await {
        let app = db.app(false);
        let health = get(&app, "/healthz", None).await;
        assert_eq!(
            (health.status, health.body.as_str()),
            (StatusCode::OK, "ok")
        );
        let ready = get(&app, "/readyz", None).await;
        assert_eq!(
            (ready.status, ready.body.as_str()),
            (StatusCode::OK, "ready")
        );
        // A database behind this build's migrations is not ready for it.
        sqlx::query(
            "DELETE FROM _sqlx_migrations WHERE version = (SELECT MAX(version) FROM _sqlx_migrations)",
        )
        .execute(&db.pool)
        .await
        .unwrap();
        let behind = get(&app, "/readyz", None).await;
        assert_eq!(
            behind.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{:?}",
            db.backend
        );
        assert!(behind.body.contains("server migrate"), "{}", behind.body);
        db.cleanup().await;
    }
}

async fn titles_in(url: &str) -> Vec<String> {
    let pool = app::store::connect(url, 1).await.expect("opens");
    let titles = sqlx::query_scalar("SELECT title FROM goals WHERE title LIKE 'Load %'")
        .fetch_all(&pool)
        .await
        .expect("goals");
    pool.close().await;
    titles
}

/// Issue 11, item 7: `server backup` while a server takes writes, `server restore` into a fresh
/// directory; every write acknowledged before the backup began is in the restored database,
/// whose integrity check passes. Restore refuses a running server's database, a damaged file and
/// a file from a newer Keel, and changes nothing when it refuses.
#[tokio::test]
async fn backup_under_write_load_restores_every_acknowledged_write() {
    use crate::common::process::{run_command, ServerProcess};
    let db = TestDb::sqlite().await;
    let server = ServerProcess::start(&db.url, &[]).await;
    let cookie = server
        .login(&demo_email("employee"), app::demo::org::DEMO_PASSWORD)
        .await;
    let acknowledged = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (acknowledged, stop, base) = (acknowledged.clone(), stop.clone(), server.base.clone());
        let cookie = cookie.clone();
        tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut i = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let title = format!("Load {i}");
                let reply = crate::common::process::post_load_goal(&client, &base, &cookie, &title)
                    .await
                    .expect("the server answers");
                assert_eq!(
                    reply.status(),
                    200,
                    "{}",
                    reply.text().await.unwrap_or_default()
                );
                acknowledged.lock().unwrap().push(title);
                i += 1;
            }
        })
    };
    let dir = tempfile::tempdir().unwrap();
    // Characters that mean something in a URL mean nothing in a file name.
    let file = dir.path().join("keel backup #1?.db");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let before_backup = acknowledged.lock().unwrap().clone();
    let file_text = file.to_str().unwrap().to_string();
    let db_url = db.url.clone();
    let (ok, said) =
        tokio::task::spawn_blocking(move || run_command(&db_url, &["backup", &file_text]))
            .await
            .unwrap();
    assert!(ok, "{said}");
    assert!(said.contains("integrity ok"), "{said}");
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    writer.await.expect("every write was acknowledged");
    assert!(
        before_backup.len() >= 3,
        "the load wrote too little: {before_backup:?}"
    );
    let file_text = file.to_str().unwrap();

    // The backup file is not overwritten by a second backup.
    let (ok, said) = run_command(&db.url, &["backup", file_text]);
    assert!(!ok && said.contains("already exists"), "{said}");

    // Not over a running server's database.
    let (ok, said) = run_command(&db.url, &["restore", file_text]);
    assert!(!ok && said.contains("stop it before restoring"), "{said}");
    let live_titles = titles_in(&db.url).await;
    assert_eq!(live_titles.len(), acknowledged.lock().unwrap().len());

    // Into a fresh directory: every write acknowledged before the backup began is there.
    let fresh = tempfile::tempdir().unwrap();
    let restored_url = format!("sqlite://{}/data/keel.db", fresh.path().display());
    let (ok, said) = run_command(&restored_url, &["restore", file_text]);
    assert!(ok, "{said}");
    let restored = titles_in(&restored_url).await;
    for title in &before_backup {
        assert!(restored.contains(title), "{title} is missing after restore");
    }
    let pool = app::store::connect(&restored_url, 1).await.unwrap();
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(integrity, "ok");
    pool.close().await;
    // The restored database serves: the employee signs in there.
    let restored_server = ServerProcess::start(&restored_url, &[]).await;
    restored_server
        .login(&demo_email("employee"), app::demo::org::DEMO_PASSWORD)
        .await;
    restored_server.stop();

    // A damaged file and a newer Keel's file are refused, and the database stays as it was.
    let damaged = dir.path().join("damaged.db");
    std::fs::write(&damaged, b"SQLite format 3\0 but not really a database").unwrap();
    let (ok, said) = run_command(&restored_url, &["restore", damaged.to_str().unwrap()]);
    assert!(!ok, "{said}");
    let newer = dir.path().join("newer.db");
    std::fs::copy(&file, &newer).unwrap();
    let pool = app::store::connect(&format!("sqlite://{}", newer.display()), 1)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time) \
         VALUES (9999, 'from the future', CURRENT_TIMESTAMP, TRUE, X'00', 0)",
    )
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
    let (ok, said) = run_command(&restored_url, &["restore", newer.to_str().unwrap()]);
    assert!(!ok && said.contains("newer Keel"), "{said}");
    assert_eq!(titles_in(&restored_url).await, restored);
    server.stop();

    // Over a database whose server was killed with writes still in its WAL: the replaced
    // database is kept whole, its WAL with it, and nothing of it leaks into the restored one.
    let crashed = ServerProcess::start(&db.url, &[]).await;
    let cookie = crashed
        .login(&demo_email("employee"), app::demo::org::DEMO_PASSWORD)
        .await;
    let reply = crate::common::process::post_load_goal(
        &reqwest::Client::new(),
        &crashed.base,
        &cookie,
        "Load after the backup",
    )
    .await
    .unwrap();
    assert_eq!(reply.status(), 200);
    crashed.kill();
    let live = std::path::PathBuf::from(db.url.trim_start_matches("sqlite://"));
    let wal = format!("{}-wal", live.display());
    assert!(
        std::fs::metadata(&wal)
            .map(|m| m.len() > 0)
            .unwrap_or(false),
        "the killed server left its last writes in {wal}"
    );
    let (ok, said) = run_command(&db.url, &["restore", file_text]);
    assert!(ok, "{said}");
    let aside = said
        .lines()
        .find_map(|line| line.strip_prefix("The database it replaced is kept at "))
        .map(|path| path.trim_end_matches('.').to_string())
        .unwrap_or_else(|| panic!("says where the replaced database is: {said}"));
    assert!(titles_in(&format!("sqlite://{aside}"))
        .await
        .contains(&"Load after the backup".to_string()));
    assert!(!titles_in(&db.url)
        .await
        .contains(&"Load after the backup".to_string()));

    // Over a damaged database (what a restore is for): it is replaced, and kept aside.
    std::fs::write(&live, b"not a database any more").unwrap();
    let (ok, said) = run_command(&db.url, &["restore", file_text]);
    assert!(ok, "a damaged database is restored over: {said}");
    for title in &before_backup {
        assert!(titles_in(&db.url).await.contains(title));
    }
    db.cleanup().await;
}

#[tokio::test]
async fn on_postgresql_backup_points_to_pg_dump() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let (ok, said) =
        crate::common::process::run_command(&db.url, &["backup", "/tmp/never-written.db"]);
    assert!(!ok && said.contains("pg_dump"), "{said}");
    db.cleanup().await;
}

/// Issue 11, item 7: with KEEL_LOG_FORMAT=json every request is one JSON log line carrying its
/// correlation id, which the reply returns in X-Request-Id (a trusted proxy's own id is kept;
/// anyone else's is replaced).
#[tokio::test]
async fn json_request_logs_carry_the_correlation_id_the_reply_returns() {
    use crate::common::process::ServerProcess;
    let db = TestDb::sqlite().await;
    let untrusted = ServerProcess::start(&db.url, &[]).await;
    let forged = untrusted
        .get("/healthz", &[("x-request-id", "someone-elses-id")])
        .await;
    assert_ne!(
        forged.headers["x-request-id"], "someone-elses-id",
        "a client that is not a trusted proxy does not choose its log id"
    );
    drop(untrusted);
    let server = ServerProcess::start(
        &db.url,
        &[
            ("KEEL_LOG_FORMAT", "json"),
            ("KEEL_TRUSTED_PROXIES", "127.0.0.1"),
        ],
    )
    .await;
    let from_proxy = server
        .get(
            "/healthz?secret=do-not-log",
            &[("x-request-id", "proxy-id-42")],
        )
        .await;
    assert_eq!(from_proxy.headers["x-request-id"], "proxy-id-42");
    let ours = server
        .get("/login", &[("x-request-id", "not a token!")])
        .await;
    let id = ours.headers["x-request-id"].to_str().unwrap().to_string();
    assert_eq!(id.len(), 16, "{id}");
    // The log lines arrive from the server's output threads.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let lines = server.output.lock().unwrap().clone();
    let requests: Vec<serde_json::Value> = lines
        .iter()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|line| line["fields"]["message"] == "request")
        .collect();
    let logged = |request_id: &str| {
        requests
            .iter()
            .find(|line| line["span"]["request_id"] == request_id)
            .unwrap_or_else(|| panic!("no log line for {request_id}: {lines:?}"))
            .clone()
    };
    let health = logged("proxy-id-42");
    assert_eq!(health["fields"]["path"], "/healthz");
    assert_eq!(health["fields"]["status"], 200);
    assert!(!lines.iter().any(|line| line.contains("do-not-log")));
    assert_eq!(logged(&id)["fields"]["path"], "/login");
    server.stop();
    db.cleanup().await;
}
