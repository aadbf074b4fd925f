//! The people directory, profiles, the org chart, and HR's changes to people and roles.

// Form-backed server functions take one argument per form field, by design.
#![allow(clippy::too_many_arguments)]

use crate::error::AppResult;
use keel_core::people::{
    DepartmentId, DepartmentOption, PersonCard, PersonId, PrivateDetails, Role, RoleChange,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A person's profile.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonProfile {
    pub card: PersonCard,
    pub email: String,
    pub department_id: DepartmentId,
    /// Managers from the direct one up to the top of the company.
    pub manager_chain: Vec<PersonCard>,
    pub direct_reports: Vec<PersonCard>,
    /// Only shown to the person, their manager chain and HR.
    pub private: Option<PrivateDetails>,
    /// Only shown to the person and HR (empty for everyone else).
    pub roles: Vec<Role>,
}

/// One page of the directory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryPage {
    pub people: Vec<PersonCard>,
    /// How many people match the filters, on every page.
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// People per directory page.
pub const DIRECTORY_PER_PAGE: i64 = 25;

/// All departments, parents before children, each with its full path.
#[server(prefix = "/api", endpoint = "list_departments")]
pub async fn list_departments() -> AppResult<Vec<DepartmentOption>> {
    use crate::auth::{current_user, policy, state};
    use keel_core::people::department_options;
    let user = current_user()?;
    policy::require(&user, policy::Action::BrowseDirectory)?;
    let departments = crate::store::departments::all(&state().pool).await?;
    Ok(department_options(&departments))
}

/// One page (25 people) of the directory, by name; filters by name or email and by
/// department (sub-departments included).
#[server(prefix = "/api", endpoint = "list_people")]
pub async fn list_people(
    search: String,
    department_id: Option<i64>,
    include_left: bool,
    page: i64,
) -> AppResult<DirectoryPage> {
    use crate::auth::{current_user, policy, state};
    use crate::error::AppError;
    use keel_core::people::DirectoryQuery;
    let user = current_user()?;
    policy::require(&user, policy::Action::BrowseDirectory)?;
    if search.chars().count() > 100 {
        return Err(AppError::invalid(
            "search",
            "Search for at most 100 characters.",
        ));
    }
    if keel_core::people::has_control_characters(&search) {
        let message = keel_core::people::CONTROL_CHARACTERS;
        return Err(AppError::invalid("search", message));
    }
    let query = DirectoryQuery {
        search,
        department_id,
        include_left,
        page: page.clamp(1, 100_000),
    };
    let (people, total) =
        crate::store::people::directory(&state().pool, &query, DIRECTORY_PER_PAGE).await?;
    Ok(DirectoryPage {
        people,
        total,
        page: query.page,
        per_page: DIRECTORY_PER_PAGE,
    })
}

/// Up to 8 active people whose name or email starts with `prefix` (for the manager field).
#[server(prefix = "/api", endpoint = "list_suggested_people")]
pub async fn list_suggested_people(prefix: String) -> AppResult<Vec<(String, String)>> {
    use crate::auth::{current_user, policy, state};
    let user = current_user()?;
    policy::require(&user, policy::Action::BrowseDirectory)?;
    let unusable = keel_core::people::has_control_characters(&prefix);
    if unusable || prefix.trim().chars().count() < 2 || prefix.chars().count() > 100 {
        return Ok(Vec::new());
    }
    crate::store::people::suggest(&state().pool, &prefix).await
}

/// A person's profile: card, manager chain, direct reports, roles (for themselves and HR), and
/// (for themselves, their managers and HR) private details.
#[server(prefix = "/api", endpoint = "get_person")]
pub async fn get_person(id: PersonId) -> AppResult<PersonProfile> {
    use crate::auth::{current_user, policy, state};
    use crate::error::AppError;
    use crate::store::people;
    let user = current_user()?;
    policy::require(&user, policy::Action::BrowseDirectory)?;
    let pool = &state().pool;
    let card = people::card(pool, id)
        .await?
        .ok_or_else(|| AppError::not_found("That person"))?;
    let details = people::details(pool, id)
        .await?
        .ok_or_else(|| AppError::not_found("That person"))?;
    let manager_chain = people::manager_chain(pool, id).await?;
    let manages = manager_chain.iter().any(|m| m.id == user.id);
    let private = policy::may_see_private(&user, id, manages).then_some(details.private);
    Ok(PersonProfile {
        card,
        email: details.email,
        department_id: details.department_id,
        manager_chain,
        direct_reports: people::direct_reports(pool, id).await?,
        private,
        roles: if policy::may_see_roles(&user, id) {
            people::roles(pool, id).await?
        } else {
            Vec::new()
        },
    })
}

