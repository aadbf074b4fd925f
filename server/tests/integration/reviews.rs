//! Review cycles through the server functions, on every backend the environment offers: HR
//! builds a template and runs a cycle from launch to sign-off; bad input and late or repeated
//! submissions are refused with nothing written; anonymous answers stay anonymous; template
//! versions freeze; and every HR-only function refuses everyone else.

use crate::common::*;
use axum::http::StatusCode;

async fn scalar(db: &TestDb, sql: &str) -> i64 {
    db.count(sql).await
}

async fn ok(
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
async fn assert_tallies_match(db: &TestDb) {
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
async fn build_template(app: &axum::Router, db: &TestDb, hr: &str) -> i64 {
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

fn cycle_fields<'a>(
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

#[tokio::test]
async fn a_cycle_runs_from_template_to_sign_off_and_peers_stay_anonymous() {
    for db in TestDb::all().await {
        let app = db.app(true);
        let hr = login_as(&app, "hr").await;
        let employee_cookie = login_as(&app, "employee").await;
        let manager_cookie = login_as(&app, "manager").await;
        let employee = db.id_of(db.org.accounts.employee);
        let manager = db.id_of(db.org.accounts.manager);
        let department = scalar(
            &db,
            &format!("SELECT department_id FROM employees WHERE id = {employee}"),
        )
        .await
        .to_string();
        let template = build_template(&app, &db, &hr).await.to_string();

        // A template without questions is refused where the cycle names it; nothing is written.
        ok(
            &app,
            "/api/create_review_template",
            &hr,
            &[("name", "Empty"), ("scale_id", "1")],
        )
        .await;
        let empty = scalar(&db, "SELECT id FROM review_templates WHERE name = 'Empty'")
            .await
            .to_string();
        let cycles_before = scalar(&db, "SELECT COUNT(*) FROM review_cycles").await;
        let refused = call(
            &app,
            "/api/create_review_cycle",
            Some(&hr),
            &cycle_fields("Q4 engineering", &empty, &department, "2099-01-20"),
        )
        .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            refused.body
        );
        assert_eq!(invalid_field(&refused), "cycle[template_id]");
        assert!(
            refused.body.contains("without questions"),
            "{}",
            refused.body
        );
        assert_eq!(
            scalar(&db, "SELECT COUNT(*) FROM review_cycles").await,
            cycles_before
        );

        ok(
            &app,
            "/api/create_review_cycle",
            &hr,
            &cycle_fields("Q4 engineering", &template, &department, "2099-01-20"),
        )
        .await;
        let cycle = scalar(
            &db,
            "SELECT id FROM review_cycles WHERE name = 'Q4 engineering'",
        )
        .await;
        let c = cycle.to_string();
        ok(&app, "/api/advance_review_cycle", &hr, &[("cycle_id", &c)]).await;
        assert_eq!(
            scalar(
                &db,
                &format!(
                    "SELECT COUNT(*) FROM review_cycles WHERE id = {c} AND state = 'nomination'"
                )
            )
            .await,
            1
        );
        assert_eq!(scalar(&db, "SELECT frozen FROM template_versions WHERE template_id = (SELECT id FROM review_templates WHERE name = 'Engineering review')").await, 1);
        let in_department = scalar(&db, &format!("SELECT COUNT(*) FROM employees WHERE department_id = {department} AND status = 'active'")).await;
        let participants = scalar(
            &db,
            &format!("SELECT COUNT(*) FROM review_participants WHERE cycle_id = {c}"),
        )
        .await;
        assert!(
            participants >= in_department,
            "{participants} reviewees for {in_department} people in the department"
        );
        let participant = scalar(&db, &format!("SELECT id FROM review_participants WHERE cycle_id = {c} AND person_id = {employee}")).await.to_string();

        // The employee nominates three teammates (too few is refused at the field); the
        // manager approves them.
        let peers: Vec<i64> = sqlx::query_scalar(&format!(
            "SELECT id FROM employees WHERE manager_id = {manager} AND id <> {employee} AND status = 'active' ORDER BY id LIMIT 3"
        ))
        .fetch_all(&db.pool)
        .await
        .unwrap();
        assert_eq!(peers.len(), 3, "the demo employee has three teammates");
        let too_few = call(
            &app,
            "/api/nominate_peers",
            Some(&employee_cookie),
            &[
                ("participant_id", &participant),
                ("peers[0]", &peers[0].to_string()),
            ],
        )
        .await;
        assert_eq!(too_few.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(invalid_field(&too_few), "peers");
        let (p0, p1, p2) = (
            peers[0].to_string(),
            peers[1].to_string(),
            peers[2].to_string(),
        );
        // Nominating a second time replaces the first proposals (deleted and written again).
        for _ in 0..2 {
            ok(
                &app,
                "/api/nominate_peers",
                &employee_cookie,
                &[
                    ("participant_id", &participant),
                    ("peers[0]", &p0),
                    ("peers[1]", &p1),
                    ("peers[2]", &p2),
                ],
            )
            .await;
        }
        // The manager declines one, then approves all.
        ok(
            &app,
            "/api/decide_peer",
            &manager_cookie,
            &[
                ("participant_id", &participant),
                ("peer", &p2),
                ("decision", "decline"),
            ],
        )
        .await;
        assert_tallies_match(&db).await;
        let cycle_page = ok(&app, "/api/get_review_cycle", &hr, &[("cycle_id", &c)]).await;
        assert_eq!(
            cycle_page["departments"][0]["nominated"], 1,
            "the reviewee with peers counts as nominated: {cycle_page}"
        );
        for peer in [&p0, &p1, &p2] {
            let refused = call(
                &app,
                "/api/decide_peer",
                Some(&employee_cookie),
                &[
                    ("participant_id", &participant),
                    ("peer", peer),
                    ("decision", "approve"),
                ],
            )
            .await;
            assert_eq!(
                refused.status,
                StatusCode::FORBIDDEN,
                "reviewees do not approve their own peers"
            );
            ok(
                &app,
                "/api/decide_peer",
                &manager_cookie,
                &[
                    ("participant_id", &participant),
                    ("peer", peer),
                    ("decision", "approve"),
                ],
            )
            .await;
        }
        // The manager cannot make themselves one of the anonymous peers.
        let manager_text = manager.to_string();
        let self_peer = call(
            &app,
            "/api/decide_peer",
            Some(&manager_cookie),
            &[
                ("participant_id", &participant),
                ("peer", &manager_text),
                ("decision", "approve"),
            ],
        )
        .await;
        assert_eq!(
            self_peer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            self_peer.body
        );
        assert_eq!(invalid_field(&self_peer), "peer");
        ok(&app, "/api/advance_review_cycle", &hr, &[("cycle_id", &c)]).await;

        // The self review: bad answers are refused at their question and change nothing.
        let self_review = scalar(&db, &format!("SELECT id FROM review_assignments WHERE participant_id = {participant} AND kind = 'self'")).await.to_string();
        let outside = call(
            &app,
            "/api/save_review",
            Some(&employee_cookie),
            &[
                ("assignment_id", &self_review),
                ("intent", "save"),
                ("answers[q2]", "7"),
            ],
        )
        .await;
        assert_eq!(outside.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(invalid_field(&outside), "answers[q2]");
        let foreign = call(
            &app,
            "/api/save_review",
            Some(&employee_cookie),
            &[
                ("assignment_id", &self_review),
                ("intent", "save"),
                ("answers[q99]", "2"),
            ],
        )
        .await;
        assert_eq!(foreign.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(invalid_field(&foreign), "form");
        assert_eq!(scalar(&db, &format!("SELECT COUNT(*) FROM review_assignments WHERE id = {self_review} AND state = 'pending'")).await, 1);
        // A draft keeps what was typed; submitting without the required answers is refused.
        ok(
            &app,
            "/api/save_review",
            &employee_cookie,
            &[
                ("assignment_id", &self_review),
                ("intent", "save"),
                ("answers[q2]", "3"),
            ],
        )
        .await;
        let saved: String = sqlx::query_scalar(&format!(
            "SELECT answers FROM review_assignments WHERE id = {self_review}"
        ))
        .fetch_one(&db.pool)
        .await
        .unwrap();
        assert_eq!(saved, r#"{"q2":"3"}"#);
        let incomplete = call(
            &app,
            "/api/save_review",
            Some(&employee_cookie),
            &[
                ("assignment_id", &self_review),
                ("intent", "submit"),
                ("answers[q2]", "3"),
            ],
        )
        .await;
        assert_eq!(incomplete.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(invalid_field(&incomplete), "answers[q3]");
        let full = [
            ("answers[q2]", "3"),
            ("answers[q3]", "Shipped the new build pipeline."),
            ("answers[q5]", "2"),
            ("answers[q6]", "Pairing with new joiners."),
        ];
        let mut submit = vec![
            ("assignment_id", self_review.as_str()),
            ("intent", "submit"),
        ];
        submit.extend(full);
        ok(&app, "/api/save_review", &employee_cookie, &submit).await;
        let again = call(
            &app,
            "/api/save_review",
            Some(&employee_cookie),
            &[
                ("assignment_id", &self_review),
                ("intent", "save"),
                ("answers[q2]", "1"),
            ],
        )
        .await;
        assert_eq!(
            again.status,
            StatusCode::CONFLICT,
            "a submitted review never changes"
        );
        assert!(scalar(&db, &format!("SELECT COUNT(*) FROM review_assignments WHERE id = {self_review} AND answers LIKE '%\"q2\":\"3\"%'")).await == 1);

        // Peers only see what they write; two peer reviews are withheld from the manager.
        let peer_assignments: Vec<(i64, i64)> = sqlx::query_as(&format!(
            "SELECT id, reviewer_id FROM review_assignments WHERE participant_id = {participant} AND kind = 'peer' ORDER BY reviewer_id"
        ))
        .fetch_all(&db.pool)
        .await
        .unwrap();
        assert_eq!(peer_assignments.len(), 3);
        let mut peer_names = Vec::new();
        for (i, (assignment, reviewer)) in peer_assignments.iter().enumerate() {
            let cookie = login_person(&app, &db, (*reviewer - 1) as usize).await;
            peer_names.push(db.org.people[(*reviewer - 1) as usize].name.clone());
            let other = peer_assignments[(i + 1) % 3].0.to_string();
            assert_eq!(
                call(
                    &app,
                    "/api/get_review_form",
                    Some(&cookie),
                    &[("assignment_id", &other)]
                )
                .await
                .status,
                StatusCode::NOT_FOUND
            );
            assert_eq!(
                call(
                    &app,
                    "/api/get_review_result",
                    Some(&cookie),
                    &[("participant_id", &participant)]
                )
                .await
                .status,
                StatusCode::NOT_FOUND
            );
            let a = assignment.to_string();
            let rating = ["1", "2", "3"][i];
            ok(
                &app,
                "/api/save_review",
                &cookie,
                &[
                    ("assignment_id", &a),
                    ("intent", "submit"),
                    ("answers[q2]", rating),
                    ("answers[q3]", "Reliable under pressure."),
                    ("answers[q5]", "3"),
                    ("answers[q6]", &format!("Keep mentoring ({i}).")),
                ],
            )
            .await;
            if i == 1 {
                let view = call(
                    &app,
                    "/api/get_review_result",
                    Some(&manager_cookie),
                    &[("participant_id", &participant)],
                )
                .await;
                assert_eq!(view.status, StatusCode::OK, "{}", view.body);
                assert!(
                    view.body.contains("Withheld") && view.body.contains("at least 3"),
                    "{}",
                    view.body
                );
                assert!(
                    !view.body.contains("Keep mentoring"),
                    "withheld answers never leave the server"
                );
            }
        }
        // The manager's review makes the proposed rating (weights 1 and 1: 3 and 1 of 1-3 -> 2).
        let manager_review = scalar(&db, &format!("SELECT id FROM review_assignments WHERE participant_id = {participant} AND kind = 'manager'")).await.to_string();
        ok(
            &app,
            "/api/save_review",
            &manager_cookie,
            &[
                ("assignment_id", &manager_review),
                ("intent", "submit"),
                ("answers[q2]", "3"),
                ("answers[q3]", "Delivered the pipeline."),
                ("answers[q5]", "1"),
                ("answers[q6]", "Ask for help sooner."),
            ],
        )
        .await;
        let proposed: f64 = sqlx::query_scalar(&format!(
            "SELECT proposed_rating FROM review_participants WHERE id = {participant}"
        ))
        .fetch_one(&db.pool)
        .await
        .unwrap();
        assert_eq!(proposed, 2.0);
        // Anonymous submissions leave no author in the audit trail.
        let ids = peer_assignments
            .iter()
            .map(|(a, _)| a.to_string())
            .collect::<Vec<_>>()
            .join(",");
        assert_eq!(scalar(&db, &format!("SELECT COUNT(*) FROM audit_log WHERE action = 'review.submitted' AND entity_id IN ({ids}) AND actor_id IS NULL")).await, 3);

        // Not released yet: the employee's results do not exist for them.
        assert_eq!(
            call(
                &app,
                "/api/get_review_result",
                Some(&employee_cookie),
                &[("participant_id", &participant)]
            )
            .await
            .status,
            StatusCode::NOT_FOUND
        );

        // Calibration: a change needs a justification, and is audited with before and after.
        ok(&app, "/api/advance_review_cycle", &hr, &[("cycle_id", &c)]).await;
        let histogram = ok(&app, "/api/get_calibration", &hr, &[("cycle_id", &c)]).await;
        assert_eq!(histogram["overall"]["counts"][1], 1, "{histogram}");
        let bare = call(
            &app,
            "/api/change_final_rating",
            Some(&hr),
            &[
                ("participant_id", &participant),
                ("rating", "3"),
                ("justification", ""),
            ],
        )
        .await;
        assert_eq!(bare.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(invalid_field(&bare), "justification");
        let outside_scale = call(
            &app,
            "/api/change_final_rating",
            Some(&hr),
            &[
                ("participant_id", &participant),
                ("rating", "9"),
                ("justification", "Strong second half of the period."),
            ],
        )
        .await;
        assert_eq!(invalid_field(&outside_scale), "rating");
        assert_eq!(
            scalar(
                &db,
                &format!(
                    "SELECT COUNT(*) FROM rating_changes WHERE participant_id = {participant}"
                )
            )
            .await,
            0
        );
        ok(
            &app,
            "/api/change_final_rating",
            &hr,
            &[
                ("participant_id", &participant),
                ("rating", "3"),
                ("justification", "Strong second half of the period."),
            ],
        )
        .await;
        let audit = app::store::audit::for_entity(
            &db.pool,
            "review_participant",
            participant.parse().unwrap(),
        )
        .await
        .unwrap();
        let change = audit
            .iter()
            .find(|r| r.action == "review.rating_changed")
            .expect("the change is audited");
        assert!(
            change
                .before_json
                .as_deref()
                .unwrap_or_default()
                .contains("2.0"),
            "{change:?}"
        );
        assert!(
            change
                .after_json
                .as_deref()
                .unwrap_or_default()
                .contains("Strong second half"),
            "{change:?}"
        );

        // Release: the employee sees the peers' answers combined, without names.
        ok(&app, "/api/advance_review_cycle", &hr, &[("cycle_id", &c)]).await;
        let result = call(
            &app,
            "/api/get_review_result",
            Some(&employee_cookie),
            &[("participant_id", &participant)],
        )
        .await;
        assert_eq!(result.status, StatusCode::OK, "{}", result.body);
        assert!(
            result.body.contains("Keep mentoring (0)."),
            "{}",
            result.body
        );
        assert!(result.body.contains("\"reviewers\":3"), "{}", result.body);
        for name in &peer_names {
            assert!(
                !result.body.contains(name.as_str()),
                "{name} appears in the reviewee's results"
            );
        }
        assert!(
            result.body.contains("3 · Exceeds"),
            "the calibrated rating is shown: {}",
            result.body
        );
        let early = call(
            &app,
            "/api/sign_off_review",
            Some(&manager_cookie),
            &[("participant_id", &participant)],
        )
        .await;
        assert_eq!(
            early.status,
            StatusCode::CONFLICT,
            "sign-off waits for the acknowledgement"
        );
        ok(
            &app,
            "/api/acknowledge_review",
            &employee_cookie,
            &[
                ("participant_id", &participant),
                ("comment", "Thanks, fair."),
            ],
        )
        .await;
        ok(
            &app,
            "/api/sign_off_review",
            &manager_cookie,
            &[("participant_id", &participant)],
        )
        .await;
        assert_eq!(scalar(&db, &format!("SELECT COUNT(*) FROM review_participants WHERE id = {participant} AND signed_off_at IS NOT NULL AND employee_comment = 'Thanks, fair.'")).await, 1);
        ok(&app, "/api/advance_review_cycle", &hr, &[("cycle_id", &c)]).await;
        assert_eq!(
            scalar(
                &db,
                &format!("SELECT COUNT(*) FROM review_cycles WHERE id = {c} AND state = 'closed'")
            )
            .await,
            1
        );

        // Someone from another department, outside the reporting line, sees none of it.
        let outsider: i64 = sqlx::query_scalar(&format!(
            "SELECT id FROM employees WHERE department_id <> {department} AND manager_id IS NOT NULL
             AND id NOT IN (SELECT manager_id FROM employees WHERE manager_id IS NOT NULL) ORDER BY id LIMIT 1"
        ))
        .fetch_one(&db.pool)
        .await
        .unwrap();
        let outsider_cookie = login_person(&app, &db, (outsider - 1) as usize).await;
        let theirs = ok(&app, "/api/list_my_reviews", &outsider_cookie, &[]).await;
        assert!(!theirs.to_string().contains("Q4 engineering"), "{theirs}");
        assert_eq!(
            call(
                &app,
                "/api/get_review_result",
                Some(&outsider_cookie),
                &[("participant_id", &participant)]
            )
            .await
            .status,
            StatusCode::NOT_FOUND
        );
        // HR's export lists the calibrated rating.
        let csv = get(&app, &format!("/reviews/cycles/{c}/export.csv"), Some(&hr)).await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(
            csv.body.starts_with("Name,Email,Department"),
            "{}",
            csv.body
        );
        assert!(csv.body.contains(",2.00,3,3 · Exceeds,"), "{}", csv.body);
        assert_eq!(
            get(
                &app,
                &format!("/reviews/cycles/{c}/export.csv"),
                Some(&employee_cookie)
            )
            .await
            .status,
            StatusCode::FORBIDDEN
        );
        assert_tallies_match(&db).await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn late_submissions_are_refused_and_the_draft_is_kept() {
    for db in TestDb::all().await {
        let app = db.app(true);
        let hr = login_as(&app, "hr").await;
        let employee_cookie = login_as(&app, "employee").await;
        let employee = db.id_of(db.org.accounts.employee);
        let department = scalar(
            &db,
            &format!("SELECT department_id FROM employees WHERE id = {employee}"),
        )
        .await
        .to_string();
        let template = build_template(&app, &db, &hr).await.to_string();
        let mut fields = cycle_fields("Late cycle", &template, &department, "2099-01-20");
        fields.retain(|(k, _)| *k != "cycle[reviewer_types][2]");
        ok(&app, "/api/create_review_cycle", &hr, &fields).await;
        let c = scalar(
            &db,
            "SELECT id FROM review_cycles WHERE name = 'Late cycle'",
        )
        .await
        .to_string();
        ok(&app, "/api/advance_review_cycle", &hr, &[("cycle_id", &c)]).await;
        assert_eq!(
            scalar(
                &db,
                &format!("SELECT COUNT(*) FROM review_cycles WHERE id = {c} AND state = 'writing'")
            )
            .await,
            1,
            "no peers: straight to writing"
        );
        let a = scalar(&db, &format!("SELECT a.id FROM review_assignments a JOIN review_participants p ON p.id = a.participant_id WHERE p.cycle_id = {c} AND a.reviewer_id = {employee} AND a.kind = 'self'")).await.to_string();
        ok(
            &app,
            "/api/save_review",
            &employee_cookie,
            &[
                ("assignment_id", &a),
                ("intent", "save"),
                ("answers[q3]", "Draft words"),
            ],
        )
        .await;
        sqlx::query(&format!(
            "UPDATE review_cycles SET writing_due = '2020-01-01' WHERE id = {c}"
        ))
        .execute(&db.pool)
        .await
        .unwrap();
        let late = call(
            &app,
            "/api/save_review",
            Some(&employee_cookie),
            &[
                ("assignment_id", &a),
                ("intent", "submit"),
                ("answers[q2]", "2"),
                ("answers[q3]", "Final words"),
                ("answers[q5]", "2"),
                ("answers[q6]", "More"),
            ],
        )
        .await;
        assert_eq!(late.status, StatusCode::CONFLICT, "{}", late.body);
        assert!(late.body.contains("deadline"), "{}", late.body);
        let kept: String = sqlx::query_scalar(&format!(
            "SELECT answers FROM review_assignments WHERE id = {a}"
        ))
        .fetch_one(&db.pool)
        .await
        .unwrap();
        assert_eq!(kept, r#"{"q3":"Draft words"}"#);
        // Reminders reach everyone with a review still to write, as notifications.
        let reminded = ok(&app, "/api/remind_reviewers", &hr, &[("cycle_id", &c)]).await;
        assert!(reminded.as_i64().unwrap_or(0) >= 2, "{reminded}");
        let unread = ok(
            &app,
            "/api/count_unread_notifications",
            &employee_cookie,
            &[],
        )
        .await;
        assert!(unread.as_i64().unwrap_or(0) >= 1);
        ok(
            &app,
            "/api/mark_notifications_read",
            &employee_cookie,
            &[("id", "")],
        )
        .await;
        assert_eq!(
            ok(
                &app,
                "/api/count_unread_notifications",
                &employee_cookie,
                &[]
            )
            .await,
            serde_json::json!(0)
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_template_in_use_is_frozen_and_editing_it_writes_a_new_version() {
    for db in TestDb::all().await {
        let app = db.app(true);
        let hr = login_as(&app, "hr").await;
        let employee = db.id_of(db.org.accounts.employee);
        let department = scalar(
            &db,
            &format!("SELECT department_id FROM employees WHERE id = {employee}"),
        )
        .await
        .to_string();
        let template = build_template(&app, &db, &hr).await;
        let t = template.to_string();
        ok(
            &app,
            "/api/create_review_cycle",
            &hr,
            &cycle_fields("Frozen", &t, &department, "2099-01-20"),
        )
        .await;
        let c = scalar(&db, "SELECT id FROM review_cycles WHERE name = 'Frozen'")
            .await
            .to_string();
        ok(&app, "/api/advance_review_cycle", &hr, &[("cycle_id", &c)]).await;
        let before: String = sqlx::query_scalar(&format!("SELECT definition FROM template_versions WHERE template_id = {template} AND version = 1")).fetch_one(&db.pool).await.unwrap();
        ok(
            &app,
            "/api/add_template_question",
            &hr,
            &[
                ("template_id", &t),
                ("version", "1"),
                ("section", "s1"),
                ("kind", "text"),
                ("prompt", "Anything else?"),
            ],
        )
        .await;
        let after: String = sqlx::query_scalar(&format!("SELECT definition FROM template_versions WHERE template_id = {template} AND version = 1")).fetch_one(&db.pool).await.unwrap();
        assert_eq!(before, after, "the version a cycle uses never changes");
        let v2: String = sqlx::query_scalar(&format!("SELECT definition FROM template_versions WHERE template_id = {template} AND version = 2")).fetch_one(&db.pool).await.unwrap();
        assert!(v2.contains("Anything else?"));
        // The builder sent from the old version is told to reload; nothing changes.
        let stale = call(
            &app,
            "/api/add_template_section",
            Some(&hr),
            &[("template_id", &t), ("version", "1"), ("title", "Late")],
        )
        .await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        assert_eq!(
            scalar(
                &db,
                &format!("SELECT COUNT(*) FROM template_versions WHERE template_id = {template}")
            )
            .await,
            2
        );
        // Weights that do not add up as declared are shown where they are set.
        ok(
            &app,
            "/api/template_settings",
            &hr,
            &[
                ("template_id", &t),
                ("version", "2"),
                ("name", "Engineering review"),
                ("overall_scale_id", "1"),
                ("weights_total", "100"),
            ],
        )
        .await;
        let builder = ok(
            &app,
            "/api/get_template_builder",
            &hr,
            &[("template_id", &t)],
        )
        .await;
        let problems = builder["problems"].as_array().unwrap();
        assert!(
            problems.iter().any(|p| p["field"] == "weights_total"
                && p["message"].as_str().unwrap().contains("add up to 2")),
            "{problems:?}"
        );
        // A copy starts at version 1 and is not frozen.
        ok(
            &app,
            "/api/duplicate_review_template",
            &hr,
            &[("template_id", &t), ("name", "Engineering review (copy)")],
        )
        .await;
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM template_versions v JOIN review_templates t ON t.id = v.template_id WHERE t.name = 'Engineering review (copy)' AND v.version = 1 AND v.frozen = 0").await, 1);
        db.cleanup().await;
    }
}

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

#[tokio::test]
async fn the_demo_company_has_a_completed_and_an_open_cycle_for_every_role() {
    for db in TestDb::all().await {
        let app = db.app(true);
        let employee = login_as(&app, "employee").await;
        let manager = login_as(&app, "manager").await;
        let hr = login_as(&app, "hr").await;
        let mine = ok(&app, "/api/list_my_reviews", &employee, &[]).await;
        assert!(
            mine["to_write"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["kind"] == "SelfReview"),
            "{mine}"
        );
        let released = mine["mine"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["released"] == true)
            .expect("last half's review is released");
        let participant = released["participant_id"].as_i64().unwrap().to_string();
        let result = ok(
            &app,
            "/api/get_review_result",
            &employee,
            &[("participant_id", &participant)],
        )
        .await;
        assert!(result["rating"].as_str().is_some(), "{result}");
        let team = ok(&app, "/api/list_my_reviews", &manager, &[]).await;
        assert!(!team["team"].as_array().unwrap().is_empty(), "{team}");
        let admin = ok(&app, "/api/get_review_admin", &hr, &[]).await;
        assert_eq!(admin["cycles"].as_array().unwrap().len(), 2);
        let open = ok(&app, "/api/get_review_cycle", &hr, &[("cycle_id", "2")]).await;
        assert_eq!(open["cycle"]["state"], "Writing");
        assert!(
            open["totals"]
                .as_array()
                .unwrap()
                .iter()
                .all(|k| k["submitted"].as_i64() < k["total"].as_i64()),
            "{open}"
        );
        let calibration = ok(&app, "/api/get_calibration", &hr, &[("cycle_id", "1")]).await;
        assert_eq!(calibration["total"], SMALL_COMPANY as i64);
        // The first page holds the first reviewees by name.
        let names: Vec<&str> = calibration["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap())
            .collect();
        assert_eq!(names.len(), SMALL_COMPANY.min(50), "{calibration}");
        let first: Vec<String> = sqlx::query_scalar(
            "SELECT e.name FROM review_participants p JOIN employees e ON e.id = p.person_id
             WHERE p.cycle_id = 1 ORDER BY e.name, e.id LIMIT 50",
        )
        .fetch_all(&db.pool)
        .await
        .unwrap();
        assert_eq!(names, first);
        // A manager calibrates their own organisation: everyone below them, nobody else.
        let manager_id = db.id_of(db.org.accounts.manager);
        let theirs = ok(&app, "/api/get_calibration", &manager, &[("cycle_id", "1")]).await;
        let below = scalar(
            &db,
            &format!(
                "WITH RECURSIVE org(id) AS (SELECT id FROM employees WHERE manager_id = {manager_id}
                    UNION ALL SELECT e.id FROM employees e JOIN org ON e.manager_id = org.id)
                 SELECT COUNT(*) FROM review_participants WHERE cycle_id = 1 AND person_id IN (SELECT id FROM org)"
            ),
        )
        .await;
        assert!(below > 0, "the demo manager has reports");
        assert_eq!(theirs["total"], below, "{theirs}");
        assert_eq!(
            theirs["rows"].as_array().unwrap().len() as i64,
            below.min(50)
        );
        assert_tallies_match(&db).await;
        for page in [
            "/reviews",
            "/reviews/admin",
            "/reviews/cycles/1",
            "/reviews/cycles/1/calibration",
            "/reviews/cycles/2/print",
            "/notifications",
            "/reviews/templates/1",
        ] {
            let reply = get(&app, page, Some(&hr)).await;
            assert_eq!(reply.status, StatusCode::OK, "{page}");
        }
        let write = get(&app, "/reviews", Some(&employee)).await;
        assert!(
            write.body.contains("Your self review"),
            "the employee's hub lists their self review"
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn one_division_can_have_its_own_template() {
    for db in TestDb::all().await {
        let app = db.app(true);
        let hr = login_as(&app, "hr").await;
        let employee = db.id_of(db.org.accounts.employee);
        let mut division = scalar(
            &db,
            &format!("SELECT department_id FROM employees WHERE id = {employee}"),
        )
        .await;
        while let Some(parent) = sqlx::query_scalar::<_, Option<i64>>(&format!(
            "SELECT parent_id FROM departments WHERE id = {division}"
        ))
        .fetch_one(&db.pool)
        .await
        .unwrap()
        {
            division = parent;
        }
        let template = build_template(&app, &db, &hr).await.to_string();
        let division_text = division.to_string();
        let mut fields = cycle_fields("Two templates", "1", &division_text, "2099-01-20");
        fields.retain(|(k, _)| {
            !k.starts_with("cycle[scope]") && !k.starts_with("cycle[department_id]")
        });
        fields.push(("cycle[scope]", "all"));
        let half = call(
            &app,
            "/api/create_review_cycle",
            Some(&hr),
            &[
                fields.clone(),
                vec![("cycle[group_department_id]", division_text.as_str())],
            ]
            .concat(),
        )
        .await;
        assert_eq!(
            invalid_field(&half),
            "cycle[group_template_id]",
            "{}",
            half.body
        );
        fields.push(("cycle[group_department_id]", &division_text));
        fields.push(("cycle[group_template_id]", &template));
        ok(&app, "/api/create_review_cycle", &hr, &fields).await;
        let c = scalar(
            &db,
            "SELECT id FROM review_cycles WHERE name = 'Two templates'",
        )
        .await
        .to_string();
        ok(&app, "/api/advance_review_cycle", &hr, &[("cycle_id", &c)]).await;
        let theirs = scalar(&db, &format!("SELECT template_version_id FROM review_participants WHERE cycle_id = {c} AND person_id = {employee}")).await;
        let engineering = scalar(
            &db,
            &format!("SELECT v.id FROM template_versions v WHERE v.template_id = {template}"),
        )
        .await;
        assert_eq!(
            theirs, engineering,
            "the division's people get its template"
        );
        assert_eq!(scalar(&db, &format!("SELECT COUNT(*) FROM review_participants WHERE cycle_id = {c} AND top_department_id <> {division} AND template_version_id = 1")).await,
            scalar(&db, &format!("SELECT COUNT(*) FROM review_participants WHERE cycle_id = {c} AND top_department_id <> {division}")).await);
        assert_eq!(
            scalar(
                &db,
                &format!("SELECT frozen FROM template_versions WHERE id = {engineering}")
            )
            .await,
            1
        );
        db.cleanup().await;
    }
}
