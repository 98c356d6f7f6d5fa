//! The top bar: the product name, the user, and log out.

use crate::api::auth::{current_user, Logout};
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// Refetches the user on every navigation so logging in or out shows at once.
#[component]
pub fn NavBar() -> impl IntoView {
    let location = use_location();
    let user = Resource::new(move || location.pathname.get(), |_| current_user());
    let logout = ServerAction::<Logout>::new();
    view! {
        <header class="border-b border-slate-800 bg-slate-900/80">
            <nav class="mx-auto flex max-w-6xl items-center justify-between px-4 py-2">
                <a href="/campaigns" class="font-semibold tracking-wide text-indigo-300">"Tabletalk"</a>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        match user.await {
                            Ok(Some(user)) => view! {
                                <div class="flex items-center gap-3 text-sm">
                                    <span data-testid="nav-user" class="text-slate-300">{user.username}</span>
                                    <ActionForm action=logout>
                                        <button data-testid="logout" type="submit" class="btn-quiet">"Log out"</button>
                                    </ActionForm>
                                </div>
                            }.into_any(),
                            _ => view! {
                                <a href="/login" class="text-sm text-slate-300 underline">"Log in"</a>
                            }.into_any(),
                        }
                    })}
                </Transition>
            </nav>
        </header>
    }
}
