//! Sign-in limits: how long an email and a password may be, and when a sign-in attempt may go
//! on to the password check. The limits slow a password guesser down without letting them lock
//! the account's owner out:
//!
//! - one address guessing one account gets `MAX_FAILURES_PER_PAIR` failures per window, then
//!   waits for the window to pass (the owner, elsewhere, is not affected);
//! - one address gets `MAX_FAILURES_PER_ADDRESS` failures per window over all accounts;
//! - an account that has had `FREE_FAILURES_PER_ACCOUNT` failures in the window, from anywhere,
//!   takes at most one attempt every `ACCOUNT_SPACING_SECS` from addresses it has never signed
//!   in from: guessing from many addresses is slowed to a crawl, while the owner, from an
//!   address they have signed in from before, is never slowed.
//!
//! Attempts count as failures from the moment they are admitted until their password proves
//! right, so parallel attempts see each other (the store admits them one at a time).

/// The longest email address SMTP allows (RFC 5321: 254 characters).
pub const MAX_EMAIL_LEN: usize = 254;
/// Passwords longer than this are refused before hashing.
pub const MAX_PASSWORD_CHARS: usize = 1024;

pub const WINDOW_SECS: i64 = 15 * 60;
pub const MAX_FAILURES_PER_PAIR: i64 = 5;
pub const MAX_FAILURES_PER_ADDRESS: i64 = 50;
pub const FREE_FAILURES_PER_ACCOUNT: i64 = 5;
pub const ACCOUNT_SPACING_SECS: i64 = 10;

/// What the store knows about an attempt's account and address, over the last `WINDOW_SECS`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RecentAttempts {
    /// Failures (and attempts still being checked) of this account from this address.
    pub pair_failures: i64,
    /// Failures from this address, over all accounts.
    pub address_failures: i64,
    /// Failures of this account, from every address.
    pub account_failures: i64,
    /// When this account's latest failure was (unix seconds), if it had one.
    pub account_latest_failure_at: Option<i64>,
    /// Whether this account has ever signed in from this address.
    pub known_address: bool,
}

/// Whether an attempt may have its password checked at `now`; if not, the whole seconds to wait
/// before trying again (at least 1).
pub fn admit(recent: &RecentAttempts, now: i64) -> Result<(), i64> {
    if recent.pair_failures >= MAX_FAILURES_PER_PAIR
        || recent.address_failures >= MAX_FAILURES_PER_ADDRESS
    {
        return Err(WINDOW_SECS);
    }
    if !recent.known_address && recent.account_failures >= FREE_FAILURES_PER_ACCOUNT {
        if let Some(latest) = recent.account_latest_failure_at {
            let wait = latest + ACCOUNT_SPACING_SECS - now;
            if wait > 0 {
                return Err(wait.min(ACCOUNT_SPACING_SECS));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const NOW: i64 = 1_800_000_000;

    #[test]
    fn a_fresh_account_and_address_are_admitted() {
        assert_eq!(admit(&RecentAttempts::default(), NOW), Ok(()));
    }

    #[test]
    fn one_address_gets_five_failures_on_one_account_then_waits_the_window() {
        let mut recent = RecentAttempts {
            pair_failures: 4,
            address_failures: 4,
            account_failures: 4,
            account_latest_failure_at: Some(NOW),
            known_address: false,
        };
        assert_eq!(admit(&recent, NOW), Ok(()));
        recent.pair_failures = 5;
        assert_eq!(admit(&recent, NOW), Err(WINDOW_SECS));
    }

    #[test]
    fn the_owner_from_a_known_address_is_never_slowed_by_guesses_from_elsewhere() {
        let recent = RecentAttempts {
            account_failures: 500,
            account_latest_failure_at: Some(NOW),
            known_address: true,
            ..RecentAttempts::default()
        };
        assert_eq!(admit(&recent, NOW), Ok(()));
    }

    #[test]
    fn a_new_address_waits_its_turn_on_an_account_under_attack() {
        let recent = RecentAttempts {
            account_failures: 5,
            account_latest_failure_at: Some(NOW - 3),
            ..RecentAttempts::default()
        };
        assert_eq!(admit(&recent, NOW), Err(ACCOUNT_SPACING_SECS - 3));
        assert_eq!(admit(&recent, NOW - 3 + ACCOUNT_SPACING_SECS), Ok(()));
    }

    proptest! {
        /// A refusal always names a wait of 1 s to the window; past the per-pair and
        /// per-address limits nothing is admitted, below them the owner's known address is.
        #[test]
        fn refusals_name_a_bounded_wait(
            pair in 0i64..10, address in 0i64..100, account in 0i64..100,
            ago in 0i64..2 * WINDOW_SECS, known: bool,
        ) {
            let recent = RecentAttempts {
                pair_failures: pair,
                address_failures: address.max(pair),
                account_failures: account.max(pair),
                account_latest_failure_at: (account > 0).then_some(NOW - ago),
                known_address: known,
            };
            match admit(&recent, NOW) {
                Err(wait) => prop_assert!((1..=WINDOW_SECS).contains(&wait)),
                Ok(()) => prop_assert!(pair < MAX_FAILURES_PER_PAIR
                    && address.max(pair) < MAX_FAILURES_PER_ADDRESS),
            }
            if known && pair < MAX_FAILURES_PER_PAIR && address.max(pair) < MAX_FAILURES_PER_ADDRESS {
                prop_assert_eq!(admit(&recent, NOW), Ok(()));
            }
        }
    }
}
