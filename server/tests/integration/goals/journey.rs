//! One person's goals from draft to approval, then check-ins and the roll-up they move.

use super::*;
use crate::common::*;
use app::store::audit;
use axum::http::StatusCode;

#[tokio::test]
async fn a_goal_goes_from_draft_to_approved_then_takes_check_ins_and_rolls_up() {
    for db in TestDb::all().await {
        let app = db.app(true);
        let employee = login_as(&app, "employee").await;
        let manager = login_as(&app, "manager").await;
        let peer = login_as(&app, "peer").await;
        let owner = db.id_of(db.org.accounts.employee);
        let owner_text = owner.to_string();
        let parent = department_goal(&app, &employee).await;

        let created = call(
            &app,
            "/api/create_goal",
            Some(&employee),
            &goal_fields("Onboard forty customers", &parent, "public"),
        )
        .await;
        assert_eq!(
            created.status,
            StatusCode::OK,
            "{:?}: {}",
            db.backend,
            created.body
        );
        let id = goal_id_by_title(&db, "Onboard forty customers").await;
        assert_eq!(
            created.headers.get("location").unwrap(),
            &format!("/goals/{id}")
        );
        assert_eq!(plan_state(&db, owner).await, "draft");
        assert_eq!(
            db.count(&format!(
                "SELECT COUNT(*) FROM key_results WHERE goal_id = {id}"
            ))
            .await,
            2
        );

        // Submitted goals are with the manager: the owner cannot change them, a peer cannot decide.
        let submitted = call(
            &app,
            "/api/move_goal_plan",
            Some(&employee),
            &step(&owner_text, "submit", ""),
        )
        .await;
        assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.body);
        let mut edit = goal_fields("Onboard forty-five customers", &parent, "public");
        let id_text = id.to_string();
        edit.push(("id", &id_text));
        let locked = call(&app, "/api/update_goal", Some(&employee), &edit).await;
        assert_eq!(locked.status, StatusCode::CONFLICT, "{}", locked.body);
        let by_peer = call(
            &app,
            "/api/move_goal_plan",
            Some(&peer),
            &step(&owner_text, "approve", ""),
        )
        .await;
        assert_eq!(by_peer.status, StatusCode::FORBIDDEN);

        // The manager asks for a change (a reason is required), the employee edits and resubmits.
        let no_reason = call(
            &app,
            "/api/move_goal_plan",
            Some(&manager),
            &step(&owner_text, "request_changes", " "),
        )
        .await;
        assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(no_reason.json()["Invalid"][0]["field"], "comment");
        let changes = call(
            &app,
            "/api/move_goal_plan",
            Some(&manager),
            &step(&owner_text, "request_changes", "Make it 45."),
        )
        .await;
        assert_eq!(changes.status, StatusCode::OK, "{}", changes.body);
        assert_eq!(plan_state(&db, owner).await, "changes_requested");
        let edited = call(&app, "/api/update_goal", Some(&employee), &edit).await;
        assert_eq!(edited.status, StatusCode::OK, "{}", edited.body);
        let resubmitted = call(
            &app,
            "/api/move_goal_plan",
            Some(&employee),
            &step(&owner_text, "submit", ""),
        )
        .await;
        assert_eq!(resubmitted.status, StatusCode::OK);
        let approved = call(
            &app,
            "/api/move_goal_plan",
            Some(&manager),
            &step(&owner_text, "approve", "Good."),
        )
        .await;
        assert_eq!(approved.status, StatusCode::OK, "{}", approved.body);
        assert_eq!(plan_state(&db, owner).await, "approved");

        // The discussion is on the goal; every step is audited.
        let detail = call(&app, "/api/get_goal", Some(&employee), &[("id", &id_text)]).await;
        assert_eq!(detail.status, StatusCode::OK);
        let detail = detail.json();
        assert_eq!(detail["goal"]["title"], "Onboard forty-five customers");
        let comments: Vec<&str> = detail["comments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["body"].as_str().unwrap())
            .collect();
        assert_eq!(comments, ["Make it 45.", "Good."]);
        let actions: Vec<String> = audit::for_entity(&db.pool, "goal", id)
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.action)
            .collect();
        assert_eq!(actions, ["goal.created", "goal.updated"]);
        assert_eq!(
            db.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'goal_plan'")
                .await,
            4,
            "submit, request changes, resubmit, approve"
        );

        // Check-ins: a wrong kind of value is refused at its field and changes nothing.
        let krs: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, kind FROM key_results WHERE goal_id = $1 ORDER BY position")
                .bind(id)
                .fetch_all(&db.pool)
                .await
                .unwrap();
        let (number, milestone) = (krs[0].0.to_string(), krs[1].0.to_string());
        let wrong = call(
            &app,
            "/api/check_in_goal",
            Some(&employee),
            &[
                ("goal_id", &id_text),
                ("values[0][key_result_id]", &number),
                ("values[0][value]", "twenty"),
                ("values[1][key_result_id]", &milestone),
                ("values[1][value]", "12"),
                ("confidence", "on_track"),
                ("comment", ""),
            ],
        )
        .await;
        assert_eq!(
            wrong.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            wrong.body
        );
        let wrong_json = wrong.json();
        let fields: Vec<&str> = wrong_json["Invalid"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["values[0][value]", "values[1][value]"]);
        assert_eq!(db.count("SELECT COUNT(*) FROM check_ins WHERE goal_id IN (SELECT id FROM goals WHERE title LIKE 'Onboard%')").await, 0);

        let good = call(
            &app,
            "/api/check_in_goal",
            Some(&employee),
            &[
                ("goal_id", &id_text),
                ("values[0][key_result_id]", &number),
                ("values[0][value]", "20"),
                ("values[1][key_result_id]", &milestone),
                ("values[1][value]", "not_done"),
                ("confidence", "at_risk"),
                ("comment", "Halfway on customers."),
            ],
        )
        .await;
        assert_eq!(good.status, StatusCode::OK, "{}", good.body);
        // Two key results of equal weight: 50 % and 0 % -> 25 %.
        let progress: f64 = sqlx::query_scalar("SELECT progress FROM goals WHERE id = $1")
            .bind(id)
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert!((progress - 25.0).abs() < 1e-9, "{progress}");
        let detail = call(&app, "/api/get_goal", Some(&manager), &[("id", &id_text)])
            .await
            .json();
        assert_eq!(detail["check_ins"][0]["comment"], "Halfway on customers.");
        assert_eq!(
            detail["goal"]["health"], "Behind",
            "at-risk confidence caps health"
        );

        // The department goal it aligns to rolls up from its aligned goals, weighted.
        let children: Vec<(i64, f64)> = sqlx::query_as(
            "SELECT weight, progress FROM goals WHERE parent_id = $1 AND status <> 'cancelled'",
        )
        .bind(parent.parse::<i64>().unwrap())
        .fetch_all(&db.pool)
        .await
        .unwrap();
        let expected = keel_core::goals::weighted_progress(&children);
        let rolled: f64 = sqlx::query_scalar("SELECT progress FROM goals WHERE id = $1")
            .bind(parent.parse::<i64>().unwrap())
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert!(
            (rolled - expected).abs() < 1e-9 && rolled > 0.0,
            "{rolled} vs {expected}"
        );

        // Check-ins are append-only.
        assert!(sqlx::query("UPDATE check_ins SET progress = 100")
            .execute(&db.pool)
            .await
            .is_err());
        assert!(sqlx::query("DELETE FROM check_ins")
            .execute(&db.pool)
            .await
            .is_err());
        db.cleanup().await;
    }
}
