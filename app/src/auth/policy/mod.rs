//! The one place that answers "may this user do this?", one module per feature. Every server
//! function asks it first. Rules are pure functions of the user (their roles) and how they
//! stand to the person a record is about (`Relation`); the API reads that standing, the rules
//! here decide.

mod goals;
mod people;
mod reviews;

pub use goals::*;
pub use people::*;
pub use reviews::*;

use crate::error::{AppError, AppResult};
use keel_core::people::CurrentUser;

/// How the person asking stands to the person a record is about (its owner, the reviewee), in
/// today's reporting line. HR is not a relation but a role: rules read it from the user.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Relation {
    /// It is their own record.
    pub is_self: bool,
    /// They are the person's manager: directly (`is_direct_manager`) or higher up. Never true
    /// together with `is_self`.
    pub in_chain: bool,
    /// They are the person's direct manager (implies `in_chain`).
    pub is_direct_manager: bool,
}

impl Relation {
    /// Their own record.
    pub const SELF: Relation = Relation {
        is_self: true,
        in_chain: false,
        is_direct_manager: false,
    };
    /// Someone with no line relation: a colleague, a stranger.
    pub const NONE: Relation = Relation {
        is_self: false,
        in_chain: false,
        is_direct_manager: false,
    };
}

/// `Forbidden` unless `allowed`.
pub fn check(allowed: bool) -> AppResult<()> {
    if allowed {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// `Forbidden` unless the people policy allows `action`.
pub fn require(user: &CurrentUser, action: Action) -> AppResult<()> {
    check(allows(user, action))
}

#[cfg(test)]
pub(crate) fn user(roles: &[keel_core::people::Role], is_manager: bool) -> CurrentUser {
    CurrentUser {
        id: 1,
        name: "A".into(),
        email: "a@b.co".into(),
        title: "T".into(),
        roles: roles.to_vec(),
        is_manager,
    }
}
