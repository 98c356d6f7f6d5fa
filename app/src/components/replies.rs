//! Finding one message from another place: a reply's quote above its text (a click jumps to the original and
//! highlights it, loading the history between), the "Replying to" bar above the composer, and the channel's
//! pinned list, each entry jumping to its message.
//!
//! A reply whose original the reader may not see arrives as `hidden` from the server and reads "a message you
//! cannot see": the browser never had anything else of it to show.

use super::times;
use crate::domain::message::Message;
use crate::domain::reply::{excerpt, Reply};
use crate::feed::ChatFeed;
use leptos::prelude::*;

/// The quote above a reply's text.
#[component]
pub fn ReplyQuote(reply: Reply, feed: ChatFeed) -> impl IntoView {
    let class = "mb-0.5 flex max-w-full items-baseline gap-1 truncate border-l-2 border-slate-600 pl-2 text-left text-xs text-slate-400";
    match reply {
        Reply::Hidden => view! {
            <div data-testid="reply-quote" data-hidden="true" class=class>
                <span aria-hidden="true">"↪"</span><span class="italic">"a message you cannot see"</span>
            </div>
        }
        .into_any(),
        Reply::Quote(quote) => {
            let sequence_id = quote.sequence_id;
            let text = match quote.deleted && quote.excerpt.is_empty() {
                true => view! { <span class="italic">"message deleted"</span> }.into_any(),
                false => view! { <span data-testid="reply-excerpt" class="truncate">{quote.excerpt}</span> }.into_any(),
            };
            view! {
                <button data-testid="reply-quote" data-hidden="false" data-target-seq=sequence_id
                    class=format!("{class} hover:text-slate-200")
                    title="Jump to the message this answers" on:click=move |_| feed.jump_to(sequence_id)>
                    <span aria-hidden="true">"↪"</span>
                    <span class="font-semibold text-slate-300">{quote.speaker}</span>
                    {text}
                </button>
            }
            .into_any()
        }
    }
}

/// "Replying to …" above the composer while the next send is a reply; the cross (or Escape) cancels it.
#[component]
pub fn ReplyBar(feed: ChatFeed) -> impl IntoView {
    let original = Memo::new(move |_| {
        let id = feed.replying.get()?;
        feed.messages.with(|all| {
            all.values()
                .find(|m| m.message_id == id)
                .map(|m| (m.actor.label.clone(), excerpt(&m.body)))
        })
    });
    move || {
        original.get().map(|(speaker, text)| {
            view! {
                <div data-testid="reply-bar" role="status" class="mb-2 flex items-baseline gap-2 rounded-md bg-slate-900 px-2 py-1 text-xs text-slate-300">
                    <span>"Replying to "<span class="font-semibold">{speaker}</span></span>
                    <span class="truncate text-slate-400">{text}</span>
                    <button data-testid="reply-cancel" class="ml-auto underline" aria-label="Cancel the reply"
                        on:click=move |_| feed.replying.set(None)>"✕"</button>
                </div>
            }
        })
    }
}

/// The header button that opens and closes the pinned list.
#[component]
pub fn PinsButton(feed: ChatFeed) -> impl IntoView {
    let open = move || feed.pins.with(Option::is_some);
    view! {
        <button data-testid="pins-toggle" class="btn-quiet text-xs" aria-expanded=move || open().to_string()
            on:click=move |_| if open() { feed.pins.set(None) } else { feed.open_pins() }>"📌 Pinned"</button>
    }
}

/// The channel's pinned messages the reader may see, most recently pinned first; each jumps to its message.
#[component]
pub fn PinnedPanel(feed: ChatFeed) -> impl IntoView {
    let entry = move |message: Message| {
        let sequence_id = message.sequence_id;
        view! {
            <li>
                <button data-testid="pinned-entry" data-seq=sequence_id class="w-full rounded px-2 py-1 text-left hover:bg-slate-800"
                    on:click=move |_| feed.jump_to(sequence_id)>
                    <span class="font-semibold text-slate-200">{message.actor.label.clone()}</span>
                    <span class="ml-2 text-slate-500">{times::short(message.sent_at, times::now_ms())}</span>
                    <span class="block truncate text-slate-300">{excerpt(&message.body)}</span>
                </button>
            </li>
        }
    };
    move || {
        feed.pins.get().map(|pinned| {
            let empty = pinned
                .is_empty()
                .then(|| view! { <li class="px-2 py-1 text-slate-500">"Nothing is pinned here yet."</li> });
            view! {
                <aside data-testid="pinned-panel" aria-label="Pinned messages"
                    class="max-h-56 overflow-y-auto border-b border-slate-800 bg-slate-950 px-3 py-2 text-xs">
                    <h2 class="mb-1 font-semibold text-slate-300">"Pinned messages"</h2>
                    <ul class="space-y-0.5">{empty}{pinned.into_iter().map(entry).collect_view()}</ul>
                </aside>
            }
        })
    }
}
