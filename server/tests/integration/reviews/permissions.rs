//! Every HR-only review function refuses employees and managers.

use crate::common::*;
use axum::http::StatusCode;

#[tokio::test]
async fn hr_only_review_functions_refuse_employees_and_managers() {
    let db = TestDb::sqlite().await;
    let app = db.app(true);
    let hr_only: &[(&str, &[(&str, &str)])] = &[
        ("/api/get_review_admin", &[]),
        (
            "/api/create_rating_scale",
            &[("name", "X"), ("points", "a\nb")],
        ),
        (
            "/api/create_review_template",
            &[("name", "X"), ("scale_id", "1")],
        ),
        ("/api/get_template_builder", &[("template_id", "1")]),
        (
            "/api/template_settings",
            &[
                ("template_id", "1"),
                ("version", "1"),
                ("name", "X"),
                ("overall_scale_id", "1"),
                ("weights_total", ""),
            ],
        ),
        (
            "/api/add_template_section",
            &[("template_id", "1"), ("version", "1"), ("title", "X")],
        ),
        (
            "/api/rename_template_section",
            &[
                ("template_id", "1"),
                ("version", "1"),
                ("key", "s1"),
                ("title", "X"),
            ],
        ),
        (
            "/api/add_template_question",
            &[
                ("template_id", "1"),
                ("version", "1"),
                ("section", "s1"),
                ("kind", "text"),
                ("prompt", "X"),
            ],
        ),
        (
            "/api/update_template_question",
            &[
                ("template_id", "1"),
                ("version", "1"),
                ("key", "q2"),
                ("question[prompt]", "X"),
            ],
        ),
        (
            "/api/move_template_item",
            &[
                ("template_id", "1"),
                ("version", "1"),
                ("key", "q2"),
                ("direction", "up"),
            ],
        ),
        (
            "/api/remove_template_item",
            &[("template_id", "1"), ("version", "1"), ("key", "q2")],
        ),
        (
            "/api/duplicate_review_template",
            &[("template_id", "1"), ("name", "X")],
        ),
        ("/api/get_cycle_form_options", &[]),
        ("/api/create_review_cycle", &[("cycle[name]", "X")]),
        ("/api/get_review_cycle", &[("cycle_id", "1")]),
        ("/api/advance_review_cycle", &[("cycle_id", "2")]),
        (
            "/api/release_review_results",
            &[("cycle_id", "2"), ("department_id", "1")],
        ),
        ("/api/remind_reviewers", &[("cycle_id", "2")]),
        ("/api/get_review_printout", &[("cycle_id", "1")]),
    ];
    let versions = db.count("SELECT COUNT(*) FROM template_versions").await;
    let notes = db.count("SELECT COUNT(*) FROM notifications").await;
    for role in ["employee", "manager"] {
        let cookie = login_as(&app, role).await;
        for (path, fields) in hr_only {
            let reply = call(&app, path, Some(&cookie), fields).await;
            assert_eq!(
                reply.status,
                StatusCode::FORBIDDEN,
                "{role} called {path}: {}",
                reply.body
            );
        }
    }
    let employee = login_as(&app, "employee").await;
    assert_eq!(
        call(
            &app,
            "/api/get_calibration",
            Some(&employee),
            &[("cycle_id", "1")]
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        call(
            &app,
            "/api/change_final_rating",
            Some(&employee),
            &[
                ("participant_id", "5"),
                ("rating", "3"),
                ("justification", "Because I say so.")
            ]
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        db.count("SELECT COUNT(*) FROM template_versions").await,
        versions
    );
    assert_eq!(db.count("SELECT COUNT(*) FROM notifications").await, notes);
    db.cleanup().await;
}
