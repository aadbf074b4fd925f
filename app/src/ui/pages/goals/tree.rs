//! The alignment tree: company objectives at the top; each goal opens to the goals aligned to
//! it. Which goals are open lives in the URL (`?open=1,5`), so every toggle is a plain link: it
//! works before the page is interactive, on a phone, and can be shared. Search finds a goal by
//! title and shows the path above it.

use crate::api::goals::{get_goal_tree, TreeNode, TreeRow};
use crate::ui::components::feedback::{error_fallback, EmptyState, Loading};
use crate::ui::components::goal::{percent, GoalsNav, HealthBadge, PeriodTabs, ProgressBar};
use crate::ui::pages::people::encode_query_value;
use crate::ui::use_session;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

#[derive(Clone, Debug, PartialEq)]
struct TreeQuery {
    period: Option<i64>,
    open: Vec<i64>,
    search: String,
}

impl TreeQuery {
    fn url(&self, open: &[i64]) -> String {
        let mut parts = Vec::new();
        if let Some(p) = self.period {
            parts.push(format!("period={p}"));
        }
        if !open.is_empty() {
            let ids: Vec<String> = open.iter().map(|i| i.to_string()).collect();
            parts.push(format!("open={}", ids.join(",")));
        }
        if !self.search.is_empty() {
            parts.push(format!("q={}", encode_query_value(&self.search)));
        }
        format!("/goals/tree?{}", parts.join("&"))
    }

    /// The link that opens (or closes) `id`.
    fn toggle(&self, id: i64) -> String {
        let mut open = self.open.clone();
        if let Some(i) = open.iter().position(|o| *o == id) {
            open.remove(i);
        } else {
            open.push(id);
        }
        self.url(&open)
    }
}

#[component]
pub fn GoalTreePage() -> impl IntoView {
    let query = use_query_map();
    let tree_query = Memo::new(move |_| {
        query.with(|q| TreeQuery {
            period: q.get("period").and_then(|p| p.parse().ok()),
            open: q
                .get("open")
                .unwrap_or_default()
                .split(',')
                .filter_map(|i| i.trim().parse().ok())
                .collect(),
            search: q.get("q").unwrap_or_default(),
        })
    });
    let session = use_session();
    let page = Resource::new(
        move || tree_query.get(),
        |q| {
            let open: Vec<String> = q.open.iter().map(|i| i.to_string()).collect();
            get_goal_tree(q.period, open.join(","), q.search)
        },
    );
    view! {
        <Title text="Alignment"/>
        <header class="page-header">
            <div>
                <h1>"Alignment"</h1>
                <p class="muted">"How every goal connects to the company's objectives. Open a goal to see what aligns to it."</p>
            </div>
        </header>
        <Suspense fallback=|| view! { <Loading/> }>
            <ErrorBoundary fallback=error_fallback>
                {move || Suspend::new(async move {
                    let user = session.user.await.ok().flatten();
                    let (is_manager, is_hr) = user.as_ref().map(|u| (u.is_manager, u.is_hr())).unwrap_or_default();
                    let q = tree_query.get_untracked();
                    page.await.map(|page| {
                        let period_id = page.choice.selected.id;
                        let search = q.search.clone();
                        let search_value = search.clone();
                        let has_search = !search.trim().is_empty();
                        view! {
                            <GoalsNav active="tree" is_manager is_hr/>
                            <PeriodTabs choice=page.choice.clone() base="/goals/tree"/>
                            <Form method="GET" action="/goals/tree" attr:class="tree-search" attr:role="search">
                                <input type="hidden" name="period" value=period_id.to_string()/>
                                <div class="field">
                                    <label for="tree-search">"Find a goal"</label>
                                    <input id="tree-search" type="search" name="q" value=search_value placeholder="Title contains…"/>
                                </div>
                                <button type="submit" class="btn">"Search"</button>
                            </Form>
                            {has_search.then(|| {
                                let matches = page.matches.clone();
                                view! {
                                    <section class="card" aria-label="Search results">
                                        <h2 class="section-title">{format!("{} goals match “{}”", matches.len(), search)}</h2>
                                        <ul class="search-matches">
                                            {matches.into_iter().map(|m| view! {
                                                <li>
                                                    {(!m.path.is_empty()).then(|| view! { <p class="muted small">{m.path.join(" › ")}</p> })}
                                                    <a href=format!("/goals/{}", m.goal.id)>{m.goal.title.clone()}</a>
                                                    <span class="muted small">{format!(" · {} · {}", m.goal.owner_name, percent(m.goal.progress))}</span>
                                                </li>
                                            }).collect_view()}
                                        </ul>
                                    </section>
                                }
                            })}
                            {if page.nodes.is_empty() {
                                view! { <EmptyState title="No company objectives for this period" body="HR or an executive sets the company's objectives; everyone's goals then align to them."/> }.into_any()
                            } else {
                                let q = q.clone();
                                view! {
                                    <ul class="tree" aria-label="Goals by alignment">
                                        {page.nodes.into_iter().map(|row| match row {
                                            TreeRow::Goal(node) => view! { <TreeLine node query=q.clone()/> }.into_any(),
                                            TreeRow::More { depth, count } => view! {
                                                <li class="tree-node tree-more" style=format!("--depth: {}", depth.min(8))>
                                                    {format!("and {count} more aligned goals: search above to find one.")}
                                                </li>
                                            }.into_any(),
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                        }
                    })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}

#[component]
fn TreeLine(node: TreeNode, query: TreeQuery) -> impl IntoView {
    let goal = node.goal;
    let indent = format!("--depth: {}", node.depth.min(8));
    let toggle = (node.child_count > 0).then(|| {
        let label = if node.open {
            "Close".to_string()
        } else {
            format!("Open {} aligned", node.child_count)
        };
        let symbol = if node.open { "▾" } else { "▸" };
        view! {
            <a class="tree-toggle" href=query.toggle(goal.id) aria-expanded=node.open.to_string() aria-label=format!("{label}: {}", goal.title)>
                <span aria-hidden="true">{symbol}</span>
                <span class="tree-count">{node.child_count.to_string()}</span>
            </a>
        }
        .into_any()
    });
    view! {
        <li class="tree-node" style=indent>
            <div class="tree-line">
                {toggle.unwrap_or_else(|| view! { <span class="tree-toggle tree-leaf" aria-hidden="true"></span> }.into_any())}
                <div class="tree-body">
                    <div class="goal-line-head">
                        <a class="goal-title" href=format!("/goals/{}", goal.id)>{goal.title.clone()}</a>
                        <span class="goal-pct">{percent(goal.progress)}</span>
                    </div>
                    <ProgressBar progress=goal.progress expected=goal.expected health=goal.health/>
                    <div class="goal-meta">
                        <span class="muted small">{format!("{} · {}", goal.level.label(), goal.owner_name)}</span>
                        <HealthBadge health=goal.health/>
                    </div>
                </div>
            </div>
        </li>
    }
}
