//! The SQLite and PostgreSQL migrations must describe the same schema: same tables, same
//! columns, same nullability, equivalent types.

use crate::common::TestDb;
use std::collections::BTreeMap;

type Columns = BTreeMap<String, BTreeMap<String, (String, bool)>>;

fn normalise(sql_type: &str) -> String {
    match sql_type.to_lowercase().as_str() {
        "integer" | "bigint" | "int8" => "integer".into(),
        "text" | "character varying" => "text".into(),
        "real" | "double precision" => "real".into(),
        other => other.into(),
    }
}

async fn sqlite_columns(db: &TestDb) -> Columns {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%'",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    let mut out = Columns::new();
    for table in tables {
        let rows: Vec<(String, String, i64)> = sqlx::query_as(&format!(
            "SELECT name, type, \"notnull\" FROM pragma_table_info('{table}')"
        ))
        .fetch_all(&db.pool)
        .await
        .unwrap();
        // SQLite's INTEGER PRIMARY KEY is NOT NULL in effect even when the pragma says 0.
        let pk: Vec<String> = sqlx::query_scalar(&format!(
            "SELECT name FROM pragma_table_info('{table}') WHERE pk > 0"
        ))
        .fetch_all(&db.pool)
        .await
        .unwrap();
        out.insert(
            table,
            rows.into_iter()
                .map(|(name, ty, not_null)| {
                    let nullable = not_null == 0 && !pk.contains(&name);
                    (name, (normalise(&ty), nullable))
                })
                .collect(),
        );
    }
    out
}

async fn postgres_columns(db: &TestDb) -> Columns {
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text
         FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name NOT LIKE '_sqlx%'",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    let mut out = Columns::new();
    for (table, column, ty, nullable) in rows {
        out.entry(table)
            .or_default()
            .insert(column, (normalise(&ty), nullable == "YES"));
    }
    out
}

#[tokio::test]
async fn sqlite_and_postgres_schemas_match_table_by_table_and_column_by_column() {
    let sqlite = TestDb::sqlite_empty().await;
    let Some(postgres) = TestDb::postgres_empty().await else {
        eprintln!("KEEL_TEST_POSTGRES_URL is not set: the schema comparison was skipped");
        sqlite.cleanup().await;
        return;
    };
    let lite = sqlite_columns(&sqlite).await;
    let pg = postgres_columns(&postgres).await;
    assert!(lite.contains_key("employees") && lite.contains_key("audit_log"));
    assert_eq!(
        lite.keys().collect::<Vec<_>>(),
        pg.keys().collect::<Vec<_>>(),
        "tables differ"
    );
    for (table, columns) in &lite {
        assert_eq!(columns, &pg[table], "columns of {table} differ");
    }
    sqlite.cleanup().await;
    postgres.cleanup().await;
}

#[tokio::test]
async fn seeding_a_company_gives_every_role_a_login_on_both_backends() {
    for db in TestDb::all().await {
        assert_eq!(
            db.count("SELECT COUNT(*) FROM employees").await,
            crate::common::SMALL_COMPANY as i64
        );
        // Everyone in the demo company signs in with the demo password.
        assert_eq!(
            db.count("SELECT COUNT(*) FROM credentials").await,
            crate::common::SMALL_COMPANY as i64
        );
        assert_eq!(
            db.count("SELECT COUNT(*) FROM employees WHERE manager_id IS NULL")
                .await,
            1
        );
        let roles: Vec<String> =
            sqlx::query_scalar("SELECT role FROM employee_roles ORDER BY role")
                .fetch_all(&db.pool)
                .await
                .unwrap();
        assert_eq!(roles, ["admin", "executive", "hr_admin"]);
        // New rows get ids after the seeded ones (PostgreSQL's sequences were moved on).
        let next: i64 = sqlx::query_scalar("INSERT INTO departments (name, parent_id, created_at) VALUES ('New', NULL, 0) RETURNING id")
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert_eq!(next, db.org.departments.len() as i64 + 1);
        db.cleanup().await;
    }
}
