//! Peer-review anonymity against a determined manager (issue 11, finding 1), on every backend:
//! the peer set freezes when writing opens (HR alone changes it after, with the minimum
//! rechecked and the change audited); a peer decision answers the same whether or not the peer
//! has started; nobody but HR sees how many anonymous reviews have arrived; a question is shown
//! only from the threshold of non-empty answers; submitted anonymous answers are stored with
//! nothing that leads back to their author; the threshold defaults to 5 with 3 as its floor.

use super::*;
use crate::common::*;
use app::store::Backend;
use axum::http::StatusCode;

/// A cycle for the demo employee's department, anonymous with the small-team threshold of 3,
/// in nomination, with the employee's three teammates nominated.
struct Nominated<'a> {
    db: &'a TestDb,
    app: axum::Router,
    hr: String,
    manager: String,
    c: String,
    participant: String,
    peers: Vec<i64>,
}

impl<'a> Nominated<'a> {
    async fn open(db: &'a TestDb, optional_text: bool) -> Nominated<'a> {
        let app = db.app(true);
        let hr = login_as(&app, "hr").await;
        let manager = login_as(&app, "manager").await;
        let employee_cookie = login_as(&app, "employee").await;
        let employee = db.id_of(db.org.accounts.employee);
        let manager_id = db.id_of(db.org.accounts.manager);
        let department = scalar(
            db,
            &format!("SELECT department_id FROM employees WHERE id = {employee}"),
        )
        .await
        .to_string();
        let template = build_template(&app, db, &hr).await.to_string();
        if optional_text {
            // "What should they keep doing?" (q6) becomes optional.
            ok(
                &app,
                "/api/update_template_question",
                &hr,
                &[
                    ("template_id", &template),
                    ("version", "1"),
                    ("key", "q6"),
                    ("question[prompt]", "What should they keep doing?"),
                    ("question[reviewers][0]", "self"),
                    ("question[reviewers][1]", "manager"),
                    ("question[reviewers][2]", "peer"),
                ],
            )
            .await;
        }
        ok(
            &app,
            "/api/create_review_cycle",
            &hr,
            &cycle_fields("Q4 engineering", &template, &department, "2099-01-20"),
        )
        .await;
        let c = scalar(
            db,
            "SELECT id FROM review_cycles WHERE name = 'Q4 engineering'",
        )
        .await
        .to_string();
        ok(&app, "/api/advance_review_cycle", &hr, &[("cycle_id", &c)]).await;
        let participant = scalar(db, &format!("SELECT id FROM review_participants WHERE cycle_id = {c} AND person_id = {employee}")).await.to_string();
        let peers: Vec<i64> = sqlx::query_scalar(&format!(
            "SELECT id FROM employees WHERE manager_id = {manager_id} AND id <> {employee} AND status = 'active' ORDER BY id LIMIT 3"
        ))
        .fetch_all(&db.pool)
        .await
        .unwrap();
        assert_eq!(peers.len(), 3, "the demo employee has three teammates");
        let ids: Vec<String> = peers.iter().map(i64::to_string).collect();
        ok(
            &app,
            "/api/nominate_peers",
            &employee_cookie,
            &[
                ("participant_id", &participant),
                ("peers[0]", &ids[0]),
                ("peers[1]", &ids[1]),
                ("peers[2]", &ids[2]),
            ],
        )
        .await;
        Nominated {
            db,
            app,
            hr,
            manager,
            c,
            participant,
            peers,
        }
    }

    async fn decide(&self, cookie: &str, peer: i64, decision: &str) -> Reply {
        call(
            &self.app,
            "/api/decide_peer",
            Some(cookie),
            &[
                ("participant_id", &self.participant),
                ("peer", &peer.to_string()),
                ("decision", decision),
            ],
        )
        .await
    }

    async fn approve_all_and_open_writing(&self) {
        for peer in &self.peers {
            let reply = self.decide(&self.manager, *peer, "approve").await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        }
        ok(
            &self.app,
            "/api/advance_review_cycle",
            &self.hr,
            &[("cycle_id", &self.c)],
        )
        .await;
    }

    async fn assignment_of(&self, peer: i64) -> String {
        scalar(self.db, &format!("SELECT id FROM review_assignments WHERE participant_id = {} AND reviewer_id = {peer} AND kind = 'peer'", self.participant)).await.to_string()
    }

    /// `peer` submits their peer review; `keep` is their answer to q6 (empty: left blank).
    async fn submit(&self, peer: i64, rating: &str, keep: &str) {
        let cookie = login_person(&self.app, self.db, (peer - 1) as usize).await;
        let assignment = self.assignment_of(peer).await;
        let mut fields = vec![
            ("assignment_id", assignment.as_str()),
            ("intent", "submit"),
            ("answers[q2]", rating),
            ("answers[q3]", "Reliable under pressure."),
            ("answers[q5]", "3"),
        ];
        if !keep.is_empty() {
            fields.push(("answers[q6]", keep));
        }
        ok(&self.app, "/api/save_review", &cookie, &fields).await;
    }

    async fn peer_states(&self) -> Vec<(i64, String)> {
        sqlx::query_as(&format!(
            "SELECT reviewer_id, state FROM review_assignments WHERE participant_id = {} AND kind = 'peer' ORDER BY reviewer_id",
            self.participant
        ))
        .fetch_all(&self.db.pool)
        .await
        .unwrap()
    }
}

#[tokio::test]
async fn the_peer_set_is_frozen_when_writing_opens_and_only_hr_changes_it_after() {
    for db in TestDb::all().await {
        let n = Nominated::open(&db, false).await;
        n.approve_all_and_open_writing().await;
        let before = n.peer_states().await;
        // The manager can no longer decline or add a peer.
        let outsider = scalar(
            &db,
            &format!(
                "SELECT MIN(id) FROM employees WHERE status = 'active' AND id NOT IN
                (SELECT reviewer_id FROM review_assignments WHERE participant_id = {p})
             AND id NOT IN (SELECT person_id FROM review_participants WHERE id = {p})
             AND id NOT IN (SELECT manager_id FROM review_participants WHERE id = {p})",
                p = n.participant
            ),
        )
        .await;
        for (peer, decision) in [(n.peers[0], "decline"), (outsider, "approve")] {
            let reply = n.decide(&n.manager, peer, decision).await;
            assert_eq!(
                reply.status,
                StatusCode::CONFLICT,
                "{decision} after writing opened, on {:?}: {}",
                db.backend,
                reply.body
            );
            assert!(
                reply.body.contains("fixed when writing opened"),
                "{}",
                reply.body
            );
        }
        assert_eq!(n.peer_states().await, before, "nothing changed");

        // HR may, but not below the cycle's minimum of three.
        let below = n.decide(&n.hr, n.peers[0], "decline").await;
        assert_eq!(
            below.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            below.body
        );
        assert_eq!(invalid_field(&below), "peer");
        assert!(below.body.contains("minimum of 3"), "{}", below.body);
        assert_eq!(
            n.peer_states().await,
            before,
            "the refused decline changed nothing"
        );

        // HR adds a fourth (who hears they have a review to write), then declines one.
        let notes = format!("SELECT COUNT(*) FROM notifications WHERE person_id = {outsider} AND title LIKE '%Q4 engineering%'");
        let heard = scalar(&db, &notes).await;
        assert_eq!(
            n.decide(&n.hr, outsider, "approve").await.status,
            StatusCode::OK
        );
        assert_eq!(scalar(&db, &notes).await, heard + 1);
        assert_eq!(
            n.decide(&n.hr, n.peers[0], "decline").await.status,
            StatusCode::OK
        );
        let audited = scalar(
            &db,
            &format!(
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'review_participant' AND entity_id = {}
             AND action IN ('review.peer_approved', 'review.peer_declined')
             AND after_json LIKE '%\"after_writing_opened\":true%'",
            n.participant
        ),
        )
        .await;
        assert_eq!(
            audited, 2,
            "both changes are audited as made after writing opened"
        );
        assert_tallies_match(&db).await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_peer_decision_answers_the_same_whether_or_not_the_peer_has_started() {
    for db in TestDb::all().await {
        let n = Nominated::open(&db, false).await;
        for peer in &n.peers {
            assert_eq!(
                n.decide(&n.manager, *peer, "approve").await.status,
                StatusCode::OK
            );
        }
        // One approved peer starts a draft while nomination is still open; another does not.
        let (started, idle) = (n.peers[0], n.peers[1]);
        let cookie = login_person(&n.app, &db, (started - 1) as usize).await;
        let assignment = n.assignment_of(started).await;
        ok(
            &n.app,
            "/api/save_review",
            &cookie,
            &[
                ("assignment_id", &assignment),
                ("intent", "save"),
                ("answers[q3]", "A draft in progress."),
            ],
        )
        .await;
        // Approving again, declining, approving again: the same replies for both.
        for decision in ["approve", "decline", "approve"] {
            let replies = [
                n.decide(&n.manager, started, decision).await,
                n.decide(&n.manager, idle, decision).await,
            ];
            for reply in &replies {
                assert_eq!(
                    reply.status,
                    StatusCode::OK,
                    "{decision} on {:?}: {}",
                    db.backend,
                    reply.body
                );
            }
            assert_eq!(replies[0].body, replies[1].body, "{decision}");
        }
        // Declining kept the draft: approved again, it is there.
        let states = n.peer_states().await;
        assert!(
            states.contains(&(started, "draft".to_string())),
            "{states:?}"
        );
        assert!(
            states.contains(&(idle, "pending".to_string())),
            "{states:?}"
        );
        assert_eq!(
            scalar(&db, &format!("SELECT COUNT(*) FROM review_assignments WHERE id = {assignment} AND answers LIKE '%A draft in progress.%'")).await,
            1
        );
        assert_tallies_match(&db).await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn nobody_but_hr_sees_how_many_anonymous_reviews_have_arrived() {
    for db in TestDb::all().await {
        let n = Nominated::open(&db, false).await;
        n.approve_all_and_open_writing().await;
        n.submit(n.peers[0], "1", "Keep mentoring.").await;
        n.submit(n.peers[1], "2", "Keep mentoring.").await;
        let view = ok(
            &n.app,
            "/api/get_review_result",
            &n.manager,
            &[("participant_id", &n.participant)],
        )
        .await
        .to_string();
        assert!(view.contains("Withheld"), "{view}");
        assert!(
            !view.contains("\"reviewers\"") && !view.contains("2 peer") && !view.contains("so far"),
            "the manager learns nothing of how many peers have submitted on {:?}: {view}",
            db.backend
        );
        // HR's company-wide progress still counts them.
        let cycle = ok(
            &n.app,
            "/api/get_review_cycle",
            &n.hr,
            &[("cycle_id", &n.c)],
        )
        .await;
        let peer = cycle["totals"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["kind"] == "Peer")
            .cloned()
            .unwrap_or_default();
        assert_eq!(peer["submitted"], 2, "{cycle}");
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_question_is_shown_only_from_the_threshold_of_non_empty_answers() {
    for db in TestDb::all().await {
        let n = Nominated::open(&db, true).await;
        n.approve_all_and_open_writing().await;
        // Two peers leave the optional question blank, so the third's answer would be theirs
        // alone for all to read.
        n.submit(n.peers[0], "1", "").await;
        n.submit(n.peers[1], "2", "").await;
        n.submit(n.peers[2], "3", "Keep the weekly demos (only me).")
            .await;
        ok(
            &n.app,
            "/api/advance_review_cycle",
            &n.hr,
            &[("cycle_id", &n.c)],
        )
        .await;
        for (who, cookie) in [("manager", &n.manager), ("HR", &n.hr)] {
            let view = ok(
                &n.app,
                "/api/get_review_result",
                cookie,
                &[("participant_id", &n.participant)],
            )
            .await;
            let text = view.to_string();
            assert!(
                !text.contains("only me"),
                "{who} reads a lone anonymous answer on {:?}: {text}",
                db.backend
            );
            assert!(text.contains("TooFewAnswers"), "{text}");
            // The questions all three answered are shown.
            assert!(text.contains("Reliable under pressure."), "{text}");
            assert!(text.contains("\"reviewers\":3"), "{text}");
        }
        db.cleanup().await;
    }
}

#[tokio::test]
async fn submitted_anonymous_answers_are_stored_with_nothing_that_leads_to_their_author() {
    for db in TestDb::all().await {
        let n = Nominated::open(&db, false).await;
        n.approve_all_and_open_writing().await;
        let author = n.peers[0];
        n.submit(author, "2", "A sentence only this author wrote.")
            .await;
        let assignment = n.assignment_of(author).await;
        // Completion stays on the assignment; its answers do not.
        assert_eq!(
            scalar(&db, &format!("SELECT COUNT(*) FROM review_assignments WHERE id = {assignment} AND state = 'submitted' AND answers = '{{}}'")).await,
            1,
            "on {:?}",
            db.backend
        );
        let stored = "SELECT COUNT(*) FROM review_anonymous_answers WHERE answer = 'A sentence only this author wrote.'";
        assert_eq!(scalar(&db, stored).await, 1);
        assert_eq!(
            scalar(&db, "SELECT COUNT(*) FROM audit_log WHERE after_json LIKE '%only this author%' OR before_json LIKE '%only this author%'").await,
            0,
            "the audit trail does not hold the answer"
        );
        // The table has no column that could name the reviewer, the assignment or a time.
        let columns: Vec<String> = if db.backend == Backend::Sqlite {
            sqlx::query_scalar("SELECT name FROM pragma_table_info('review_anonymous_answers') ORDER BY cid")
        } else {
            sqlx::query_scalar("SELECT column_name::text FROM information_schema.columns WHERE table_name = 'review_anonymous_answers' ORDER BY ordinal_position")
        }
        .fetch_all(&db.pool)
        .await
        .unwrap();
        assert_eq!(
            columns,
            ["id", "participant_id", "kind", "question_key", "answer"],
            "on {:?}",
            db.backend
        );
        if db.backend == Backend::Postgres {
            // Written in the submitting transaction, the answers share its transaction id with
            // the assignment until writing closes; closing writing re-deals them.
            let linked = format!("SELECT COUNT(*) FROM review_anonymous_answers x JOIN review_assignments a ON a.xmin::text = x.xmin::text WHERE a.id = {assignment}");
            assert!(
                scalar(&db, &linked).await > 0,
                "the link this test exists to see"
            );
            ok(
                &n.app,
                "/api/advance_review_cycle",
                &n.hr,
                &[("cycle_id", &n.c)],
            )
            .await;
            assert_eq!(
                scalar(&db, &linked).await,
                0,
                "closing writing re-deals the answers"
            );
            assert_eq!(scalar(&db, stored).await, 1, "and keeps every one");
        }
        db.cleanup().await;
    }
}

#[tokio::test]
async fn the_anonymity_threshold_defaults_to_5_with_3_as_the_floor_for_small_teams() {
    for db in TestDb::all().await {
        let app = db.app(true);
        let hr = login_as(&app, "hr").await;
        let template = build_template(&app, &db, &hr).await.to_string();
        let cycles = "SELECT COUNT(*) FROM review_cycles";
        let before = scalar(&db, cycles).await;
        for (threshold, peer_min, field) in [
            ("", "3", "cycle[peer_min]"),
            ("2", "3", "cycle[anonymity_threshold]"),
            ("21", "8", "cycle[anonymity_threshold]"),
        ] {
            let fields = threshold_form(&template, threshold, peer_min, "Refused");
            let reply = call(&app, "/api/create_review_cycle", Some(&hr), &fields).await;
            assert_eq!(
                reply.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{}",
                reply.body
            );
            assert_eq!(invalid_field(&reply), field, "{}", reply.body);
        }
        assert_eq!(scalar(&db, cycles).await, before, "nothing was written");
        let fields = threshold_form(&template, "", "5", "Default threshold");
        ok(&app, "/api/create_review_cycle", &hr, &fields).await;
        assert_eq!(
            scalar(
                &db,
                "SELECT anonymity_threshold FROM review_cycles WHERE name = 'Default threshold'"
            )
            .await,
            5,
            "on {:?}",
            db.backend
        );
        db.cleanup().await;
    }
}

/// The shared cycle form with its own threshold and fewest peers (and at most 8 peers).
fn threshold_form<'a>(
    template: &'a str,
    threshold: &'a str,
    peer_min: &'a str,
    name: &'a str,
) -> Vec<(&'a str, &'a str)> {
    let mut fields: Vec<(&str, &str)> = cycle_fields(name, template, "1", "2099-01-20")
        .into_iter()
        .filter(|(k, _)| {
            ![
                "cycle[anonymity_threshold]",
                "cycle[peer_min]",
                "cycle[peer_max]",
            ]
            .contains(k)
        })
        .collect();
    fields.push(("cycle[anonymity_threshold]", threshold));
    fields.push(("cycle[peer_min]", peer_min));
    fields.push(("cycle[peer_max]", "8"));
    fields
}
