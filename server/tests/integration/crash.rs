//! Issue 11, item 8: a server killed mid-write loses no acknowledged write. Several writers
//! create goals through a `server` process on SQLite; after a second the process is killed
//! (SIGKILL, as the OOM killer or a crash would; a power cut, which also loses what the
//! operating system had not yet written, is covered by `synchronous=FULL`, not by this test)
//! while writes are in flight. A new server comes up on the same file, every write the killed
//! one acknowledged is there (besides at most the one write each writer had in flight), and
//! SQLite's integrity check passes.

use crate::common::process::{post_load_goal, ServerProcess};
use crate::common::*;
use app::demo::org::DEMO_PASSWORD;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const WRITERS: usize = 4;

#[tokio::test]
async fn a_server_killed_mid_write_keeps_every_acknowledged_write() {
    let db = TestDb::sqlite().await;
    let server = ServerProcess::start(&db.url, &[]).await;
    let cookie = server.login(&demo_email("employee"), DEMO_PASSWORD).await;
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let refused = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut writers = Vec::new();
    for writer in 0..WRITERS {
        let (acknowledged, refused) = (acknowledged.clone(), refused.clone());
        let (base, cookie) = (server.base.clone(), cookie.clone());
        writers.push(tokio::spawn(async move {
            let client = reqwest::Client::builder()
                .timeout(Duration::from_secs(5))
                .build()
                .unwrap();
            for i in 0.. {
                let title = format!("Crash {writer} {i}");
                let sent = post_load_goal(&client, &base, &cookie, &title).await;
                // Once the server is killed every request fails: that write is not acknowledged,
                // and the writer stops.
                let Ok(reply) = sent else {
                    break;
                };
                let status = reply.status();
                if status == 200 {
                    acknowledged.lock().unwrap().push(title);
                } else {
                    let body = reply.text().await.unwrap_or_default();
                    refused
                        .lock()
                        .unwrap()
                        .push(format!("{title}: {status} {body}"));
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    server.kill();
    for writer in writers {
        tokio::time::timeout(Duration::from_secs(10), writer)
            .await
            .expect("the writers stop once the server is gone")
            .expect("a writer panicked");
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    let refused = refused.lock().unwrap().clone();
    assert!(
        refused.is_empty(),
        "writes refused before the kill: {refused:?}"
    );
    assert!(
        acknowledged.len() >= 10,
        "the writers wrote too little before the kill: {acknowledged:?}"
    );

    // A new server comes up on the file the killed one left, and serves.
    let restarted = ServerProcess::start(&db.url, &[]).await;
    restarted
        .login(&demo_email("employee"), DEMO_PASSWORD)
        .await;
    let pool = app::store::connect(&db.url, 1)
        .await
        .expect("the database opens");
    let stored: Vec<String> =
        sqlx::query_scalar("SELECT title FROM goals WHERE title LIKE 'Crash %'")
            .fetch_all(&pool)
            .await
            .expect("the goals are read");
    for title in &acknowledged {
        assert!(
            stored.contains(title),
            "{title} was acknowledged but is missing after the kill \
             ({} acknowledged, {} stored)",
            acknowledged.len(),
            stored.len()
        );
    }
    assert!(
        stored.len() <= acknowledged.len() + WRITERS,
        "more goals stored ({}) than acknowledged ({}) plus one in flight per writer",
        stored.len(),
        acknowledged.len()
    );
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&pool)
        .await
        .expect("the integrity check runs");
    assert_eq!(integrity, "ok");
    pool.close().await;
    restarted.stop();
    db.cleanup().await;
}
