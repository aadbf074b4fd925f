//! A goal's history is read a page at a time by key (issue 11, finding 5: "goal comments and
//! history are unbounded"): the newest 20 check-ins and 50 comments, a link to the page before,
//! and the chart and forecast still drawn from every check-in.

use crate::common::*;
use axum::http::StatusCode;

#[tokio::test]
async fn a_long_history_is_shown_a_page_at_a_time_newest_first() {
    for db in TestDb::all().await {
        let app = db.app(true);
        let employee = login_as(&app, "employee").await;
        let owner = db.id_of(db.org.accounts.employee);
        let created = call(
            &app,
            "/api/create_goal",
            Some(&employee),
            &load_goal("Long history"),
        )
        .await;
        assert_eq!(created.status, StatusCode::OK, "{}", created.body);
        let goal = db
            .count("SELECT id FROM goals WHERE title = 'Long history'")
            .await;
        // 25 check-ins and 55 comments, two at each second, so the page key needs the id too.
        let base = 1_780_000_000_i64;
        for i in 0..25_i64 {
            sqlx::query(&format!(
                "INSERT INTO check_ins (goal_id, author_id, confidence, comment, progress, key_result_values, created_at)
                 VALUES ({goal}, {owner}, 'on_track', 'Check-in {i}', {}, '[]', {})",
                i as f64 * 4.0,
                base + (i / 2) * 86_400
            ))
            .execute(&db.pool)
            .await
            .unwrap();
        }
        let oldest = db
            .count(&format!(
                "SELECT MIN(id) FROM check_ins WHERE goal_id = {goal}"
            ))
            .await;
        for i in 0..55_i64 {
            sqlx::query(&format!(
                "INSERT INTO goal_comments (goal_id, check_in_id, author_id, body, created_at)
                 VALUES ({goal}, NULL, {owner}, 'Comment {i}', {})",
                base + (i / 2) * 3_600
            ))
            .execute(&db.pool)
            .await
            .unwrap();
        }
        sqlx::query(&format!(
            "INSERT INTO goal_comments (goal_id, check_in_id, author_id, body, created_at)
             VALUES ({goal}, {oldest}, {owner}, 'A reply to the first check-in', {base})"
        ))
        .execute(&db.pool)
        .await
        .unwrap();

        let texts = |page: &serde_json::Value, list: &str, field: &str| -> Vec<String> {
            page[list]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c[field].as_str().unwrap().to_string())
                .collect()
        };
        let g = goal.to_string();
        let newest = call(&app, "/api/get_goal", Some(&employee), &[("id", &g)]).await;
        assert_eq!(newest.status, StatusCode::OK, "{}", newest.body);
        let newest = newest.json();
        let expected: Vec<String> = (5..25).map(|i| format!("Check-in {i}")).collect();
        assert_eq!(
            texts(&newest, "check_ins", "comment"),
            expected,
            "on {:?}",
            db.backend
        );
        let expected: Vec<String> = (5..55).map(|i| format!("Comment {i}")).collect();
        assert_eq!(
            texts(&newest, "comments", "body"),
            expected,
            "on {:?}",
            db.backend
        );
        assert_eq!(
            newest["progress_points"].as_array().unwrap().len(),
            25,
            "the chart has every check-in"
        );

        let key = newest["earlier_check_ins"]
            .as_i64()
            .expect("earlier check-ins")
            .to_string();
        let ckey = newest["earlier_comments"]
            .as_i64()
            .expect("earlier comments")
            .to_string();
        let earlier = call(
            &app,
            "/api/get_goal",
            Some(&employee),
            &[
                ("id", &g),
                ("check_ins_before", &key),
                ("comments_before", &ckey),
            ],
        )
        .await
        .json();
        let expected: Vec<String> = (0..5).map(|i| format!("Check-in {i}")).collect();
        assert_eq!(
            texts(&earlier, "check_ins", "comment"),
            expected,
            "on {:?}",
            db.backend
        );
        let expected: Vec<String> = (0..5).map(|i| format!("Comment {i}")).collect();
        assert_eq!(
            texts(&earlier, "comments", "body"),
            expected,
            "on {:?}",
            db.backend
        );
        assert!(earlier["earlier_check_ins"].is_null() && earlier["earlier_comments"].is_null());
        assert_eq!(
            earlier["check_ins"][0]["comments"][0]["body"], "A reply to the first check-in",
            "a reply stays with its check-in"
        );
        // The page shows the links.
        let html = get(&app, &format!("/goals/{g}"), Some(&employee))
            .await
            .body;
        assert!(
            html.contains(&format!("?check_ins_before={key}")),
            "the page links to earlier check-ins"
        );
        assert!(html.contains("Show earlier comments"));
        db.cleanup().await;
    }
}
