//! `/`: sends visitors to their campaigns, or to the login page.

use crate::api::auth::current_user;
use leptos::prelude::*;
use leptos_router::components::Redirect;

/// Redirects to `/campaigns` when logged in, `/login` otherwise.
#[component]
pub fn Home() -> impl IntoView {
    let user = Resource::new(|| (), |_| current_user());
    view! {
        <Suspense fallback=|| view! { <p class="p-8 text-slate-400">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(Some(_)) => view! { <Redirect path="/campaigns" /> }.into_any(),
                    _ => view! { <Redirect path="/login" /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
