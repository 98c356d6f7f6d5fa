//! `/invite/:code`: shows which campaign an invite opens and joins it with one click.

use crate::api::campaigns::{get_invite, AcceptInvite};
use crate::components::problem::ProblemNotice;
use crate::domain::ErrorCode;
use crate::domain::Problem;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_params_map;

/// Logged-out visitors log in (or register) first and come back here.
#[component]
pub fn InvitePage() -> impl IntoView {
    let params = use_params_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let preview = Resource::new(code, get_invite);
    let accept = ServerAction::<AcceptInvite>::new();
    view! {
        <section class="mx-auto mt-12 max-w-md card">
            <Suspense fallback=|| view! { <p class="text-slate-400">"Loading invite…"</p> }>
                {move || Suspend::new(async move {
                    match preview.await {
                        Ok(invite) if invite.already_member => view! {
                            <Redirect path=format!("/campaigns/{}", invite.campaign_id) />
                        }.into_any(),
                        Ok(invite) => view! {
                            <h1 class="text-xl font-semibold">"You are invited to "{invite.campaign_name}</h1>
                            <ActionForm action=accept>
                                <input type="hidden" name="code" value=invite.code />
                                <button data-testid="invite-accept" type="submit" class="btn-primary mt-4 w-full">
                                    "Join as a player"
                                </button>
                            </ActionForm>
                            <ProblemNotice problem=Signal::derive(move || accept.value().get().and_then(Result::err).map(Problem::from))
                                testid="invite-error" />
                        }.into_any(),
                        Err(problem) if problem.code == ErrorCode::NotAuthenticated => view! {
                            <Redirect path=format!("/login?next=/invite/{}", code()) />
                        }.into_any(),
                        Err(problem) => view! { <ProblemNotice problem=Some(Problem::from(problem)) testid="invite-error" /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
