//! One log line per request (method, path without its query, status, milliseconds) under a
//! correlation id that every log line written while serving it carries, and that the reply
//! returns in `X-Request-Id`. The id a trusted proxy (KEEL_TRUSTED_PROXIES) sends in
//! `X-Request-Id` is kept when it is a plain token, so one id follows a request through the
//! proxy's logs and Keel's; anyone else's is replaced (a client could otherwise make its
//! requests' log lines look like someone else's).
//! `KEEL_LOG_FORMAT=json` writes these (and every other log line) as JSON objects.

use crate::edge::Edge;
use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderValue, Request};
use axum::middleware::Next;
use axum::response::Response;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;
use tracing::Instrument;

pub const REQUEST_ID: &str = "x-request-id";

/// A trusted proxy's id is kept if it is 1–64 letters, digits, '-' or '_'; anything else, and
/// anyone else's, is replaced.
fn incoming_id(edge: &Edge, request: &Request<Body>) -> Option<String> {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()?
        .0
        .ip();
    if !edge.is_trusted(peer) {
        return None;
    }
    let id = request.headers().get(REQUEST_ID)?.to_str().ok()?;
    let plain = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    plain.then(|| id.to_string())
}

fn fresh_id() -> String {
    use rand::Rng;
    let bytes: [u8; 8] = rand::thread_rng().gen();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub async fn log_request(
    State(edge): State<Arc<Edge>>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let id = incoming_id(&edge, &request).unwrap_or_else(fresh_id);
    let span = tracing::info_span!("request", request_id = %id);
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let started = Instant::now();
    let mut response = next.run(request).instrument(span.clone()).await;
    let status = response.status().as_u16();
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    span.in_scope(|| {
        tracing::info!(target: "keel::request", %method, %path, status, ms, "request");
    });
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    response
}

/// How log lines are written (KEEL_LOG_FORMAT): `text` for people, `json` for collectors.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LogFormat {
    Text,
    Json,
}

impl LogFormat {
    pub fn from_env() -> Result<LogFormat, String> {
        match std::env::var("KEEL_LOG_FORMAT").as_deref() {
            Err(_) | Ok("") | Ok("text") => Ok(LogFormat::Text),
            Ok("json") => Ok(LogFormat::Json),
            Ok(other) => Err(format!(
                "KEEL_LOG_FORMAT must be text or json, got {other:?}"
            )),
        }
    }
}
