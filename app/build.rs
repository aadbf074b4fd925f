//! Rebuilds the crate when a migration changes: `sqlx::migrate!` embeds the migration files,
//! and cargo does not otherwise know to look at them.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
