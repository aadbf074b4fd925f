//! Test harness: a fresh, migrated, seeded database per test on every backend the environment
//! offers (SQLite always; PostgreSQL when KEEL_TEST_POSTGRES_URL is set), and the real router
//! driven in-process.
#![allow(dead_code)]

pub mod process;

use app::demo::org::{self as demo_org, DemoOrg, DEMO_DOMAIN, DEMO_PASSWORD};
use app::store::{self, Backend, Pool};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use server::{app_state, open_database, router, Settings};
use sqlx::Connection;
use tower::ServiceExt;

pub const SMALL_COMPANY: usize = 80;
pub const SEED: u64 = 11;

pub struct TestDb {
    pub backend: Backend,
    pub url: String,
    pub pool: Pool,
    pub org: DemoOrg,
    _dir: Option<tempfile::TempDir>,
    admin_url: Option<(String, String)>,
}

impl TestDb {
    /// One seeded database per available backend.
    pub async fn all() -> Vec<TestDb> {
        let mut dbs = vec![TestDb::sqlite().await];
        if let Some(db) = TestDb::postgres().await {
            dbs.push(db);
        }
        dbs
    }

    /// Unseeded databases (schema only), one per available backend.
    pub async fn all_empty() -> Vec<TestDb> {
        let mut dbs = vec![TestDb::sqlite_empty().await];
        if let Some(db) = TestDb::postgres_empty().await {
            dbs.push(db);
        }
        dbs
    }

    pub async fn sqlite_empty() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}/keel.db", dir.path().display());
        let pool = open_database(&url).await.expect("sqlite opens");
        TestDb {
            backend: Backend::Sqlite,
            url,
            pool,
            org: empty_org(),
            _dir: Some(dir),
            admin_url: None,
        }
    }

    pub async fn sqlite() -> TestDb {
        let mut db = TestDb::sqlite_empty().await;
        db.seed().await;
        db
    }

    pub async fn postgres_empty() -> Option<TestDb> {
        let base = std::env::var("KEEL_TEST_POSTGRES_URL")
            .ok()
            .filter(|u| !u.is_empty())?;
        let name = format!("keel_test_{:016x}", rand::random::<u64>());
        let mut admin = sqlx::postgres::PgConnection::connect(&base)
            .await
            .expect("PostgreSQL reachable");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .expect("create db");
        admin.close().await.ok();
        let url = replace_database(&base, &name);
        let pool = open_database(&url).await.expect("postgres opens");
        Some(TestDb {
            backend: Backend::Postgres,
            url,
            pool,
            org: empty_org(),
            _dir: None,
            admin_url: Some((base, name)),
        })
    }

    pub async fn postgres() -> Option<TestDb> {
        let mut db = TestDb::postgres_empty().await?;
        db.seed().await;
        Some(db)
    }

    async fn seed(&mut self) {
        let org = demo_org::generate(SMALL_COMPANY, SEED);
        let hash = app::auth::password::hash(DEMO_PASSWORD.to_string()).await;
        store::seed::insert(&self.pool, self.backend, &org, SEED, &hash)
            .await
            .expect("seed");
        self.org = org;
    }

    /// Drops a PostgreSQL test database (SQLite's goes with its temp dir).
    pub async fn cleanup(self) {
        self.pool.close().await;
        if let Some((base, name)) = self.admin_url {
            if let Ok(mut admin) = sqlx::postgres::PgConnection::connect(&base).await {
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut admin)
                    .await;
            }
        }
    }

    pub fn app(&self, demo: bool) -> Router {
        self.app_with(demo, |_| {})
    }

    /// The router with settings changed by `change` (the defaults are `app`'s).
    pub fn app_with(&self, demo: bool, change: impl FnOnce(&mut Settings)) -> Router {
        // Building the router generates Leptos's route list, which sets a process-wide flag that
        // parks any resource first polled meanwhile, forever (leptos issue #4773). Tests run on
        // parallel threads, so no request may be in flight while a router is built.
        let _no_requests = loop {
            match ROUTER_BUILD.try_write() {
                Ok(guard) => break guard,
                Err(_) => std::thread::sleep(std::time::Duration::from_millis(2)),
            }
        };
        let mut settings = Settings {
            database_url: self.url.clone(),
            addr: "127.0.0.1:3000".parse().unwrap(),
            secure_cookies: false,
            edge: Default::default(),
            demo,
            demo_employees: SMALL_COMPANY,
            stale_days: keel_core::goals::DEFAULT_STALE_DAYS,
            site_root: "target/site".into(),
            sign_in_capacity: app::auth::password::DEFAULT_SIGN_IN_CAPACITY,
        };
        change(&mut settings);
        router(
            app_state(&settings, self.pool.clone()),
            settings.edge.clone(),
        )
    }

    /// The database id of a generated person.
    pub fn id_of(&self, index: usize) -> i64 {
        index as i64 + 1
    }

    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(&self.pool)
            .await
            .expect(sql)
    }
}

