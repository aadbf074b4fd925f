//! Checks that must still hold when the write lands, not only when the request was read (issue
//! 11, finding 5: "several checks run outside the transaction that acts on them"). Each test
//! reads what a server function reads, lets someone else act first, then writes through the
//! store with what it read, as the request that lost the race would. The store reads the state
//! again in its transaction (locked on PostgreSQL) and refuses; nothing is written.

use crate::common::*;
use app::error::AppError;
use app::store;
use axum::http::StatusCode;
use keel_core::goals::{GoalForm, GoalInput, GoalStatus, KeyResultForm};
use keel_core::reviews::CycleState;

fn conflict<T: std::fmt::Debug>(result: Result<T, AppError>, what: &str) -> String {
    match result {
        Err(AppError::Conflict(message)) => message,
        other => panic!("{what}: expected a conflict, got {other:?}"),
    }
}

#[tokio::test]
async fn a_goal_write_that_lost_the_race_to_a_submission_is_refused() {
    for db in TestDb::all().await {
        let app = db.app(true);
        let employee = login_as(&app, "employee").await;
        let owner = db.id_of(db.org.accounts.employee);
        let reply = call(
            &app,
            "/api/create_goal",
            Some(&employee),
            &load_goal("Race me"),
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let goal = db
            .count("SELECT id FROM goals WHERE title = 'Race me'")
            .await;
        // The edit was read while the session was a draft: the form is valid and unlocked.
        let form = GoalForm {
            title: "Raced in after submitting".into(),
            description: "Written after the manager was asked to approve".into(),
            level: "individual".into(),
            period_id: "3".into(),
            visibility: "public".into(),
            weight: "1".into(),
            progress_mode: "manual".into(),
            ..Default::default()
        };
        let milestone = KeyResultForm {
            title: "Done".into(),
            kind: "milestone".into(),
            weight: "1".into(),
            ..Default::default()
        };
        let input = GoalInput::parse(&form, &[milestone]).expect("a valid goal");
        // Meanwhile the owner submits the goals for approval.
        let submitted = call(
            &app,
            "/api/move_goal_plan",
            Some(&employee),
            &[
                ("owner_id", &owner.to_string()),
                ("period_id", "3"),
                ("step", "submit"),
                ("comment", ""),
            ],
        )
        .await;
        assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.body);
        let goals = "SELECT COUNT(*) FROM goals WHERE owner_id = ".to_string() + &owner.to_string();
        let before = db.count(&goals).await;
        let message = conflict(
            store::goals::update(&db.pool, goal, &input, owner).await,
            "an edit after submitting",
        );
        assert!(message.contains("with the manager"), "{message}");
        conflict(
            store::goals::set_status(&db.pool, goal, GoalStatus::Cancelled, owner).await,
            "a cancellation after submitting",
        );
        let new = store::goals::NewGoal {
            input: &input,
            owner,
            department_id: None,
        };
        conflict(
            store::goals::create(&db.pool, new, owner).await,
            "a new goal after submitting",
        );
        assert_eq!(
            db.count(&goals).await,
            before,
            "no goal was added on {:?}",
            db.backend
        );
        assert_eq!(
            db.count(&format!("SELECT COUNT(*) FROM goals WHERE id = {goal} AND title = 'Race me' AND status = 'active'")).await,
            1,
            "the submitted goal is as it was submitted on {:?}",
            db.backend
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_review_write_that_lost_the_race_to_a_phase_change_is_refused() {
    for db in TestDb::all().await {
        let app = db.app(true);
        let hr = login_as(&app, "hr").await;
        let hr_id = db.id_of(db.org.accounts.hr_admin);
        // The demo's open cycle is in writing: a reviewer's request reads an unsubmitted
        // manager review and the cycle while it is.
        let cycle_id = db
            .count("SELECT id FROM review_cycles WHERE state = 'writing'")
            .await;
        let assignment_id = db
            .count(&format!("SELECT MIN(id) FROM review_assignments WHERE cycle_id = {cycle_id} AND kind = 'manager' AND state IN ('pending', 'draft')"))
            .await;
        let assignment = store::reviews::assignment(&db.pool, assignment_id)
            .await
            .unwrap()
            .expect("an open review");
        let cycle = store::reviews::cycle(&db.pool, cycle_id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(cycle.state, CycleState::Writing);
        // HR closes writing first.
        let c = cycle_id.to_string();
        let advanced = call(
            &app,
            "/api/advance_review_cycle",
            Some(&hr),
            &[("cycle_id", &c)],
        )
        .await;
        assert_eq!(advanced.status, StatusCode::OK, "{}", advanced.body);
        let answers = [("q1".to_string(), "3".to_string())].into_iter().collect();
        let message = conflict(
            store::reviews::save_answers(&db.pool, &assignment, &cycle, &answers, true, Some(3.0))
                .await,
            "a submission after writing closed",
        );
        assert!(message.contains("closed"), "{message}");
        assert_eq!(
            db.count(&format!("SELECT COUNT(*) FROM review_assignments WHERE id = {assignment_id} AND state IN ('pending', 'draft')")).await,
            1,
            "the review stayed unsubmitted on {:?}",
            db.backend
        );

        // A calibrator's request reads an unreleased reviewee; HR releases their division first
        // (the cycle stays in calibration: only the released state refuses the change).
        let participant_id = assignment.participant_id;
        let participant = store::reviews::participant(&db.pool, participant_id)
            .await
            .unwrap()
            .unwrap();
        assert!(participant.released_at.is_none());
        let division = participant.top_department_id.to_string();
        let released = call(
            &app,
            "/api/release_review_results",
            Some(&hr),
            &[("cycle_id", &c), ("department_id", &division)],
        )
        .await;
        assert_eq!(released.status, StatusCode::OK, "{}", released.body);
        let changes =
            format!("SELECT COUNT(*) FROM rating_changes WHERE participant_id = {participant_id}");
        let before = db.count(&changes).await;
        conflict(
            store::reviews::set_final_rating(
                &db.pool,
                &participant,
                3,
                "Raised after the results went out",
                hr_id,
            )
            .await,
            "a rating change after release",
        );
        assert_eq!(
            store::reviews::cycle(&db.pool, cycle_id)
                .await
                .unwrap()
                .unwrap()
                .state,
            CycleState::Calibration,
            "still calibrating: the released state alone refused it"
        );
        assert_eq!(
            db.count(&changes).await,
            before,
            "no change was recorded on {:?}",
            db.backend
        );
        db.cleanup().await;
    }
}
