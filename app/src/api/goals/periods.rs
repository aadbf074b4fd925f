//! Goal periods: the spans goals are set for, defined by HR.

use super::*;

/// The periods goals are set for (every signed-in person).
#[server(prefix = "/api", endpoint = "list_goal_periods")]
pub async fn list_goal_periods() -> AppResult<Vec<Period>> {
    use crate::auth::{current_user, state};
    current_user()?;
    crate::store::goals::periods(&state().pool).await
}

/// HR adds a goal period.
#[server(prefix = "/api", endpoint = "create_goal_period")]
pub async fn create_goal_period(
    name: String,
    kind: String,
    starts_on: String,
    ends_on: String,
) -> AppResult<()> {
    use crate::auth::{current_user, policy, state};
    use crate::error::AppError;
    let user = current_user()?;
    policy::require(&user, policy::Action::ManagePeople)?;
    let (name, kind, starts_on, ends_on) =
        keel_core::goals::parse_period(&name, &kind, &starts_on, &ends_on)
            .map_err(AppError::Invalid)?;
    crate::store::goals::create_period(&state().pool, &name, kind, &starts_on, &ends_on, user.id)
        .await?;
    Ok(())
}
