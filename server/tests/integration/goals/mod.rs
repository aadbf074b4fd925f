//! Goals through the server functions, on every backend the environment offers: the
//! goal-setting session from draft to approval, check-ins and roll-up, bad input refused at the
//! field with nothing written, and private goals invisible to everyone outside the owner's
//! reporting line and HR.

mod alignment;
mod history;

use crate::common::*;
use app::store::audit;
use axum::http::StatusCode;

/// The demo seed's periods: 1 the previous quarter, 2 the current one, 3 the next (no
/// individual goals yet), 4 the year.
const NEXT_QUARTER: &str = "3";

fn goal_fields<'a>(
    title: &'a str,
    parent: &'a str,
    visibility: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("goal[title]", title),
        ("goal[description]", "Why it matters"),
        ("goal[level]", "individual"),
        ("goal[period_id]", NEXT_QUARTER),
        ("goal[visibility]", visibility),
        ("goal[weight]", "2"),
        ("goal[progress_mode]", "manual"),
        ("goal[parent_id]", parent),
        ("key_results[0][title]", "Customers onboarded"),
        ("key_results[0][kind]", "number"),
        ("key_results[0][start]", "0"),
        ("key_results[0][target]", "40"),
        ("key_results[0][weight]", "1"),
        ("key_results[1][title]", "Guide published"),
        ("key_results[1][kind]", "milestone"),
        ("key_results[1][weight]", "1"),
    ]
}

/// A department goal of the next quarter that `cookie`'s owner may align to.
async fn department_goal(app: &axum::Router, cookie: &str) -> String {
    let data = call(
        app,
        "/api/get_goal_form_options",
        Some(cookie),
        &[("period_id", NEXT_QUARTER)],
    )
    .await;
    assert_eq!(data.status, StatusCode::OK, "{}", data.body);
    data.json()["parents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["level"] == "Department")
        .map(|p| p["id"].as_i64().unwrap().to_string())
        .expect("the next quarter has department goals to align to")
}

async fn goal_id_by_title(db: &TestDb, title: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM goals WHERE title = $1")
        .bind(title)
        .fetch_one(&db.pool)
        .await
        .expect("the goal is stored")
}

async fn plan_state(db: &TestDb, owner: i64) -> String {
    sqlx::query_scalar("SELECT state FROM goal_plans WHERE owner_id = $1 AND period_id = 3")
        .bind(owner)
        .fetch_one(&db.pool)
        .await
        .expect("a goal-setting session exists")
}

/// Checks in on a goal made from `goal_fields`: customers onboarded, and the guide "done" or
/// "not_done".
async fn check_in_goal_fields(
    app: &axum::Router,
    db: &TestDb,
    cookie: &str,
    goal: i64,
    customers: &str,
    guide: &str,
) -> Reply {
    let krs: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM key_results WHERE goal_id = $1 ORDER BY position")
            .bind(goal)
            .fetch_all(&db.pool)
            .await
            .unwrap();
    call(
        app,
        "/api/check_in_goal",
        Some(cookie),
        &[
            ("goal_id", &goal.to_string()),
            ("values[0][key_result_id]", &krs[0].to_string()),
            ("values[0][value]", customers),
            ("values[1][key_result_id]", &krs[1].to_string()),
            ("values[1][value]", guide),
            ("confidence", "on_track"),
            ("comment", ""),
        ],
    )
    .await
}

fn step<'a>(owner: &'a str, step: &'a str, comment: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("owner_id", owner),
        ("period_id", NEXT_QUARTER),
        ("step", step),
        ("comment", comment),
    ]
}

