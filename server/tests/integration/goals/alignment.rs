//! Issue 11, item 3: a goal aligns only within its owner's own line, with a weight from 1 to
//! 100; an individual goal counts towards its parent once its goals are approved; and the parent
//! shows and audits who aligned what. On the old code anyone could hang a goal of weight 1000
//! under any rolled-up goal (company objectives included) and move it, unseen.

use super::{
    check_in_goal_fields, department_goal, goal_fields, goal_id_by_title, step, NEXT_QUARTER,
};
use crate::common::*;
use axum::http::StatusCode;

/// A department goal of the next quarter outside `person`'s department and the ones above it.
async fn department_goal_outside_the_line_of(db: &TestDb, person: i64) -> i64 {
    let mut line: Vec<i64> =
        vec![
            sqlx::query_scalar("SELECT department_id FROM employees WHERE id = $1")
                .bind(person)
                .fetch_one(&db.pool)
                .await
                .unwrap(),
        ];
    while let Some(above) =
        sqlx::query_scalar::<_, Option<i64>>("SELECT parent_id FROM departments WHERE id = $1")
            .bind(*line.last().unwrap())
            .fetch_one(&db.pool)
            .await
            .unwrap()
    {
        line.push(above);
    }
    let list = line
        .iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join(",");
    sqlx::query_scalar(&format!(
        "SELECT MIN(id) FROM goals WHERE level = 'department' AND period_id = 3
           AND visibility = 'public' AND department_id NOT IN ({list})"
    ))
    .fetch_one(&db.pool)
    .await
    .expect("another department has a goal next quarter")
}

