//! The Keel server: configuration, the router and the middleware in front of it. Thin by
//! design: pages and server functions live in the `app` crate.

pub mod edge;
pub mod gatekeeper;
pub mod request_log;

use app::state::{AppState, Config};
use app::store::{self, Backend, Pool};
use app::ui::{shell, App};
use axum::Router;
use edge::Edge;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::net::SocketAddr;
use std::sync::Arc;
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// Everything read from the environment at start (see the README's configuration table).
#[derive(Clone, Debug)]
pub struct Settings {
    pub database_url: String,
    pub addr: SocketAddr,
    /// Mark the session cookie Secure: KEEL_SECURE_COOKIES=1, or a public URL on https.
    pub secure_cookies: bool,
    /// The public URL and trusted proxies (KEEL_PUBLIC_URL, KEEL_TRUSTED_PROXIES).
    pub edge: Edge,
    pub demo: bool,
    pub demo_employees: usize,
    pub stale_days: i64,
    pub site_root: String,
    /// Sign-ins that may check a password or wait to at once (busy past that).
    pub sign_in_capacity: usize,
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/keel.db";

fn flag(name: &str) -> bool {
    matches!(
        std::env::var(name).as_deref(),
        Ok("1") | Ok("true") | Ok("yes") | Ok("on")
    )
}

impl Settings {
    pub fn from_env() -> Result<Settings, String> {
        let database_url =
            std::env::var("DATABASE_URL").unwrap_or_else(|_| DEFAULT_DATABASE_URL.to_string());
        Backend::of_url(&database_url)?;
        let port: u16 = match std::env::var("PORT") {
            Ok(p) => p
                .parse()
                .map_err(|_| format!("PORT must be a number, got {p:?}"))?,
            Err(_) => 3000,
        };
        let addr = match std::env::var("KEEL_ADDR") {
            Ok(a) if a.parse::<SocketAddr>().is_ok() => {
                a.parse().unwrap_or(([127, 0, 0, 1], port).into())
            }
            Ok(a) => format!("{a}:{port}").parse().map_err(|_| {
                format!("KEEL_ADDR must be an IP address or address:port, got {a:?}")
            })?,
            Err(_) => SocketAddr::from(([127, 0, 0, 1], port)),
        };
        let demo_employees = match std::env::var("KEEL_DEMO_EMPLOYEES") {
            Ok(n) => n
                .parse()
                .map_err(|_| format!("KEEL_DEMO_EMPLOYEES must be a number, got {n:?}"))?,
            Err(_) => 300,
        };
        let stale_days = match std::env::var("KEEL_STALE_DAYS") {
            Ok(n) => n
                .parse::<i64>()
                .ok()
                .filter(|n| (1..=365).contains(n))
                .ok_or_else(|| {
                    format!("KEEL_STALE_DAYS must be a number of days from 1 to 365, got {n:?}")
                })?,
            Err(_) => keel_core::goals::DEFAULT_STALE_DAYS,
        };
        let edge = Edge {
            public_origin: match std::env::var("KEEL_PUBLIC_URL") {
                Ok(url) if !url.trim().is_empty() => Some(edge::parse_public_url(&url)?),
                _ => None,
            },
            trusted_proxies: edge::parse_trusted_proxies(
                &std::env::var("KEEL_TRUSTED_PROXIES").unwrap_or_default(),
            )?,
        };
        Ok(Settings {
            database_url,
            stale_days,
            addr,
            secure_cookies: flag("KEEL_SECURE_COOKIES"),
            edge,
            demo: flag("KEEL_DEMO"),
            demo_employees,
            site_root: std::env::var("KEEL_SITE_ROOT").unwrap_or_else(|_| "target/site".into()),
            sign_in_capacity: app::auth::password::DEFAULT_SIGN_IN_CAPACITY,
        })
    }