#[tokio::test]
async fn a_goal_goes_from_draft_to_approved_then_takes_check_ins_and_rolls_up() {
    for db in TestDb::all().await {
        let app = db.app(true);
        let employee = login_as(&app, "employee").await;
        let manager = login_as(&app, "manager").await;
        let peer = login_as(&app, "peer").await;
        let owner = db.id_of(db.org.accounts.employee);
        let owner_text = owner.to_string();
        let parent = department_goal(&app, &employee).await;

        let created = call(
            &app,
            "/api/create_goal",
            Some(&employee),
            &goal_fields("Onboard forty customers", &parent, "public"),
        )
        .await;
        assert_eq!(
            created.status,
            StatusCode::OK,
            "{:?}: {}",
            db.backend,
            created.body
        );
        let id = goal_id_by_title(&db, "Onboard forty customers").await;
        assert_eq!(
            created.headers.get("location").unwrap(),
            &format!("/goals/{id}")
        );
        assert_eq!(plan_state(&db, owner).await, "draft");
        assert_eq!(
            db.count(&format!(
                "SELECT COUNT(*) FROM key_results WHERE goal_id = {id}"
            ))
            .await,
            2
        );

        // Submitted goals are with the manager: the owner cannot change them, a peer cannot decide.
        let submitted = call(
            &app,
            "/api/move_goal_plan",
            Some(&employee),
            &step(&owner_text, "submit", ""),
        )
        .await;
        assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.body);
        let mut edit = goal_fields("Onboard forty-five customers", &parent, "public");
        let id_text = id.to_string();
        edit.push(("id", &id_text));
        let locked = call(&app, "/api/update_goal", Some(&employee), &edit).await;
        assert_eq!(locked.status, StatusCode::CONFLICT, "{}", locked.body);
        let by_peer = call(
            &app,
            "/api/move_goal_plan",
            Some(&peer),
            &step(&owner_text, "approve", ""),
        )
        .await;
        assert_eq!(by_peer.status, StatusCode::FORBIDDEN);

        // The manager asks for a change (a reason is required), the employee edits and resubmits.
        let no_reason = call(
            &app,
            "/api/move_goal_plan",
            Some(&manager),
            &step(&owner_text, "request_changes", " "),
        )
        .await;
        assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(no_reason.json()["Invalid"][0]["field"], "comment");
        let changes = call(
            &app,
            "/api/move_goal_plan",
            Some(&manager),
            &step(&owner_text, "request_changes", "Make it 45."),
        )
        .await;
        assert_eq!(changes.status, StatusCode::OK, "{}", changes.body);
        assert_eq!(plan_state(&db, owner).await, "changes_requested");
        let edited = call(&app, "/api/update_goal", Some(&employee), &edit).await;
        assert_eq!(edited.status, StatusCode::OK, "{}", edited.body);
        let resubmitted = call(
            &app,
            "/api/move_goal_plan",
            Some(&employee),
            &step(&owner_text, "submit", ""),
        )
        .await;
        assert_eq!(resubmitted.status, StatusCode::OK);
        let approved = call(
            &app,
            "/api/move_goal_plan",
            Some(&manager),
            &step(&owner_text, "approve", "Good."),
        )
        .await;
        assert_eq!(approved.status, StatusCode::OK, "{}", approved.body);
        assert_eq!(plan_state(&db, owner).await, "approved");

        // The discussion is on the goal; every step is audited.
        let detail = call(&app, "/api/get_goal", Some(&employee), &[("id", &id_text)]).await;
        assert_eq!(detail.status, StatusCode::OK);
        let detail = detail.json();
        assert_eq!(detail["goal"]["title"], "Onboard forty-five customers");
        let comments: Vec<&str> = detail["comments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["body"].as_str().unwrap())
            .collect();
        assert_eq!(comments, ["Make it 45.", "Good."]);
        let actions: Vec<String> = audit::for_entity(&db.pool, "goal", id)
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.action)
            .collect();
        assert_eq!(actions, ["goal.created", "goal.updated"]);
        assert_eq!(
            db.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'goal_plan'")
                .await,
            4,
            "submit, request changes, resubmit, approve"
        );

        // Check-ins: a wrong kind of value is refused at its field and changes nothing.
        let krs: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, kind FROM key_results WHERE goal_id = $1 ORDER BY position")
                .bind(id)
                .fetch_all(&db.pool)
                .await
                .unwrap();
        let (number, milestone) = (krs[0].0.to_string(), krs[1].0.to_string());
        let wrong = call(
            &app,
            "/api/check_in_goal",
            Some(&employee),
            &[
                ("goal_id", &id_text),
                ("values[0][key_result_id]", &number),
                ("values[0][value]", "twenty"),
                ("values[1][key_result_id]", &milestone),
                ("values[1][value]", "12"),
                ("confidence", "on_track"),
                ("comment", ""),
            ],
        )
        .await;
        assert_eq!(
            wrong.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            wrong.body
        );
        let wrong_json = wrong.json();
        let fields: Vec<&str> = wrong_json["Invalid"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["values[0][value]", "values[1][value]"]);
        assert_eq!(db.count("SELECT COUNT(*) FROM check_ins WHERE goal_id IN (SELECT id FROM goals WHERE title LIKE 'Onboard%')").await, 0);

        let good = call(
            &app,
            "/api/check_in_goal",
            Some(&employee),
            &[
                ("goal_id", &id_text),
                ("values[0][key_result_id]", &number),
                ("values[0][value]", "20"),
                ("values[1][key_result_id]", &milestone),
                ("values[1][value]", "not_done"),
                ("confidence", "at_risk"),
                ("comment", "Halfway on customers."),
            ],
        )
        .await;
        assert_eq!(good.status, StatusCode::OK, "{}", good.body);
        // Two key results of equal weight: 50 % and 0 % -> 25 %.
        let progress: f64 = sqlx::query_scalar("SELECT progress FROM goals WHERE id = $1")
            .bind(id)
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert!((progress - 25.0).abs() < 1e-9, "{progress}");
        let detail = call(&app, "/api/get_goal", Some(&manager), &[("id", &id_text)])
            .await
            .json();
        assert_eq!(detail["check_ins"][0]["comment"], "Halfway on customers.");
        assert_eq!(
            detail["goal"]["health"], "Behind",
            "at-risk confidence caps health"
        );

        // The department goal it aligns to rolls up from its aligned goals, weighted.
        let children: Vec<(i64, f64)> = sqlx::query_as(
            "SELECT weight, progress FROM goals WHERE parent_id = $1 AND status <> 'cancelled'",
        )
        .bind(parent.parse::<i64>().unwrap())
        .fetch_all(&db.pool)
        .await
        .unwrap();
        let expected = keel_core::goals::weighted_progress(&children);
        let rolled: f64 = sqlx::query_scalar("SELECT progress FROM goals WHERE id = $1")
            .bind(parent.parse::<i64>().unwrap())
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert!(
            (rolled - expected).abs() < 1e-9 && rolled > 0.0,
            "{rolled} vs {expected}"
        );

        // Check-ins are append-only.
        assert!(sqlx::query("UPDATE check_ins SET progress = 100")
            .execute(&db.pool)
            .await
            .is_err());
        assert!(sqlx::query("DELETE FROM check_ins")
            .execute(&db.pool)
            .await
            .is_err());
        db.cleanup().await;
    }
}

