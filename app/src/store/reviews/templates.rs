//! Rating scales and review templates: template versions are one JSON document each; an edit
//! changes the latest version in place until a cycle uses it, then writes version N+1.

use super::*;

#[derive(sqlx::FromRow)]
pub(super) struct ScaleRow {
    id: i64,
    name: String,
    points: String,
}

impl TryFrom<ScaleRow> for RatingScale {
    type Error = AppError;
    fn try_from(r: ScaleRow) -> AppResult<Self> {
        Ok(RatingScale {
            points: crate::store::decode("rating_scales.points", r.id, &r.points)?,
            id: r.id,
            name: r.name,
        })
    }
}

pub async fn scales(pool: &Pool) -> AppResult<Vec<RatingScale>> {
    let rows =
        sqlx::query_as::<_, ScaleRow>("SELECT id, name, points FROM rating_scales ORDER BY name")
            .fetch_all(pool)
            .await
            .map_err(internal)?;
    rows.into_iter().map(RatingScale::try_from).collect()
}

pub async fn create_scale(
    pool: &Pool,
    name: &str,
    points: &[ScalePoint],
    actor: PersonId,
) -> AppResult<ScaleId> {
    let mut tx = crate::store::begin_write(pool).await?;
    let points_json = serde_json::to_string(points).unwrap_or_else(|_| "[]".into());
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO rating_scales (name, points, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(name)
    .bind(&points_json)
    .bind(now())
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| crate::store::on_unique(e, "name", "A scale with that name already exists."))?;
    audit::record(
        &mut tx,
        Some(actor),
        "scale.created",
        "rating_scale",
        id,
        None,
        Some(json!({ "name": name, "points": points })),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(id)
}

// ---------------------------------------------------------------------------------------------
// Templates

/// A template's latest version.
#[derive(Clone, Debug)]
pub struct TemplateVersion {
    pub template_id: TemplateId,
    pub name: String,
    pub version_id: VersionId,
    pub version: i64,
    pub frozen: bool,
    pub definition: TemplateDefinition,
}

#[derive(sqlx::FromRow)]
struct VersionRow {
    template_id: i64,
    name: String,
    version_id: i64,
    version: i64,
    frozen: i64,
    definition: String,
}

impl TryFrom<VersionRow> for TemplateVersion {
    type Error = AppError;
    fn try_from(r: VersionRow) -> AppResult<Self> {
        Ok(TemplateVersion {
            definition: crate::store::decode(
                "template_versions.definition",
                r.version_id,
                &r.definition,
            )?,
            template_id: r.template_id,
            name: r.name,
            version_id: r.version_id,
            version: r.version,
            frozen: r.frozen != 0,
        })
    }
}

const VERSION_SELECT: &str = "SELECT t.id AS template_id, t.name, v.id AS version_id, v.version,
    v.frozen, v.definition FROM template_versions v JOIN review_templates t ON t.id = v.template_id";

/// Every template at its latest version, by name.
pub async fn templates(pool: &Pool) -> AppResult<Vec<TemplateVersion>> {
    let rows = sqlx::query_as::<_, VersionRow>(&format!(
        "{VERSION_SELECT} WHERE v.version = (SELECT MAX(version) FROM template_versions
            WHERE template_id = t.id) ORDER BY t.name"
    ))
    .fetch_all(pool)
    .await
    .map_err(internal)?;
    rows.into_iter().map(TemplateVersion::try_from).collect()
}

pub async fn latest_version(
    pool: &Pool,
    template: TemplateId,
) -> AppResult<Option<TemplateVersion>> {
    let row = sqlx::query_as::<_, VersionRow>(&format!(
        "{VERSION_SELECT} WHERE t.id = $1 ORDER BY v.version DESC LIMIT 1"
    ))
    .bind(template)
    .fetch_optional(pool)
    .await
    .map_err(internal)?;
    row.map(TemplateVersion::try_from).transpose()
}

pub async fn version(pool: &Pool, version: VersionId) -> AppResult<Option<TemplateVersion>> {
    let row = sqlx::query_as::<_, VersionRow>(&format!("{VERSION_SELECT} WHERE v.id = $1"))
        .bind(version)
        .fetch_optional(pool)
        .await
        .map_err(internal)?;
    row.map(TemplateVersion::try_from).transpose()
}

/// A new template at version 1.
pub async fn create_template(
    pool: &Pool,
    name: &str,
    definition: &TemplateDefinition,
    actor: PersonId,
) -> AppResult<TemplateId> {
    let mut tx = crate::store::begin_write(pool).await?;
    let id = insert_template(&mut tx, name, definition, actor).await?;
    tx.commit().await.map_err(internal)?;
    Ok(id)
}

