//! A cycle's reviews laid out for printing (or saving as PDF), one review to a page, without
//! the app's navigation. `?department=ID` limits it to one top-level department; at most
//! `PRINT_LIMIT` reviews go into one printout.

use crate::api::reviews::{get_review_printout, PRINT_LIMIT};
use crate::error::AppError;
use crate::ui::components::feedback::{error_fallback, EmptyState, Loading};
use crate::ui::components::review::{PrintButton, ReviewDocument};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn PrintReviewsPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let cycle_id =
        Memo::new(move |_| params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok())));
    let department = Memo::new(move |_| {
        query.with(|q| {
            q.get("department")
                .and_then(|d| d.parse::<i64>().ok())
                .filter(|d| *d > 0)
        })
    });
    let pages = Resource::new(
        move || (cycle_id.get(), department.get()),
        |(id, department)| async move {
            match id {
                Some(id) => get_review_printout(id, department).await,
                None => Err(AppError::not_found("That review cycle")),
            }
        },
    );
    let back = move || match cycle_id.get() {
        Some(id) => format!("/reviews/cycles/{id}"),
        None => "/reviews/admin".to_string(),
    };
    view! {
        <Title text="Print reviews"/>
        <main class="print-doc">
            <div class="print-toolbar">
                <a class="btn btn-quiet" href=back>"← Back to the cycle"</a>
                <PrintButton class="btn btn-primary"/>
            </div>
            <Suspense fallback=|| view! { <Loading label="Gathering reviews…"/> }>
                <ErrorBoundary fallback=error_fallback>
                    {move || Suspend::new(async move {
                        pages.await.map(|pages| {
                            if pages.is_empty() {
                                return view! {
                                    <EmptyState
                                        title="No reviews to print"
                                        body="Nobody is reviewed in this cycle yet, or not in this department."
                                    />
                                }
                                .into_any();
                            }
                            let title = format!("Reviews · {}", pages[0].cycle_name);
                            let capped = pages.len() as i64 >= PRINT_LIMIT;
                            let cycle = cycle_id.get_untracked().unwrap_or_default();
                            view! {
                                <Title text=title/>
                                {capped.then(|| view! {
                                    <p class="notice notice-warn print-toolbar" role="status">
                                        {format!("Only the first {PRINT_LIMIT} reviews are included. ")}
                                        "Print one department at a time: choose "<strong>"Print"</strong>
                                        " beside a department on the "
                                        <a href=format!("/reviews/cycles/{cycle}")>"cycle page"</a>
                                        ", or add "<code>"?department=ID"</code>" to this address."
                                    </p>
                                })}
                                {pages.into_iter().map(|page| view! {
                                    <div class="print-page">
                                        <ReviewDocument page/>
                                    </div>
                                }).collect_view()}
                            }
                            .into_any()
                        })
                    })}
                </ErrorBoundary>
            </Suspense>
        </main>
    }
}