/// Issue 11: a public parent's progress counted its private children, so anyone who could see
/// the parent could compute a hidden goal's progress (and learn that it exists). Now a peer's
/// view of the parent is the weighted mean of the aligned goals the peer can see.
#[tokio::test]
async fn a_private_goal_does_not_move_the_public_goal_it_aligns_to() {
    for db in TestDb::all().await {
        let app = db.app(true);
        let employee = login_as(&app, "employee").await;
        let manager = login_as(&app, "manager").await;
        let peer = login_as(&app, "peer").await;
        let owner = db.id_of(db.org.accounts.employee).to_string();
        let parent = department_goal(&app, &employee).await;
        for (title, visibility) in [("Visible work", "public"), ("Hidden work", "private")] {
            let created = call(
                &app,
                "/api/create_goal",
                Some(&employee),
                &goal_fields(title, &parent, visibility),
            )
            .await;
            assert_eq!(created.status, StatusCode::OK, "{}", created.body);
        }
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
        let check_in = |title: &'static str, customers: &'static str, guide: &'static str| {
            let (app, db, employee) = (&app, &db, &employee);
            async move {
                let id = goal_id_by_title(db, title).await;
                let reply = check_in_goal_fields(app, db, employee, id, customers, guide).await;
                assert_eq!(reply.status, StatusCode::OK, "{title}: {}", reply.body);
            }
        };
        let parent_as_peer = || async {
            call(&app, "/api/get_goal", Some(&peer), &[("id", &parent)])
                .await
                .json()["goal"]["progress"]
                .as_f64()
                .expect("the peer sees the parent's progress")
        };
        check_in("Visible work", "20", "not_done").await;
        let seen = parent_as_peer().await;
        let visible_to_peer: Vec<(i64, f64)> = sqlx::query_as(
            "SELECT weight, progress FROM goals
             WHERE parent_id = $1 AND status <> 'cancelled' AND visibility = 'public'",
        )
        .bind(parent.parse::<i64>().unwrap())
        .fetch_all(&db.pool)
        .await
        .unwrap();
        let expected = keel_core::goals::weighted_progress(&visible_to_peer);
        assert!(
            (seen - expected).abs() < 1e-9,
            "{:?}: the peer sees {seen}, the goals they can see give {expected}",
            db.backend
        );
        check_in("Hidden work", "40", "done").await;
        assert_eq!(
            parent_as_peer().await,
            seen,
            "the private goal's check-in moved its public parent"
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_private_goal_is_invisible_outside_the_owners_reporting_line_and_hr() {
    for db in TestDb::all().await {
        let app = db.app(true);
        let employee = login_as(&app, "employee").await;
        let peer = login_as(&app, "peer").await;
        let manager = login_as(&app, "manager").await;
        let hr = login_as(&app, "hr").await;
        let parent = department_goal(&app, &employee).await;
        let title = "Private plan to change teams";
        let created = call(
            &app,
            "/api/create_goal",
            Some(&employee),
            &goal_fields(title, &parent, "private"),
        )
        .await;
        assert_eq!(created.status, StatusCode::OK, "{}", created.body);
        let id = goal_id_by_title(&db, title).await.to_string();
        let owner = db.id_of(db.org.accounts.employee).to_string();

        for (who, cookie, sees) in [
            ("peer", &peer, false),
            ("manager", &manager, true),
            ("hr", &hr, true),
            ("owner", &employee, true),
        ] {
            let detail = call(&app, "/api/get_goal", Some(cookie), &[("id", &id)]).await;
            let expected = if sees {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
            };
            assert_eq!(
                detail.status, expected,
                "{:?} {who}: {}",
                db.backend, detail.body
            );
            // Not in the tree under its parent, not in search, not in the parent's counts.
            let tree = call(
                &app,
                "/api/get_goal_tree",
                Some(cookie),
                &[
                    ("period_id", NEXT_QUARTER),
                    ("open", &parent_chain(&db, &parent).await),
                    ("search", "private plan"),
                ],
            )
            .await;
            assert_eq!(tree.status, StatusCode::OK, "{}", tree.body);
            assert_eq!(tree.body.contains(title), sees, "{who} tree: {}", tree.body);
            let parent_detail = call(&app, "/api/get_goal", Some(cookie), &[("id", &parent)]).await;
            assert_eq!(
                parent_detail.body.contains(title),
                sees,
                "{who} parent page"
            );
            // Nor who aligned it there, or when.
            let aligned: Vec<String> = parent_detail.json()["alignments"]
                .as_array()
                .map(|list| list.iter().map(|a| a["goal_id"].to_string()).collect())
                .unwrap_or_default();
            assert!(
                sees || !aligned.contains(&id),
                "{who} sees the private goal's alignment: {aligned:?}"
            );
            let form = call(
                &app,
                "/api/get_goal_form_options",
                Some(cookie),
                &[("period_id", NEXT_QUARTER)],
            )
            .await;
            assert!(
                !form.body.contains(title) || sees,
                "{who} alignment options"
            );
        }
        let node_count = |body: &serde_json::Value| {
            body["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .find(|n| {
                    n["goal"]["id"].as_i64().map(|i| i.to_string()).as_deref()
                        == Some(parent.as_str())
                })
                .map(|n| n["child_count"].as_i64().unwrap())
        };
        let chain = parent_chain(&db, &parent).await;
        let closed: Vec<&str> = chain.split(',').filter(|i| *i != parent).collect();
        let closed = closed.join(",");
        let as_peer = call(
            &app,
            "/api/get_goal_tree",
            Some(&peer),
            &[
                ("period_id", NEXT_QUARTER),
                ("open", &closed),
                ("search", ""),
            ],
        )
        .await
        .json();
        let as_owner = call(
            &app,
            "/api/get_goal_tree",
            Some(&employee),
            &[
                ("period_id", NEXT_QUARTER),
                ("open", &closed),
                ("search", ""),
            ],
        )
        .await
        .json();
        assert_eq!(
            node_count(&as_owner),
            node_count(&as_peer).map(|n| n + 1),
            "the count under the parent hides it from the peer"
        );

        // Nor can the peer act on it, or see the owner's goal-setting session.
        let comment = call(
            &app,
            "/api/comment_on_goal",
            Some(&peer),
            &[("goal_id", &id), ("check_in_id", ""), ("body", "hi")],
        )
        .await;
        assert_eq!(comment.status, StatusCode::NOT_FOUND);
        let plan = call(
            &app,
            "/api/get_goal_plan",
            Some(&peer),
            &[("owner_id", &owner), ("period_id", NEXT_QUARTER)],
        )
        .await;
        assert_eq!(plan.status, StatusCode::FORBIDDEN);
        let align_under = goal_fields("Peer goal", &id, "public");
        let peer_goal = call(&app, "/api/create_goal", Some(&peer), &align_under).await;
        assert_eq!(peer_goal.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(peer_goal.json()["Invalid"][0]["field"], "parent_id");
        db.cleanup().await;
    }
}

/// The ids from the company objective down to `goal`, comma-separated (to open the tree).
async fn parent_chain(db: &TestDb, goal: &str) -> String {
    let mut ids = vec![goal.parse::<i64>().unwrap()];
    while let Some(parent) =
        sqlx::query_scalar::<_, Option<i64>>("SELECT parent_id FROM goals WHERE id = $1")
            .bind(*ids.last().unwrap())
            .fetch_one(&db.pool)
            .await
            .unwrap()
    {
        ids.push(parent);
    }
    ids.iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

#[tokio::test]
async fn bad_goal_input_is_refused_at_the_field_and_nothing_is_written() {
    for db in TestDb::all().await {
        let app = db.app(true);
        let employee = login_as(&app, "employee").await;
        let hr = login_as(&app, "hr").await;
        let parent = department_goal(&app, &employee).await;
        let goals_before = db.count("SELECT COUNT(*) FROM goals").await;
        let audit_before = db.count("SELECT COUNT(*) FROM audit_log").await;

        let mut fields = goal_fields(" ", &parent, "public");
        fields.retain(|(k, _)| !k.starts_with("key_results[0][target]") && *k != "goal[weight]");
        fields.push(("key_results[0][target]", "0"));
        fields.push(("goal[weight]", "-1"));
        let refused = call(&app, "/api/create_goal", Some(&employee), &fields).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            refused.body
        );
        let errors = refused.json();
        let message = |field: &str| {
            errors["Invalid"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["field"] == field)
                .map(|e| e["message"].as_str().unwrap().to_string())
        };
        assert_eq!(message("title").unwrap(), "Give the goal a title.");
        assert_eq!(message("weight").unwrap(), "Use a weight from 1 to 100.");
        assert_eq!(
            message("key_results[0][target]").unwrap(),
            "The target must differ from the start."
        );

        // An employee cannot set a company objective; nobody aligns a department goal under an individual one.
        let mut company = goal_fields("Company by employee", "", "public");
        company.retain(|(k, _)| *k != "goal[level]");
        company.push(("goal[level]", "company"));
        assert_eq!(
            call(&app, "/api/create_goal", Some(&employee), &company)
                .await
                .status,
            StatusCode::FORBIDDEN
        );

        let period = call(
            &app,
            "/api/create_goal_period",
            Some(&hr),
            &[
                ("name", "Backwards"),
                ("kind", "custom"),
                ("starts_on", "2027-03-31"),
                ("ends_on", "2027-01-01"),
            ],
        )
        .await;
        assert_eq!(period.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(period.json()["Invalid"][0]["field"], "ends_on");
        assert_eq!(db.count("SELECT COUNT(*) FROM goals").await, goals_before);
        assert_eq!(
            db.count("SELECT COUNT(*) FROM audit_log").await,
            audit_before
        );

        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_goal_cannot_align_under_its_own_descendant() {
    for db in TestDb::all().await {
        let app = db.app(true);
        let employee = login_as(&app, "employee").await;
        let parent = department_goal(&app, &employee).await;
        let first = call(
            &app,
            "/api/create_goal",
            Some(&employee),
            &goal_fields("Upper goal", &parent, "public"),
        )
        .await;
        assert_eq!(first.status, StatusCode::OK, "{}", first.body);
        let upper = goal_id_by_title(&db, "Upper goal").await.to_string();
        let second = call(
            &app,
            "/api/create_goal",
            Some(&employee),
            &goal_fields("Lower goal", &upper, "public"),
        )
        .await;
        assert_eq!(second.status, StatusCode::OK, "{}", second.body);
        let lower = goal_id_by_title(&db, "Lower goal").await.to_string();
        let mut loop_fields = goal_fields("Upper goal", &lower, "public");
        loop_fields.push(("id", &upper));
        let refused = call(&app, "/api/update_goal", Some(&employee), &loop_fields).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            refused.body
        );
        assert_eq!(refused.json()["Invalid"][0]["field"], "parent_id");
        assert_eq!(
            refused.json()["Invalid"][0]["message"],
            "That goal is aligned under this one, so this one cannot align under it."
        );
        let stored: Option<i64> = sqlx::query_scalar("SELECT parent_id FROM goals WHERE id = $1")
            .bind(upper.parse::<i64>().unwrap())
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert_eq!(stored, Some(parent.parse().unwrap()));
        db.cleanup().await;
    }
}

#[tokio::test]
async fn pages_show_seeded_goals_to_each_role() {
    for db in TestDb::all().await {
        let app = db.app(true);
        let employee = login_as(&app, "employee").await;
        let manager = login_as(&app, "manager").await;
        let hr = login_as(&app, "hr").await;
        let mine = call(&app, "/api/list_my_goals", Some(&employee), &[]).await;
        assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
        let mine = mine.json();
        assert_eq!(
            mine["choice"]["selected"]["id"], 2,
            "the current quarter by default"
        );
        assert_eq!(mine["goals"].as_array().unwrap().len(), 2);
        assert_eq!(mine["plan_state"], "Approved");
        let team = call(&app, "/api/list_team_goals", Some(&manager), &[])
            .await
            .json();
        let members = team["members"].as_array().unwrap();
        assert!(members
            .iter()
            .any(|m| m["id"] == db.id_of(db.org.accounts.employee)));
        assert!(members
            .iter()
            .all(|m| m["goals"].as_array().unwrap().len() == 2));
        let completion = call(&app, "/api/get_goal_completion", Some(&hr), &[]).await;
        assert_eq!(completion.status, StatusCode::OK);
        let people: i64 = completion.json()["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["people"].as_i64().unwrap())
            .sum();
        assert_eq!(people, SMALL_COMPANY as i64);
        assert_eq!(
            call(&app, "/api/get_goal_completion", Some(&employee), &[])
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        for path in ["/goals", "/goals/tree", "/goals/team"] {
            let page = get(&app, path, Some(&manager)).await;
            assert_eq!(page.status, StatusCode::OK, "{path}");
        }
        db.cleanup().await;
    }
}

#[tokio::test]
async fn the_tree_lists_the_first_fifty_aligned_goals_and_counts_the_rest() {
    for db in TestDb::all().await {
        let app = db.app(true);
        let employee = login_as(&app, "employee").await;
        let parent = department_goal(&app, &employee).await;
        for n in 0..55 {
            let title = format!("Aligned goal {n:02}");
            let created = call(
                &app,
                "/api/create_goal",
                Some(&employee),
                &goal_fields(&title, &parent, "public"),
            )
            .await;
            assert_eq!(created.status, StatusCode::OK, "{}", created.body);
        }
        let aligned = db
            .count(&format!(
                "SELECT COUNT(*) FROM goals WHERE parent_id = {parent}"
            ))
            .await;
        assert!(aligned >= 55);
        let chain = parent_chain(&db, &parent).await;
        let tree = call(
            &app,
            "/api/get_goal_tree",
            Some(&employee),
            &[
                ("period_id", NEXT_QUARTER),
                ("open", &chain),
                ("search", ""),
            ],
        )
        .await;
        assert_eq!(tree.status, StatusCode::OK, "{}", tree.body);
        let rows = tree.json()["nodes"].as_array().unwrap().clone();
        let position = rows
            .iter()
            .position(|r| {
                r["Goal"]["goal"]["id"]
                    .as_i64()
                    .map(|i| i.to_string())
                    .as_deref()
                    == Some(parent.as_str())
            })
            .expect("the department goal is in the tree");
        let depth = rows[position]["Goal"]["depth"].as_u64().unwrap() + 1;
        let under: Vec<&serde_json::Value> = rows[position + 1..]
            .iter()
            .take_while(|r| {
                r["Goal"]["depth"]
                    .as_u64()
                    .or(r["More"]["depth"].as_u64())
                    .unwrap()
                    >= depth
            })
            .collect();
        let listed = under
            .iter()
            .filter(|r| r["Goal"]["depth"].as_u64() == Some(depth))
            .count();
        assert_eq!(listed, 50, "the first fifty aligned goals are listed");
        let more = under
            .iter()
            .find_map(|r| r["More"]["count"].as_i64())
            .expect("a line counts the rest");
        assert_eq!(more, aligned - 50);
        db.cleanup().await;
    }
}
