//! The ratings of a cycle as CSV (a plain GET route served by the server crate), with fields
//! defused against spreadsheet formulas.

#[cfg(feature = "ssr")]
use super::*;

/// One CSV field: quoted when it holds a comma, quote or line break; a leading =, +, - or @
/// is defused so spreadsheets do not run it as a formula.
pub fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// The ratings of a cycle as CSV, for HR: one line per reviewee.
#[cfg(feature = "ssr")]
pub async fn ratings_csv(
    pool: &crate::store::Pool,
    user: &keel_core::people::CurrentUser,
    cycle_id: CycleId,
) -> AppResult<(String, String)> {
    use crate::store;
    support::require_hr(user)?;
    let cycle = support::cycle(pool, cycle_id).await?;
    let scales = store::reviews::scales(pool).await?;
    let mut versions: BTreeMap<i64, store::reviews::TemplateVersion> = BTreeMap::new();
    let mut out = String::from(
        "Name,Email,Department,Manager,Proposed rating,Final rating,Rating,Released,Acknowledged,Signed off\n",
    );
    let date = |at: Option<i64>| {
        at.map(|t| keel_core::calendar::date_from_days(t.div_euclid(86_400)))
            .unwrap_or_default()
    };
    for (p, email) in store::reviews::export_rows(pool, cycle_id).await? {
        support::read_once(&mut versions, p.template_version_id, || {
            support::version(pool, p.template_version_id)
        })
        .await?;
        let row = [
            p.person_name.clone(),
            email,
            p.department.clone(),
            p.manager_name.clone().unwrap_or_default(),
            p.proposed_rating
                .map(|r| format!("{r:.2}"))
                .unwrap_or_default(),
            p.final_rating.map(|r| r.to_string()).unwrap_or_default(),
            support::label_for(&p, &versions, &scales)?.unwrap_or_default(),
            date(p.released_at),
            date(p.acknowledged_at),
            date(p.signed_off_at),
        ];
        out.push_str(
            &row.iter()
                .map(|f| csv_field(f))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push('\n');
    }
    let file = format!(
        "{}-ratings.csv",
        cycle
            .name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            })
            .collect::<String>()
    );
    Ok((file, out))
}
