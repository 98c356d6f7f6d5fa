//! Controls only GMs see: new session, start/pause/end the selected one, invite links and the campaign's
//! settings.

use crate::api::campaigns::{create_invite, set_gm_sees_whispers, ChangeSession, SetMessageRules};
use crate::components::actions::PageActions;
use crate::components::icon::{Icon, IconKind};
use crate::components::problem::ProblemNotice;
use crate::domain::campaign::{SessionAction, SessionStatus};
use crate::domain::change::MessageRules;
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

/// New-session form, invite link, and the campaign's settings (whispers, edits, pins).
#[component]
pub fn GmPanel(
    campaign_id: CampaignId,
    gm_sees_whispers: bool,
    message_rules: MessageRules,
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
    let rules_campaign = campaign_id.clone();
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
        <MessageRulesForm campaign_id=rules_campaign rules=message_rules actions />
        <button data-testid="invite-create" class="btn-quiet mt-2 w-full" on:click=make_invite>"Invite players"</button>
        {invite_link}
        <ProblemNotice problem=Signal::derive(move || invite.get().and_then(Result::err)) testid="invite-create-error" />
    }
}

/// The campaign's rules for changing messages: the edit window (empty for no limit, 0 turns editing off) and
/// whether players may pin. Saved together through the page's action; the server checks them again.
#[component]
fn MessageRulesForm(campaign_id: CampaignId, rules: MessageRules, actions: PageActions) -> impl IntoView {
    let action = actions.set_message_rules;
    let window = RwSignal::new(rules.edit_window_minutes.map(|m| m.to_string()).unwrap_or_default());
    let players_pin = RwSignal::new(rules.players_may_pin);
    let invalid: RwSignal<Option<Problem>> = RwSignal::new(None);
    let edited = RwSignal::new(false);
    let save = move |_| {
        edited.set(false);
        let minutes = match window.get_untracked().trim() {
            "" => None,
            digits => match digits.parse::<u32>() {
                Ok(minutes) => Some(minutes),
                Err(_) => {
                    action.value().set(None);
                    invalid.set(Some(Problem::invalid(
                        "The edit window is a whole number of minutes.",
                        "Leave it empty for no limit, or 0 to turn editing off.",
                    )));
                    return;
                }
            },
        };
        invalid.set(None);
        action.dispatch(SetMessageRules {
            campaign_id: campaign_id.clone(),
            edit_window_minutes: minutes,
            players_may_pin: players_pin.get_untracked(),
        });
    };
    let saved = move || !edited.get() && matches!(action.value().get(), Some(Ok(())));
    let problem = Signal::derive(move || {
        invalid
            .get()
            .or_else(|| action.value().get().and_then(Result::err).map(Problem::from))
    });
    view! {
        <fieldset class="mt-2 text-sm text-slate-300">
            <legend class="sr-only">"Message rules"</legend>
            <label class="flex items-center gap-2">
                "Edits allowed for"
                <input data-testid="edit-window" inputmode="numeric" placeholder="any time" class="field mt-0 w-20 py-0.5 text-sm"
                    prop:value=move || window.get() on:input=move |ev| { edited.set(true); window.set(event_target_value(&ev)) } />
                "minutes"
            </label>
            <label class="mt-1 flex items-center gap-2">
                <input type="checkbox" data-testid="players-may-pin" prop:checked=move || players_pin.get()
                    on:change=move |ev| { edited.set(true); players_pin.set(event_target_checked(&ev)) } />
                "Players may pin messages"
            </label>
            <button data-testid="message-rules-save" class="btn-quiet mt-1" on:click=save>"Save message rules"</button>
            {move || saved().then(|| view! { <span data-testid="message-rules-saved" role="status" class="ml-2 text-xs text-emerald-300">"Saved"</span> })}
            <ProblemNotice problem testid="message-rules-error" />
        </fieldset>
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
