//! One message in the timeline: speaker, visibility (icon and words), its time, and the body by kind: speech, an
//! action (`/me`), narration (`/desc`), a notice, or a roll card with every die and the total; then what changed
//! it (edited, deleted, pinned, reactions) and its menu; a reply shows the quote of what it answers. Messages that mention the reader (or a character they
//! control) are highlighted.

use super::icon::Icon;
use super::labels;
use super::markup_view::Markup;
use super::message_actions::{MessageActions, MessageEditor, Versions};
use super::reactions::Reactions;
use super::replies::ReplyQuote;
use super::times;
use crate::domain::audience::AudienceScope;
use crate::domain::change::State;
use crate::domain::dice::{RollResult, Sign};
use crate::domain::frames::Notice;
use crate::domain::ids::UserId;
use crate::domain::mentions::mentions_user;
use crate::domain::message::{Message, MessageKind};
use crate::domain::policy::TableFacts;
use crate::feed::ChatFeed;
use leptos::prelude::*;

/// A stored message the reader may see, as it is now (`state`).
#[component]
pub fn MessageRow(
    message: Message,
    state: State,
    feed: ChatFeed,
    facts: RwSignal<Option<TableFacts>>,
    viewer: RwSignal<Option<UserId>>,
) -> impl IntoView {
    let audience = message.audience.clone();
    let visibility = Memo::new(move |_| facts.with(|f| labels::visibility(&audience, f.as_ref())));
    let (actor, sender) = (message.actor.clone(), message.sender_id.clone());
    let speaker = Memo::new(move |_| facts.with(|f| labels::speaker(&actor, sender.as_ref(), f.as_ref())));
    let private = message.audience.scope != AudienceScope::All;
    let mentions = message.mentions.clone();
    let mentioned = Memo::new(move |_| {
        viewer.with(|v| {
            v.as_ref()
                .is_some_and(|v| facts.with(|f| mentions_user(&mentions, v, f.as_ref())))
        })
    });
    let class = move || {
        let base = "group relative rounded-md px-2 py-1";
        match (mentioned.get(), private) {
            (true, _) => format!("{base} border-l-2 border-amber-400 bg-amber-950/30"),
            (false, true) => format!("{base} border-l-2 border-violet-500 bg-violet-950/30"),
            (false, false) => format!("{base} hover:bg-slate-900"),
        }
    };
    let deleted_for_reader = state.withholds(&message);
    let body = match (message.kind, message.roll.clone()) {
        _ if deleted_for_reader => view! {
            <div data-testid="body" class="italic text-slate-500">"Message deleted"</div>
        }
        .into_any(),
        (MessageKind::Roll, Some(roll)) => view! { <RollCard roll /> }.into_any(),
        (MessageKind::Emote, _) => view! {
            <div data-testid="body" class="whitespace-pre-wrap break-words italic text-slate-200">
                {move || speaker.get().0}" "
                <Markup body=message.body.clone() mentions=message.mentions.clone() rolls=message.inline_rolls.clone() inline=true />
            </div>
        }
        .into_any(),
        (MessageKind::Narration, _) => view! {
            <div data-testid="body" class="whitespace-pre-wrap break-words border-l-2 border-slate-600 pl-2 italic text-slate-300">
                <Markup body=message.body.clone() mentions=message.mentions.clone() rolls=message.inline_rolls.clone() />
            </div>
        }
        .into_any(),
        (MessageKind::Notification | MessageKind::System, _) => view! {
            <div data-testid="body" class="whitespace-pre-wrap break-words text-sm text-slate-400">{message.body.clone()}</div>
        }
        .into_any(),
        _ => view! {
            <div data-testid="body" class="whitespace-pre-wrap break-words">
                <Markup body=message.body.clone() mentions=message.mentions.clone() rolls=message.inline_rolls.clone() />
            </div>
        }
        .into_any(),
    };
    let id = message.message_id.clone();
    let editing = Memo::new(move |_| feed.editing.with(|e| e.as_ref() == Some(&id)));
    let (editor_id, editor_body) = (message.message_id.clone(), message.body.clone());
    let quote = message.reply.clone().map(|reply| view! { <ReplyQuote reply feed /> });
    let body = view! {
        {quote}
        <div class:hidden=move || editing.get()>{body}</div>
        <Show when=move || editing.get()>
            <MessageEditor message_id=editor_id.clone() body=editor_body.clone() feed />
        </Show>
    };
    let deleted_note = state.deleted.clone().filter(|_| !deleted_for_reader).map(|mark| {
        let by = move || {
            facts.with(|f| {
                f.as_ref()
                    .and_then(|f| f.member(&mark.by))
                    .map_or("someone".to_owned(), |m| m.name.clone())
            })
        };
        view! {
            <p data-testid="deleted-note" class="text-xs text-rose-300">
                "Deleted by "{by}" · "{times::full(mark.at)}" · only GMs see it"
            </p>
        }
    });
    let sent_at = message.sent_at;
    let edited = state.edited_at.map(|at| {
        view! {
            <span data-testid="edited" title=format!("Edited {}", times::full(at))>"(edited)"</span>
        }
    });
    let pinned = state
        .pinned
        .as_ref()
        .map(|_| view! { <span data-testid="pinned-mark" title="Pinned">"📌"</span> });
    let versions = (!state.versions.is_empty()).then(|| view! { <Versions versions=state.versions.clone() /> });
    let reactions = (!state.reactions.is_empty()).then(|| {
        view! { <Reactions message_id=message.message_id.clone() reactions=state.reactions.clone() feed facts viewer /> }
    });
    let flags = (
        state.deleted.is_some(),
        state.edited_at.is_some(),
        state.pinned.is_some(),
    );
    let sequence_id = message.sequence_id;
    let highlighted = Memo::new(move |_| feed.highlight.get() == Some(sequence_id));
    view! {
        <li data-testid="message" data-seq=message.sequence_id data-highlighted=move || highlighted.get().to_string()
            class:ring-2=move || highlighted.get() class:ring-indigo-400=move || highlighted.get() data-kind=message.kind.as_str()
            data-actor=message.actor.kind.as_str() data-audience=message.audience.scope.as_str()
            data-mentioned=move || mentioned.get().to_string() data-message-id=message.message_id.to_string()
            data-deleted=flags.0.to_string() data-edited=flags.1.to_string() data-pinned=flags.2.to_string() class=class>
            <div class="flex items-baseline gap-2 text-xs text-slate-400">
                <span data-testid="author" class="text-sm font-semibold text-slate-100">
                    {move || speaker.get().0}
                    {move || speaker.get().1.map(|d| view! { <span class="text-xs font-normal text-slate-400">{format!(" ({d})")}</span> })}
                </span>
                <span data-testid="visibility" aria-label=move || format!("Visible to: {}", visibility.get().1)>
                    {move || view! { <Icon kind=visibility.get().0 /> }}" "{move || visibility.get().1}
                </span>
                {move || mentioned.get().then(|| view! { <span class="text-amber-300">"mentions you"</span> })}
                {pinned}
                {edited}
                <time data-testid="time" datetime=times::iso(sent_at) title=times::full(sent_at) class="ml-auto">
                    {times::short(sent_at, times::now_ms())}
                </time>
                <MessageActions message=message.clone() state=state.clone() feed facts viewer />
            </div>
            {body}
            {deleted_note}
            {versions}
            {reactions}
        </li>
    }
}

