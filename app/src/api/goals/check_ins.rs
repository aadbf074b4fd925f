//! Check-ins and comments on a goal.

use super::*;

/// Records a check-in: a value per key result, a confidence and a comment.
#[server(prefix = "/api", endpoint = "check_in_goal")]
pub async fn check_in_goal(
    goal_id: GoalId,
    values: Option<Vec<CheckInValueForm>>,
    confidence: String,
    comment: String,
) -> AppResult<()> {
    use crate::auth::{current_user, policy, state};
    use crate::error::{AppError, FieldError};
    use crate::store;
    use keel_core::goals::{parse_check_in_value, Confidence};
    let user = current_user()?;
    let pool = &state().pool;
    let (row, rel) = support::visible_goal(pool, &user, goal_id).await?;
    if !policy::may_check_in(&user, row.level(), rel) {
        return Err(AppError::Forbidden);
    }
    if let Some(refusal) = keel_core::goals::check_in_refusal(row.status(), row.plan_state()) {
        return Err(AppError::Conflict(refusal.into()));
    }
    let mut errors = Vec::new();
    let confidence = Confidence::parse(confidence.trim());
    if confidence.is_none() {
        errors.push(FieldError::new(
            "confidence",
            "Choose on track, at risk or off track.",
        ));
    }
    let comment = keel_core::text::at_most(
        "comment",
        &comment,
        2000,
        "Keep the comment under 2,000 characters.",
    )
    .unwrap_or_else(|error| {
        errors.push(error);
        String::new()
    });
    let key_results = store::goals::key_results(pool, &[goal_id]).await?;
    let mut parsed = Vec::new();
    for (i, value) in values.unwrap_or_default().iter().enumerate() {
        let field = format!("values[{i}][value]");
        let kr = support::parse_id(&value.key_result_id)
            .and_then(|id| key_results.iter().find(|(_, kr)| kr.id == id));
        let Some((_, kr)) = kr else {
            errors.push(FieldError::new(
                &field,
                "That key result is not part of this goal.",
            ));
            continue;
        };
        if parsed.iter().any(|(id, _)| *id == kr.id) {
            errors.push(FieldError::new(
                &field,
                "Each key result is checked in once.",
            ));
            continue;
        }
        match parse_check_in_value(kr.kind, &value.value) {
            Ok(v) => parsed.push((kr.id, v)),
            Err(message) => errors.push(FieldError::new(&field, message)),
        }
    }
    if parsed.is_empty() && errors.is_empty() && comment.is_empty() {
        errors.push(FieldError::new(
            "comment",
            "Enter a new value or a comment.",
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let confidence = confidence.unwrap_or(Confidence::OnTrack);
    store::goals::check_in(pool, goal_id, &parsed, confidence, &comment, user.id).await?;
    Ok(())
}

/// Comments on a goal, or (with `check_in_id`) under one of its check-ins.
#[server(prefix = "/api", endpoint = "comment_on_goal")]
pub async fn comment_on_goal(goal_id: GoalId, check_in_id: String, body: String) -> AppResult<()> {
    use crate::auth::{current_user, state};
    use crate::error::AppError;
    use crate::store;
    let user = current_user()?;
    let pool = &state().pool;
    support::visible_goal(pool, &user, goal_id).await?;
    let body = body.trim().to_string();
    if body.is_empty() {
        return Err(AppError::invalid("body", "Write a comment first."));
    }
    let body = keel_core::text::at_most(
        "body",
        &body,
        2000,
        "Keep the comment under 2,000 characters.",
    )?;
    let check_in = match check_in_id.trim() {
        "" => None,
        text => {
            let id = support::parse_id(text)
                .ok_or_else(|| AppError::invalid("body", "That check-in was not found."))?;
            if !store::goals::check_in_belongs(pool, goal_id, id).await? {
                return Err(AppError::invalid("body", "That check-in was not found."));
            }
            Some(id)
        }
    };
    store::goals::add_comment(pool, goal_id, check_in, &body, user.id).await?;
    Ok(())
}
