//! Keel's integration tests: the real router in-process, against a fresh database per test on
//! every backend the environment offers (SQLite always, PostgreSQL when
//! KEEL_TEST_POSTGRES_URL is set). One test binary with a module per feature, so the web stack
//! is linked once instead of once per file.

mod common;
mod crash;
mod edge;
mod fuzz;
mod goals;
mod operations;
mod people;
mod processes;
mod races;
mod regressions;
mod reviews;
mod schema;
mod security;
