//! What a self-hoster's tooling relies on: a liveness check, and a readiness check that says
//! whether the database answers with this build's schema.

use crate::common::*;
use axum::http::StatusCode;

#[tokio::test]
async fn health_and_readiness_answer_without_a_session_and_readiness_checks_the_schema() {
    for db in TestDb::all().await {
        let app = db.app(false);
        let health = get(&app, "/healthz", None).await;
        assert_eq!(
            (health.status, health.body.as_str()),
            (StatusCode::OK, "ok")
        );
        let ready = get(&app, "/readyz", None).await;
        assert_eq!(
            (ready.status, ready.body.as_str()),
            (StatusCode::OK, "ready")
        );
        // A database behind this build's migrations is not ready for it.
        sqlx::query(
            "DELETE FROM _sqlx_migrations WHERE version = (SELECT MAX(version) FROM _sqlx_migrations)",
        )
        .execute(&db.pool)
        .await
        .unwrap();
        let behind = get(&app, "/readyz", None).await;
        assert_eq!(
            behind.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{:?}",
            db.backend
        );
        assert!(behind.body.contains("server migrate"), "{}", behind.body);
        db.cleanup().await;
    }
}
