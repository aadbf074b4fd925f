//! Defects a review found, one test each, named for what a user would have noticed, on every
//! backend: a typo that approved a peer, "0 means all" sentinels that released every department
//! or marked every notification read, a damaged template that was shown blank and then written
//! over, a rating on an invented scale, a demo company PostgreSQL could not seed, and choices
//! whose unknown values were not refused at their field.

use crate::common::*;
use axum::http::StatusCode;

/// The demo's open cycle (in writing): a participant who reports to the demo manager, and an
/// active colleague who is not yet among their reviewers.
async fn participant_and_free_peer(db: &TestDb) -> (i64, i64) {
    let manager = db.id_of(db.org.accounts.manager);
    let participant = db
        .count(&format!(
            "SELECT MIN(id) FROM review_participants WHERE cycle_id = 2 AND manager_id = {manager}"
        ))
        .await;
    let peer = db
        .count(&format!(
            "SELECT MIN(e.id) FROM employees e WHERE e.status = 'active' AND e.id <> {manager}
             AND e.id NOT IN (SELECT person_id FROM review_participants WHERE id = {participant})
             AND e.id NOT IN (SELECT reviewer_id FROM review_assignments
                              WHERE participant_id = {participant})"
        ))
        .await;
    (participant, peer)
}

#[tokio::test]
async fn a_mistyped_peer_decision_is_refused_and_approves_nobody() {
    for db in TestDb::all().await {
        let app = db.app(true);
        let manager = login_as(&app, "manager").await;
        let (participant, peer) = participant_and_free_peer(&db).await;
        let reviewers =
            format!("SELECT COUNT(*) FROM review_assignments WHERE participant_id = {participant}");
        let before = db.count(&reviewers).await;
        for typo in ["aprove", "", "APPROVE!"] {
            let reply = call(
                &app,
                "/api/decide_peer",
                Some(&manager),
                &[
                    ("participant_id", &participant.to_string()),
                    ("peer", &peer.to_string()),
                    ("decision", typo),
                ],
            )
            .await;
            assert_eq!(
                reply.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{typo}: {}",
                reply.body
            );
            assert_eq!(invalid_field(&reply), "decision", "{}", reply.body);
        }
        assert_eq!(
            db.count(&reviewers).await,
            before,
            "no peer was added on {:?}",
            db.backend
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn releasing_department_zero_releases_nobody() {
    for db in TestDb::all().await {
        let app = db.app(true);
        let hr = login_as(&app, "hr").await;
        let reply = call(
            &app,
            "/api/advance_review_cycle",
            Some(&hr),
            &[("cycle_id", "2")],
        )
        .await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "to calibration: {}",
            reply.body
        );
        let released =
            "SELECT COUNT(*) FROM review_participants WHERE cycle_id = 2 AND released_at IS NOT NULL";
        for department in ["0", "999999"] {
            let reply = call(
                &app,
                "/api/release_review_results",
                Some(&hr),
                &[("cycle_id", "2"), ("department_id", department)],
            )
            .await;
            assert_eq!(
                reply.status,
                StatusCode::NOT_FOUND,
                "{department}: {}",
                reply.body
            );
            assert_eq!(
                db.count(released).await,
                0,
                "department {department} released nobody"
            );
        }
        // A real top-level department still releases its own people, and only them.
        let division = db
            .count("SELECT MIN(top_department_id) FROM review_participants WHERE cycle_id = 2")
            .await;
        let reply = call(
            &app,
            "/api/release_review_results",
            Some(&hr),
            &[("cycle_id", "2"), ("department_id", &division.to_string())],
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let in_division = db
            .count(&format!(
                "SELECT COUNT(*) FROM review_participants WHERE cycle_id = 2 AND top_department_id = {division}"
            ))
            .await;
        assert_eq!(reply.json(), in_division);
        assert_eq!(db.count(released).await, in_division);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn marking_a_notification_that_is_not_there_marks_nothing_read() {
    for db in TestDb::all().await {
        let app = db.app(true);
        let employee = login_as(&app, "employee").await;
        let person = db.id_of(db.org.accounts.employee);
        let unread = format!(
            "SELECT COUNT(*) FROM notifications WHERE person_id = {person} AND read_at IS NULL"
        );
        for title in ["Write your self review", "Nominate your peers"] {
            sqlx::query(
                "INSERT INTO notifications (person_id, title, body, link, created_at)
                 VALUES ($1, $2, '', '/reviews', 0)",
            )
            .bind(person)
            .bind(title)
            .execute(&db.pool)
            .await
            .unwrap();
        }
        let before = db.count(&unread).await;
        assert!(before >= 2, "the demo employee has something unread");
        for id in ["abc", "0", "999999999"] {
            let reply = call(
                &app,
                "/api/mark_notifications_read",
                Some(&employee),
                &[("id", id)],
            )
            .await;
            assert!(
                reply.status == StatusCode::OK || reply.status == StatusCode::UNPROCESSABLE_ENTITY,
                "{id}: {} {}",
                reply.status,
                reply.body
            );
            assert_eq!(
                db.count(&unread).await,
                before,
                "id {id} marked nothing read"
            );
        }
        // Without an id, "mark all" still marks them all.
        let reply = call(&app, "/api/mark_notifications_read", Some(&employee), &[]).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert_eq!(db.count(&unread).await, 0);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_damaged_template_is_an_internal_error_and_is_never_written_over() {
    for db in TestDb::all().await {
        let app = db.app(true);
        let hr = login_as(&app, "hr").await;
        let scale = db
            .count("SELECT MIN(id) FROM rating_scales")
            .await
            .to_string();
        let reply = call(
            &app,
            "/api/create_review_template",
            Some(&hr),
            &[("name", "Damaged"), ("scale_id", &scale)],
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let template = db
            .count("SELECT id FROM review_templates WHERE name = 'Damaged'")
            .await;
        let damaged = r#"{"sections": [{"key": "s1", "title": 5"#;
        sqlx::query("UPDATE template_versions SET definition = $1 WHERE template_id = $2")
            .bind(damaged)
            .bind(template)
            .execute(&db.pool)
            .await
            .unwrap();
        let id = template.to_string();
        let page = call(
            &app,
            "/api/get_template_builder",
            Some(&hr),
            &[("template_id", &id)],
        )
        .await;
        assert_eq!(
            page.status,
            StatusCode::INTERNAL_SERVER_ERROR,
            "{}",
            page.body
        );
        assert!(
            page.json()["Internal"]["correlation_id"].is_string(),
            "{}",
            page.body
        );
        let edit = call(
            &app,
            "/api/add_template_section",
            Some(&hr),
            &[("template_id", &id), ("version", "1"), ("title", "More")],
        )
        .await;
        assert_eq!(
            edit.status,
            StatusCode::INTERNAL_SERVER_ERROR,
            "{}",
            edit.body
        );
        let stored: Vec<String> =
            sqlx::query_scalar("SELECT definition FROM template_versions WHERE template_id = $1")
                .bind(template)
                .fetch_all(&db.pool)
                .await
                .unwrap();
        assert_eq!(
            stored,
            vec![damaged.to_string()],
            "the damaged version is untouched"
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_rating_is_never_shown_on_an_invented_scale() {
    for db in TestDb::all().await {
        let app = db.app(true);
        let employee = login_as(&app, "employee").await;
        let person = db.id_of(db.org.accounts.employee);
        let released = db
            .count(&format!(
                "SELECT MIN(id) FROM review_participants WHERE person_id = {person}
                 AND released_at IS NOT NULL"
            ))
            .await
            .to_string();
        let shown = call(
            &app,
            "/api/get_review_result",
            Some(&employee),
            &[("participant_id", &released)],
        )
        .await;
        assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
        assert!(shown.json()["rating"].is_string(), "{}", shown.body);
        sqlx::query("DELETE FROM rating_scales")
            .execute(&db.pool)
            .await
            .unwrap();
        let reply = call(
            &app,
            "/api/get_review_result",
            Some(&employee),
            &[("participant_id", &released)],
        )
        .await;
        assert_eq!(
            reply.status,
            StatusCode::INTERNAL_SERVER_ERROR,
            "{}",
            reply.body
        );
        assert!(!reply.body.contains("1-5"), "{}", reply.body);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_company_of_a_thousand_seeds_on_every_backend() {
    use app::demo::org as demo_org;
    let mut dbs = vec![TestDb::sqlite_empty().await];
    dbs.extend(TestDb::postgres_empty().await);
    let org = demo_org::generate(1_000, SEED);
    let hash = app::auth::password::hash(demo_org::DEMO_PASSWORD.to_string()).await;
    for db in dbs {
        app::store::seed::insert(&db.pool, db.backend, &org, SEED, &hash)
            .await
            .unwrap_or_else(|e| panic!("seeding 1,000 people on {:?}: {e}", db.backend));
        assert_eq!(db.count("SELECT COUNT(*) FROM employees").await, 1_000);
        let rated = db
            .count("SELECT COUNT(*) FROM review_participants WHERE proposed_rating IS NOT NULL")
            .await;
        assert!(
            rated > 300,
            "ratings were seeded on {:?}: {rated}",
            db.backend
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn an_unknown_choice_is_refused_at_its_field() {
    for db in TestDb::all().await {
        let app = db.app(true);
        let hr = login_as(&app, "hr").await;
        let employee = db.id_of(db.org.accounts.employee).to_string();
        for (path, fields, field) in [
            (
                "/api/decide_peer",
                vec![
                    ("participant_id", "1"),
                    ("peer", "2"),
                    ("decision", "maybe"),
                ],
                "decision",
            ),
            (
                "/api/move_template_item",
                vec![
                    ("template_id", "1"),
                    ("version", "1"),
                    ("key", "q1"),
                    ("direction", "sideways"),
                ],
                "direction",
            ),
            (
                "/api/set_person_role",
                vec![
                    ("id", employee.as_str()),
                    ("role", "overlord"),
                    ("change", "grant"),
                ],
                "role",
            ),
            (
                "/api/set_person_role",
                vec![
                    ("id", employee.as_str()),
                    ("role", "executive"),
                    ("change", "toggle"),
                ],
                "change",
            ),
            (
                "/api/set_goal_status",
                vec![("id", "1"), ("status", "paused")],
                "status",
            ),
            (
                "/api/move_goal_plan",
                vec![
                    ("owner_id", "1"),
                    ("period_id", "1"),
                    ("step", "skip"),
                    ("comment", ""),
                ],
                "step",
            ),
            (
                "/api/save_review",
                vec![("assignment_id", "1"), ("intent", "publish")],
                "intent",
            ),
        ] {
            let reply = call(&app, path, Some(&hr), &fields).await;
            assert_eq!(
                reply.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{path}: {}",
                reply.body
            );
            assert_eq!(invalid_field(&reply), field, "{path}: {}", reply.body);
            assert!(
                reply.body.contains("Choose one of"),
                "{path}: {}",
                reply.body
            );
        }
        db.cleanup().await;
    }
}
