//! `/campaigns`: the user's campaigns, a form to create one, and a form to join one by invite.

use crate::api::campaigns::{list_campaigns, AcceptInvite, CreateCampaign};
use crate::components::problem::ProblemNotice;
use crate::domain::campaign::Role;
use crate::domain::views::CampaignSummary;
use crate::domain::ErrorCode;
use crate::domain::Problem;
use leptos::prelude::*;
use leptos_router::components::Redirect;

/// The campaign list; logged-out visitors are sent to the login page.
#[component]
pub fn CampaignsPage() -> impl IntoView {
    let create = ServerAction::<CreateCampaign>::new();
    let join = ServerAction::<AcceptInvite>::new();
    let campaigns = Resource::new(|| (), |_| list_campaigns());
    view! {
        <div class="grid gap-6 p-4 md:grid-cols-[2fr_1fr]">
            <section>
                <h1 class="text-xl font-semibold">"Your campaigns"</h1>
                <Suspense fallback=|| view! { <p class="mt-4 text-slate-400">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match campaigns.await {
                            Ok(list) if list.is_empty() => view! {
                                <p class="mt-4 text-slate-400">"No campaigns yet. Create one, or join with an invite."</p>
                            }.into_any(),
                            Ok(list) => view! {
                                <ul data-testid="campaign-list" class="mt-4 space-y-2">
                                    {list.into_iter().map(|c| view! { <CampaignRow campaign=c /> }).collect_view()}
                                </ul>
                            }.into_any(),
                            Err(problem) if problem.code == ErrorCode::NotAuthenticated => {
                                view! { <Redirect path="/login?next=/campaigns" /> }.into_any()
                            }
                            Err(problem) => view! { <ProblemNotice problem=Some(Problem::from(problem)) testid="campaigns-error" /> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
            <aside class="space-y-6">
                <div class="card">
                    <h2 class="font-semibold">"New campaign"</h2>
                    <ActionForm action=create>
                        <label class="mt-2 block text-sm text-slate-300" for="campaign-name">"Name"</label>
                        <input id="campaign-name" data-testid="campaign-name" name="name" required class="field"
                            placeholder="Curse of Strahd" />
                        <ProblemNotice problem=Signal::derive(move || create.value().get().and_then(Result::err).map(Problem::from))
                            testid="campaign-error" />
                        <button data-testid="campaign-create" type="submit" class="btn-primary mt-3 w-full">
                            "Create campaign"
                        </button>
                    </ActionForm>
                </div>
                <div class="card">
                    <h2 class="font-semibold">"Join with an invite"</h2>
                    <ActionForm action=join>
                        <label class="mt-2 block text-sm text-slate-300" for="join-code">"Invite code or link"</label>
                        <input id="join-code" data-testid="join-code" name="code" required class="field" />
                        <ProblemNotice problem=Signal::derive(move || join.value().get().and_then(Result::err).map(Problem::from))
                            testid="join-error" />
                        <button data-testid="join-submit" type="submit" class="btn-primary mt-3 w-full">"Join"</button>
                    </ActionForm>
                </div>
            </aside>
        </div>
    }
    .into_any()
}

#[component]
fn CampaignRow(campaign: CampaignSummary) -> impl IntoView {
    let role = match campaign.role {
        Role::Gm => "GM",
        Role::Player => "Player",
        Role::Observer => "Observer",
    };
    view! {
        <li>
            <a data-testid="campaign-link" href=format!("/campaigns/{}", campaign.id)
                class="flex items-center justify-between rounded-lg border border-slate-800 bg-slate-900 p-3 hover:border-indigo-500">
                <span class="font-medium">{campaign.name}</span>
                <span class="flex items-center gap-2 text-xs text-slate-400">
                    {campaign.has_active_session.then(|| view! {
                        <span class="rounded bg-emerald-900 px-2 py-0.5 text-emerald-200">"● live"</span>
                    })}
                    <span>{role}</span>
                    <span>{format!("{} members", campaign.member_count)}</span>
                </span>
            </a>
        </li>
    }
}
