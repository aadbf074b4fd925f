//! Bad goal input is refused at its field with nothing written, and alignment cannot loop.

use super::*;
use crate::common::*;
use axum::http::StatusCode;

#[tokio::test]
async fn bad_goal_input_is_refused_at_the_field_and_nothing_is_written() {
    for db in TestDb::all().await {
        let app = db.app(true);
        let employee = login_as(&app, "employee").await;
        let hr = login_as(&app, "hr").await;
        let parent = department_goal(&app, &employee).await;
        let goals_before = db.count("SELECT COUNT(*) FROM goals").await;
        let audit_before = db.count("SELECT COUNT(*) FROM audit_log").await;

        let mut fields = goal_fields(" ", &parent, "public");
        fields.retain(|(k, _)| !k.starts_with("key_results[0][target]") && *k != "goal[weight]");
        fields.push(("key_results[0][target]", "0"));
        fields.push(("goal[weight]", "-1"));
        let refused = call(&app, "/api/create_goal", Some(&employee), &fields).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            refused.body
        );
        let errors = refused.json();
        let message = |field: &str| {
            errors["Invalid"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["field"] == field)
                .map(|e| e["message"].as_str().unwrap().to_string())
        };
        assert_eq!(message("title").unwrap(), "Give the goal a title.");
        assert_eq!(message("weight").unwrap(), "Use a weight from 1 to 100.");
        assert_eq!(
            message("key_results[0][target]").unwrap(),
            "The target must differ from the start."
        );

        // An employee cannot set a company objective; nobody aligns a department goal under an individual one.
        let mut company = goal_fields("Company by employee", "", "public");
        company.retain(|(k, _)| *k != "goal[level]");
        company.push(("goal[level]", "company"));
        assert_eq!(
            call(&app, "/api/create_goal", Some(&employee), &company)
                .await
                .status,
            StatusCode::FORBIDDEN
        );

        let period = call(
            &app,
            "/api/create_goal_period",
            Some(&hr),
            &[
                ("name", "Backwards"),
                ("kind", "custom"),
                ("starts_on", "2027-03-31"),
                ("ends_on", "2027-01-01"),
            ],
        )
        .await;
        assert_eq!(period.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(period.json()["Invalid"][0]["field"], "ends_on");
        assert_eq!(db.count("SELECT COUNT(*) FROM goals").await, goals_before);
        assert_eq!(
            db.count("SELECT COUNT(*) FROM audit_log").await,
            audit_before
        );

        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_goal_cannot_align_under_its_own_descendant() {
    for db in TestDb::all().await {
        let app = db.app(true);
        let employee = login_as(&app, "employee").await;
        let parent = department_goal(&app, &employee).await;
        let first = call(
            &app,
            "/api/create_goal",
            Some(&employee),
            &goal_fields("Upper goal", &parent, "public"),
        )
        .await;
        assert_eq!(first.status, StatusCode::OK, "{}", first.body);
        let upper = goal_id_by_title(&db, "Upper goal").await.to_string();
        let second = call(
            &app,
            "/api/create_goal",
            Some(&employee),
            &goal_fields("Lower goal", &upper, "public"),
        )
        .await;
        assert_eq!(second.status, StatusCode::OK, "{}", second.body);
        let lower = goal_id_by_title(&db, "Lower goal").await.to_string();
        let mut loop_fields = goal_fields("Upper goal", &lower, "public");
        loop_fields.push(("id", &upper));
        let refused = call(&app, "/api/update_goal", Some(&employee), &loop_fields).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            refused.body
        );
        assert_eq!(refused.json()["Invalid"][0]["field"], "parent_id");
        assert_eq!(
            refused.json()["Invalid"][0]["message"],
            "That goal is aligned under this one, so this one cannot align under it."
        );
        let stored: Option<i64> = sqlx::query_scalar("SELECT parent_id FROM goals WHERE id = $1")
            .bind(upper.parse::<i64>().unwrap())
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert_eq!(stored, Some(parent.parse().unwrap()));
        db.cleanup().await;
    }
}
