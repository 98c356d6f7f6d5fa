//! The message list: visible messages oldest first, then the outbox. Scrolling to the top loads older pages;
//! new messages keep the view pinned to the bottom when the reader is already there.

use super::icon::{Icon, IconKind};
use crate::domain::audience::AudienceScope;
use crate::domain::message::Message;
use crate::feed::{ChatFeed, PendingSend};
use leptos::html::Ol;
use leptos::prelude::*;

/// Within this many pixels of an edge counts as being at it.
const EDGE_PX: i32 = 48;

/// Renders the feed's messages with the test hooks of the design (`timeline`, `message`, `author`, `body`,
/// `visibility`).
#[component]
pub fn Timeline(feed: ChatFeed) -> impl IntoView {
    let list = NodeRef::<Ol>::new();
    let pinned = RwSignal::new(true);
    let on_scroll = move |_| {
        if let Some(el) = list.get_untracked() {
            pinned.set(el.scroll_height() - el.scroll_top() - el.client_height() < EDGE_PX);
            if el.scroll_top() < EDGE_PX {
                feed.load_older();
            }
        }
    };
    // After each change: stay at the bottom if the reader was there; when an older page was put above, keep
    // the message the reader was looking at in place (otherwise the view would sit at the top and pull in the
    // next older page at once, and the next, until the whole log was loaded).
    Effect::new(move |previous: Option<Option<(Option<i64>, i32)>>| {
        let first = feed.messages.with(|m| m.keys().next().copied());
        feed.pending.track();
        let el = list.get_untracked()?;
        if pinned.get_untracked() {
            el.set_scroll_top(el.scroll_height());
        } else if let Some((Some(old_first), old_height)) = previous.flatten() {
            if first.is_some_and(|first| first < old_first) {
                el.set_scroll_top(el.scroll_top() + el.scroll_height() - old_height);
            }
        }
        Some((first, el.scroll_height()))
    });
    view! {
        <ol node_ref=list data-testid="timeline" on:scroll=on_scroll aria-live="polite"
            class="flex-1 space-y-1 overflow-y-auto px-3 py-2">
            <Show when=move || feed.has_more.get()>
                <li class="py-2 text-center text-xs text-slate-500">
                    <button class="underline" on:click=move |_| feed.load_older()>
                        {move || if feed.loading_older.get() { "Loading older messages…" } else { "Load older messages" }}
                    </button>
                </li>
            </Show>
            <For each=move || feed.messages.get().into_values() key=|m| m.message_id.clone() let:message>
                <MessageRow message />
            </For>
            <For each=move || feed.pending.get() key=|p| p.client_message_id.clone() let:pending>
                <PendingRow pending />
            </For>
        </ol>
    }
    .into_any()
}

#[component]
fn MessageRow(message: Message) -> impl IntoView {
    let (icon, words) = visibility(&message);
    let label = format!("Visible to: {words}");
    view! {
        <li data-testid="message" data-seq=message.sequence_id data-kind=message.kind.as_str()
            data-actor=message.actor.kind.as_str() data-audience=message.audience.scope.as_str()
            class="group rounded-md px-2 py-1 hover:bg-slate-900">
            <div class="flex items-baseline gap-2 text-xs text-slate-400">
                <span data-testid="author" class="text-sm font-semibold text-slate-100">{message.actor.label.clone()}</span>
                <span data-testid="visibility" aria-label=label>
                    <Icon kind=icon />" "{words}
                </span>
                <time class="ml-auto opacity-0 group-hover:opacity-100">{format!("#{}", message.sequence_id)}</time>
            </div>
            <div data-testid="body" class="whitespace-pre-wrap break-words">{message.body.clone()}</div>
        </li>
    }
}

#[component]
fn PendingRow(pending: PendingSend) -> impl IntoView {
    view! {
        <li data-testid="pending-message" class="rounded-md px-2 py-1 opacity-60">
            <div class="text-xs text-slate-400">"Sending…"</div>
            <div class="whitespace-pre-wrap break-words">{pending.body}</div>
        </li>
    }
}

/// The icon and words of a message's visibility. Whisper targets are named in the next stage of the product;
/// until then every message in a session room is for everyone.
fn visibility(message: &Message) -> (IconKind, String) {
    match message.audience.scope {
        AudienceScope::All => (IconKind::Eye, "Everyone".to_owned()),
        AudienceScope::GmOnly => (IconKind::Lock, "GM only".to_owned()),
        AudienceScope::Targets => (
            IconKind::Whisper,
            format!("Whisper to {} people", message.audience.targets.len()),
        ),
    }
}
