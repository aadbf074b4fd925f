//! The home page's data: what each role sees first.

use crate::api::people::PersonProfile;
use crate::error::AppResult;
use keel_core::analytics::headcount::Headcount;
use keel_core::people::PersonCard;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeSummary {
    /// The signed-in person's own profile (manager chain, reports, private details).
    pub me: PersonProfile,
    /// The other people reporting to my manager.
    pub teammates: Vec<PersonCard>,
    /// For managers: everyone below them, at any depth.
    pub organisation_size: Option<i64>,
    /// For HR and executives: active headcount by top-level department, largest first.
    pub headcount: Option<Vec<Headcount>>,
}

#[server(prefix = "/api", endpoint = "get_home")]
pub async fn get_home() -> AppResult<HomeSummary> {
    use crate::auth::{current_user, policy, state};
    use crate::error::AppError;
    use crate::store::{departments, people};
    use keel_core::analytics::headcount::by_top_level_department;
    let user = current_user()?;
    let pool = &state().pool;
    let card = people::card(pool, user.id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let details = people::details(pool, user.id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let manager_chain = people::manager_chain(pool, user.id).await?;
    let teammates = match manager_chain.first() {
        Some(manager) => people::direct_reports(pool, manager.id)
            .await?
            .into_iter()
            .filter(|p| p.id != user.id)
            .collect(),
        None => Vec::new(),
    };
    let direct_reports = if user.is_manager {
        people::direct_reports(pool, user.id).await?
    } else {
        Vec::new()
    };
    let organisation_size = if user.is_manager {
        Some(people::organisation_size(pool, user.id).await?)
    } else {
        None
    };
    let headcount = if policy::allows(&user, policy::Action::ViewOrganisationAnalytics) {
        let all = departments::all(pool).await?;
        let direct = departments::direct_headcounts(pool).await?;
        Some(by_top_level_department(&all, &direct))
    } else {
        None
    };
    Ok(HomeSummary {
        me: PersonProfile {
            card,
            email: details.email,
            department_id: details.department_id,
            manager_chain,
            direct_reports,
            private: Some(details.private),
            roles: user.roles.clone(),
        },
        teammates,
        organisation_size,
        headcount,
    })
}
