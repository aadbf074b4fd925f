//! Password hashing with Argon2id at OWASP's recommended parameters (19 MiB memory, two
//! iterations, one lane). Hashing runs off the async runtime's worker threads.

use crate::store::accounts::PasswordHash;
use argon2::password_hash::{rand_core::OsRng, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

pub const MEMORY_KIB: u32 = 19 * 1024;
pub const ITERATIONS: u32 = 2;
pub const PARALLELISM: u32 = 1;

fn argon2() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None)
        .expect("the OWASP Argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash_blocking(password: &str) -> PasswordHash {
    let salt = SaltString::generate(&mut OsRng);
    let hash = argon2()
        .hash_password(password.as_bytes(), &salt)
        .expect("hashing with a fresh salt cannot fail");
    PasswordHash(hash.to_string())
}

/// At most this many Argon2 computations (19 MiB each) run at once; the rest wait their turn,
/// so a burst of sign-ins cannot exhaust memory.
const CONCURRENT_HASHES: usize = 4;

fn hashing_permits() -> &'static tokio::sync::Semaphore {
    static PERMITS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    PERMITS.get_or_init(|| tokio::sync::Semaphore::new(CONCURRENT_HASHES))
}

pub async fn hash(password: String) -> PasswordHash {
    let _permit = hashing_permits().acquire().await;
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .expect("the hashing task does not panic")
}

/// Checks a password; with no stored hash, it still spends the time of one check, so a wrong
/// email and a wrong password take equally long.
pub async fn verify(password: String, stored: Option<PasswordHash>) -> bool {
    let _permit = hashing_permits().acquire().await;
    tokio::task::spawn_blocking(move || {
        static DUMMY: std::sync::OnceLock<PasswordHash> = std::sync::OnceLock::new();
        let dummy = DUMMY.get_or_init(|| hash_blocking("not a real password"));
        let (hash, real) = match &stored {
            Some(h) => (h.0.as_str(), true),
            None => (dummy.0.as_str(), false),
        };
        let Ok(parsed) = argon2::password_hash::PasswordHash::new(hash) else {
            return false;
        };
        argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
            && real
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_with_the_owasp_parameters() {
        let hash = hash_blocking("correct horse");
        assert!(
            hash.0.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{}",
            hash.0
        );
    }

    #[tokio::test]
    async fn only_the_right_password_verifies() {
        let hash = hash_blocking("correct horse");
        assert!(verify("correct horse".into(), Some(PasswordHash(hash.0.clone()))).await);
        assert!(!verify("wrong horse".into(), Some(PasswordHash(hash.0))).await);
        assert!(!verify("anything".into(), None).await);
    }
}
