//! People: the directory, profiles' private details, HR's changes to people and roles, and
//! company-wide analytics.

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

/// Whether a person's private details (hire date, manager's email) are visible: to themselves,
/// anyone above them in the reporting line, and HR.
pub fn may_see_private(user: &CurrentUser, person: PersonId, user_manages_person: bool) -> bool {
    user.id == person || user_manages_person || user.is_hr()
}

/// Whether a person's roles (HR, executive, administrator) are shown: to themselves and HR.
/// Everyone else does not learn whose account is worth attacking.
pub fn may_see_roles(user: &CurrentUser, person: PersonId) -> bool {
    user.id == person || user.is_hr()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::policy::user;

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

    #[test]
    fn private_details_are_for_self_managers_and_hr() {
        let employee = user(&[], false);
        assert!(may_see_private(&employee, 1, false));
        assert!(!may_see_private(&employee, 2, false));
        assert!(may_see_private(&employee, 2, true));
        assert!(may_see_private(&user(&[Role::HrAdmin], false), 2, false));
    }
}
