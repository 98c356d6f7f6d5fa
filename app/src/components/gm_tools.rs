//! Controls only GMs see: new session, start/pause/end the selected one, and invite links.

use crate::api::campaigns::{create_invite, set_gm_sees_whispers, ChangeSession};
use crate::components::actions::PageActions;
use crate::components::icon::{Icon, IconKind};
use crate::components::problem::ProblemNotice;
use crate::domain::campaign::{SessionAction, SessionStatus};
use crate::domain::ids::{CampaignId, SessionId};
use crate::domain::Problem;
use leptos::prelude::*;

/// Session lifecycle buttons for the selected session, offering only the transitions its status allows. The
/// action is the page's ([`PageActions`] says why).
#[component]
pub fn SessionControls(session_id: SessionId, status: SessionStatus, actions: PageActions) -> impl IntoView {
    let change = actions.change_session;
    let button = move |action: SessionAction, icon: IconKind, label: &'static str, testid: &'static str| {
        let session_id = session_id.clone();
        status.apply(action).is_ok().then(|| {
            view! {
                <button data-testid=testid class="btn-quiet" on:click=move |_| {
                    change.dispatch(ChangeSession { session_id: session_id.clone(), action });
                }><Icon kind=icon />" "{label}</button>
            }
        })
    };
    view! {
        <div class="flex flex-wrap items-center gap-1">
            {button(SessionAction::Start, IconKind::Play, if status == SessionStatus::Paused { "Resume" } else { "Start" }, "session-start")}
            {button(SessionAction::Pause, IconKind::Pause, "Pause", "session-pause")}
            {button(SessionAction::End, IconKind::Stop, "End", "session-end")}
        </div>
        <ProblemNotice problem=Signal::derive(move || change.value().get().and_then(Result::err).map(Problem::from)) testid="session-error" />
    }
}

/// New-session form, invite link, and the campaign's whisper setting.
#[component]
pub fn GmPanel(
    campaign_id: CampaignId,
    gm_sees_whispers: bool,
    on_change: Callback<()>,
    actions: PageActions,
) -> impl IntoView {
    let setting_problem: RwSignal<Option<Problem>> = RwSignal::new(None);
    let setting_campaign = campaign_id.clone();
    let toggle_setting = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        let campaign_id = setting_campaign.clone();
        leptos::task::spawn_local(async move {
            match set_gm_sees_whispers(campaign_id, on).await {
                Ok(()) => {
                    setting_problem.set(None);
                    on_change.run(());
                }
                Err(problem) => setting_problem.set(Some(problem.into())),
            }
        });
    };
    let create = actions.create_session;
    let invite: RwSignal<Option<Result<String, Problem>>> = RwSignal::new(None);
    let invite_campaign = campaign_id.clone();
    let make_invite = move |_| {
        let campaign_id = invite_campaign.clone();
        leptos::task::spawn_local(async move {
            invite.set(Some(create_invite(campaign_id).await.map_err(Problem::from)));
        });
    };
    let invite_link = move || {
        invite.get().and_then(Result::ok).map(|code| {
            let origin = window_origin();
            view! {
                <p class="mt-1 text-xs text-slate-400">"Share this link or code:"</p>
                <input data-testid="invite-link" readonly class="field mt-1 py-1 text-xs"
                    prop:value=format!("{origin}/invite/{code}") />
                <code data-testid="invite-code" class="text-xs text-indigo-300">{code}</code>
            }
        })
    };
    view! {
        <h2 class="section-title">"Game master"</h2>
        <ActionForm action=create>
            <input type="hidden" name="campaign_id" value=campaign_id.to_string() />
            <label for="session-title" class="sr-only">"New session title"</label>
            <div class="flex gap-1">
                <input id="session-title" data-testid="session-title" name="title" required placeholder="Session title"
                    class="field mt-0 flex-1 py-1 text-sm" />
                <button data-testid="session-create" type="submit" class="btn-quiet">"New session"</button>
            </div>
        </ActionForm>
        <ProblemNotice problem=Signal::derive(move || create.value().get().and_then(Result::err).map(Problem::from)) testid="session-create-error" />
        <label class="mt-2 flex items-center gap-2 text-sm text-slate-300">
            <input type="checkbox" data-testid="gm-sees-whispers" prop:checked=gm_sees_whispers on:change=toggle_setting />
            "GMs read players' whispers"
        </label>
        <ProblemNotice problem=setting_problem testid="setting-error" />
        <button data-testid="invite-create" class="btn-quiet mt-2 w-full" on:click=make_invite>"Invite players"</button>
        {invite_link}
        <ProblemNotice problem=Signal::derive(move || invite.get().and_then(Result::err)) testid="invite-create-error" />
    }
}

fn window_origin() -> String {
    #[cfg(feature = "hydrate")]
    {
        window().location().origin().unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        String::new()
    }
}
