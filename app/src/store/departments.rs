//! Departments: a tree, read whole (there are hundreds, not millions).

use super::{internal, Pool};
use crate::error::AppResult;
use keel_core::people::{Department, DepartmentId};

#[derive(sqlx::FromRow)]
struct DepartmentRow {
    id: i64,
    name: String,
    parent_id: Option<i64>,
}

pub async fn all(pool: &Pool) -> AppResult<Vec<Department>> {
    let rows = sqlx::query_as::<_, DepartmentRow>(
        "SELECT id, name, parent_id FROM departments ORDER BY name, id",
    )
    .fetch_all(pool)
    .await
    .map_err(internal)?;
    Ok(rows
        .into_iter()
        .map(|r| Department {
            id: r.id,
            name: r.name,
            parent_id: r.parent_id,
        })
        .collect())
}

pub async fn exists(pool: &Pool, id: DepartmentId) -> AppResult<bool> {
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM departments WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await
        .map_err(internal)?;
    Ok(found.is_some())
}

/// Active people per department (direct members only).
pub async fn direct_headcounts(pool: &Pool) -> AppResult<Vec<(DepartmentId, i64)>> {
    sqlx::query_as::<_, (i64, i64)>(
        "SELECT department_id, COUNT(*) FROM employees WHERE status = 'active'
         GROUP BY department_id",
    )
    .fetch_all(pool)
    .await
    .map_err(internal)
}
