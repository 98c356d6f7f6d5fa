//! `/register`: the account form, with the same rules the server enforces shown before submitting.

use crate::api::auth::Register;
use crate::components::problem::ProblemNotice;
use crate::domain::validate::{PASSWORD_MIN, USERNAME_MAX, USERNAME_MIN};
use crate::domain::Problem;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// Username and password; `?next=` says where to go afterwards (an invite link, say).
#[component]
pub fn RegisterPage() -> impl IntoView {
    let action = ServerAction::<Register>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let problem = move || action.value().get().and_then(Result::err).map(Problem::from);
    view! {
        <section class="mx-auto mt-12 max-w-sm rounded-xl border border-slate-800 bg-slate-900 p-6 shadow-lg">
            <h1 class="text-xl font-semibold">"Create your account"</h1>
            <ActionForm action>
                <input type="hidden" name="next" prop:value=next />
                <label class="mt-4 block text-sm text-slate-300" for="register-username">"Username"</label>
                <input id="register-username" data-testid="register-username" name="username" autocomplete="username"
                    required class="field" />
                <p class="mt-1 text-xs text-slate-500">
                    {format!("{USERNAME_MIN}–{USERNAME_MAX} letters, digits, '_', '-' or '.'")}
                </p>
                <label class="mt-3 block text-sm text-slate-300" for="register-password">"Password"</label>
                <input id="register-password" data-testid="register-password" name="password" type="password"
                    autocomplete="new-password" required class="field" />
                <p class="mt-1 text-xs text-slate-500">{format!("At least {PASSWORD_MIN} characters")}</p>
                <ProblemNotice problem=Signal::derive(problem) testid="register-error" />
                <button data-testid="register-submit" type="submit" class="btn-primary mt-4 w-full"
                    disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "Creating…" } else { "Create account" }}
                </button>
            </ActionForm>
            <p class="mt-4 text-sm text-slate-400">
                "Have an account? " <a class="text-indigo-300 underline" href="/login">"Log in"</a>
            </p>
        </section>
    }
}
