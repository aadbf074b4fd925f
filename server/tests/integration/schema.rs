//! The SQLite and PostgreSQL migrations must describe the same schema: same tables, same
//! columns, same nullability, equivalent types, the same indexes on the same columns, and
//! triggers on the same tables for the same events.

use crate::common::TestDb;
use std::collections::{BTreeMap, BTreeSet};

/// Index name -> (table, its columns in order; an expression counts as "(expr)").
type Indexes = BTreeMap<String, (String, String)>;
/// (table, BEFORE/AFTER, INSERT/UPDATE/DELETE) that some trigger handles.
type Triggers = BTreeSet<(String, String, String)>;

async fn sqlite_indexes(db: &TestDb) -> Indexes {
    // Indexes SQLite makes for UNIQUE and PRIMARY KEY constraints are named sqlite_autoindex_*
    // (PostgreSQL's are excluded below as constraint indexes).
    let names: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index'
         AND name NOT LIKE 'sqlite_autoindex%' AND tbl_name NOT LIKE '_sqlx%'",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    let mut out = Indexes::new();
    for (name, table) in names {
        let columns: Vec<Option<String>> = sqlx::query_scalar(&format!(
            "SELECT name FROM pragma_index_info('{name}') ORDER BY seqno"
        ))
        .fetch_all(&db.pool)
        .await
        .unwrap();
        let columns = columns
            .into_iter()
            .map(|c| c.unwrap_or_else(|| "(expr)".into()))
            .collect::<Vec<_>>()
            .join(",");
        out.insert(name, (table, columns));
    }
    out
}

async fn postgres_indexes(db: &TestDb) -> Indexes {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT i.relname::text, t.relname::text,
                string_agg(COALESCE(a.attname::text, '(expr)'), ',' ORDER BY k.n)
         FROM pg_index x
         JOIN pg_class i ON i.oid = x.indexrelid
         JOIN pg_class t ON t.oid = x.indrelid
         JOIN pg_namespace ns ON ns.oid = t.relnamespace
         CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, n)
         LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum AND k.attnum > 0
         WHERE ns.nspname = 'public' AND t.relname NOT LIKE '_sqlx%'
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
         GROUP BY i.relname, t.relname",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    rows.into_iter()
        .map(|(name, table, columns)| (name, (table, columns)))
        .collect()
}

async fn sqlite_triggers(db: &TestDb) -> Triggers {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
            .fetch_all(&db.pool)
            .await
            .unwrap();
    rows.into_iter()
        .map(|(table, sql)| {
            let upper = sql.to_uppercase();
            let words: Vec<&str> = upper.split_whitespace().collect();
            let at = words
                .iter()
                .position(|w| *w == "BEFORE" || *w == "AFTER")
                .unwrap_or_else(|| panic!("timing of {sql}"));
            (table, words[at].to_string(), words[at + 1].to_string())
        })
        .collect()
}

async fn postgres_triggers(db: &TestDb) -> Triggers {
    sqlx::query_as(
        "SELECT event_object_table::text, action_timing::text, event_manipulation::text
         FROM information_schema.triggers WHERE trigger_schema = 'public'",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap()
    .into_iter()
    .collect()
}

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
async fn sqlite_and_postgres_schemas_match_tables_columns_indexes_and_triggers() {
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
    let (lite_indexes, pg_indexes) = (
        sqlite_indexes(&sqlite).await,
        postgres_indexes(&postgres).await,
    );
    assert!(
        lite_indexes.contains_key("employees_name"),
        "{lite_indexes:?}"
    );
    assert_eq!(lite_indexes, pg_indexes, "indexes differ");
    let (lite_triggers, pg_triggers) = (
        sqlite_triggers(&sqlite).await,
        postgres_triggers(&postgres).await,
    );
    assert!(lite_triggers.contains(&("audit_log".into(), "BEFORE".into(), "UPDATE".into())));
    assert_eq!(lite_triggers, pg_triggers, "triggers differ");
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
