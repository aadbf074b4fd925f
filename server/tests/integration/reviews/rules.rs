//! Review rules over a cycle's life: late submissions are refused and keep the draft; a
//! template in use is frozen and editing it writes a new version; a division may use its own
//! template.

use super::*;
use crate::common::*;
use axum::http::StatusCode;

#[tokio::test]
async fn late_submissions_are_refused_and_the_draft_is_kept() {
    for db in TestDb::all().await {
        let app = db.app(true);
        let hr = login_as(&app, "hr").await;
        let employee_cookie = login_as(&app, "employee").await;
        let employee = db.id_of(db.org.accounts.employee);
        let department = scalar(
            &db,
            &format!("SELECT department_id FROM employees WHERE id = {employee}"),
        )
        .await
        .to_string();
        let template = build_template(&app, &db, &hr).await.to_string();
        let mut fields = cycle_fields("Late cycle", &template, &department, "2099-01-20");
        fields.retain(|(k, _)| *k != "cycle[reviewer_types][2]");
        ok(&app, "/api/create_review_cycle", &hr, &fields).await;
        let c = scalar(
            &db,
            "SELECT id FROM review_cycles WHERE name = 'Late cycle'",
        )
        .await
        .to_string();
        ok(&app, "/api/advance_review_cycle", &hr, &[("cycle_id", &c)]).await;
        assert_eq!(
            scalar(
                &db,
                &format!("SELECT COUNT(*) FROM review_cycles WHERE id = {c} AND state = 'writing'")
            )
            .await,
            1,
            "no peers: straight to writing"
        );
        let a = scalar(&db, &format!("SELECT a.id FROM review_assignments a JOIN review_participants p ON p.id = a.participant_id WHERE p.cycle_id = {c} AND a.reviewer_id = {employee} AND a.kind = 'self'")).await.to_string();
        ok(
            &app,
            "/api/save_review",
            &employee_cookie,
            &[
                ("assignment_id", &a),
                ("intent", "save"),
                ("answers[q3]", "Draft words"),
            ],
        )
        .await;
        sqlx::query(&format!(
            "UPDATE review_cycles SET writing_due = '2020-01-01' WHERE id = {c}"
        ))
        .execute(&db.pool)
        .await
        .unwrap();
        let late = call(
            &app,
            "/api/save_review",
            Some(&employee_cookie),
            &[
                ("assignment_id", &a),
                ("intent", "submit"),
                ("answers[q2]", "2"),
                ("answers[q3]", "Final words"),
                ("answers[q5]", "2"),
                ("answers[q6]", "More"),
            ],
        )
        .await;
        assert_eq!(late.status, StatusCode::CONFLICT, "{}", late.body);
        assert!(late.body.contains("deadline"), "{}", late.body);
        let kept: String = sqlx::query_scalar(&format!(
            "SELECT answers FROM review_assignments WHERE id = {a}"
        ))
        .fetch_one(&db.pool)
        .await
        .unwrap();
        assert_eq!(kept, r#"{"q3":"Draft words"}"#);
        // Reminders reach everyone with a review still to write, as notifications.
        let reminded = ok(&app, "/api/remind_reviewers", &hr, &[("cycle_id", &c)]).await;
        assert!(reminded.as_i64().unwrap_or(0) >= 2, "{reminded}");
        let unread = ok(
            &app,
            "/api/count_unread_notifications",
            &employee_cookie,
            &[],
        )
        .await;
        assert!(unread.as_i64().unwrap_or(0) >= 1);
        ok(
            &app,
            "/api/mark_notifications_read",
            &employee_cookie,
            &[("id", "")],
        )
        .await;
        assert_eq!(
            ok(
                &app,
                "/api/count_unread_notifications",
                &employee_cookie,
                &[]
            )
            .await,
            serde_json::json!(0)
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_template_in_use_is_frozen_and_editing_it_writes_a_new_version() {
    for db in TestDb::all().await {
        let app = db.app(true);
        let hr = login_as(&app, "hr").await;
        let employee = db.id_of(db.org.accounts.employee);
        let department = scalar(
            &db,
            &format!("SELECT department_id FROM employees WHERE id = {employee}"),
        )
        .await
        .to_string();
        let template = build_template(&app, &db, &hr).await;
        let t = template.to_string();
        ok(
            &app,
            "/api/create_review_cycle",
            &hr,
            &cycle_fields("Frozen", &t, &department, "2099-01-20"),
        )
        .await;
        let c = scalar(&db, "SELECT id FROM review_cycles WHERE name = 'Frozen'")
            .await
            .to_string();
        ok(&app, "/api/advance_review_cycle", &hr, &[("cycle_id", &c)]).await;
        let before: String = sqlx::query_scalar(&format!("SELECT definition FROM template_versions WHERE template_id = {template} AND version = 1")).fetch_one(&db.pool).await.unwrap();
        ok(
            &app,
            "/api/add_template_question",
            &hr,
            &[
                ("template_id", &t),
                ("version", "1"),
                ("section", "s1"),
                ("kind", "text"),
                ("prompt", "Anything else?"),
            ],
        )
        .await;
        let after: String = sqlx::query_scalar(&format!("SELECT definition FROM template_versions WHERE template_id = {template} AND version = 1")).fetch_one(&db.pool).await.unwrap();
        assert_eq!(before, after, "the version a cycle uses never changes");
        let v2: String = sqlx::query_scalar(&format!("SELECT definition FROM template_versions WHERE template_id = {template} AND version = 2")).fetch_one(&db.pool).await.unwrap();
        assert!(v2.contains("Anything else?"));
        // The builder sent from the old version is told to reload; nothing changes.
        let stale = call(
            &app,
            "/api/add_template_section",
            Some(&hr),
            &[("template_id", &t), ("version", "1"), ("title", "Late")],
        )
        .await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        assert_eq!(
            scalar(
                &db,
                &format!("SELECT COUNT(*) FROM template_versions WHERE template_id = {template}")
            )
            .await,
            2
        );
        // Weights that do not add up as declared are shown where they are set.
        ok(
            &app,
            "/api/template_settings",
            &hr,
            &[
                ("template_id", &t),
                ("version", "2"),
                ("name", "Engineering review"),
                ("overall_scale_id", "1"),
                ("weights_total", "100"),
            ],
        )
        .await;
        let builder = ok(
            &app,
            "/api/get_template_builder",
            &hr,
            &[("template_id", &t)],
        )
        .await;
        let problems = builder["problems"].as_array().unwrap();
        assert!(
            problems.iter().any(|p| p["field"] == "weights_total"
                && p["message"].as_str().unwrap().contains("add up to 2")),
            "{problems:?}"
        );
        // A copy starts at version 1 and is not frozen.
        ok(
            &app,
            "/api/duplicate_review_template",
            &hr,
            &[("template_id", &t), ("name", "Engineering review (copy)")],
        )
        .await;
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM template_versions v JOIN review_templates t ON t.id = v.template_id WHERE t.name = 'Engineering review (copy)' AND v.version = 1 AND v.frozen = 0").await, 1);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn one_division_can_have_its_own_template() {
    for db in TestDb::all().await {
        let app = db.app(true);
        let hr = login_as(&app, "hr").await;
        let employee = db.id_of(db.org.accounts.employee);
        let mut division = scalar(
            &db,
            &format!("SELECT department_id FROM employees WHERE id = {employee}"),
        )
        .await;
        while let Some(parent) = sqlx::query_scalar::<_, Option<i64>>(&format!(
            "SELECT parent_id FROM departments WHERE id = {division}"
        ))
        .fetch_one(&db.pool)
        .await
        .unwrap()
        {
            division = parent;
        }
        let template = build_template(&app, &db, &hr).await.to_string();
        let division_text = division.to_string();
        let mut fields = cycle_fields("Two templates", "1", &division_text, "2099-01-20");
        fields.retain(|(k, _)| {
            !k.starts_with("cycle[scope]") && !k.starts_with("cycle[department_id]")
        });
        fields.push(("cycle[scope]", "all"));
        let half = call(
            &app,
            "/api/create_review_cycle",
            Some(&hr),
            &[
                fields.clone(),
                vec![("cycle[group_department_id]", division_text.as_str())],
            ]
            .concat(),
        )
        .await;
        assert_eq!(
            invalid_field(&half),
            "cycle[group_template_id]",
            "{}",
            half.body
        );
        fields.push(("cycle[group_department_id]", &division_text));
        fields.push(("cycle[group_template_id]", &template));
        ok(&app, "/api/create_review_cycle", &hr, &fields).await;
        let c = scalar(
            &db,
            "SELECT id FROM review_cycles WHERE name = 'Two templates'",
        )
        .await
        .to_string();
        ok(&app, "/api/advance_review_cycle", &hr, &[("cycle_id", &c)]).await;
        let theirs = scalar(&db, &format!("SELECT template_version_id FROM review_participants WHERE cycle_id = {c} AND person_id = {employee}")).await;
        let engineering = scalar(
            &db,
            &format!("SELECT v.id FROM template_versions v WHERE v.template_id = {template}"),
        )
        .await;
        assert_eq!(
            theirs, engineering,
            "the division's people get its template"
        );
        assert_eq!(scalar(&db, &format!("SELECT COUNT(*) FROM review_participants WHERE cycle_id = {c} AND top_department_id <> {division} AND template_version_id = 1")).await,
            scalar(&db, &format!("SELECT COUNT(*) FROM review_participants WHERE cycle_id = {c} AND top_department_id <> {division}")).await);
        assert_eq!(
            scalar(
                &db,
                &format!("SELECT frozen FROM template_versions WHERE id = {engineering}")
            )
            .await,
            1
        );
        db.cleanup().await;
    }
}
