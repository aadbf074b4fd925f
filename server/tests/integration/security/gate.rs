//! The session gate: server functions and pages need a session, and cross-site writes are
//! refused.

use crate::common::*;
use app::demo::org::DEMO_PASSWORD;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};

#[tokio::test]
async fn every_server_function_refuses_calls_without_a_session() {
    let db = TestDb::sqlite().await;
    let app = db.app(true);
    let registered: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_string())
        .collect();
    for expected in [
        "/api/list_people",
        "/api/create_person",
        "/api/set_person_role",
        "/api/get_home",
    ] {
        assert!(
            registered.iter().any(|p| p == expected),
            "{expected} is not registered"
        );
    }
    let mut checked = 0;
    for path in &registered {
        let reply = call(&app, path, None, &[]).await;
        if app::api::PUBLIC_ENDPOINTS.contains(&path.as_str()) {
            assert_ne!(reply.status, StatusCode::UNAUTHORIZED, "{path} is public");
        } else {
            assert_eq!(
                reply.status,
                StatusCode::UNAUTHORIZED,
                "{path} answered without a session"
            );
            assert_eq!(reply.json(), serde_json::json!("Unauthorized"), "{path}");
            checked += 1;
        }
    }
    assert!(
        checked >= 10,
        "only {checked} server functions were checked"
    );
    // With a session, arguments that cannot be read are the caller's mistake (422), not ours.
    let cookie = login_as(&app, "employee").await;
    let garbled = call(&app, "/api/get_person", Some(&cookie), &[("id", "abc")]).await;
    assert_eq!(
        garbled.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        garbled.body
    );
    let missing = call(&app, "/api/list_people", Some(&cookie), &[("search", "")]).await;
    assert_eq!(
        missing.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        missing.body
    );
    // A forged cookie is no better than none.
    let forged = format!("keel_session={}", "ab".repeat(32));
    assert_eq!(
        call(&app, "/api/get_home", Some(&forged), &[]).await.status,
        StatusCode::UNAUTHORIZED
    );
    db.cleanup().await;
}

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let db = TestDb::sqlite().await;
    let app = db.app(true);
    let cookie = login_as(&app, "hr").await;
    let people_before = db.count("SELECT COUNT(*) FROM employees").await;
    let body = form_body(&[
        ("name", "Mallory"),
        ("email", "mallory@example.com"),
        ("title", "Intruder"),
        ("department_id", "1"),
        ("manager_email", ""),
        ("hire_date", "2024-01-01"),
        ("location", ""),
    ]);
    for (name, value) in [
        ("origin", "https://evil.example"),
        ("sec-fetch-site", "cross-site"),
        ("origin", "null"),
    ] {
        let request = Request::post("/api/create_person")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::HOST, "127.0.0.1:3000")
            .header(header::COOKIE, &cookie)
            .header(name, value)
            .body(Body::from(body.clone()))
            .unwrap();
        let reply = send(&app, request).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{name}: {value}");
    }
    assert_eq!(
        db.count("SELECT COUNT(*) FROM employees").await,
        people_before
    );
    // The same request from the app's own origin goes through.
    let request = Request::post("/api/create_person")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::ORIGIN, "http://127.0.0.1:3000")
        .header("sec-fetch-site", "same-origin")
        .header(header::COOKIE, &cookie)
        .body(Body::from(body))
        .unwrap();
    assert_eq!(send(&app, request).await.status, StatusCode::OK);
    assert_eq!(
        db.count("SELECT COUNT(*) FROM employees").await,
        people_before + 1
    );
    db.cleanup().await;
}

#[tokio::test]
async fn pages_need_a_session_and_the_login_page_lists_demo_logins_only_in_demo_mode() {
    let db = TestDb::sqlite().await;
    let app = db.app(true);
    for path in ["/", "/people", "/people/1", "/org"] {
        let reply = get(&app, path, None).await;
        assert!(reply.status.is_redirection(), "{path}: {}", reply.status);
        assert_eq!(reply.headers.get(header::LOCATION).unwrap(), "/login");
    }
    let login_page = get(&app, "/login", None).await;
    assert_eq!(login_page.status, StatusCode::OK);
    assert!(login_page.body.contains("Sign in"));
    let employee_name = &db.org.people[db.org.accounts.employee].name;
    assert!(login_page.body.contains(&demo_email("employee")));
    assert!(login_page.body.contains(employee_name.as_str()));
    assert!(login_page.body.contains(DEMO_PASSWORD));

    let production = db.app(false);
    let page = get(&production, "/login", None).await;
    assert!(page.body.contains("Sign in"));
    assert!(!page.body.contains(DEMO_PASSWORD) && !page.body.contains(&demo_email("employee")));
    assert!(page.headers.get("x-frame-options").is_some());
    db.cleanup().await;
}
