//! Goals through the server functions, on every backend the environment offers: the
//! goal-setting session from draft to approval, check-ins and roll-up (journey.rs); bad input
//! refused at the field with nothing written (rules.rs); private goals invisible to everyone
//! outside the owner's reporting line and HR (privacy.rs); alignment within one's line
//! (alignment.rs); paged history (history.rs); the pages (pages.rs). This file holds the
//! fixtures they share.

mod alignment;
mod history;
mod journey;
mod pages;
mod privacy;
mod rules;

use crate::common::*;
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
