//! The demo company has a completed and an open review cycle for every role.

use super::*;
use crate::common::*;
use axum::http::StatusCode;

#[tokio::test]
async fn the_demo_company_has_a_completed_and_an_open_cycle_for_every_role() {
    for db in TestDb::all().await {
        let app = db.app(true);
        let employee = login_as(&app, "employee").await;
        let manager = login_as(&app, "manager").await;
        let hr = login_as(&app, "hr").await;
        let mine = ok(&app, "/api/list_my_reviews", &employee, &[]).await;
        assert!(
            mine["to_write"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["kind"] == "SelfReview"),
            "{mine}"
        );
        let released = mine["mine"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["released"] == true)
            .expect("last half's review is released");
        let participant = released["participant_id"].as_i64().unwrap().to_string();
        let result = ok(
            &app,
            "/api/get_review_result",
            &employee,
            &[("participant_id", &participant)],
        )
        .await;
        assert!(result["rating"].as_str().is_some(), "{result}");
        let team = ok(&app, "/api/list_my_reviews", &manager, &[]).await;
        assert!(!team["team"].as_array().unwrap().is_empty(), "{team}");
        let admin = ok(&app, "/api/get_review_admin", &hr, &[]).await;
        assert_eq!(admin["cycles"].as_array().unwrap().len(), 2);
        let open = ok(&app, "/api/get_review_cycle", &hr, &[("cycle_id", "2")]).await;
        assert_eq!(open["cycle"]["state"], "Writing");
        assert!(
            open["totals"]
                .as_array()
                .unwrap()
                .iter()
                .all(|k| k["submitted"].as_i64() < k["total"].as_i64()),
            "{open}"
        );
        let calibration = ok(&app, "/api/get_calibration", &hr, &[("cycle_id", "1")]).await;
        assert_eq!(calibration["total"], SMALL_COMPANY as i64);
        // The first page holds the first reviewees by name.
        let names: Vec<&str> = calibration["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap())
            .collect();
        assert_eq!(names.len(), SMALL_COMPANY.min(50), "{calibration}");
        let first: Vec<String> = sqlx::query_scalar(
            "SELECT e.name FROM review_participants p JOIN employees e ON e.id = p.person_id
             WHERE p.cycle_id = 1 ORDER BY e.name, e.id LIMIT 50",
        )
        .fetch_all(&db.pool)
        .await
        .unwrap();
        assert_eq!(names, first);
        // A manager calibrates their own organisation: everyone below them, nobody else.
        let manager_id = db.id_of(db.org.accounts.manager);
        let theirs = ok(&app, "/api/get_calibration", &manager, &[("cycle_id", "1")]).await;
        let below = scalar(
            &db,
            &format!(
                "WITH RECURSIVE org(id) AS (SELECT id FROM employees WHERE manager_id = {manager_id}
                    UNION ALL SELECT e.id FROM employees e JOIN org ON e.manager_id = org.id)
                 SELECT COUNT(*) FROM review_participants WHERE cycle_id = 1 AND person_id IN (SELECT id FROM org)"
            ),
        )
        .await;
        assert!(below > 0, "the demo manager has reports");
        assert_eq!(theirs["total"], below, "{theirs}");
        assert_eq!(
            theirs["rows"].as_array().unwrap().len() as i64,
            below.min(50)
        );
        assert_tallies_match(&db).await;
        for page in [
            "/reviews",
            "/reviews/admin",
            "/reviews/cycles/1",
            "/reviews/cycles/1/calibration",
            "/reviews/cycles/2/print",
            "/notifications",
            "/reviews/templates/1",
        ] {
            let reply = get(&app, page, Some(&hr)).await;
            assert_eq!(reply.status, StatusCode::OK, "{page}");
        }
        let write = get(&app, "/reviews", Some(&employee)).await;
        assert!(
            write.body.contains("Your self review"),
            "the employee's hub lists their self review"
        );
        db.cleanup().await;
    }
}
