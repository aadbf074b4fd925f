//! Charts as SVG, readable without colour (every bar carries its number), each followed by a
//! table of the same numbers for screen readers and for people who would rather read.

use leptos::prelude::*;

/// One bar: a label and a count.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: i64,
}

const WIDTH: i64 = 360;
const LABEL_WIDTH: i64 = 128;
const VALUE_SPACE: i64 = 52;
const ROW: i64 = 28;
const AXIS_SPACE: i64 = 34;

/// A horizontal bar chart with a title, an axis label and the table behind it.
#[component]
pub fn BarChart(
    #[prop(into)] id: String,
    #[prop(into)] title: String,
    /// What the bars measure, shown under the axis ("People").
    value_label: &'static str,
    /// What each bar is, the table's first column ("Department").
    category_label: &'static str,
    bars: Vec<Bar>,
) -> impl IntoView {
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    let total: i64 = bars.iter().map(|b| b.value).sum();
    let plot = WIDTH - LABEL_WIDTH - VALUE_SPACE;
    let height = bars.len() as i64 * ROW + AXIS_SPACE;
    let title_id = format!("{id}-title");
    let rows = bars
        .iter()
        .enumerate()
        .map(|(i, bar)| {
            let y = i as i64 * ROW + 4;
            let w = (bar.value * plot / max).max(if bar.value > 0 { 2 } else { 0 });
            let label = truncate(&bar.label, 18);
            view! {
                <g>
                    <text x=LABEL_WIDTH - 8 y=y + 14 text-anchor="end" class="chart-label">{label}</text>
                    <rect x=LABEL_WIDTH y=y width=w height=ROW - 10 rx="3" class="chart-bar"></rect>
                    <text x=LABEL_WIDTH + w + 6 y=y + 14 class="chart-value">{format_count(bar.value)}</text>
                </g>
            }
        })
        .collect_view();
    let table_rows = bars
        .iter()
        .map(|bar| {
            let share = format_share(bar.value, total);
            view! {
                <tr>
                    <th scope="row">{bar.label.clone()}</th>
                    <td class="num">{format_count(bar.value)}</td>
                    <td class="num">{share}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <figure class="chart" id=id>
            <figcaption id=title_id.clone() class="chart-title">{title.clone()}</figcaption>
            <svg
                viewBox=format!("0 0 {WIDTH} {height}")
                role="img"
                aria-labelledby=title_id
                class="chart-svg"
            >
                <title>{title}</title>
                {rows}
                <line x1=LABEL_WIDTH y1="0" x2=LABEL_WIDTH y2=height - AXIS_SPACE + 4 class="chart-axis"></line>
                <text x=LABEL_WIDTH + plot / 2 y=height - 8 text-anchor="middle" class="chart-axis-label">
                    {value_label}
                </text>
            </svg>
            <table class="table chart-table">
                <thead>
                    <tr>
                        <th scope="col">{category_label}</th>
                        <th scope="col" class="num">{value_label}</th>
                        <th scope="col" class="num">"Share"</th>
                    </tr>
                </thead>
                <tbody>{table_rows}</tbody>
                <tfoot>
                    <tr>
                        <th scope="row">"Total"</th>
                        <td class="num">{format_count(total)}</td>
                        <td class="num">"100%"</td>
                    </tr>
                </tfoot>
            </table>
        </figure>
    }
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(max - 1).collect::<String>())
    }
}

/// A part of a total as a percentage with one decimal ("30.1%"), in integer arithmetic (float
/// formatting would add kilobytes to the browser bundle).
pub fn format_share(part: i64, total: i64) -> String {
    if total <= 0 {
        return "0.0%".into();
    }
    let tenths = (part.max(0) * 1000 + total / 2) / total;
    format!("{}.{}%", tenths / 10, tenths % 10)
}

/// 12345 -> "12,345".
pub fn format_count(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_get_thousands_separators() {
        assert_eq!(format_count(0), "0");
        assert_eq!(format_count(999), "999");
        assert_eq!(format_count(1000), "1,000");
        assert_eq!(format_count(100000), "100,000");
        assert_eq!(format_count(-1234567), "-1,234,567");
    }

    #[test]
    fn shares_are_rounded_to_one_decimal() {
        assert_eq!(format_share(91, 302), "30.1%");
        assert_eq!(format_share(1, 3), "33.3%");
        assert_eq!(format_share(2, 3), "66.7%");
        assert_eq!(format_share(5, 5), "100.0%");
        assert_eq!(format_share(0, 0), "0.0%");
    }

    #[test]
    fn long_labels_are_shortened() {
        assert_eq!(truncate("Customer Success", 18), "Customer Success");
        assert_eq!(
            truncate("Learning & Development Team", 18),
            "Learning & Develo…"
        );
    }
}
