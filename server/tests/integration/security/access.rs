//! Who may see and change what, beyond each feature's own permission tests; the audit trail
//! that cannot be rewritten; and errors that reach the browser without SQL.

use crate::common::*;
use axum::http::StatusCode;

/// Issue 11: HR could read its own result before release (and print it), the one person a
/// result is withheld from until then.
#[tokio::test]
async fn hr_does_not_see_its_own_result_before_release() {
    for db in TestDb::all().await {
        let app = db.app(true);
        let hr = login_as(&app, "hr").await;
        let hr_id = db.id_of(db.org.accounts.hr_admin);
        let own = db
            .count(&format!(
                "SELECT p.id FROM review_participants p JOIN review_cycles c ON c.id = p.cycle_id
                 WHERE p.person_id = {hr_id} AND p.released_at IS NULL AND c.state = 'writing'"
            ))
            .await
            .to_string();
        let result = call(
            &app,
            "/api/get_review_result",
            Some(&hr),
            &[("participant_id", &own)],
        )
        .await;
        assert_eq!(result.status, StatusCode::NOT_FOUND, "{}", result.body);
        let cycle = db
            .count(&format!(
                "SELECT cycle_id FROM review_participants WHERE id = {own}"
            ))
            .await
            .to_string();
        let printout = call(
            &app,
            "/api/get_review_printout",
            Some(&hr),
            &[("cycle_id", &cycle)],
        )
        .await;
        assert_eq!(printout.status, StatusCode::OK, "{}", printout.body);
        let pages = printout.json();
        let pages = pages.as_array().unwrap();
        assert!(!pages.is_empty());
        assert!(
            pages
                .iter()
                .all(|page| page["participant_id"].as_i64() != own.parse::<i64>().ok()),
            "HR's own review is not in HR's printout"
        );
        db.cleanup().await;
    }
}

/// Issue 11: every signed-in person could read everyone's roles, and so learn whose account
/// (HR, administrators) is worth attacking.
#[tokio::test]
async fn roles_are_shown_only_to_the_person_and_hr() {
    for db in TestDb::all().await {
        let app = db.app(true);
        let employee = login_as(&app, "employee").await;
        let hr = login_as(&app, "hr").await;
        let hr_id = db.id_of(db.org.accounts.hr_admin).to_string();
        let seen_by_employee = call(&app, "/api/get_person", Some(&employee), &[("id", &hr_id)])
            .await
            .json();
        assert_eq!(
            seen_by_employee["roles"],
            serde_json::json!([]),
            "{:?}",
            db.backend
        );
        let seen_by_self = call(&app, "/api/get_person", Some(&hr), &[("id", &hr_id)])
            .await
            .json();
        assert!(
            !seen_by_self["roles"].as_array().unwrap().is_empty(),
            "{seen_by_self}"
        );
        db.cleanup().await;
    }
}

/// Issue 11: set_goal_status ignored the goal-setting lock, so a goal in a plan awaiting the
/// manager's approval, or already approved, could be cancelled behind the manager's back.
#[tokio::test]
async fn a_goal_in_a_submitted_or_approved_plan_is_not_cancelled_behind_the_managers_back() {
    for db in TestDb::all().await {
        let app = db.app(true);
        let employee = login_as(&app, "employee").await;
        let owner = db.id_of(db.org.accounts.employee);
        let goal = db
            .count(&format!(
                "SELECT MIN(id) FROM goals WHERE owner_id = {owner} AND level = 'individual'"
            ))
            .await;
        let set_plan = |state: &'static str| {
            let pool = db.pool.clone();
            async move {
                for sql in [
                    format!("UPDATE goals SET status = 'active' WHERE id = {goal}"),
                    format!(
                        "DELETE FROM goal_plans WHERE owner_id = {owner}
                         AND period_id = (SELECT period_id FROM goals WHERE id = {goal})"
                    ),
                    format!(
                        "INSERT INTO goal_plans (owner_id, period_id, state, updated_at)
                         SELECT {owner}, period_id, '{state}', 0 FROM goals WHERE id = {goal}"
                    ),
                ] {
                    sqlx::query(&sql).execute(&pool).await.unwrap();
                }
            }
        };
        let id = goal.to_string();
        for (plan, status, allowed) in [
            ("submitted", "cancelled", false),
            ("submitted", "completed", false),
            ("approved", "cancelled", false),
            ("approved", "completed", true),
            ("draft", "cancelled", true),
        ] {
            set_plan(plan).await;
            let reply = call(
                &app,
                "/api/set_goal_status",
                Some(&employee),
                &[("id", &id), ("status", status)],
            )
            .await;
            let expected = if allowed {
                StatusCode::OK
            } else {
                StatusCode::CONFLICT
            };
            assert_eq!(reply.status, expected, "{plan}, {status}: {}", reply.body);
            let changed = db
                .count(&format!(
                    "SELECT COUNT(*) FROM goals WHERE id = {goal} AND status = '{status}'"
                ))
                .await;
            assert_eq!(changed == 1, allowed, "{plan}, {status}");
        }
        db.cleanup().await;
    }
}

/// Issue 11: the calibration page sent any manager the cycle's whole configuration, including
/// a hand-picked scope's list of people's emails.
#[tokio::test]
async fn a_managers_calibration_page_does_not_carry_the_cycles_configuration() {
    for db in TestDb::all().await {
        let app = db.app(true);
        let manager = login_as(&app, "manager").await;
        sqlx::query(
            "UPDATE review_cycles SET scope = 'people', scope_value = 'hand.picked@northwind.example'
             WHERE id = 2",
        )
        .execute(&db.pool)
        .await
        .unwrap();
        let page = call(
            &app,
            "/api/get_calibration",
            Some(&manager),
            &[("cycle_id", "2")],
        )
        .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(!page.body.contains("hand.picked"), "{}", page.body);
        assert!(page.json()["cycle"].get("scope_value").is_none());
        db.cleanup().await;
    }
}

