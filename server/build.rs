//! Rebuilds the server when a migration is added (to either engine's folder): `sqlx::migrate!` embeds the folder's files, and cargo does
//! not otherwise notice a new file in it.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=migrations_postgres");
}
