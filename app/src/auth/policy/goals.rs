//! Goals. "Manager" means one thing in every goal rule: anyone above the goal's owner in
//! today's reporting line (`Relation::in_chain`), not only the direct manager.

use super::Relation;
use keel_core::goals::GoalLevel;
use keel_core::people::CurrentUser;

/// Public goals are for everyone; private ones for the owner, their managers and HR.
pub fn may_see_goal(user: &CurrentUser, private: bool, relation: Relation) -> bool {
    !private || relation.is_self || relation.in_chain || user.is_hr()
}

/// Who may set a goal at each level: company objectives are for HR and executives; department
/// goals also for managers; team goals for managers (their own team); individual goals for
/// the person themselves, their managers and HR.
pub fn may_create_goal(user: &CurrentUser, level: GoalLevel, relation: Relation) -> bool {
    let leadership = user.is_hr() || user.is_executive();
    match level {
        GoalLevel::Company => leadership,
        GoalLevel::Department => leadership || (user.is_manager && relation.is_self),
        GoalLevel::Team => leadership || (user.is_manager && relation.is_self) || relation.in_chain,
        GoalLevel::Individual => relation.is_self || relation.in_chain || user.is_hr(),
    }
}

/// Editing a goal: its owner and their managers, and HR; company objectives only HR and
/// executives.
pub fn may_edit_goal(user: &CurrentUser, level: GoalLevel, relation: Relation) -> bool {
    match level {
        GoalLevel::Company => user.is_hr() || user.is_executive(),
        _ => relation.is_self || relation.in_chain || user.is_hr(),
    }
}

/// Checking in: the owner and their managers (company objectives: also executives and HR).
pub fn may_check_in(user: &CurrentUser, level: GoalLevel, relation: Relation) -> bool {
    relation.is_self
        || relation.in_chain
        || (level == GoalLevel::Company && (user.is_hr() || user.is_executive()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::policy::user;
    use keel_core::people::Role;

    const STRANGER: Relation = Relation::NONE;
    const OWNER: Relation = Relation::SELF;
    const MANAGER: Relation = Relation {
        is_self: false,
        in_chain: true,
        is_direct_manager: false,
    };

    #[test]
    fn private_goals_are_for_owner_managers_and_hr() {
        let colleague = user(&[], false);
        assert!(may_see_goal(&colleague, false, STRANGER));
        assert!(!may_see_goal(&colleague, true, STRANGER));
        assert!(!may_see_goal(
            &user(&[Role::Executive], true),
            true,
            STRANGER
        ));
        assert!(may_see_goal(&colleague, true, OWNER));
        assert!(may_see_goal(&colleague, true, MANAGER));
        assert!(may_see_goal(&user(&[Role::HrAdmin], false), true, STRANGER));
    }

    #[test]
    fn goal_levels_have_their_own_authors() {
        let employee = user(&[], false);
        let manager = user(&[], true);
        assert!(!may_create_goal(&employee, GoalLevel::Company, OWNER));
        assert!(may_create_goal(
            &user(&[Role::Executive], true),
            GoalLevel::Company,
            OWNER
        ));
        assert!(!may_create_goal(&employee, GoalLevel::Department, OWNER));
        assert!(may_create_goal(&manager, GoalLevel::Department, OWNER));
        assert!(may_create_goal(&employee, GoalLevel::Individual, OWNER));
        assert!(!may_create_goal(&employee, GoalLevel::Individual, STRANGER));
        assert!(may_create_goal(&manager, GoalLevel::Individual, MANAGER));
        assert!(!may_edit_goal(&employee, GoalLevel::Individual, STRANGER));
        assert!(!may_edit_goal(&manager, GoalLevel::Company, OWNER));
        assert!(!may_check_in(
            &user(&[Role::HrAdmin], false),
            GoalLevel::Individual,
            STRANGER
        ));
    }
}
