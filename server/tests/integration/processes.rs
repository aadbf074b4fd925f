//! Issue 11, item 9: more than one server. Two `server` processes on one PostgreSQL database
//! behave as one Keel: a person's requests may alternate between them (a session started on
//! one is honoured by the other, and refused by it once ended; what one writes, the other
//! reads); the sign-in limits count the attempts made through either; a notification sent
//! through one is read through the other; and a review cycle's phase change asked of both at
//! the same moment is applied once. PostgreSQL only (a SQLite file is one server's); skipped
//! without KEEL_TEST_POSTGRES_URL.

use crate::common::process::ServerProcess;
use crate::common::*;
use app::demo::org::DEMO_PASSWORD;
use axum::http::StatusCode;
use std::time::{Duration, Instant};

/// The demo company's open review cycle, in its writing phase (see reviews/demo.rs).
const OPEN_CYCLE: &str = "2";

#[tokio::test]
async fn two_servers_on_one_database_act_as_one() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let a = ServerProcess::start(&db.url, &[]).await;
    let b = ServerProcess::start(&db.url, &[]).await;
    a_session_moves_between_the_servers(&db, &a, &b).await;
    sign_in_limits_count_the_attempts_on_both(&a, &b).await;
    a_notification_sent_through_one_is_read_through_the_other(&db, &a, &b).await;
    a_phase_change_asked_of_both_at_once_is_applied_once(&db, &a, &b).await;
    a.stop();
    b.stop();
    db.cleanup().await;
}

/// Signed in on A, the employee writes a goal on B and reads it on A, then signs out on B:
/// A refuses the old cookie from then on.
async fn a_session_moves_between_the_servers(db: &TestDb, a: &ServerProcess, b: &ServerProcess) {
    let cookie = a.login(&demo_email("employee"), DEMO_PASSWORD).await;
    let title = "Written on B, read on A";
    let created = b
        .call("/api/create_goal", Some(&cookie), &load_goal(title))
        .await;
    assert_eq!(
        created.status,
        StatusCode::OK,
        "create_goal on B: {}",
        created.body
    );
    let id: i64 = sqlx::query_scalar("SELECT id FROM goals WHERE title = $1")
        .bind(title)
        .fetch_one(&db.pool)
        .await
        .expect("the goal is stored");
    let id = id.to_string();
    let read = a.call("/api/get_goal", Some(&cookie), &[("id", &id)]).await;
    assert_eq!(read.status, StatusCode::OK, "get_goal on A: {}", read.body);
    assert_eq!(read.json()["goal"]["title"], title, "{}", read.body);

    let out = b.call("/api/logout", Some(&cookie), &[]).await;
    assert_eq!(out.status, StatusCode::OK, "logout on B: {}", out.body);
    let refused = a.call("/api/get_goal", Some(&cookie), &[("id", &id)]).await;
    assert_eq!(
        refused.status,
        StatusCode::UNAUTHORIZED,
        "the signed-out cookie on A: {}",
        refused.body
    );
}

/// Wrong passwords for one account from one address, alternately on A and B, add up: after
/// `MAX_FAILURES_PER_PAIR` of them even the right password is refused, on either server.
/// (Both servers see the test's connections coming from 127.0.0.1.)
async fn sign_in_limits_count_the_attempts_on_both(a: &ServerProcess, b: &ServerProcess) {
    let email = demo_email("peer");
    for attempt in 0..keel_core::signin::MAX_FAILURES_PER_PAIR {
        let (name, server) = [("A", a), ("B", b)][attempt as usize % 2];
        let wrong = server
            .call(
                "/api/login",
                None,
                &[("email", &email), ("password", "wrong")],
            )
            .await;
        assert_eq!(
            wrong.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "wrong password {attempt} on {name}: {}",
            wrong.body
        );
    }
    for (name, server) in [("A", a), ("B", b)] {
        let limited = server
            .call(
                "/api/login",
                None,
                &[("email", &email), ("password", DEMO_PASSWORD)],
            )
            .await;
        assert_eq!(
            limited.status,
            StatusCode::TOO_MANY_REQUESTS,
            "the right password on {name} after the limit: {}",
            limited.body
        );
        assert!(session_cookie(&limited).is_none(), "{}", limited.body);
    }
}