#[tokio::test]
async fn a_goal_aligns_only_within_its_owners_line_with_a_weight_from_1_to_100() {
    for db in TestDb::all().await {
        let app = db.app(true);
        let employee = login_as(&app, "employee").await;
        let peer = login_as(&app, "peer").await;
        let me = db.id_of(db.org.accounts.employee);
        let outside = department_goal_outside_the_line_of(&db, me)
            .await
            .to_string();
        let teammates = call(
            &app,
            "/api/create_goal",
            Some(&peer),
            &goal_fields("The peer's own goal", "", "public"),
        )
        .await;
        assert_eq!(teammates.status, StatusCode::OK, "{}", teammates.body);
        let teammates = goal_id_by_title(&db, "The peer's own goal")
            .await
            .to_string();

        let goals_before = db.count("SELECT COUNT(*) FROM goals").await;
        let audit_before = db.count("SELECT COUNT(*) FROM audit_log").await;
        for (parent, whose) in [
            (&outside, "another department's"),
            (&teammates, "a teammate's"),
        ] {
            let refused = call(
                &app,
                "/api/create_goal",
                Some(&employee),
                &goal_fields("Moves someone else's goal", parent, "private"),
            )
            .await;
            assert_eq!(
                (refused.status, invalid_field(&refused).as_str()),
                (StatusCode::UNPROCESSABLE_ENTITY, "parent_id"),
                "{:?}: aligned under {whose} goal: {}",
                db.backend,
                refused.body
            );
        }
        let in_line = department_goal(&app, &employee).await;
        let mut heavy = goal_fields("Outweighs everyone", &in_line, "private");
        for field in heavy.iter_mut().filter(|(name, _)| *name == "goal[weight]") {
            field.1 = "1000";
        }
        let refused = call(&app, "/api/create_goal", Some(&employee), &heavy).await;
        assert_eq!(
            (refused.status, invalid_field(&refused).as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, "weight"),
            "{}",
            refused.body
        );
        assert_eq!(db.count("SELECT COUNT(*) FROM goals").await, goals_before);
        assert_eq!(
            db.count("SELECT COUNT(*) FROM audit_log").await,
            audit_before
        );

        // The form offers only goals in the person's line.
        let options = call(
            &app,
            "/api/get_goal_form_options",
            Some(&employee),
            &[("period_id", NEXT_QUARTER)],
        )
        .await;
        let offered: Vec<String> = options.json()["parents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_i64().unwrap().to_string())
            .collect();
        assert!(offered.contains(&in_line), "{offered:?}");
        assert!(!offered.contains(&outside) && !offered.contains(&teammates));

        // In the line it is aligned, and the parent shows and audits who did it.
        let created = call(
            &app,
            "/api/create_goal",
            Some(&employee),
            &goal_fields("Within my department", &in_line, "public"),
        )
        .await;
        assert_eq!(created.status, StatusCode::OK, "{}", created.body);
        let goal = goal_id_by_title(&db, "Within my department").await;
        let audited = db
            .count(&format!(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'goal.aligned'
                   AND entity_id = {in_line} AND actor_id = {me}"
            ))
            .await;
        assert_eq!(audited, 1, "{:?}", db.backend);
        let parent = call(&app, "/api/get_goal", Some(&employee), &[("id", &in_line)]).await;
        let alignment = parent.json()["alignments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["goal_id"] == goal)
            .cloned()
            .unwrap_or_else(|| panic!("no alignment shown for {goal}: {}", parent.body));
        assert_eq!(
            alignment["by"],
            db.org.people[db.org.accounts.employee].name
        );
        assert_eq!(alignment["uncounted"], "NotAgreed");
        db.cleanup().await;
    }
}

#[tokio::test]
async fn an_individual_goal_counts_towards_its_parent_once_its_goals_are_approved() {
    for db in TestDb::all().await {
        let app = db.app(true);
        let employee = login_as(&app, "employee").await;
        let manager = login_as(&app, "manager").await;
        let owner = db.id_of(db.org.accounts.employee).to_string();
        let manager_id = db.id_of(db.org.accounts.manager);
        let reports_to: Option<i64> =
            sqlx::query_scalar("SELECT manager_id FROM employees WHERE id = $1")
                .bind(db.id_of(db.org.accounts.employee))
                .fetch_one(&db.pool)
                .await
                .unwrap();
        assert_eq!(
            reports_to,
            Some(manager_id),
            "the demo employee reports to the manager"
        );

        // The manager's team goal rolls up from the goals aligned to it.
        let team = call(
            &app,
            "/api/create_goal",
            Some(&manager),
            &[
                ("goal[title]", "Team: happy customers"),
                ("goal[description]", ""),
                ("goal[level]", "team"),
                ("goal[period_id]", NEXT_QUARTER),
                ("goal[visibility]", "public"),
                ("goal[weight]", "1"),
                ("goal[progress_mode]", "rolled_up"),
                ("goal[parent_id]", ""),
            ],
        )
        .await;
        assert_eq!(team.status, StatusCode::OK, "{}", team.body);
        let team = goal_id_by_title(&db, "Team: happy customers")
            .await
            .to_string();
        let created = call(
            &app,
            "/api/create_goal",
            Some(&employee),
            &goal_fields("Onboard forty customers", &team, "public"),
        )
        .await;
        assert_eq!(created.status, StatusCode::OK, "{}", created.body);
        let goal = goal_id_by_title(&db, "Onboard forty customers").await;
        let progress_of = |id: String| {
            let (app, employee) = (&app, &employee);
            async move {
                call(app, "/api/get_goal", Some(employee), &[("id", &id)])
                    .await
                    .json()["goal"]["progress"]
                    .as_f64()
                    .unwrap()
            }
        };
        for (cookie, action) in [(&employee, "submit"), (&manager, "approve")] {
            let moved = call(
                &app,
                "/api/move_goal_plan",
                Some(cookie),
                &step(&owner, action, ""),
            )
            .await;
            assert_eq!(moved.status, StatusCode::OK, "{action}: {}", moved.body);
        }
        let checked_in = check_in_goal_fields(&app, &db, &employee, goal, "40", "done").await;
        assert_eq!(checked_in.status, StatusCode::OK, "{}", checked_in.body);
        assert_eq!(progress_of(team.clone()).await, 100.0, "{:?}", db.backend);

        // Reopened for a change, it is no longer agreed: it stops counting until approved again.
        let reopened = call(
            &app,
            "/api/move_goal_plan",
            Some(&employee),
            &step(&owner, "reopen", "The scope changed."),
        )
        .await;
        assert_eq!(reopened.status, StatusCode::OK, "{}", reopened.body);
        assert_eq!(
            progress_of(team.clone()).await,
            0.0,
            "{:?}: a goal nobody has agreed moved the team's goal",
            db.backend
        );
        let approved = call(
            &app,
            "/api/move_goal_plan",
            Some(&employee),
            &step(&owner, "submit", ""),
        )
        .await;
        assert_eq!(approved.status, StatusCode::OK, "{}", approved.body);
        let approved = call(
            &app,
            "/api/move_goal_plan",
            Some(&manager),
            &step(&owner, "approve", ""),
        )
        .await;
        assert_eq!(approved.status, StatusCode::OK, "{}", approved.body);
        assert_eq!(progress_of(team).await, 100.0);
        db.cleanup().await;
    }
}

/// Review finding: the form offered only goals in the line of the person signed in, so editing
/// a goal whose parent had left its owner's line (they moved department) fell back to "not
/// aligned", and saving any change unaligned it.
#[tokio::test]
async fn editing_a_goal_keeps_offering_its_parent_after_the_owner_moves() {
    for db in TestDb::all().await {
        let app = db.app(true);
        let employee = login_as(&app, "employee").await;
        let me = db.id_of(db.org.accounts.employee);
        let parent = department_goal(&app, &employee).await;
        let created = call(
            &app,
            "/api/create_goal",
            Some(&employee),
            &goal_fields("Aligned before the move", &parent, "public"),
        )
        .await;
        assert_eq!(created.status, StatusCode::OK, "{}", created.body);
        let goal = goal_id_by_title(&db, "Aligned before the move")
            .await
            .to_string();
        let elsewhere = department_goal_outside_the_line_of(&db, me).await;
        sqlx::query(
            "UPDATE employees SET department_id =
               (SELECT department_id FROM goals WHERE id = $1) WHERE id = $2",
        )
        .bind(elsewhere)
        .bind(me)
        .execute(&db.pool)
        .await
        .unwrap();
        let options = call(
            &app,
            "/api/get_goal_form_options",
            Some(&employee),
            &[("period_id", NEXT_QUARTER), ("goal_id", &goal)],
        )
        .await;
        assert_eq!(options.status, StatusCode::OK, "{}", options.body);
        let offered: Vec<String> = options.json()["parents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_i64().unwrap().to_string())
            .collect();
        assert!(
            offered.contains(&parent),
            "{:?}: the current parent {parent} is not offered: {offered:?}",
            db.backend
        );
        db.cleanup().await;
    }
}

/// Work a migration asks for (`pending_work`) is done once the schema is up to date, in the
/// transaction that removes the request; until it has been, every start tries again.
#[tokio::test]
async fn a_roll_up_recompute_a_migration_asks_for_runs_until_it_has_run() {
    for db in TestDb::all().await {
        let parent = db
            .count("SELECT MIN(p.id) FROM goals p JOIN goals c ON c.parent_id = p.id WHERE p.progress_mode = 'rolled_up'")
            .await;
        let progress = |db: &TestDb| {
            let sql = format!(
                "SELECT CAST(ROUND(progress * 1000) AS BIGINT) FROM goals WHERE id = {parent}"
            );
            let pool = db.pool.clone();
            async move {
                sqlx::query_scalar::<_, i64>(&sql)
                    .fetch_one(&pool)
                    .await
                    .unwrap()
            }
        };
        let request =
            "INSERT INTO pending_work (name, requested_at) VALUES ('recompute_goal_rollups', 0)";
        sqlx::query(request).execute(&db.pool).await.unwrap();
        app::store::migrate(&db.pool, db.backend)
            .await
            .expect("migrates");
        let right = progress(&db).await;
        // A roll-up gone wrong (as migration 0007's weight clamp left some) and the request a
        // migration writes to redo them.
        sqlx::query(&format!(
            "UPDATE goals SET progress = 12.345 WHERE id = {parent}"
        ))
        .execute(&db.pool)
        .await
        .unwrap();
        app::store::migrate(&db.pool, db.backend)
            .await
            .expect("migrates");
        assert_eq!(
            progress(&db).await,
            12_345,
            "nothing asked for: nothing redone"
        );
        sqlx::query(request).execute(&db.pool).await.unwrap();
        app::store::migrate(&db.pool, db.backend)
            .await
            .expect("migrates");
        assert_eq!(progress(&db).await, right, "recomputed on {:?}", db.backend);
        assert_eq!(
            db.count("SELECT COUNT(*) FROM pending_work").await,
            0,
            "and done once"
        );
        db.cleanup().await;
    }
}
