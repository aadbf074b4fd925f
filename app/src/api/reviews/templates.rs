//! HR's rating scales and review templates: the admin overview, the template builder (one
//! server function per change, each in one transaction) and duplication.

use super::*;

#[server(prefix = "/api", endpoint = "get_review_admin")]
pub async fn get_review_admin() -> AppResult<ReviewAdminPage> {
    use crate::auth::state;
    use crate::store;
    support::hr()?;
    let pool = &state().pool;
    let scales = store::reviews::scales(pool).await?;
    let templates = store::reviews::templates(pool)
        .await?
        .iter()
        .map(|t| support::template_item(t, &scales))
        .collect();
    let cycles = store::reviews::cycles(pool)
        .await?
        .into_iter()
        .map(|(cycle, participants)| CycleItem {
            cycle,
            participants,
        })
        .collect();
    Ok(ReviewAdminPage {
        cycles,
        templates,
        scales,
    })
}

/// HR adds a rating scale: a name and one point per line ("Label: description").
#[server(prefix = "/api", endpoint = "create_rating_scale")]
pub async fn create_rating_scale(name: String, points: String) -> AppResult<()> {
    use crate::auth::state;
    use crate::error::AppError;
    let user = support::hr()?;
    let (name, points) =
        keel_core::reviews::parse_scale(&name, &points).map_err(AppError::Invalid)?;
    crate::store::reviews::create_scale(&state().pool, &name, &points, user.id).await?;
    Ok(())
}

/// A template's name as HR typed it, checked (required, at most 120 characters).
#[cfg(feature = "ssr")]
fn template_name(name: &str) -> AppResult<String> {
    keel_core::text::required(
        "name",
        name,
        120,
        "Give the template a name (up to 120 characters).",
    )
    .map_err(Into::into)
}

/// HR starts a template and opens the builder.
#[server(prefix = "/api", endpoint = "create_review_template")]
pub async fn create_review_template(name: String, scale_id: String) -> AppResult<()> {
    use crate::auth::state;
    use crate::error::AppError;
    let user = support::hr()?;
    let pool = &state().pool;
    let name = template_name(&name)?;
    let scales = crate::store::reviews::scales(pool).await?;
    let scale = scale_id
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|id| scales.iter().any(|s| s.id == *id));
    if scale.is_none() {
        return Err(AppError::invalid(
            "scale_id",
            "Choose the scale for the overall rating.",
        ));
    }
    let definition = TemplateDefinition {
        overall_scale_id: scale,
        ..Default::default()
    };
    let id = crate::store::reviews::create_template(pool, &name, &definition, user.id).await?;
    leptos_axum::redirect(&format!("/reviews/templates/{id}"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "get_template_builder")]
pub async fn get_template_builder(template_id: TemplateId) -> AppResult<BuilderPage> {
    use crate::auth::state;
    use crate::error::AppError;
    use crate::store;
    support::hr()?;
    let pool = &state().pool;
    let latest = store::reviews::latest_version(pool, template_id)
        .await?
        .ok_or_else(|| AppError::not_found("That template"))?;
    let scales = store::reviews::scales(pool).await?;
    let problems = keel_core::reviews::template_problems(&latest.definition, &scales);
    Ok(BuilderPage {
        template_id,
        name: latest.name,
        version: latest.version,
        frozen: latest.frozen,
        definition: latest.definition,
        scales,
        problems,
    })
}

/// The template's name, overall scale and declared weight total.
#[server(prefix = "/api", endpoint = "template_settings")]
pub async fn template_settings(
    template_id: TemplateId,
    version: i64,
    name: String,
    overall_scale_id: String,
    weights_total: String,
) -> AppResult<()> {
    use crate::error::AppError;
    let user = support::hr()?;
    let pool = &crate::auth::state().pool;
    let name = template_name(&name)?;
    let total = match weights_total.trim() {
        "" => None,
        t => Some(t.parse::<u32>().map_err(|_| {
            AppError::invalid(
                "weights_total",
                "Enter a whole number, or leave it empty for relative weights.",
            )
        })?),
    };
    let scale = overall_scale_id.trim().parse::<i64>().ok();
    support::check_scale(pool, scale, "overall_scale_id").await?;
    crate::store::reviews::edit_definition(
        pool,
        template_id,
        version,
        Some(&name),
        |def| {
            def.overall_scale_id = scale;
            def.weights_total = total;
            Ok(())
        },
        user.id,
    )
    .await?;
    Ok(())
}

