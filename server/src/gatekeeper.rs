//! The middleware every request passes: refuses cross-site writes (403), resolves the session
//! cookie to a user, sends signed-out visitors to the login page, and refuses server-function
//! calls without a session (401) before their arguments are even read. On the way out it marks
//! everything but the static files `no-store` and, over HTTPS, adds HSTS.

use app::auth::session::{hash_token, token_from_cookie_header};
use app::auth::{ClientIp, PresentedSession};
use app::error::AppError;
use app::state::AppState;
use app::store::accounts;
use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use http::HeaderValue;
use std::net::SocketAddr;
use std::sync::Arc;

use crate::edge::Edge;

/// What the gatekeeper needs: the app's state and the network in front of it.
#[derive(Clone)]
pub struct Gate {
    pub app: AppState,
    pub edge: Arc<Edge>,
}

/// Files anyone may fetch without signing in (the login page needs them).
fn is_public_asset(path: &str) -> bool {
    path.starts_with("/pkg/")
        || matches!(
            path,
            "/favicon.svg"
                | "/favicon.ico"
                | "/manifest.json"
                | "/robots.txt"
                | "/healthz"
                | "/readyz"
        )
}

/// Whether a state-changing request comes from another site: the browser says so in
/// Sec-Fetch-Site, or its Origin is not Keel's: the public URL's when KEEL_PUBLIC_URL is set
/// (a proxy may rewrite Host), else the host the browser is talking to.
pub fn is_cross_site(request: &Request<Body>, public_origin: Option<&str>) -> bool {
    let headers = request.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if site == "cross-site" {
            return true;
        }
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    if let Some(public_origin) = public_origin {
        return !origin.eq_ignore_ascii_case(public_origin);
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let origin_host = origin.split("://").nth(1).unwrap_or("");
    origin == "null" || origin_host.is_empty() || !origin_host.eq_ignore_ascii_case(host)
}

/// A JSON error reply with the status the error carries.
pub fn error_response(error: AppError) -> Response {
    let status =
        StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_string(&error).unwrap_or_default();
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// The one place a failed server function gets its HTTP status. server_fn answers every error
/// with 500; the body is the `AppError` as JSON, and its `status_code()` says what it really is
/// (422 for arguments that cannot be read or do not validate, 404, 409, …). Plain form posts
/// (no wasm yet) are redirected back by leptos_axum and keep their redirect.
async fn with_error_status(response: Response) -> Response {
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024)
        .await
        .unwrap_or_default();
    match serde_json::from_slice::<AppError>(&bytes) {
        // server_fn's own failures (not the caller's, not the body's) stay 500.
        Ok(AppError::Transport(_)) | Err(_) => {}
        Ok(error) => {
            parts.status = StatusCode::from_u16(error.status_code()).unwrap_or(parts.status);
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// HSTS for a year, sent only when Keel is served over HTTPS (KEEL_PUBLIC_URL says so).
const HSTS: HeaderValue = HeaderValue::from_static("max-age=31536000");

/// Reads a server function's arguments in full before it runs, so that a body past the limit
/// is refused as too large (413) whether or not it announced its length: read by server_fn,
/// an unannounced (chunked) body past the limit failed as a server error.
async fn read_whole_body(request: Request<Body>) -> Result<Request<Body>, Response> {
    let (parts, body) = request.into_parts();
    match axum::body::to_bytes(body, crate::BODY_LIMIT).await {
        Ok(bytes) => Ok(Request::from_parts(parts, Body::from(bytes))),
        Err(_) => Err((StatusCode::PAYLOAD_TOO_LARGE, "The request is too large.").into_response()),
    }
}

pub async fn gatekeeper(State(gate): State<Gate>, request: Request<Body>, next: Next) -> Response {
    let public_asset = is_public_asset(request.uri().path());
    let mut response = admit(&gate, request, next).await;
    let headers = response.headers_mut();
    if !public_asset {
        // Pages and server-function replies carry someone's data: no cache may keep them.
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if gate.edge.is_https() {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HSTS);
    }
    response
}

async fn admit(gate: &Gate, mut request: Request<Body>, next: Next) -> Response {
    let state = &gate.app;
    let writes = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if writes && is_cross_site(&request, gate.edge.public_origin.as_deref()) {
        return (
            StatusCode::FORBIDDEN,
            "Cross-site requests are not accepted.",
        )
            .into_response();
    }
    let path = request.uri().path().to_string();
    if is_public_asset(&path) {
        return next.run(request).await;
    }
    let ip = match request.extensions().get::<ConnectInfo<SocketAddr>>() {
        Some(peer) => {
            // Every X-Forwarded-For line, in order: some proxies add a line of their own
            // rather than extend the client's.
            let forwarded_for = request
                .headers()
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .collect::<Vec<_>>()
                .join(",");
            let forwarded_for = (!forwarded_for.is_empty()).then_some(forwarded_for.as_str());
            gate.edge.client_ip(peer.0.ip(), forwarded_for).to_string()
        }
        None => "unknown".into(),
    };
    request.extensions_mut().insert(ClientIp(ip));

    let token_hash = request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(token_from_cookie_header)
        .map(hash_token);
    let user = match &token_hash {
        Some(hash) => match accounts::user_for_session(&state.pool, hash).await {
            Ok(user) => user,
            Err(error) => return error_response(error),
        },
        None => None,
    };
    if let Some(hash) = token_hash {
        request.extensions_mut().insert(PresentedSession(hash));
    }
    let signed_in = user.is_some();
    if let Some(user) = user {
        request.extensions_mut().insert(user);
    }

    if path.starts_with("/api/") {
        if !signed_in && !app::api::PUBLIC_ENDPOINTS.contains(&path.as_str()) {
            return error_response(AppError::Unauthorized);
        }
        let request = match read_whole_body(request).await {
            Ok(request) => request,
            Err(too_large) => return too_large,
        };
        return with_error_status(next.run(request).await).await;
    } else if path == "/login" {
        if signed_in && request.method() == Method::GET {
            return Redirect::to("/").into_response();
        }
    } else if !signed_in {
        return Redirect::to("/login").into_response();
    }
    next.run(request).await
}
