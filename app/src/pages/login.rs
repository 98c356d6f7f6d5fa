//! `/login`: the login form. Works before hydration too (a plain form post), and shows typed errors in place.

use crate::api::auth::Login;
use crate::components::problem::ProblemNotice;
use crate::domain::Problem;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// Username and password; `?next=` says where to go afterwards.
#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<Login>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let problem = move || action.value().get().and_then(Result::err).map(Problem::from);
    let register_href = move || match query.read().get("next") {
        Some(next) => format!("/register?next={next}"),
        None => "/register".to_owned(),
    };
    view! {
        <section class="mx-auto mt-12 max-w-sm rounded-xl border border-slate-800 bg-slate-900 p-6 shadow-lg">
            <h1 class="text-xl font-semibold">"Log in to Tabletalk"</h1>
            <ActionForm action>
                <input type="hidden" name="next" prop:value=next />
                <label class="mt-4 block text-sm text-slate-300" for="login-username">"Username"</label>
                <input id="login-username" data-testid="login-username" name="username" autocomplete="username"
                    required class="field" />
                <label class="mt-3 block text-sm text-slate-300" for="login-password">"Password"</label>
                <input id="login-password" data-testid="login-password" name="password" type="password"
                    autocomplete="current-password" required class="field" />
                <ProblemNotice problem=Signal::derive(problem) testid="login-error" />
                <button data-testid="login-submit" type="submit" class="btn-primary mt-4 w-full"
                    disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "Logging in…" } else { "Log in" }}
                </button>
            </ActionForm>
            <p class="mt-4 text-sm text-slate-400">
                "New here? " <a class="text-indigo-300 underline" href=register_href>"Create an account"</a>
            </p>
        </section>
    }
}
