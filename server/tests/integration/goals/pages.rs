//! The goal pages as each role meets them, and the alignment tree at width.

use super::*;
use crate::common::*;
use axum::http::StatusCode;

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
