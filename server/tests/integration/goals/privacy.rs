//! Private goals stay private: they do not move the public goals they align to, and nobody
//! outside the owner's reporting line and HR sees them on any read path.

use super::*;
use crate::common::*;
use axum::http::StatusCode;

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
