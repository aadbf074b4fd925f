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

/// Sign-ins that may check a password or wait for their turn at once, per server by default;
/// past that a sign-in is refused as busy (503) instead of queueing without bound.
pub const DEFAULT_SIGN_IN_CAPACITY: usize = CONCURRENT_HASHES + 16;

/// Admission to the password check (see `DEFAULT_SIGN_IN_CAPACITY`).
#[derive(Debug)]
pub struct SignInQueue {
    admitted: std::sync::atomic::AtomicUsize,
    capacity: usize,
}

/// A place in the queue, given back when dropped.
pub struct Admission<'a>(&'a SignInQueue);

impl SignInQueue {
    pub fn new(capacity: usize) -> SignInQueue {
        SignInQueue {
            admitted: std::sync::atomic::AtomicUsize::new(0),
            capacity,
        }
    }

    /// A place, or `None` when `capacity` sign-ins are already checking or waiting.
    pub fn admit(&self) -> Option<Admission<'_>> {
        use std::sync::atomic::Ordering;
        let before = self.admitted.fetch_add(1, Ordering::AcqRel);
        if before >= self.capacity {
            self.admitted.fetch_sub(1, Ordering::AcqRel);
            return None;
        }
        Some(Admission(self))
    }
}

impl Drop for Admission<'_> {
    fn drop(&mut self) {
        self.0
            .admitted
            .fetch_sub(1, std::sync::atomic::Ordering::AcqRel);
    }
}

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

/// Checks a password (holding a place in the sign-in queue); with no stored hash, it still
/// spends the time of one check, so a wrong email and a wrong password take equally long.
pub async fn verify(
    _place: &Admission<'_>,
    password: String,
    stored: Option<PasswordHash>,
) -> bool {
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
        let queue = SignInQueue::new(1);
        let place = queue.admit().unwrap();
        let hash = hash_blocking("correct horse");
        let stored = || Some(PasswordHash(hash.0.clone()));
        assert!(verify(&place, "correct horse".into(), stored()).await);
        assert!(!verify(&place, "wrong horse".into(), stored()).await);
        assert!(!verify(&place, "anything".into(), None).await);
    }

    #[test]
    fn the_sign_in_queue_admits_up_to_its_capacity_and_frees_places_when_done() {
        let queue = SignInQueue::new(2);
        let first = queue.admit().expect("a first place");
        let second = queue.admit().expect("a second place");
        assert!(queue.admit().is_none(), "full");
        drop(first);
        let third = queue.admit().expect("a freed place");
        drop((second, third));
        assert!(queue.admit().is_some());
    }
}