fn empty_org() -> DemoOrg {
    DemoOrg {
        departments: vec![],
        people: vec![],
        accounts: demo_org::DemoAccounts {
            employee: 0,
            peer: 0,
            manager: 0,
            hr_admin: 0,
            executive: 0,
            admin: 0,
        },
    }
}

fn replace_database(url: &str, name: &str) -> String {
    let (without_query, query) = match url.split_once('?') {
        Some((a, b)) => (a, Some(b)),
        None => (url, None),
    };
    let base = match without_query.rfind('/') {
        Some(i) if i > "postgres://".len() => &without_query[..i],
        _ => without_query,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

pub fn demo_email(local: &str) -> String {
    format!("{local}@{DEMO_DOMAIN}")
}

/// What a call returned.
pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

/// The field an Invalid reply names first.
pub fn invalid_field(reply: &Reply) -> String {
    reply.json()["Invalid"][0]["field"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// The fields of `create_goal` for an individual, public goal of the next quarter (period 3)
/// with one milestone: what the tests that put a server under write load create, each with a
/// unique title.
pub fn load_goal(title: &str) -> Vec<(&str, &str)> {
    vec![
        ("goal[title]", title),
        ("goal[description]", "Written under load"),
        ("goal[level]", "individual"),
        ("goal[period_id]", "3"),
        ("goal[visibility]", "public"),
        ("goal[weight]", "1"),
        ("goal[progress_mode]", "manual"),
        ("goal[parent_id]", ""),
        ("key_results[0][title]", "Done"),
        ("key_results[0][kind]", "milestone"),
        ("key_results[0][weight]", "1"),
    ]
}

pub fn form_body(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{k}={}", app::ui::pages::people::encode_query_value(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Calls a server function the way the browser's wasm does (form-encoded body, JSON reply).
pub async fn call(
    app: &Router,
    path: &str,
    cookie: Option<&str>,
    fields: &[(&str, &str)],
) -> Reply {
    send(app, form_request(path, cookie, fields)).await
}

/// A server-function call as the browser's wasm sends it.
pub fn form_request(path: &str, cookie: Option<&str>, fields: &[(&str, &str)]) -> Request<Body> {
    let mut request = Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .header(header::HOST, "127.0.0.1:3000");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    request.body(Body::from(form_body(fields))).unwrap()
}

/// Signs in from the client address `ip`, as a browser there would (no session, form-encoded).
pub async fn login_from(app: &Router, ip: &str, email: &str, password: &str) -> Reply {
    login_through(app, ip, None, email, password).await
}

/// Signs in over a connection from `peer` that forwards for the addresses in `forwarded_for`
/// (an X-Forwarded-For header, as a reverse proxy sends).
pub async fn login_through(
    app: &Router,
    peer: &str,
    forwarded_for: Option<&str>,
    email: &str,
    password: &str,
) -> Reply {
    let address: std::net::SocketAddr = format!("{peer}:40000").parse().expect("an IPv4 address");
    let mut request = form_request(
        "/api/login",
        None,
        &[("email", email), ("password", password)],
    );
    request
        .extensions_mut()
        .insert(axum::extract::ConnectInfo(address));
    if let Some(chain) = forwarded_for {
        request
            .headers_mut()
            .insert("x-forwarded-for", chain.parse().expect("a header value"));
    }
    send(app, request).await
}

pub async fn get(app: &Router, path: &str, cookie: Option<&str>) -> Reply {
    let mut request = Request::get(path).header(header::ACCEPT, "text/html");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    send(app, request.body(Body::empty()).unwrap()).await
}

/// Held for reading by every request and for writing while a router is built (see `app`).
static ROUTER_BUILD: tokio::sync::RwLock<()> = tokio::sync::RwLock::const_new(());

pub async fn send(app: &Router, request: Request<Body>) -> Reply {
    let _building_no_router = ROUTER_BUILD.read().await;
    let response = app
        .clone()
        .oneshot(request)
        .await
        .expect("the router answers");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap_or_default();
    Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// Signs in and returns the Cookie header value for the new session.
pub async fn login(app: &Router, email: &str, password: &str) -> String {
    let reply = call(
        app,
        "/api/login",
        None,
        &[("email", email), ("password", password)],
    )
    .await;
    assert_eq!(
        reply.status,
        StatusCode::OK,
        "login as {email} failed: {}",
        reply.body
    );
    session_cookie(&reply).expect("login sets the session cookie")
}

pub fn session_cookie(reply: &Reply) -> Option<String> {
    reply
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("keel_session="))
        .and_then(|v| v.split(';').next())
        .map(str::to_string)
}

pub async fn login_as(app: &Router, role: &str) -> String {
    login(app, &demo_email(role), DEMO_PASSWORD).await
}

/// Gives a generated person a password and signs them in.
pub async fn login_person(app: &Router, db: &TestDb, index: usize) -> String {
    let password = "a long test password";
    let hash = app::auth::password::hash(password.to_string()).await;
    let mut tx = db.pool.begin().await.unwrap();
    store::accounts::set_password_in(&mut tx, db.id_of(index), &hash)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    login(app, &db.org.people[index].email, password).await
}
