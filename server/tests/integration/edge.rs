//! Issue 11, items 4 and 6: the HTTP headers every page and reply carries, and what Keel does
//! behind a reverse proxy (the public URL for the origin check, Secure cookies and HSTS; the
//! trusted proxies' X-Forwarded-For for the client address that sign-in throttling counts).

use crate::common::*;
use app::demo::org::DEMO_PASSWORD;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};

fn header_of(reply: &Reply, name: &str) -> String {
    reply
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// The nonce a Content-Security-Policy allows scripts with.
fn script_nonce(policy: &str) -> String {
    let script_src = policy
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("script-src "))
        .unwrap_or_else(|| panic!("no script-src in {policy:?}"));
    assert!(
        !script_src.contains("'unsafe-inline'") && !script_src.contains("'unsafe-eval'"),
        "inline scripts allowed: {script_src}"
    );
    script_src
        .split_whitespace()
        .find_map(|source| source.strip_prefix("'nonce-"))
        .and_then(|rest| rest.strip_suffix('\''))
        .unwrap_or_else(|| panic!("no nonce in {script_src}"))
        .to_string()
}

/// Failed on the old code: no Content-Security-Policy and no Cache-Control on pages or replies.
#[tokio::test]
async fn a_signed_in_page_and_a_server_function_reply_carry_the_security_headers() {
    for db in TestDb::all().await {
        let app = db.app(true);
        let cookie = login_as(&app, "employee").await;
        let page = get(&app, "/", Some(&cookie)).await;
        assert_eq!(page.status, StatusCode::OK, "{:?}", db.backend);
        let policy = header_of(&page, "content-security-policy");
        let nonce = script_nonce(&policy);
        assert!(nonce.len() >= 16, "{nonce}");
        for directive in [
            "default-src 'self'",
            "frame-ancestors 'none'",
            "object-src 'none'",
            "base-uri 'none'",
        ] {
            assert!(policy.contains(directive), "{directive} missing: {policy}");
        }
        // Every inline script on the page carries the nonce, so hydration is allowed to run.
        let scripts = page.body.matches("<script").count();
        assert!(scripts > 0);
        assert_eq!(
            page.body
                .matches(&format!("<script nonce=\"{nonce}\""))
                .count()
                + page
                    .body
                    .matches(&format!("<script type=\"module\" nonce=\"{nonce}\""))
                    .count(),
            scripts,
            "a script without the nonce: {}",
            page.body
        );
        assert!(!page.body.contains("onclick="));
        assert_eq!(header_of(&page, "cache-control"), "no-store");
        assert_eq!(header_of(&page, "x-content-type-options"), "nosniff");
        assert_eq!(header_of(&page, "referrer-policy"), "same-origin");
        assert_eq!(header_of(&page, "x-frame-options"), "DENY");
        assert_eq!(header_of(&page, "strict-transport-security"), "");
        // A fresh nonce for every response.
        let again = get(&app, "/", Some(&cookie)).await;
        assert_ne!(
            script_nonce(&header_of(&again, "content-security-policy")),
            nonce
        );
        let reply = call(&app, "/api/get_home", Some(&cookie), &[]).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(header_of(&reply, "cache-control"), "no-store");
        let login_page = get(&app, "/login", None).await;
        assert_eq!(header_of(&login_page, "cache-control"), "no-store");
        db.cleanup().await;
    }
}

/// Failed on the old code: there was no KEEL_PUBLIC_URL; behind a proxy that rewrites Host the
/// app's own posts were refused, cookies were not Secure and no HSTS was sent.
#[tokio::test]
async fn behind_https_the_public_url_decides_the_origin_secure_cookies_and_hsts() {
    for db in TestDb::all().await {
        let app = db.app_with(true, |settings| {
            settings.edge.public_origin = Some("https://keel.example.com".into());
        });
        let reply = call(
            &app,
            "/api/login",
            None,
            &[
                ("email", &demo_email("employee")),
                ("password", DEMO_PASSWORD),
            ],
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK);
        let set_cookie = header_of(&reply, "set-cookie");
        assert!(set_cookie.contains("; Secure"), "{set_cookie}");
        assert_eq!(
            header_of(&reply, "strict-transport-security"),
            "max-age=31536000"
        );
        let cookie = session_cookie(&reply).unwrap();
        let post_from = |origin: &str| {
            Request::post("/api/get_home")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::ACCEPT, "application/json")
                // The proxy talks to Keel on its own address.
                .header(header::HOST, "127.0.0.1:3000")
                .header(header::ORIGIN, origin)
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap()
        };
        let from_public = send(&app, post_from("https://keel.example.com")).await;
        assert_eq!(from_public.status, StatusCode::OK, "{}", from_public.body);
        let from_host = send(&app, post_from("http://127.0.0.1:3000")).await;
        assert_eq!(from_host.status, StatusCode::FORBIDDEN);
        let page = get(&app, "/", Some(&cookie)).await;
        assert_eq!(
            header_of(&page, "strict-transport-security"),
            "max-age=31536000"
        );
        db.cleanup().await;
    }
}

/// Failed on the old code: every request through a proxy came from the proxy's address, so one
/// guesser behind it throttled everyone behind it; X-Forwarded-For was not read at all. Now it
/// is read from trusted proxies only, so a client cannot blame its guesses on someone else.
#[tokio::test]
async fn behind_a_trusted_proxy_throttling_counts_the_forwarded_client() {
    for db in TestDb::all().await {
        let limit = keel_core::signin::MAX_FAILURES_PER_PAIR;
        let app = db.app_with(true, |settings| {
            settings.edge.trusted_proxies =
                server::edge::parse_trusted_proxies("10.0.0.0/8").unwrap();
        });
        let (proxy, owner, guesser) = ("10.0.0.1", "198.51.100.7", "198.51.100.66");
        let email = demo_email("manager");
        let first = login_through(&app, proxy, Some(owner), &email, DEMO_PASSWORD).await;
        assert_eq!(first.status, StatusCode::OK, "{}", first.body);
        for _ in 0..limit {
            let guess = login_through(&app, proxy, Some(guesser), &email, "guess").await;
            assert_eq!(guess.status, StatusCode::UNPROCESSABLE_ENTITY);
        }
        let stopped = login_through(&app, proxy, Some(guesser), &email, DEMO_PASSWORD).await;
        assert_eq!(stopped.status, StatusCode::TOO_MANY_REQUESTS);
        // The owner signs in through the same proxy.
        let again = login_through(&app, proxy, Some(owner), &email, DEMO_PASSWORD).await;
        assert_eq!(
            again.status,
            StatusCode::OK,
            "{:?}: {}",
            db.backend,
            again.body
        );

        // A client that is not a trusted proxy cannot name someone else's address as its own.
        let email = demo_email("hr");
        let (owner, attacker) = ("198.51.100.9", "203.0.113.5");
        let first = login_from(&app, owner, &email, DEMO_PASSWORD).await;
        assert_eq!(first.status, StatusCode::OK);
        for _ in 0..limit {
            let guess = login_through(&app, attacker, Some(owner), &email, "guess").await;
            assert_eq!(guess.status, StatusCode::UNPROCESSABLE_ENTITY);
        }
        let stopped = login_through(&app, attacker, Some(owner), &email, DEMO_PASSWORD).await;
        assert_eq!(stopped.status, StatusCode::TOO_MANY_REQUESTS);
        let again = login_from(&app, owner, &email, DEMO_PASSWORD).await;
        assert_eq!(
            again.status,
            StatusCode::OK,
            "{:?}: {}",
            db.backend,
            again.body
        );
        db.cleanup().await;
    }
}
