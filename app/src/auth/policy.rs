//! The one place that answers "may this user do this?". Every server function asks it first.

use crate::error::{AppError, AppResult};
use keel_core::goals::GoalLevel;
use keel_core::people::{CurrentUser, PersonId, Role};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// See the directory, profiles' public parts and the org chart: every signed-in person.
    BrowseDirectory,
    /// Add people.
    ManagePeople,
    /// Change a person's details, department, manager or status. Only an administrator may
    /// change an administrator (or HR could lock every administrator out).
    ManagePerson { is_admin: bool },
    /// Grant or remove a role.
    ChangeRole(Role),
    /// Company-wide aggregates such as headcount by department.
    ViewOrganisationAnalytics,
}

pub fn allows(user: &CurrentUser, action: Action) -> bool {
    match action {
        Action::BrowseDirectory => true,
        Action::ManagePeople => user.is_hr(),
        Action::ManagePerson { is_admin } => user.is_hr() && (!is_admin || user.has(Role::Admin)),
        // Only an administrator may make another administrator.
        Action::ChangeRole(Role::Admin) => user.has(Role::Admin),
        Action::ChangeRole(_) => user.is_hr(),
        Action::ViewOrganisationAnalytics => user.is_hr() || user.is_executive(),
    }
}

/// `Forbidden` unless the policy allows it.
pub fn require(user: &CurrentUser, action: Action) -> AppResult<()> {
    if allows(user, action) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// How the viewer stands to a goal's owner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GoalRelation {
    pub is_owner: bool,
    /// The viewer is somewhere above the owner in the reporting line.
    pub manages_owner: bool,
}

/// Public goals are for everyone; private ones for the owner, their managers and HR.
pub fn may_see_goal(user: &CurrentUser, private: bool, relation: GoalRelation) -> bool {
    !private || relation.is_owner || relation.manages_owner || user.is_hr()
}

/// Who may set a goal at each level: company objectives are for HR and executives; department
/// goals also for managers; team goals for managers (their own team); individual goals for
/// the person themselves, their managers and HR.
pub fn may_create_goal(user: &CurrentUser, level: GoalLevel, relation: GoalRelation) -> bool {
    let leadership = user.is_hr() || user.is_executive();
    match level {
        GoalLevel::Company => leadership,
        GoalLevel::Department => leadership || (user.is_manager && relation.is_owner),
        GoalLevel::Team => {
            leadership || (user.is_manager && relation.is_owner) || relation.manages_owner
        }
        GoalLevel::Individual => relation.is_owner || relation.manages_owner || user.is_hr(),
    }
}

/// Editing a goal: its owner and their managers, and HR; company objectives only HR and
/// executives.
pub fn may_edit_goal(user: &CurrentUser, level: GoalLevel, relation: GoalRelation) -> bool {
    match level {
        GoalLevel::Company => user.is_hr() || user.is_executive(),
        _ => relation.is_owner || relation.manages_owner || user.is_hr(),
    }
}

/// Checking in: the owner and their managers (company objectives: also executives and HR).
pub fn may_check_in(user: &CurrentUser, level: GoalLevel, relation: GoalRelation) -> bool {
    relation.is_owner
        || relation.manages_owner
        || (level == GoalLevel::Company && (user.is_hr() || user.is_executive()))
}

/// Whether a person's private details (hire date, manager's email) are visible: to themselves,
/// anyone above them in the reporting line, and HR.
pub fn may_see_private(user: &CurrentUser, person: PersonId, user_manages_person: bool) -> bool {
    user.id == person || user_manages_person || user.is_hr()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(roles: &[Role], is_manager: bool) -> CurrentUser {
        CurrentUser {
            id: 1,
            name: "A".into(),
            email: "a@b.co".into(),
            title: "T".into(),
            roles: roles.to_vec(),
            is_manager,
        }
    }

    #[test]
    fn employees_and_managers_cannot_manage_people_or_roles() {
        for u in [
            user(&[], false),
            user(&[], true),
            user(&[Role::Executive], true),
        ] {
            assert!(!allows(&u, Action::ManagePeople));
            assert!(!allows(&u, Action::ChangeRole(Role::HrAdmin)));
        }
    }

    #[test]
    fn hr_manages_people_but_only_admins_make_admins() {
        let hr = user(&[Role::HrAdmin], false);
        assert!(allows(&hr, Action::ManagePeople));
        assert!(allows(&hr, Action::ChangeRole(Role::Executive)));
        assert!(!allows(&hr, Action::ChangeRole(Role::Admin)));
        assert!(allows(
            &user(&[Role::Admin], false),
            Action::ChangeRole(Role::Admin)
        ));
    }

    #[test]
    fn only_administrators_change_administrators() {
        let hr = user(&[Role::HrAdmin], false);
        assert!(allows(&hr, Action::ManagePerson { is_admin: false }));
        assert!(!allows(&hr, Action::ManagePerson { is_admin: true }));
        assert!(allows(
            &user(&[Role::Admin], false),
            Action::ManagePerson { is_admin: true }
        ));
        assert!(!allows(
            &user(&[], true),
            Action::ManagePerson { is_admin: false }
        ));
    }

    #[test]
    fn analytics_are_for_hr_and_executives() {
        assert!(allows(
            &user(&[Role::Executive], false),
            Action::ViewOrganisationAnalytics
        ));
        assert!(allows(
            &user(&[Role::HrAdmin], false),
            Action::ViewOrganisationAnalytics
        ));
        assert!(!allows(&user(&[], true), Action::ViewOrganisationAnalytics));
    }

    const STRANGER: GoalRelation = GoalRelation {
        is_owner: false,
        manages_owner: false,
    };
    const OWNER: GoalRelation = GoalRelation {
        is_owner: true,
        manages_owner: false,
    };
    const MANAGER: GoalRelation = GoalRelation {
        is_owner: false,
        manages_owner: true,
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

    #[test]
    fn private_details_are_for_self_managers_and_hr() {
        let employee = user(&[], false);
        assert!(may_see_private(&employee, 1, false));
        assert!(!may_see_private(&employee, 2, false));
        assert!(may_see_private(&employee, 2, true));
        assert!(may_see_private(&user(&[Role::HrAdmin], false), 2, false));
    }
}
