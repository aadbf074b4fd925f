//! One review cycle from start to end, as its users meet it, a step per function: HR builds a
//! template and launches a cycle; the employee nominates peers and their manager approves them;
//! everyone writes; peers stay anonymous; HR calibrates and releases; the employee
//! acknowledges and the manager signs off; outsiders see none of it. Each step also checks
//! that bad input at that point is refused with nothing written.

use super::*;
use crate::common::*;
use axum::http::StatusCode;

#[tokio::test]
async fn a_cycle_runs_from_template_to_sign_off_and_peers_stay_anonymous() {
    for db in TestDb::all().await {
        let journey = Journey::launch(&db).await;
        journey.nominate_and_approve_peers().await;
        journey.write_the_self_review().await;
        let (peer_assignments, peer_names) = journey.peers_write_anonymously().await;
        journey.manager_proposes_the_rating(&peer_assignments).await;
        journey.hr_calibrates().await;
        journey.release_acknowledge_and_sign_off(&peer_names).await;
        journey.outsiders_see_nothing_and_hr_exports().await;
        assert_tallies_match(&db).await;
        db.cleanup().await;
    }
}

/// Who takes part and what they work on; every step reads it.
struct Journey<'a> {
    db: &'a TestDb,
    app: axum::Router,
    hr: String,
    employee_cookie: String,
    manager_cookie: String,
    employee: i64,
    manager: i64,
    /// The employee's department, the cycle's scope.
    department: String,
    /// The cycle.
    c: String,
    /// The employee's place in the cycle.
    participant: String,
}

impl<'a> Journey<'a> {
    /// HR builds a template (one without questions is refused), creates "Q4 engineering" for
    /// the employee's department and opens nominations, which freezes the template.
    async fn launch(db: &'a TestDb) -> Journey<'a> {
        let app = db.app(true);
        let hr = login_as(&app, "hr").await;
        let employee_cookie = login_as(&app, "employee").await;
        let manager_cookie = login_as(&app, "manager").await;
        let employee = db.id_of(db.org.accounts.employee);
        let manager = db.id_of(db.org.accounts.manager);
        let department = scalar(
            db,
            &format!("SELECT department_id FROM employees WHERE id = {employee}"),
        )
        .await
        .to_string();
        let template = build_template(&app, db, &hr).await.to_string();

        // A template without questions is refused where the cycle names it; nothing is written.
        ok(
            &app,
            "/api/create_review_template",
            &hr,
            &[("name", "Empty"), ("scale_id", "1")],
        )
        .await;
        let empty = scalar(db, "SELECT id FROM review_templates WHERE name = 'Empty'")
            .await
            .to_string();
        let cycles_before = scalar(db, "SELECT COUNT(*) FROM review_cycles").await;
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
            scalar(db, "SELECT COUNT(*) FROM review_cycles").await,
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
            db,
            "SELECT id FROM review_cycles WHERE name = 'Q4 engineering'",
        )
        .await;
        let c = cycle.to_string();
        ok(&app, "/api/advance_review_cycle", &hr, &[("cycle_id", &c)]).await;
        assert_eq!(
            scalar(
                db,
                &format!(
                    "SELECT COUNT(*) FROM review_cycles WHERE id = {c} AND state = 'nomination'"
                )
            )
            .await,
            1
        );
        assert_eq!(scalar(db, "SELECT frozen FROM template_versions WHERE template_id = (SELECT id FROM review_templates WHERE name = 'Engineering review')").await, 1);
        let in_department = scalar(db, &format!("SELECT COUNT(*) FROM employees WHERE department_id = {department} AND status = 'active'")).await;
        let participants = scalar(
            db,
            &format!("SELECT COUNT(*) FROM review_participants WHERE cycle_id = {c}"),
        )
        .await;
        assert!(
            participants >= in_department,
            "{participants} reviewees for {in_department} people in the department"
        );
        let participant = scalar(db, &format!("SELECT id FROM review_participants WHERE cycle_id = {c} AND person_id = {employee}")).await.to_string();
        Journey {
            db,
            app,
            hr,
            employee_cookie,
            manager_cookie,
            employee,
            manager,
            department,
            c,
            participant,
        }
    }