/// HR reminds the open cycle's reviewers through A; a reviewer with a review still to write
/// there reads the reminder through B.
async fn a_notification_sent_through_one_is_read_through_the_other(
    db: &TestDb,
    a: &ServerProcess,
    b: &ServerProcess,
) {
    let reviewer: i64 = sqlx::query_scalar(
        "SELECT MIN(reviewer_id) FROM review_assignments
         WHERE cycle_id = 2 AND state IN ('pending', 'draft')",
    )
    .fetch_one(&db.pool)
    .await
    .expect("the open cycle has reviews to write");
    let email: String = sqlx::query_scalar("SELECT email FROM employees WHERE id = $1")
        .bind(reviewer)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let password = "a long test password";
    let hash = app::auth::password::hash(password.to_string()).await;
    let mut tx = db.pool.begin().await.unwrap();
    app::store::accounts::set_password_in(&mut tx, reviewer, &hash)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let employee = b.login(&email, password).await;
    let all_read = b
        .call(
            "/api/mark_notifications_read",
            Some(&employee),
            &[("id", "")],
        )
        .await;
    assert_eq!(
        all_read.status,
        StatusCode::OK,
        "mark_notifications_read on B: {}",
        all_read.body
    );

    let hr = a.login(&demo_email("hr"), DEMO_PASSWORD).await;
    let reminded = a
        .call(
            "/api/remind_reviewers",
            Some(&hr),
            &[("cycle_id", OPEN_CYCLE)],
        )
        .await;
    assert_eq!(
        reminded.status,
        StatusCode::OK,
        "remind_reviewers on A: {}",
        reminded.body
    );

    let unread = b
        .call("/api/count_unread_notifications", Some(&employee), &[])
        .await;
    assert_eq!(
        unread.status,
        StatusCode::OK,
        "count_unread_notifications on B: {}",
        unread.body
    );
    assert_eq!(unread.json(), serde_json::json!(1), "{}", unread.body);
    let list = b
        .call("/api/list_notifications", Some(&employee), &[])
        .await;
    assert_eq!(
        list.status,
        StatusCode::OK,
        "list_notifications on B: {}",
        list.body
    );
    let notifications = list.json();
    let newest = &notifications[0];
    assert!(
        newest["title"]
            .as_str()
            .unwrap_or_default()
            .starts_with("Reminder:")
            && newest["read"] == false,
        "the reminder sent through A, unread, on B: {}",
        list.body
    );
}

/// HR asks A and B at the same moment to move the open cycle from writing to calibration:
/// one does, the other answers that the cycle has just moved on, and one phase change is
/// recorded. The test holds the cycle's row until both requests are waiting to move it, so
/// that both have read it in writing, as two clicks a moment apart would (without the hold,
/// a request that arrives after the other has committed rightly moves the cycle on again).
async fn a_phase_change_asked_of_both_at_once_is_applied_once(
    db: &TestDb,
    a: &ServerProcess,
    b: &ServerProcess,
) {
    let hr_a = a.login(&demo_email("hr"), DEMO_PASSWORD).await;
    let hr_b = b.login(&demo_email("hr"), DEMO_PASSWORD).await;
    let phase_changes = format!(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'cycle.phase_changed' \
         AND entity = 'review_cycle' AND entity_id = {OPEN_CYCLE}"
    );
    let changes_before = db.count(&phase_changes).await;

    let mut hold = db.pool.begin().await.expect("a transaction");
    sqlx::query(&format!(
        "SELECT id FROM review_cycles WHERE id = {OPEN_CYCLE} FOR UPDATE"
    ))
    .execute(&mut *hold)
    .await
    .expect("the cycle's row is held");
    let release = async move {
        let started = Instant::now();
        let mut waiting = 0;
        while started.elapsed() < Duration::from_secs(10) {
            waiting = db
                .count(
                    "SELECT COUNT(*) FROM pg_stat_activity \
                     WHERE datname = current_database() AND wait_event_type = 'Lock'",
                )
                .await;
            if waiting >= 2 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        hold.commit().await.expect("the hold ends");
        waiting
    };
    let fields = [("cycle_id", OPEN_CYCLE)];
    let (on_a, on_b, waiting) = tokio::join!(
        a.call("/api/advance_review_cycle", Some(&hr_a), &fields),
        b.call("/api/advance_review_cycle", Some(&hr_b), &fields),
        release,
    );
    let replies = format!(
        "A: {} {}; B: {} {}",
        on_a.status, on_a.body, on_b.status, on_b.body
    );
    assert_eq!(
        waiting, 2,
        "both requests wait to move the held cycle: {replies}"
    );
    let mut statuses = [on_a.status.as_u16(), on_b.status.as_u16()];
    statuses.sort();
    assert_eq!(
        statuses,
        [200, 409],
        "one moves it, one is refused: {replies}"
    );
    let refused = if on_a.status == StatusCode::CONFLICT {
        &on_a
    } else {
        &on_b
    };
    assert!(refused.body.contains("just moved on"), "{replies}");
    assert_eq!(
        db.count(&format!(
            "SELECT COUNT(*) FROM review_cycles WHERE id = {OPEN_CYCLE} AND state = 'calibration'"
        ))
        .await,
        1,
        "the cycle is one phase on: {replies}"
    );
    assert_eq!(
        db.count(&phase_changes).await - changes_before,
        1,
        "one phase change is recorded: {replies}"
    );
}
