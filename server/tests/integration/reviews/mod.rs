//! Review cycles through the server functions, on every backend the environment offers: HR
//! builds a template and runs a cycle from launch to sign-off (journey.rs, one step per
//! function); anonymity holds against a determined manager (anonymity.rs); bad input and late
//! or repeated submissions are refused with nothing written;
//! template versions freeze (rules.rs); every HR-only function refuses everyone else
//! (permissions.rs); the demo company has cycles for every role (demo.rs). This file holds the
//! fixtures they share.

mod anonymity;
mod demo;
mod journey;
mod permissions;
mod rules;

use crate::common::*;
use axum::http::StatusCode;

pub async fn scalar(db: &TestDb, sql: &str) -> i64 {
    db.count(sql).await
}

pub async fn ok(
    app: &axum::Router,
    path: &str,
    cookie: &str,
    fields: &[(&str, &str)],
) -> serde_json::Value {
    let reply = call(app, path, Some(cookie), fields).await;
    assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.body);
    reply.json()
}

/// The tallies that triggers keep for HR's pages (migration 0004) equal a fresh count of the
/// participants and assignments, table by table, in both directions.
pub async fn assert_tallies_match(db: &TestDb) {
    const EFFECTIVE: &str =
        "COALESCE(p.final_rating, (CAST(ROUND(p.proposed_rating * 100) AS BIGINT) + 50) / 100, 0)";
    let state = |s: &str| format!("SUM(CASE WHEN a.state = '{s}' THEN 1 ELSE 0 END)");
    let checks = [
        (
            "review_kind_tallies",
            "SELECT cycle_id, top_department_id, kind, nominated, declined, pending, draft, submitted
             FROM review_kind_tallies WHERE nominated <> 0 OR declined <> 0 OR pending <> 0 OR draft <> 0 OR submitted <> 0".to_string(),
            format!(
                "SELECT a.cycle_id, p.top_department_id, a.kind, {}, {}, {}, {}, {}
                 FROM review_assignments a JOIN review_participants p ON p.id = a.participant_id
                 GROUP BY a.cycle_id, p.top_department_id, a.kind",
                state("nominated"), state("declined"), state("pending"), state("draft"), state("submitted")
            ),
        ),
        (
            "review_division_tallies",
            "SELECT cycle_id, top_department_id, rating, participants, with_peers, released, acknowledged, signed_off
             FROM review_division_tallies
             WHERE participants <> 0 OR with_peers <> 0 OR released <> 0 OR acknowledged <> 0 OR signed_off <> 0".to_string(),
            format!(
                "SELECT p.cycle_id, p.top_department_id, {EFFECTIVE}, COUNT(*),
                    SUM(CASE WHEN EXISTS (SELECT 1 FROM review_assignments a WHERE a.participant_id = p.id
                        AND a.kind = 'peer' AND a.state <> 'declined') THEN 1 ELSE 0 END),
                    COUNT(p.released_at), COUNT(p.acknowledged_at), COUNT(p.signed_off_at)
                 FROM review_participants p GROUP BY p.cycle_id, p.top_department_id, {EFFECTIVE}"
            ),
        ),
        (
            "review_manager_tallies",
            "SELECT cycle_id, top_department_id, manager_id, rating, reviewees
             FROM review_manager_tallies WHERE reviewees <> 0".to_string(),
            format!(
                "SELECT p.cycle_id, p.top_department_id, COALESCE(p.manager_id, 0), {EFFECTIVE}, COUNT(*)
                 FROM review_participants p
                 GROUP BY p.cycle_id, p.top_department_id, COALESCE(p.manager_id, 0), {EFFECTIVE}"
            ),
        ),
    ];
    for (table, kept, fresh) in checks {
        for (a, b) in [(&kept, &fresh), (&fresh, &kept)] {
            let differing = scalar(db, &format!("SELECT COUNT(*) FROM ({a} EXCEPT {b}) x")).await;
            assert_eq!(
                differing, 0,
                "{table} differs from a fresh count on {:?}",
                db.backend
            );
        }
    }
    let drifted = scalar(
        db,
        "SELECT COUNT(*) FROM review_participants p WHERE p.peer_reviewers <> (SELECT COUNT(*)
            FROM review_assignments a WHERE a.participant_id = p.id AND a.kind = 'peer' AND a.state <> 'declined')",
    )
    .await;
    assert_eq!(
        drifted, 0,
        "peer_reviewers differs from a fresh count on {:?}",
        db.backend
    );
    assert!(
        scalar(db, "SELECT COUNT(*) FROM review_kind_tallies").await > 0,
        "the tallies are not empty"
    );
}

/// HR builds "Engineering review": two sections, each a rating and a text question
/// (keys s1 q2 q3 / s4 q5 q6), on a new three-point scale. Returns the template id.
pub async fn build_template(app: &axum::Router, db: &TestDb, hr: &str) -> i64 {
    ok(
        app,
        "/api/create_rating_scale",
        hr,
        &[
            ("name", "Three-point"),
            ("points", "Below: not yet\nMeets\nExceeds"),
        ],
    )
    .await;
    let scale = scalar(
        db,
        "SELECT id FROM rating_scales WHERE name = 'Three-point'",
    )
    .await
    .to_string();
    ok(
        app,
        "/api/create_review_template",
        hr,
        &[("name", "Engineering review"), ("scale_id", &scale)],
    )
    .await;
    let template = scalar(
        db,
        "SELECT id FROM review_templates WHERE name = 'Engineering review'",
    )
    .await;
    let t = template.to_string();
    for (section, questions) in [
        (
            "Delivery",
            ["How reliably were commitments met?", "Describe one result."],
        ),
        (
            "Behaviour",
            [
                "How well do they collaborate?",
                "What should they keep doing?",
            ],
        ),
    ] {
        ok(
            app,
            "/api/add_template_section",
            hr,
            &[("template_id", &t), ("version", "1"), ("title", section)],
        )
        .await;
        let key = if section == "Delivery" { "s1" } else { "s4" };
        ok(
            app,
            "/api/add_template_question",
            hr,
            &[
                ("template_id", &t),
                ("version", "1"),
                ("section", key),
                ("kind", "rating"),
                ("prompt", questions[0]),
            ],
        )
        .await;
        ok(
            app,
            "/api/add_template_question",
            hr,
            &[
                ("template_id", &t),
                ("version", "1"),
                ("section", key),
                ("kind", "text"),
                ("prompt", questions[1]),
            ],
        )
        .await;
    }
    template
}

pub fn cycle_fields<'a>(
    name: &'a str,
    template: &'a str,
    department: &'a str,
    writing_due: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("cycle[name]", name),
        ("cycle[starts_on]", "2026-07-01"),
        ("cycle[ends_on]", "2026-12-31"),
        ("cycle[goal_period_id]", "2"),
        ("cycle[template_id]", template),
        ("cycle[reviewer_types][0]", "self"),
        ("cycle[reviewer_types][1]", "manager"),
        ("cycle[reviewer_types][2]", "peer"),
        ("cycle[anonymous]", "on"),
        // A small team: the anonymity threshold at its floor, so three peers suffice.
        ("cycle[anonymity_threshold]", "3"),
        ("cycle[peer_min]", "3"),
        ("cycle[peer_max]", "4"),
        ("cycle[scope]", "department"),
        ("cycle[department_id]", department),
        ("cycle[nomination_due]", "2099-01-05"),
        ("cycle[writing_due]", writing_due),
        ("cycle[calibration_due]", "2099-02-01"),
        ("cycle[release_due]", "2099-02-10"),
        ("cycle[target_distribution]", "1=10\n2=70\n3=20"),
    ]
}