/// Every die (dropped ones struck through) and the total: a roll message's body, or (`nested`) the card of an
/// inline roll.
#[component]
pub(crate) fn RollCard(roll: RollResult, #[prop(optional)] nested: bool) -> impl IntoView {
    let label = roll.label.clone();
    let terms = roll
        .terms
        .into_iter()
        .enumerate()
        .map(|(index, term)| {
            let sign = match (index, term.sign) {
                (0, Sign::Plus) => "",
                (_, Sign::Plus) => "+ ",
                (_, Sign::Minus) => "− ",
            };
            let dice = if term.dice.is_empty() {
                view! { <span>{term.value}</span> }.into_any()
            } else {
                let faces = term
                    .dice
                    .into_iter()
                    .map(|die| {
                        let class = if die.kept {
                            "inline-block min-w-6 rounded border border-slate-500 px-1 text-center"
                        } else {
                            "inline-block min-w-6 rounded border border-slate-700 px-1 text-center text-slate-500 line-through"
                        };
                        let title = format!("d{}{}", die.sides, if die.kept { "" } else { ", dropped" });
                        view! { <span data-testid="die" data-kept=die.kept.to_string() title=title class=class>{die.value}</span> }
                    })
                    .collect_view();
                view! { <span class="inline-flex gap-1" title=term.notation.clone()>{faces}</span> }.into_any()
            };
            view! { <span class="mr-2">{sign}{dice}</span> }
        })
        .collect_view();
    view! {
        <div data-testid=if nested { "roll-card" } else { "body" } class="mt-1 rounded-md border border-slate-700 bg-slate-900 px-3 py-2">
            <div class="text-xs text-slate-400">
                <span data-testid="roll-notation">{roll.notation}</span>
                {label.map(|l| view! { <span class="ml-2 text-slate-200">{l}</span> })}
            </div>
            <div class="mt-1 flex flex-wrap items-center">
                {terms}
                <span class="ml-auto text-lg font-bold">"= "<span data-testid="roll-total">{roll.total}</span></span>
            </div>
        </div>
    }
}

/// A reply meant for this reader alone (help, a session command carried out), never stored.
#[component]
pub fn NoticeRow(notice: Notice, on_dismiss: Callback<()>) -> impl IntoView {
    view! {
        <li data-testid="notice" data-notice=format!("{:?}", notice.kind).to_lowercase() role="status"
            class="rounded-md border border-dashed border-slate-600 px-2 py-1 text-sm">
            <div class="flex items-baseline gap-2 text-xs text-slate-400">
                <span class="font-semibold text-slate-200">{notice.title}</span>
                <span>"Only you can see this"</span>
                <button class="ml-auto underline" on:click=move |_| on_dismiss.run(())>"Dismiss"</button>
            </div>
            <ul class="mt-1 space-y-0.5 font-mono text-xs text-slate-300">
                {notice.lines.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
            </ul>
        </li>
    }
}
