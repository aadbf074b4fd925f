//! Sign-in and sign-out: the hardened cookie, how passwords are stored, and the limits that
//! slow a guesser without locking the owner out.

use crate::common::*;
use app::demo::org::DEMO_PASSWORD;
use axum::http::{header, StatusCode};

#[tokio::test]
async fn sign_in_sets_a_hardened_cookie_and_sign_out_revokes_it() {
    for db in TestDb::all().await {
        let app = db.app(true);
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
        assert_eq!(reply.status, StatusCode::OK, "{:?}", db.backend);
        let set_cookie = reply
            .headers
            .get(header::SET_COOKIE)
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"),
            "{set_cookie}"
        );
        let cookie = session_cookie(&reply).unwrap();
        let token = cookie.trim_start_matches("keel_session=");
        assert_eq!(token.len(), 64, "256-bit token, hex-encoded");
        // Only the token's hash is stored.
        let raw_stored = db
            .count(&format!(
                "SELECT COUNT(*) FROM sessions WHERE token_hash = '{token}'"
            ))
            .await;
        assert_eq!(raw_stored, 0);
        assert_eq!(db.count("SELECT COUNT(*) FROM sessions").await, 1);

        assert_eq!(
            call(&app, "/api/get_home", Some(&cookie), &[]).await.status,
            StatusCode::OK
        );
        // Signing in again from the same browser rotates the session.
        let again = call(
            &app,
            "/api/login",
            Some(&cookie),
            &[
                ("email", &demo_email("employee")),
                ("password", DEMO_PASSWORD),
            ],
        )
        .await;
        let rotated = session_cookie(&again).unwrap();
        assert_ne!(rotated, cookie);
        assert_eq!(
            call(&app, "/api/get_home", Some(&cookie), &[]).await.status,
            StatusCode::UNAUTHORIZED
        );

        let out = call(&app, "/api/logout", Some(&rotated), &[]).await;
        assert_eq!(out.status, StatusCode::OK);
        assert!(out
            .headers
            .get(header::SET_COOKIE)
            .unwrap()
            .to_str()
            .unwrap()
            .contains("Max-Age=0"));
        assert_eq!(
            call(&app, "/api/get_home", Some(&rotated), &[])
                .await
                .status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(db.count("SELECT COUNT(*) FROM sessions").await, 0);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_wrong_password_is_refused_at_the_field_and_repeated_failures_are_rate_limited() {
    for db in TestDb::all().await {
        let app = db.app(true);
        let email = demo_email("manager");
        let reply = call(
            &app,
            "/api/login",
            None,
            &[("email", &email), ("password", "wrong")],
        )
        .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(reply.json()["Invalid"][0]["field"], "password");
        assert!(session_cookie(&reply).is_none());
        // An unknown account gets the same answer as a wrong password.
        let unknown = call(
            &app,
            "/api/login",
            None,
            &[("email", "nobody@example.com"), ("password", "x")],
        )
        .await;
        assert_eq!(unknown.json(), reply.json());
        for _ in 1..keel_core::signin::MAX_FAILURES_PER_PAIR {
            call(
                &app,
                "/api/login",
                None,
                &[("email", &email), ("password", "wrong")],
            )
            .await;
        }
        // Now even the right password is refused for a while.
        let limited = call(
            &app,
            "/api/login",
            None,
            &[("email", &email), ("password", DEMO_PASSWORD)],
        )
        .await;
        assert_eq!(
            limited.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{:?}",
            db.backend
        );
        assert!(session_cookie(&limited).is_none());
        // Other accounts are unaffected.
        login_as(&app, "employee").await;
        db.cleanup().await;
    }
}

/// Issue 11: the failure count was read before hashing and written after, so parallel guesses
/// all saw "no failures yet" and every one had its password checked.
#[tokio::test]
async fn a_parallel_burst_of_guesses_gets_only_five_password_checks() {
    for db in TestDb::all().await {
        let app = db.app(true);
        let email = demo_email("manager");
        let mut burst = tokio::task::JoinSet::new();
        for _ in 0..20 {
            let (app, email) = (app.clone(), email.clone());
            burst.spawn(async move { login_from(&app, "10.0.0.66", &email, "guess").await });
        }
        let (mut checked, mut refused) = (0, 0);
        while let Some(reply) = burst.join_next().await {
            let reply = reply.unwrap();
            match reply.status {
                StatusCode::UNPROCESSABLE_ENTITY => checked += 1,
                StatusCode::TOO_MANY_REQUESTS => {
                    assert!(reply.headers.contains_key(header::RETRY_AFTER));
                    refused += 1;
                }
                other => panic!("{other}: {}", reply.body),
            }
        }
        assert_eq!(
            (checked, refused),
            (keel_core::signin::MAX_FAILURES_PER_PAIR, 15),
            "{:?}",
            db.backend
        );
        db.cleanup().await;
    }
}

/// Issue 11: email and password length were unbounded (a megabyte password was hashed).
#[tokio::test]
async fn an_overlong_email_or_password_is_refused_at_its_field_before_any_check() {
    for db in TestDb::all().await {
        let app = db.app(true);
        let long_email = format!("{}@northwind.example", "a".repeat(250));
        let reply = login_from(&app, "10.0.0.7", &long_email, DEMO_PASSWORD).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(invalid_field(&reply), "email");
        let long_password = "p".repeat(1025);
        let reply = login_from(&app, "10.0.0.7", &demo_email("manager"), &long_password).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(invalid_field(&reply), "password");
        assert!(reply.body.contains("1,024"), "{}", reply.body);
        assert_eq!(
            db.count("SELECT COUNT(*) FROM login_attempts").await,
            0,
            "nothing was checked or counted"
        );
        db.cleanup().await;
    }
}

/// Issue 11: five bad attempts from anywhere locked the account for everyone, its owner
/// included. Now the guessing address is stopped, the owner's usual address is not slowed, and
/// a new address waits a few seconds, never the whole window.
#[tokio::test]
async fn guesses_from_one_address_do_not_lock_the_owner_out() {
    for db in TestDb::all().await {
        let app = db.app(true);
        let email = demo_email("manager");
        let (home, attacker, travelling) = ("10.0.0.1", "10.0.0.66", "10.0.0.2");
        let first = login_from(&app, home, &email, DEMO_PASSWORD).await;
        assert_eq!(first.status, StatusCode::OK, "{}", first.body);
        for _ in 0..keel_core::signin::MAX_FAILURES_PER_PAIR {
            let guess = login_from(&app, attacker, &email, "guess").await;
            assert_eq!(guess.status, StatusCode::UNPROCESSABLE_ENTITY);
        }
        let stopped = login_from(&app, attacker, &email, DEMO_PASSWORD).await;
        assert_eq!(
            stopped.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{:?}",
            db.backend
        );
        let owner = login_from(&app, home, &email, DEMO_PASSWORD).await;
        assert_eq!(
            owner.status,
            StatusCode::OK,
            "{:?}: {}",
            db.backend,
            owner.body
        );
        let waits = login_from(&app, travelling, &email, DEMO_PASSWORD).await;
        assert_eq!(waits.status, StatusCode::TOO_MANY_REQUESTS);
        let wait: i64 = waits.headers[header::RETRY_AFTER]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(
            (1..=keel_core::signin::ACCOUNT_SPACING_SECS).contains(&wait),
            "{wait}"
        );
        // Once the spacing has passed (moved back in time), the new address gets its turn.
        sqlx::query("UPDATE login_attempts SET at = at - 60")
            .execute(&db.pool)
            .await
            .unwrap();
        let later = login_from(&app, travelling, &email, DEMO_PASSWORD).await;
        assert_eq!(later.status, StatusCode::OK, "{}", later.body);
        db.cleanup().await;
    }
}

/// Issue 11: the queue for the password check was unbounded, so a flood of sign-ins held ever
/// more memory and made every sign-in wait. Past its capacity a sign-in is now refused as busy,
/// with nothing counted against the account.
#[tokio::test]
async fn a_full_sign_in_queue_answers_busy_with_retry_after() {
    for db in TestDb::all().await {
        let app = db.app_with(true, |settings| settings.sign_in_capacity = 2);
        let mut flood = tokio::task::JoinSet::new();
        for i in 0..12 {
            let app = app.clone();
            let email = db.org.people[i].email.clone();
            flood.spawn(
                async move { login_from(&app, &format!("10.0.1.{i}"), &email, "guess").await },
            );
        }
        let mut busy = 0;
        while let Some(reply) = flood.join_next().await {
            let reply = reply.unwrap();
            match reply.status {
                StatusCode::UNPROCESSABLE_ENTITY => {}
                StatusCode::SERVICE_UNAVAILABLE => {
                    assert_eq!(reply.headers[header::RETRY_AFTER], "1");
                    assert_eq!(reply.body, "\"Busy\"");
                    busy += 1;
                }
                other => panic!("{other}: {}", reply.body),
            }
        }
        assert!(busy >= 1, "{:?}: twelve at once, two places", db.backend);
        assert_eq!(
            db.count("SELECT COUNT(*) FROM login_attempts").await,
            12 - busy,
            "a busy refusal counts against nobody"
        );
        // Once the flood has passed, sign-in works again.
        login_as(&app, "employee").await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn passwords_are_stored_as_argon2id_with_owasp_parameters() {
    let db = TestDb::sqlite().await;
    let hashes: Vec<String> = sqlx::query_scalar("SELECT password_hash FROM credentials")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    assert_eq!(
        hashes.len(),
        SMALL_COMPANY,
        "one per person in the demo company"
    );
    for hash in hashes {
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
    }
    db.cleanup().await;
}