async fn insert_template(
    tx: &mut Tx<'_>,
    name: &str,
    definition: &TemplateDefinition,
    actor: PersonId,
) -> AppResult<TemplateId> {
    let at = now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO review_templates (name, created_by, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(name)
    .bind(actor)
    .bind(at)
    .fetch_one(&mut **tx)
    .await
    .map_err(|e| crate::store::on_unique(e, "name", "A template with that name already exists."))?;
    sqlx::query(
        "INSERT INTO template_versions (template_id, version, definition, frozen, created_at, updated_at)
         VALUES ($1, 1, $2, 0, $3, $3)",
    )
    .bind(id)
    .bind(serde_json::to_string(definition).unwrap_or_default())
    .bind(at)
    .execute(&mut **tx)
    .await
    .map_err(internal)?;
    audit::record(
        tx,
        Some(actor),
        "template.created",
        "review_template",
        id,
        None,
        Some(json!({ "name": name })),
    )
    .await?;
    Ok(id)
}

/// Applies one builder change to a template's latest version in one transaction (so two
/// editors' changes compose instead of overwriting each other), and optionally renames it. The
/// change is written over the latest version while no cycle uses it, otherwise as the next
/// version (the frozen one stays exactly as cycles saw it); a change that changes nothing writes
/// nothing. `expected_version` is the version the editor saw: a newer one means their page is
/// stale. Returns the version number now latest.
pub async fn edit_definition(
    pool: &Pool,
    template: TemplateId,
    expected_version: i64,
    new_name: Option<&str>,
    change: impl FnOnce(&mut TemplateDefinition) -> AppResult<()>,
    actor: PersonId,
) -> AppResult<i64> {
    let sqlite = is_sqlite(pool);
    let mut tx = crate::store::begin_write(pool).await?;
    // Locked on PostgreSQL: a launch freezing this version, or another builder change, waits
    // for this one (or this one for it, and then sees the version frozen or changed).
    let latest: Option<(i64, i64, i64, String, String)> = sqlx::query_as(if sqlite {
        "SELECT v.id, v.version, v.frozen, v.definition, t.name FROM template_versions v
         JOIN review_templates t ON t.id = v.template_id WHERE v.template_id = $1
         ORDER BY v.version DESC LIMIT 1"
    } else {
        "SELECT v.id, v.version, v.frozen, v.definition, t.name FROM template_versions v
         JOIN review_templates t ON t.id = v.template_id WHERE v.template_id = $1
         ORDER BY v.version DESC LIMIT 1 FOR UPDATE OF v"
    })
    .bind(template)
    .fetch_optional(&mut *tx)
    .await
    .map_err(internal)?;
    let Some((version_id, version, frozen, before_text, name)) = latest else {
        return Err(AppError::not_found("That template"));
    };
    if version != expected_version {
        return Err(AppError::Conflict(
            "This template has a newer version than the page shows. Reload the page to see it."
                .into(),
        ));
    }
    let before: TemplateDefinition =
        crate::store::decode("template_versions.definition", version_id, &before_text)?;
    let mut definition = before.clone();
    change(&mut definition)?;
    let at = now();
    if let Some(new_name) = new_name.filter(|n| *n != name) {
        sqlx::query("UPDATE review_templates SET name = $1 WHERE id = $2")
            .bind(new_name)
            .bind(template)
            .execute(&mut *tx)
            .await
            .map_err(|e| {
                crate::store::on_unique(e, "name", "A template with that name already exists.")
            })?;
        audit::record(
            &mut tx,
            Some(actor),
            "template.renamed",
            "review_template",
            template,
            Some(json!({ "name": name })),
            Some(json!({ "name": new_name })),
        )
        .await?;
    }
    if definition == before {
        tx.commit().await.map_err(internal)?;
        return Ok(version);
    }
    let text = serde_json::to_string(&definition).unwrap_or_default();
    let saved_version = if frozen != 0 {
        sqlx::query(
            "INSERT INTO template_versions (template_id, version, definition, frozen, created_at, updated_at)
             VALUES ($1, $2, $3, 0, $4, $4)",
        )
        .bind(template)
        .bind(version + 1)
        .bind(&text)
        .bind(at)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
        version + 1
    } else {
        sqlx::query("UPDATE template_versions SET definition = $1, updated_at = $2 WHERE id = $3")
            .bind(&text)
            .bind(at)
            .bind(version_id)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        version
    };
    audit::record(
        &mut tx,
        Some(actor),
        if frozen != 0 {
            "template.versioned"
        } else {
            "template.updated"
        },
        "review_template",
        template,
        Some(json!({ "version": version, "definition": before })),
        Some(json!({ "version": saved_version, "definition": definition })),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(saved_version)
}

/// A copy of a template's latest version as a new template.
pub async fn duplicate_template(
    pool: &Pool,
    template: TemplateId,
    name: &str,
    actor: PersonId,
) -> AppResult<TemplateId> {
    let source = latest_version(pool, template)
        .await?
        .ok_or_else(|| AppError::not_found("That template"))?;
    create_template(pool, name, &source.definition, actor).await
}