    /// The employee nominates three teammates (too few is refused at the field); the manager
    /// declines one, then approves all three, but cannot make themselves a peer.
    async fn nominate_and_approve_peers(&self) {
        let Journey {
            db,
            app,
            hr,
            employee_cookie,
            manager_cookie,
            employee,
            manager,
            c,
            participant,
            ..
        } = self;
        let peers: Vec<i64> = sqlx::query_scalar(&format!(
            "SELECT id FROM employees WHERE manager_id = {manager} AND id <> {employee} AND status = 'active' ORDER BY id LIMIT 3"
        ))
        .fetch_all(&db.pool)
        .await
        .unwrap();
        assert_eq!(peers.len(), 3, "the demo employee has three teammates");
        let too_few = call(
            app,
            "/api/nominate_peers",
            Some(employee_cookie),
            &[
                ("participant_id", participant),
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
                app,
                "/api/nominate_peers",
                employee_cookie,
                &[
                    ("participant_id", participant),
                    ("peers[0]", &p0),
                    ("peers[1]", &p1),
                    ("peers[2]", &p2),
                ],
            )
            .await;
        }
        // The manager declines one, then approves all.
        ok(
            app,
            "/api/decide_peer",
            manager_cookie,
            &[
                ("participant_id", participant),
                ("peer", &p2),
                ("decision", "decline"),
            ],
        )
        .await;
        assert_tallies_match(db).await;
        let cycle_page = ok(app, "/api/get_review_cycle", hr, &[("cycle_id", c)]).await;
        assert_eq!(
            cycle_page["departments"][0]["nominated"], 1,
            "the reviewee with peers counts as nominated: {cycle_page}"
        );
        for peer in [&p0, &p1, &p2] {
            let refused = call(
                app,
                "/api/decide_peer",
                Some(employee_cookie),
                &[
                    ("participant_id", participant),
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
                app,
                "/api/decide_peer",
                manager_cookie,
                &[
                    ("participant_id", participant),
                    ("peer", peer),
                    ("decision", "approve"),
                ],
            )
            .await;
        }
        // The manager cannot make themselves one of the anonymous peers.
        let manager_text = manager.to_string();
        let self_peer = call(
            app,
            "/api/decide_peer",
            Some(manager_cookie),
            &[
                ("participant_id", participant),
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
        ok(app, "/api/advance_review_cycle", hr, &[("cycle_id", c)]).await;
    }

    /// The self review: bad answers are refused at their question and change nothing; a draft
    /// keeps what was typed; a submitted review never changes.
    async fn write_the_self_review(&self) {
        let Journey {
            db,
            app,
            employee_cookie,
            participant,
            ..
        } = self;
        let self_review = scalar(db, &format!("SELECT id FROM review_assignments WHERE participant_id = {participant} AND kind = 'self'")).await.to_string();
        let outside = call(
            app,
            "/api/save_review",
            Some(employee_cookie),
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
            app,
            "/api/save_review",
            Some(employee_cookie),
            &[
                ("assignment_id", &self_review),
                ("intent", "save"),
                ("answers[q99]", "2"),
            ],
        )
        .await;
        assert_eq!(foreign.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(invalid_field(&foreign), "form");
        assert_eq!(scalar(db, &format!("SELECT COUNT(*) FROM review_assignments WHERE id = {self_review} AND state = 'pending'")).await, 1);
        // A draft keeps what was typed; submitting without the required answers is refused.
        ok(
            app,
            "/api/save_review",
            employee_cookie,
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
            app,
            "/api/save_review",
            Some(employee_cookie),
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
        ok(app, "/api/save_review", employee_cookie, &submit).await;
        let again = call(
            app,
            "/api/save_review",
            Some(employee_cookie),
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
        assert!(scalar(db, &format!("SELECT COUNT(*) FROM review_assignments WHERE id = {self_review} AND answers LIKE '%\"q2\":\"3\"%'")).await == 1);
    }

    /// Three peers write; each sees only their own form; after two, the manager sees the peer
    /// answers withheld. Returns the peer assignments (id, reviewer) and the peers' names.
    async fn peers_write_anonymously(&self) -> (Vec<(i64, i64)>, Vec<String>) {
        let Journey {
            db,
            app,
            manager_cookie,
            participant,
            ..
        } = self;
        let peer_assignments: Vec<(i64, i64)> = sqlx::query_as(&format!(
            "SELECT id, reviewer_id FROM review_assignments WHERE participant_id = {participant} AND kind = 'peer' ORDER BY reviewer_id"
        ))
        .fetch_all(&db.pool)
        .await
        .unwrap();
        assert_eq!(peer_assignments.len(), 3);
        let mut peer_names = Vec::new();
        for (i, (assignment, reviewer)) in peer_assignments.iter().enumerate() {
            let cookie = login_person(app, db, (*reviewer - 1) as usize).await;
            peer_names.push(db.org.people[(*reviewer - 1) as usize].name.clone());
            let other = peer_assignments[(i + 1) % 3].0.to_string();
            assert_eq!(
                call(
                    app,
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
                    app,
                    "/api/get_review_result",
                    Some(&cookie),
                    &[("participant_id", participant)]
                )
                .await
                .status,
                StatusCode::NOT_FOUND
            );
            let a = assignment.to_string();
            let rating = ["1", "2", "3"][i];
            ok(
                app,
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
                    app,
                    "/api/get_review_result",
                    Some(manager_cookie),
                    &[("participant_id", participant)],
                )
                .await;
                assert_eq!(view.status, StatusCode::OK, "{}", view.body);
                assert!(
                    view.body.contains("Withheld") && view.body.contains("at least 3"),
                    "{}",
                    view.body
                );
                assert!(
                    !view.body.contains("\"reviewers\""),
                    "no count of the peers who have submitted: {}",
                    view.body
                );
                assert!(
                    !view.body.contains("Keep mentoring"),
                    "withheld answers never leave the server"
                );
            }
        }
        (peer_assignments, peer_names)
    }

    /// The manager's review makes the proposed rating; anonymous submissions leave no author
    /// in the audit trail; the unreleased result does not exist for the employee.
    async fn manager_proposes_the_rating(&self, peer_assignments: &[(i64, i64)]) {
        let Journey {
            db,
            app,
            employee_cookie,
            manager_cookie,
            participant,
            ..
        } = self;
        // Weights 1 and 1: 3 and 1 of 1-3 -> 2.
        let manager_review = scalar(db, &format!("SELECT id FROM review_assignments WHERE participant_id = {participant} AND kind = 'manager'")).await.to_string();
        ok(
            app,
            "/api/save_review",
            manager_cookie,
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
        assert_eq!(scalar(db, &format!("SELECT COUNT(*) FROM audit_log WHERE action = 'review.submitted' AND entity_id IN ({ids}) AND actor_id IS NULL")).await, 3);

        // Not released yet: the employee's results do not exist for them.
        assert_eq!(
            call(
                app,
                "/api/get_review_result",
                Some(employee_cookie),
                &[("participant_id", participant)]
            )
            .await
            .status,
            StatusCode::NOT_FOUND
        );
    }

    /// Calibration: a change needs a justification and a rating on the scale, and is audited
    /// with before and after.
    async fn hr_calibrates(&self) {
        let Journey {
            db,
            app,
            hr,
            c,
            participant,
            ..
        } = self;
        ok(app, "/api/advance_review_cycle", hr, &[("cycle_id", c)]).await;
        let histogram = ok(app, "/api/get_calibration", hr, &[("cycle_id", c)]).await;
        assert_eq!(histogram["overall"]["counts"][1], 1, "{histogram}");
        let bare = call(
            app,
            "/api/change_final_rating",
            Some(hr),
            &[
                ("participant_id", participant),
                ("rating", "3"),
                ("justification", ""),
            ],
        )
        .await;
        assert_eq!(bare.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(invalid_field(&bare), "justification");
        let outside_scale = call(
            app,
            "/api/change_final_rating",
            Some(hr),
            &[
                ("participant_id", participant),
                ("rating", "9"),
                ("justification", "Strong second half of the period."),
            ],
        )
        .await;
        assert_eq!(invalid_field(&outside_scale), "rating");
        assert_eq!(
            scalar(
                db,
                &format!(
                    "SELECT COUNT(*) FROM rating_changes WHERE participant_id = {participant}"
                )
            )
            .await,
            0
        );
        ok(
            app,
            "/api/change_final_rating",
            hr,
            &[
                ("participant_id", participant),
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
    }

    /// Release: the employee sees the peers' answers combined, without names, and the
    /// calibrated rating; sign-off waits for the acknowledgement; HR closes the cycle.
    async fn release_acknowledge_and_sign_off(&self, peer_names: &[String]) {
        let Journey {
            db,
            app,
            hr,
            employee_cookie,
            manager_cookie,
            c,
            participant,
            ..
        } = self;
        ok(app, "/api/advance_review_cycle", hr, &[("cycle_id", c)]).await;
        let result = call(
            app,
            "/api/get_review_result",
            Some(employee_cookie),
            &[("participant_id", participant)],
        )
        .await;
        assert_eq!(result.status, StatusCode::OK, "{}", result.body);
        assert!(
            result.body.contains("Keep mentoring (0)."),
            "{}",
            result.body
        );
        assert!(result.body.contains("\"reviewers\":3"), "{}", result.body);
        for name in peer_names {
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
            app,
            "/api/sign_off_review",
            Some(manager_cookie),
            &[("participant_id", participant)],
        )
        .await;
        assert_eq!(
            early.status,
            StatusCode::CONFLICT,
            "sign-off waits for the acknowledgement"
        );
        ok(
            app,
            "/api/acknowledge_review",
            employee_cookie,
            &[
                ("participant_id", participant),
                ("comment", "Thanks, fair."),
            ],
        )
        .await;
        ok(
            app,
            "/api/sign_off_review",
            manager_cookie,
            &[("participant_id", participant)],
        )
        .await;
        assert_eq!(scalar(db, &format!("SELECT COUNT(*) FROM review_participants WHERE id = {participant} AND signed_off_at IS NOT NULL AND employee_comment = 'Thanks, fair.'")).await, 1);
        ok(app, "/api/advance_review_cycle", hr, &[("cycle_id", c)]).await;
        assert_eq!(
            scalar(
                db,
                &format!("SELECT COUNT(*) FROM review_cycles WHERE id = {c} AND state = 'closed'")
            )
            .await,
            1
        );
    }

    /// Someone from another department, outside the reporting line, sees none of it; HR's
    /// export lists the calibrated rating and nobody else may download it.
    async fn outsiders_see_nothing_and_hr_exports(&self) {
        let Journey {
            db,
            app,
            hr,
            employee_cookie,
            department,
            c,
            participant,
            ..
        } = self;
        let outsider: i64 = sqlx::query_scalar(&format!(
            "SELECT id FROM employees WHERE department_id <> {department} AND manager_id IS NOT NULL
             AND id NOT IN (SELECT manager_id FROM employees WHERE manager_id IS NOT NULL) ORDER BY id LIMIT 1"
        ))
        .fetch_one(&db.pool)
        .await
        .unwrap();
        let outsider_cookie = login_person(app, db, (outsider - 1) as usize).await;
        let theirs = ok(app, "/api/list_my_reviews", &outsider_cookie, &[]).await;
        assert!(!theirs.to_string().contains("Q4 engineering"), "{theirs}");
        assert_eq!(
            call(
                app,
                "/api/get_review_result",
                Some(&outsider_cookie),
                &[("participant_id", participant)]
            )
            .await
            .status,
            StatusCode::NOT_FOUND
        );
        // HR's export lists the calibrated rating.
        let csv = get(app, &format!("/reviews/cycles/{c}/export.csv"), Some(hr)).await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(
            csv.body.starts_with("Name,Email,Department"),
            "{}",
            csv.body
        );
        assert!(csv.body.contains(",2.00,3,3 · Exceeds,"), "{}", csv.body);
        assert_eq!(
            get(
                app,
                &format!("/reviews/cycles/{c}/export.csv"),
                Some(employee_cookie)
            )
            .await
            .status,
            StatusCode::FORBIDDEN
        );
    }
}
