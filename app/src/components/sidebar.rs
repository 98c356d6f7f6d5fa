//! The campaign sidebar: its sessions (each a channel), members and characters. Off-game channels are in
//! `channels`.

use crate::api::campaigns::{leave_campaign, remove_member, rename_character};
use crate::components::actions::PageActions;
use crate::components::problem::ProblemNotice;
use crate::domain::campaign::{Role, SessionStatus};
use crate::domain::views::{CampaignView, CharacterSummary};
use crate::domain::Problem;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// Lists sessions as channel links, with their status in words.
#[component]
pub fn SessionList(campaign: CampaignView, selected: Option<String>) -> impl IntoView {
    view! {
        <h2 class="section-title">"Sessions"</h2>
        <ul data-testid="session-list" class="space-y-1">
            {campaign.sessions.into_iter().map(|session| {
                let is_selected = selected.as_deref() == Some(session.id.as_str());
                let href = format!("/campaigns/{}/sessions/{}", campaign.id, session.id);
                view! {
                    <li>
                        <a data-testid="session-link" data-status=session.status.as_str() href=href
                            aria-current=is_selected.then_some("page")
                            class=if is_selected { "channel channel-selected" } else { "channel" }>
                            <span class="truncate">"# "{session.title}</span>
                            <span class="text-xs text-slate-400">{status_words(session.status)}</span>
                        </a>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// The status of a session in words with a symbol (never colour alone).
pub fn status_words(status: SessionStatus) -> &'static str {
    match status {
        SessionStatus::Scheduled => "○ scheduled",
        SessionStatus::Active => "● live",
        SessionStatus::Paused => "‖ paused",
        SessionStatus::Ended => "■ ended",
    }
}

/// Members by role, and characters with their controllers; any member can add a character they control.
#[component]
pub fn PeoplePanel(campaign: CampaignView, on_change: Callback<()>, actions: PageActions) -> impl IntoView {
    let create = actions.create_character;
    let problem: RwSignal<Option<Problem>> = RwSignal::new(None);
    let navigate = use_navigate();
    let leave_campaign_id = campaign.id.clone();
    let leave = move |_| {
        let (campaign_id, navigate) = (leave_campaign_id.clone(), navigate.clone());
        leptos::task::spawn_local(async move {
            match leave_campaign(campaign_id).await {
                Ok(()) => navigate("/campaigns", Default::default()),
                Err(error) => problem.set(Some(error.into())),
            }
        });
    };
    let viewer_is_gm = campaign.role == Role::Gm;
    let campaign_id = campaign.id.clone();
    view! {
        <h2 class="section-title">"Members"</h2>
        <ul data-testid="member-list" class="space-y-0.5 text-sm">
            {campaign.members.into_iter().map(|member| {
                let removable = viewer_is_gm && member.role != Role::Gm;
                let (campaign_id, user_id) = (campaign_id.clone(), member.user_id.clone());
                let remove = move |_| {
                    let (campaign_id, member) = (campaign_id.clone(), user_id.clone());
                    leptos::task::spawn_local(async move {
                        match remove_member(campaign_id, member).await {
                            Ok(()) => on_change.run(()),
                            Err(error) => problem.set(Some(error.into())),
                        }
                    });
                };
                view! {
                    <li data-testid="member" class="flex items-center gap-1">
                        {member.username.clone()}
                        {(member.role == Role::Gm).then(|| view! { <span class="text-xs text-indigo-300">"(GM)"</span> })}
                        {removable.then(|| view! {
                            <button data-testid="member-remove" class="ml-auto text-xs text-slate-400 hover:text-red-300"
                                aria-label=format!("Remove {} from the campaign", member.username) on:click=remove.clone()>"Remove"</button>
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
        <h2 class="section-title">"Characters"</h2>
        <ul data-testid="character-list" class="space-y-0.5 text-sm">
            {campaign.characters.into_iter().map(|character| {
                let may_rename = viewer_is_gm || character.controlled_by_viewer;
                let rename = may_rename.then(|| view! { <RenameCharacter character=character.clone() on_change problem /> });
                view! {
                    <li data-testid="character" class="flex flex-wrap items-center gap-1">
                        {character.name}
                        <span class="text-xs text-slate-500">{format!("({})", character.controller_names.join(", "))}</span>
                        {rename}
                    </li>
                }
            }).collect_view()}
        </ul>
        <ActionForm action=create>
            <input type="hidden" name="campaign_id" value=campaign.id.to_string() />
            <label for="character-name" class="sr-only">"New character name"</label>
            <div class="mt-2 flex gap-1">
                <input id="character-name" data-testid="character-name" name="name" required placeholder="New character"
                    class="field mt-0 flex-1 py-1 text-sm" />
                <button data-testid="character-create" type="submit" class="btn-quiet">"Add"</button>
            </div>
        </ActionForm>
        <ProblemNotice problem=Signal::derive(move || create.value().get().and_then(Result::err).map(Problem::from)) testid="character-error" />
        <button data-testid="campaign-leave" class="btn-quiet mt-3 w-full" on:click=leave>"Leave campaign"</button>
        <ProblemNotice problem testid="member-error" />
    }
}

/// A small "Rename" control for a character the viewer controls (or any character, for GMs). The old name stays
/// in history: messages keep the name they were sent under.
#[component]
fn RenameCharacter(
    character: CharacterSummary,
    on_change: Callback<()>,
    problem: RwSignal<Option<Problem>>,
) -> impl IntoView {
    let editing = RwSignal::new(false);
    let name = RwSignal::new(character.name.clone());
    let id = character.id.clone();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let id = id.clone();
        leptos::task::spawn_local(async move {
            match rename_character(id, name.get_untracked()).await {
                Ok(()) => {
                    problem.set(None);
                    editing.set(false);
                    on_change.run(());
                }
                Err(error) => problem.set(Some(error.into())),
            }
        });
    };
    view! {
        <Show when=move || editing.get()
            fallback=move || view! {
                <button data-testid="character-rename" class="ml-auto text-xs text-slate-400 hover:text-slate-200"
                    on:click=move |_| editing.set(true)>"Rename"</button>
            }>
            <form class="flex w-full gap-1" on:submit=save.clone()>
                <label class="sr-only" for=format!("rename-{}", character.id)>"New name"</label>
                <input id=format!("rename-{}", character.id) data-testid="character-rename-input" required
                    class="field mt-0 flex-1 py-0.5 text-sm" bind:value=name />
                <button data-testid="character-rename-save" type="submit" class="btn-quiet">"Save"</button>
            </form>
        </Show>
    }
}
