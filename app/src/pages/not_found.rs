//! The page for unknown paths.

use leptos::prelude::*;

/// Shown for any path that matches no route.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <section class="p-8 text-center">
            <h1 class="text-2xl font-semibold">"Nothing here"</h1>
            <p class="mt-2 text-slate-400">"This page does not exist, or you may not see it."</p>
            <a class="mt-4 inline-block text-indigo-300 underline" href="/campaigns">"Back to your campaigns"</a>
        </section>
    }
}