/// The person at the top of the company, where the org chart starts.
#[server(prefix = "/api", endpoint = "get_org_top")]
pub async fn get_org_top() -> AppResult<Option<PersonId>> {
    use crate::auth::{current_user, policy, state};
    let user = current_user()?;
    policy::require(&user, policy::Action::BrowseDirectory)?;
    crate::store::people::top_of_company(&state().pool).await
}

/// HR adds a person, then goes to their profile.
#[server(prefix = "/api", endpoint = "create_person")]
pub async fn create_person(
    name: String,
    email: String,
    title: String,
    department_id: String,
    manager_email: String,
    hire_date: String,
    location: String,
) -> AppResult<()> {
    use crate::auth::{current_user, policy, state};
    use crate::error::AppError;
    use keel_core::people::{PersonForm, PersonInput};
    let user = current_user()?;
    policy::require(&user, policy::Action::ManagePeople)?;
    let form = PersonForm {
        name,
        email,
        title,
        department_id,
        manager_email,
        hire_date,
        location,
    };
    let input = PersonInput::parse(&form).map_err(AppError::Invalid)?;
    let id = crate::store::people::create(&state().pool, &input, user.id).await?;
    leptos_axum::redirect(&format!("/people/{id}"));
    Ok(())
}

/// HR changes a person's details, department or manager, then goes back to their profile.
#[server(prefix = "/api", endpoint = "update_person")]
pub async fn update_person(
    id: PersonId,
    name: String,
    email: String,
    title: String,
    department_id: String,
    manager_email: String,
    hire_date: String,
    location: String,
) -> AppResult<()> {
    use crate::auth::{current_user, policy, state};
    use crate::error::AppError;
    use keel_core::people::{PersonForm, PersonInput, Role};
    let user = current_user()?;
    let is_admin = crate::store::people::roles(&state().pool, id)
        .await?
        .contains(&Role::Admin);
    policy::require(&user, policy::Action::ManagePerson { is_admin })?;
    let form = PersonForm {
        name,
        email,
        title,
        department_id,
        manager_email,
        hire_date,
        location,
    };
    let input = PersonInput::parse(&form).map_err(AppError::Invalid)?;
    // Whether they are an administrator is read again where the change is written.
    let may_manage_admins = policy::allows(&user, policy::Action::ManagePerson { is_admin: true });
    crate::store::people::update(&state().pool, id, &input, user.id, may_manage_admins).await?;
    leptos_axum::redirect(&format!("/people/{id}"));
    Ok(())
}

/// HR marks a person as having left (their sessions end at once).
#[server(prefix = "/api", endpoint = "mark_person_left")]
pub async fn mark_person_left(id: PersonId) -> AppResult<()> {
    use crate::auth::{current_user, policy, state};
    use crate::error::AppError;
    use keel_core::people::Role;
    let user = current_user()?;
    let is_admin = crate::store::people::roles(&state().pool, id)
        .await?
        .contains(&Role::Admin);
    policy::require(&user, policy::Action::ManagePerson { is_admin })?;
    if id == user.id {
        return Err(AppError::Conflict(
            "You cannot mark yourself as left.".into(),
        ));
    }
    let may_manage_admins = policy::allows(&user, policy::Action::ManagePerson { is_admin: true });
    crate::store::people::mark_left(&state().pool, id, user.id, may_manage_admins).await
}

/// HR grants or removes a role.
#[server(prefix = "/api", endpoint = "set_person_role")]
pub async fn set_person_role(id: PersonId, role: Role, change: RoleChange) -> AppResult<()> {
    use crate::auth::{current_user, policy, state};
    use crate::error::AppError;
    let user = current_user()?;
    policy::require(&user, policy::Action::ChangeRole(role))?;
    let granted = change == RoleChange::Grant;
    if !granted && id == user.id && role == Role::Admin {
        return Err(AppError::Conflict(
            "You cannot remove your own administrator role.".into(),
        ));
    }
    crate::store::people::set_role(&state().pool, id, role, granted, Some(user.id)).await
}