#[tokio::test]
async fn employees_cannot_change_people_or_roles_and_nothing_changes() {
    for db in TestDb::all().await {
        let app = db.app(true);
        for role in ["employee", "manager", "exec"] {
            let cookie = login_as(&app, role).await;
            let people = db.count("SELECT COUNT(*) FROM employees").await;
            let audit = db.count("SELECT COUNT(*) FROM audit_log").await;
            let roles = db.count("SELECT COUNT(*) FROM employee_roles").await;
            let target = db.id_of(db.org.accounts.employee).to_string();
            let person = [
                ("name", "Eve Example"),
                ("email", "eve@example.com"),
                ("title", "Engineer"),
                ("department_id", "2"),
                ("manager_email", ""),
                ("hire_date", "2024-01-01"),
                ("location", "Remote"),
            ];
            let create = call(&app, "/api/create_person", Some(&cookie), &person).await;
            assert_eq!(create.status, StatusCode::FORBIDDEN, "{role} create_person");
            let mut update = vec![("id", target.as_str())];
            update.extend_from_slice(&person);
            let edit = call(&app, "/api/update_person", Some(&cookie), &update).await;
            assert_eq!(edit.status, StatusCode::FORBIDDEN, "{role} update_person");
            for granted_role in ["hr_admin", "admin", "executive"] {
                let grant = call(
                    &app,
                    "/api/set_person_role",
                    Some(&cookie),
                    &[("id", &target), ("role", granted_role), ("change", "grant")],
                )
                .await;
                assert_eq!(
                    grant.status,
                    StatusCode::FORBIDDEN,
                    "{role} grants {granted_role}"
                );
            }
            let left = call(
                &app,
                "/api/mark_person_left",
                Some(&cookie),
                &[("id", &target)],
            )
            .await;
            assert_eq!(
                left.status,
                StatusCode::FORBIDDEN,
                "{role} mark_person_left"
            );
            assert_eq!(db.count("SELECT COUNT(*) FROM employees").await, people);
            assert_eq!(db.count("SELECT COUNT(*) FROM audit_log").await, audit);
            assert_eq!(db.count("SELECT COUNT(*) FROM employee_roles").await, roles);
            assert_eq!(
                db.count("SELECT COUNT(*) FROM employees WHERE status = 'left'")
                    .await,
                0
            );
        }
        // HR may not make an administrator, nor edit one or mark one as left: only an
        // administrator may.
        let hr = login_as(&app, "hr").await;
        let admin_id = db.id_of(db.org.accounts.admin).to_string();
        let left = call(
            &app,
            "/api/mark_person_left",
            Some(&hr),
            &[("id", &admin_id)],
        )
        .await;
        assert_eq!(
            left.status,
            StatusCode::FORBIDDEN,
            "HR marks an administrator as left"
        );
        assert_eq!(
            db.count("SELECT COUNT(*) FROM employees WHERE status = 'left'")
                .await,
            0
        );
        let target = db.id_of(db.org.accounts.employee).to_string();
        let grant_admin = [
            ("id", target.as_str()),
            ("role", "admin"),
            ("change", "grant"),
        ];
        assert_eq!(
            call(&app, "/api/set_person_role", Some(&hr), &grant_admin)
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        let admin = login_as(&app, "admin").await;
        assert_eq!(
            call(&app, "/api/set_person_role", Some(&admin), &grant_admin)
                .await
                .status,
            StatusCode::OK
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn the_audit_trail_refuses_update_and_delete() {
    for db in TestDb::all().await {
        let rows = db.count("SELECT COUNT(*) FROM audit_log").await;
        assert!(rows > 0, "seeding leaves audit rows");
        for sql in [
            "UPDATE audit_log SET action = 'tampered'",
            "DELETE FROM audit_log",
        ] {
            let result = sqlx::query(sql).execute(&db.pool).await;
            let error = result.expect_err(sql).to_string();
            assert!(
                error.contains("append-only"),
                "{:?} {sql}: {error}",
                db.backend
            );
        }
        assert_eq!(db.count("SELECT COUNT(*) FROM audit_log").await, rows);
        assert_eq!(
            db.count("SELECT COUNT(*) FROM audit_log WHERE action = 'tampered'")
                .await,
            0
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_database_error_reaches_the_browser_as_a_message_and_a_reference_without_sql() {
    for db in TestDb::all().await {
        let app = db.app(true);
        let cookie = login_as(&app, "hr").await;
        sqlx::query("ALTER TABLE departments RENAME TO departments_gone")
            .execute(&db.pool)
            .await
            .unwrap();
        let fields = [("search", ""), ("include_left", "false"), ("page", "1")];
        let reply = call(&app, "/api/list_people", Some(&cookie), &fields).await;
        assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
        let id = reply.json()["Internal"]["correlation_id"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert_eq!(id.len(), 12, "{}", reply.body);
        let page = get(&app, "/people", Some(&cookie)).await;
        for body in [&reply.body, &page.body] {
            for leak in [
                "SELECT",
                "JOIN departments",
                "departments d",
                "no such table",
                "does not exist",
                "sqlx",
                "src/",
                ".rs:",
            ] {
                assert!(!body.contains(leak), "{leak} leaked: {body}");
            }
        }
        assert!(
            page.body
                .contains("Something went wrong on our side. Reference: "),
            "{}",
            page.body
        );
        db.cleanup().await;
    }
}