    pub fn backend(&self) -> Backend {
        Backend::of_url(&self.database_url).unwrap_or(Backend::Sqlite)
    }
}

/// Opens the database and brings its schema up to date.
pub async fn open_database(url: &str) -> Result<Pool, String> {
    let backend = Backend::of_url(url)?;
    let max_connections = if backend == Backend::Sqlite { 8 } else { 16 };
    let pool = store::connect(url, max_connections).await?;
    store::migrate(&pool, backend).await?;
    Ok(pool)
}

pub fn leptos_options(site_root: &str, addr: SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("keel")
        .site_root(site_root)
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .env(leptos::config::Env::PROD)
        .build()
}

pub fn app_state(settings: &Settings, pool: Pool) -> AppState {
    AppState {
        leptos_options: leptos_options(&settings.site_root, settings.addr),
        pool,
        config: Arc::new(Config {
            secure_cookies: settings.secure_cookies || settings.edge.is_https(),
            demo: settings.demo,
            stale_days: settings.stale_days,
        }),
        sign_ins: Arc::new(app::auth::password::SignInQueue::new(
            settings.sign_in_capacity,
        )),
    }
}

/// HR's CSV of a cycle's ratings (the gatekeeper has already required a session).
async fn export_ratings(
    axum::extract::State(state): axum::extract::State<AppState>,
    axum::extract::Path(id): axum::extract::Path<String>,
    request: axum::extract::Request,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    use http::header;
    let Some(user) = request
        .extensions()
        .get::<keel_core::people::CurrentUser>()
        .cloned()
    else {
        return gatekeeper::error_response(app::error::AppError::Unauthorized);
    };
    let Ok(id) = id.parse::<i64>() else {
        return gatekeeper::error_response(app::error::AppError::not_found("That review cycle"));
    };
    match app::api::reviews::ratings_csv(&state.pool, &user, id).await {
        Ok((file, csv)) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{file}\""),
                ),
            ],
            csv,
        )
            .into_response(),
        Err(error) => gatekeeper::error_response(error),
    }
}

/// `/healthz`: the process is up and answering.
async fn healthz() -> &'static str {
    "ok"
}

/// `/readyz`: the database answers and its schema is this build's (every migration applied),
/// so a load balancer may send traffic here. 503 with the reason otherwise.
async fn readyz(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> (http::StatusCode, &'static str) {
    match store::schema_is_current(&state.pool).await {
        Ok(true) => (http::StatusCode::OK, "ready"),
        Ok(false) => (
            http::StatusCode::SERVICE_UNAVAILABLE,
            "the database schema is not this build's: run `server migrate`",
        ),
        Err(error) => {
            tracing::warn!(%error, "readiness check: the database does not answer");
            (
                http::StatusCode::SERVICE_UNAVAILABLE,
                "the database does not answer",
            )
        }
    }
}

/// Server functions may receive at most this much.
pub const BODY_LIMIT: usize = 256 * 1024;

/// The whole application: pages, server functions and static files, behind the gatekeeper.
pub fn router(state: AppState, edge: Edge) -> Router {
    let edge = Arc::new(edge);
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    let pool = state.pool.clone();
    // The wasm, JS and CSS, sent as the .br/.gz copies the build writes beside them.
    let pkg_dir = format!("{}/{}", options.site_root, options.site_pkg_dir);
    let pkg = ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(
            http::header::CACHE_CONTROL,
            http::HeaderValue::from_static("no-cache"),
        ))
        .service(
            ServeDir::new(pkg_dir)
                .precompressed_br()
                .precompressed_gzip(),
        );
    Router::new()
        .nest_service("/pkg", pkg)
        .route("/healthz", axum::routing::get(healthz))
        .route("/readyz", axum::routing::get(readyz))
        .route(
            "/reviews/cycles/{id}/export.csv",
            axum::routing::get(export_ratings),
        )
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(pool.clone()),
            move || shell(options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn_with_state(
            gatekeeper::Gate {
                app: state.clone(),
                edge: edge.clone(),
            },
            gatekeeper::gatekeeper,
        ))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(axum::middleware::from_fn_with_state(
            edge,
            request_log::log_request,
        ))
        .layer(CompressionLayer::new())
        .layer(SetResponseHeaderLayer::if_not_present(
            http::header::X_CONTENT_TYPE_OPTIONS,
            http::HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            http::header::REFERRER_POLICY,
            http::HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            http::header::X_FRAME_OPTIONS,
            http::HeaderValue::from_static("DENY"),
        ))
        .with_state(state)
}
