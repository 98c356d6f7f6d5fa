//! The off-game part of the sidebar: table channels (GMs add more beside `#general`) and direct messages
//! (any member opens one with one or more other members).

use crate::api::campaigns::{create_table_channel, open_direct};
use crate::components::problem::ProblemNotice;
use crate::domain::campaign::Role;
use crate::domain::ids::UserId;
use crate::domain::views::{CampaignView, ChannelSummary};
use crate::domain::Problem;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// Lists the campaign's table channels (`#general` first); GMs get a field to add one.
#[component]
pub fn TableChannelList(campaign: CampaignView, selected: Option<String>) -> impl IntoView {
    let add = (campaign.role == Role::Gm).then(|| view! { <NewTableChannel campaign=campaign.clone() /> });
    view! {
        <h2 class="section-title">"Channels"</h2>
        <ul data-testid="channel-list" class="space-y-1">
            {channel_links(&campaign, campaign.table_channels.clone(), selected, "channel-link", "# ", "off-game")}
        </ul>
        {add}
    }
}

/// Lists the viewer's direct messages, and a picker to start one.
#[component]
pub fn DirectList(campaign: CampaignView, selected: Option<String>) -> impl IntoView {
    view! {
        <h2 class="section-title">"Direct messages"</h2>
        <ul data-testid="dm-list" class="space-y-1">
            {channel_links(&campaign, campaign.direct_channels.clone(), selected, "dm-link", "@ ", "private")}
        </ul>
        <NewDirect campaign />
    }
}

fn channel_links(
    campaign: &CampaignView,
    channels: Vec<ChannelSummary>,
    selected: Option<String>,
    testid: &'static str,
    sigil: &'static str,
    note: &'static str,
) -> impl IntoView {
    channels
        .into_iter()
        .map(|channel| {
            let is_selected = selected.as_deref() == Some(channel.id.as_str());
            let href = format!("/campaigns/{}/channels/{}", campaign.id, channel.id);
            view! {
                <li>
                    <a data-testid=testid href=href aria-current=is_selected.then_some("page")
                        class=if is_selected { "channel channel-selected" } else { "channel" }>
                        <span class="truncate">{sigil}{channel.name}</span>
                        <span class="text-xs text-slate-400">{note}</span>
                    </a>
                </li>
            }
        })
        .collect_view()
}

#[component]
fn NewTableChannel(campaign: CampaignView) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let problem: RwSignal<Option<Problem>> = RwSignal::new(None);
    let navigate = use_navigate();
    let campaign_id = campaign.id.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (campaign_id, navigate) = (campaign_id.clone(), navigate.clone());
        leptos::task::spawn_local(async move {
            match create_table_channel(campaign_id.clone(), name.get_untracked()).await {
                Ok(channel) => {
                    problem.set(None);
                    name.set(String::new());
                    navigate(
                        &format!("/campaigns/{campaign_id}/channels/{channel}"),
                        Default::default(),
                    );
                }
                Err(error) => problem.set(Some(error.into())),
            }
        });
    };
    view! {
        <form class="mt-1 flex gap-1" on:submit=submit>
            <label for="channel-name" class="sr-only">"New channel name"</label>
            <input id="channel-name" data-testid="channel-name" required placeholder="new-channel"
                class="field mt-0 flex-1 py-1 text-sm" bind:value=name />
            <button data-testid="channel-create" type="submit" class="btn-quiet">"Add"</button>
        </form>
        <ProblemNotice problem testid="channel-create-error" />
    }
}

#[component]
fn NewDirect(campaign: CampaignView) -> impl IntoView {
    let picked: RwSignal<Vec<UserId>> = RwSignal::new(Vec::new());
    let problem: RwSignal<Option<Problem>> = RwSignal::new(None);
    let navigate = use_navigate();
    let campaign_id = campaign.id.clone();
    let open = move |_| {
        let (campaign_id, navigate) = (campaign_id.clone(), navigate.clone());
        leptos::task::spawn_local(async move {
            match open_direct(campaign_id.clone(), picked.get_untracked()).await {
                Ok(channel) => {
                    problem.set(None);
                    picked.set(Vec::new());
                    navigate(
                        &format!("/campaigns/{campaign_id}/channels/{channel}"),
                        Default::default(),
                    );
                }
                Err(error) => problem.set(Some(error.into())),
            }
        });
    };
    let others: Vec<_> = campaign
        .members
        .iter()
        .filter(|m| m.user_id != campaign.viewer_id)
        .cloned()
        .collect();
    view! {
        <details class="mt-1 text-sm" data-testid="dm-new">
            <summary class="cursor-pointer text-slate-300">"New direct message"</summary>
            <fieldset class="mt-1 space-y-0.5">
                <legend class="sr-only">"Who to message"</legend>
                {others.into_iter().map(|member| {
                    let id = member.user_id.clone();
                    let toggle = move |ev: leptos::ev::Event| {
                        let on = event_target_checked(&ev);
                        let id = id.clone();
                        picked.update(|p| {
                            p.retain(|x| x != &id);
                            if on { p.push(id); }
                        });
                    };
                    view! {
                        <label class="flex items-center gap-2">
                            <input type="checkbox" data-testid="dm-member" data-name=member.username.clone() on:change=toggle />
                            {member.username}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <button data-testid="dm-open" class="btn-quiet mt-1 w-full" on:click=open
                disabled=move || picked.read().is_empty()>"Open conversation"</button>
            <ProblemNotice problem testid="dm-error" />
        </details>
    }
}
