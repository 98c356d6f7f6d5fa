//! Shows a typed error where it happened: message, hint, and the code for bug reports.

use crate::domain::Problem;
use leptos::prelude::*;

/// Renders `problem` (nothing when `None`) with `data-testid=testid` and `data-code` set to its code.
#[component]
pub fn ProblemNotice(#[prop(into)] problem: Signal<Option<Problem>>, testid: &'static str) -> impl IntoView {
    move || {
        problem.get().map(|problem| {
            view! {
                <div role="alert" data-testid=testid data-code=problem.code.as_str()
                    class="mt-3 rounded-md border border-rose-700 bg-rose-950/60 p-2 text-sm text-rose-200">
                    <p class="font-medium">{problem.message}</p>
                    <p class="text-rose-300/80">{problem.hint}</p>
                </div>
            }
        })
    }
}
