//! The message list: visible messages oldest first, then the outbox of this channel. Scrolling to the top loads
//! older pages; new messages keep the view pinned to the bottom when the reader is already there, and a reader
//! who scrolled up stays where they are and is offered "Jump to latest".

use super::message_row::{MessageRow, NoticeRow};
use super::times;
use crate::domain::actor::ActorKind;
use crate::domain::audience::AudienceScope;
use crate::domain::change::State;
use crate::domain::ids::UserId;
use crate::domain::message::Message;
use crate::domain::policy::TableFacts;
use crate::feed::{ChatFeed, PendingSend};
use leptos::html::Ol;
use leptos::prelude::*;

/// Within this many pixels of an edge counts as being at it.
const EDGE_PX: i32 = 48;

/// Which messages the reader wants to see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Filter {
    All,
    InCharacter,
    OutOfCharacter,
    Whispers,
}

impl Filter {
    fn admits(self, message: &Message) -> bool {
        match self {
            Self::All => true,
            Self::InCharacter => matches!(
                message.actor.kind,
                ActorKind::Character | ActorKind::Narrator | ActorKind::Gm
            ),
            Self::OutOfCharacter => message.actor.kind == ActorKind::Participant,
            Self::Whispers => message.audience.scope != AudienceScope::All,
        }
    }
}

/// Renders the feed's messages with the test hooks of the design (`timeline`, `message`, `author`, `body`,
/// `visibility`), with filters for in-character, out-of-character and private messages.
#[component]
pub fn Timeline(
    feed: ChatFeed,
    facts: RwSignal<Option<TableFacts>>,
    viewer: RwSignal<Option<UserId>>,
) -> impl IntoView {
    let filter = RwSignal::new(Filter::All);
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
        feed.notices.track();
        let el = list.get_untracked()?;
        if pinned.get_untracked() {
            el.set_scroll_top(el.scroll_height());
            // The rows of this change may not be in the document yet: scroll again once they are laid out.
            request_animation_frame(move || scroll_to_bottom(list));
        } else if let Some((Some(old_first), old_height)) = previous.flatten() {
            if first.is_some_and(|first| first < old_first) {
                el.set_scroll_top(el.scroll_top() + el.scroll_height() - old_height);
            }
        }
        Some((first, el.scroll_height()))
    });
    // A jump (a clicked quote or pinned entry) brings its message into view once it is laid out, a third of
    // the way down, above anything that keeps the view at the bottom.
    Effect::new(move |_| {
        let Some(sequence_id) = feed.highlight.get() else {
            return;
        };
        request_animation_frame(move || {
            let Some(el) = list.get_untracked() else {
                return;
            };
            let selector = format!("[data-seq='{sequence_id}']");
            let row = el.query_selector(&selector).ok().flatten();
            if let Some(row) =
                row.and_then(|row| leptos::wasm_bindgen::JsCast::dyn_into::<leptos::web_sys::HtmlElement>(row).ok())
            {
                pinned.set(false);
                el.set_scroll_top(row.offset_top() - el.client_height() / 3);
            }
        });
    });
    let jump = move |_| {
        pinned.set(true);
        scroll_to_bottom(list);
    };
    let filter_button = move |value: Filter, label: &'static str, testid: &'static str| {
        view! {
            <button data-testid=testid aria-pressed=move || (filter.get() == value).to_string()
                class=move || if filter.get() == value { "btn-quiet border-indigo-400 text-white" } else { "btn-quiet" }
                on:click=move |_| filter.set(value)>{label}</button>
        }
    };
    view! {
        <div role="group" aria-label="Show" class="flex gap-1 border-b border-slate-800 px-3 py-1 text-xs">
            {filter_button(Filter::All, "All", "filter-all")}
            {filter_button(Filter::InCharacter, "In character", "filter-ic")}
            {filter_button(Filter::OutOfCharacter, "Out of character", "filter-ooc")}
            {filter_button(Filter::Whispers, "Private", "filter-whispers")}
        </div>
        <ol node_ref=list data-testid="timeline" data-channel=move || feed.channel.get().map(|c| c.to_string()) on:scroll=on_scroll aria-live="polite"
            class="relative flex-1 space-y-1 overflow-y-auto px-3 py-2">
            <Show when=move || feed.has_more.get()>
                <li class="py-2 text-center text-xs text-slate-500">
                    <button class="underline" on:click=move |_| feed.load_older()>
                        {move || if feed.loading_older.get() { "Loading older messages…" } else { "Load older messages" }}
                    </button>
                </li>
            </Show>
            <For each=move || rows(feed, filter.get()) key=Row::key let:row>
                {match row {
                    Row::Day(at) => view! {
                        <li data-testid="day-divider" role="separator" class="flex items-center gap-2 py-1 text-xs text-slate-400">
                            <span class="h-px flex-1 bg-slate-800"></span>
                            <span>{times::day_label(at, times::now_ms())}</span>
                            <span class="h-px flex-1 bg-slate-800"></span>
                        </li>
                    }.into_any(),
                    Row::Said(said) => {
                        let (message, state) = *said;
                        view! { <MessageRow message state feed facts viewer /> }.into_any()
                    }
                }}
            </For>
            <For each=move || {
                let channel = feed.channel.get();
                feed.pending.get().into_iter().filter(move |p| Some(&p.channel_id) == channel.as_ref())
            } key=|p| p.client_message_id.clone() let:pending>
                <PendingRow pending />
            </For>
            <For each=move || feed.notices.get() key=|(key, _)| key.clone() let:entry>
                <NoticeRow notice=entry.1 on_dismiss=Callback::new(move |_| {
                    feed.notices.update(|all| all.retain(|(key, _)| key != &entry.0))
                }) />
            </For>
        </ol>
        <Show when=move || !pinned.get()>
            <div class="relative">
                <button data-testid="jump-to-latest" on:click=jump
                    class="btn-quiet absolute bottom-2 right-4 border-indigo-400 bg-slate-900 text-white shadow">
                    "Jump to latest ↓"
                </button>
            </div>
        </Show>
    }
    .into_any()
}

/// A line of the timeline: where a day begins, or a message as it is now.
#[derive(Clone)]
enum Row {
    Day(i64),
    Said(Box<(Message, State)>),
}

impl Row {
    /// Days by their day; messages by id, revision and quote, so a changed message (or the original a reply
    /// quotes) is drawn again.
    fn key(&self) -> String {
        match self {
            Self::Day(at) => format!("day-{}", times::day_of(*at)),
            Self::Said(said) => {
                let quote = said.0.quote().map(|q| (q.deleted, q.excerpt.as_str()));
                format!("{}-{}-{quote:?}", said.0.message_id, said.1.revision)
            }
        }
    }
}

/// The messages `filter` admits, oldest first, with a divider before each day's first one.
fn rows(feed: ChatFeed, filter: Filter) -> Vec<Row> {
    let states = feed.states.get();
    let mut rows = Vec::new();
    let mut day = None;
    for message in feed.messages.get().into_values().filter(|m| filter.admits(m)) {
        let this_day = times::day_of(message.sent_at);
        if day != Some(this_day) {
            day = Some(this_day);
            rows.push(Row::Day(message.sent_at));
        }
        let state = states.get(&message.message_id).cloned().unwrap_or_default();
        rows.push(Row::Said(Box::new((message, state))));
    }
    rows
}

fn scroll_to_bottom(list: NodeRef<Ol>) {
    if let Some(el) = list.get_untracked() {
        el.set_scroll_top(el.scroll_height());
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