#[server(prefix = "/api", endpoint = "add_template_section")]
pub async fn add_template_section(
    template_id: TemplateId,
    version: i64,
    title: String,
) -> AppResult<()> {
    support::hr()?;
    let title = keel_core::text::required(
        "title",
        &title,
        120,
        "Give the section a title (up to 120 characters).",
    )?;
    support::edit_template(template_id, version, |def| {
        def.add_section(&title);
        Ok(())
    })
    .await
}

#[server(prefix = "/api", endpoint = "rename_template_section")]
pub async fn rename_template_section(
    template_id: TemplateId,
    version: i64,
    key: String,
    title: String,
) -> AppResult<()> {
    use crate::error::AppError;
    support::hr()?;
    let title = keel_core::text::required(
        "title",
        &title,
        120,
        "Give the section a title (up to 120 characters).",
    )?;
    support::edit_template(template_id, version, |def| {
        let section = def
            .section_mut(&key)
            .ok_or_else(|| AppError::not_found("That section"))?;
        section.title = title;
        Ok(())
    })
    .await
}

#[server(prefix = "/api", endpoint = "add_template_question")]
pub async fn add_template_question(
    template_id: TemplateId,
    version: i64,
    section: String,
    kind: QuestionKind,
    prompt: String,
) -> AppResult<()> {
    use crate::error::AppError;
    support::hr()?;
    let prompt = keel_core::text::required(
        "prompt",
        &prompt,
        500,
        "Write the question (up to 500 characters).",
    )?;
    support::edit_template(template_id, version, |def| {
        def.add_question(&section, kind, &prompt)
            .map(|_| ())
            .ok_or_else(|| AppError::not_found("That section"))
    })
    .await
}

#[server(prefix = "/api", endpoint = "update_template_question")]
pub async fn update_template_question(
    template_id: TemplateId,
    version: i64,
    key: String,
    question: QuestionForm,
) -> AppResult<()> {
    use crate::error::AppError;
    support::hr()?;
    support::edit_template(template_id, version, |def| {
        let q = def
            .question_mut(&key)
            .ok_or_else(|| AppError::not_found("That question"))?;
        keel_core::reviews::apply_question_form(q, &question).map_err(AppError::Invalid)
    })
    .await
}

/// Moves a section or question one place up or down (`direction` is "up" or "down").
#[server(prefix = "/api", endpoint = "move_template_item")]
pub async fn move_template_item(
    template_id: TemplateId,
    version: i64,
    key: String,
    direction: MoveDirection,
) -> AppResult<()> {
    use crate::error::AppError;
    support::hr()?;
    support::edit_template(template_id, version, |def| {
        if def.shift(&key, direction.step()) {
            Ok(())
        } else {
            Err(AppError::Conflict(
                "That is already as far as it can go.".into(),
            ))
        }
    })
    .await
}

#[server(prefix = "/api", endpoint = "remove_template_item")]
pub async fn remove_template_item(
    template_id: TemplateId,
    version: i64,
    key: String,
) -> AppResult<()> {
    use crate::error::AppError;
    support::hr()?;
    support::edit_template(template_id, version, |def| {
        if def.remove(&key) {
            Ok(())
        } else {
            Err(AppError::not_found("That item"))
        }
    })
    .await
}

#[server(prefix = "/api", endpoint = "duplicate_review_template")]
pub async fn duplicate_review_template(template_id: TemplateId, name: String) -> AppResult<()> {
    use crate::auth::state;
    let user = support::hr()?;
    let name = keel_core::text::required(
        "name",
        &name,
        120,
        "Give the copy a name (up to 120 characters).",
    )?;
    let id = crate::store::reviews::duplicate_template(&state().pool, template_id, &name, user.id)
        .await?;
    leptos_axum::redirect(&format!("/reviews/templates/{id}"));
    Ok(())
}
