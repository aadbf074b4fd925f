//! Where a goal may be aligned, and when it counts towards the goal above it. Alignment stays
//! within the owner's own line (the company's objectives, their department's and the ones
//! above it, their own team's or their manager's team's, their own goals), so nobody can move
//! a goal they have no part in by hanging a heavy goal under it. Weights are bounded, and an
//! individual goal counts in a roll-up only once its goal-setting session is approved.

use super::{GoalLevel, Visibility};
use crate::people::{DepartmentId, PersonId};

/// The heaviest and lightest weight a goal may carry towards its parent.
pub const MIN_GOAL_WEIGHT: i64 = 1;
pub const MAX_GOAL_WEIGHT: i64 = 100;

/// A goal someone wants to align under.
#[derive(Clone, Debug, PartialEq)]
pub struct ParentFacts {
    pub level: GoalLevel,
    pub owner: PersonId,
    pub department: Option<DepartmentId>,
}

/// The person whose goal is being aligned: where they sit.
#[derive(Clone, Debug, PartialEq)]
pub struct OwnerLine {
    pub owner: PersonId,
    pub manager: Option<PersonId>,
    /// Their department and every department above it.
    pub departments: Vec<DepartmentId>,
}

/// Whether a goal of `line.owner` may align under `parent`: any company objective; a
/// department goal of their department or one above it; a team goal of their own or their
/// manager's; an individual goal only of their own.
pub fn in_line(parent: &ParentFacts, line: &OwnerLine) -> bool {
    match parent.level {
        GoalLevel::Company => true,
        GoalLevel::Department => parent
            .department
            .is_some_and(|department| line.departments.contains(&department)),
        GoalLevel::Team => parent.owner == line.owner || Some(parent.owner) == line.manager,
        GoalLevel::Individual => parent.owner == line.owner,
    }
}

/// Whether an aligned goal counts towards its parent's rolled-up progress:
/// - an individual goal only once its goal-setting session is approved (`agreed`), so a draft
///   nobody has agreed cannot move a team's or the company's progress;
/// - a public goal always; a private one only under a private parent of the same owner (the
///   same readers). A private goal counting towards a goal more people can see would let them
///   compute its progress, and learn that it exists.
pub fn counts_towards_parent(
    child: Visibility,
    parent: Visibility,
    same_owner: bool,
    agreed: bool,
) -> bool {
    agreed && (child == Visibility::Public || (parent == Visibility::Private && same_owner))
}
