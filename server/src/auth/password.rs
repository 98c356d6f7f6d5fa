//! argon2id hashing on the blocking pool.

use crate::store::OrInternal;
use app::domain::Problem;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::Rng;
use std::sync::OnceLock;

/// Hashes `password` with a fresh salt (PHC string format).
pub async fn hash(password: String) -> Result<String, Problem> {
    tokio::task::spawn_blocking(move || {
        let salt = fresh_salt().or_internal()?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .or_internal()
    })
    .await
    .or_internal()?
}

/// Whether `password` matches `stored`. With no stored hash (unknown user) it verifies against a dummy hash,
/// so the answer takes as long as for a real account, and returns false.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, Problem> {
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| dummy_hash().to_owned());
        let parsed = PasswordHash::new(&stored).or_internal()?;
        let matches = Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok();
        Ok(known && matches)
    })
    .await
    .or_internal()?
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        fresh_salt()
            .and_then(|salt| {
                Argon2::default()
                    .hash_password(b"not a real password", &salt)
                    .map(|hash| hash.to_string())
            })
            .unwrap_or_default()
    })
}

/// 16 random bytes from the OS-seeded thread generator, in the PHC salt encoding.
fn fresh_salt() -> Result<SaltString, argon2::password_hash::Error> {
    SaltString::encode_b64(&rand::rng().random::<[u8; 16]>())
}
