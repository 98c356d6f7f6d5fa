//! The composer: Enter sends, Shift+Enter starts a new line, Up in an empty box edits your last message (or
//! recalls it when it cannot be edited, such as a roll), Escape drops a reply being written,
//! `/` and `@` open suggestions. Closed (and saying why) when the session room does not accept posts; a
//! refused send puts its text back so nothing typed is lost. Each channel keeps its own unsent draft.

use super::autocomplete::{Item, SuggestionList, Suggestions};
use super::problem::ProblemNotice;
use super::replies::ReplyBar;
use super::speak_as::{Choice, SpeakAs};
use crate::domain::compose::Intent;
use crate::domain::ids::{ChannelId, UserId};
use crate::domain::policy::{Lane, TableFacts};
use crate::domain::typing::hints_of;
use crate::domain::validate;
use crate::feed::ChatFeed;
use leptos::html::Textarea;
use leptos::prelude::*;

/// The byte offset of a textarea's caret, which the browser reports in UTF-16 code units.
fn caret_of(text: &str, utf16_offset: u32) -> usize {
    let mut units = 0u32;
    for (index, c) in text.char_indices() {
        if units >= utf16_offset {
            return index;
        }
        units += c.len_utf16() as u32;
    }
    text.len()
}

/// The message box of the selected channel, with the voice and audience selectors above it.
#[component]
pub fn Composer(
    feed: ChatFeed,
    choice: Choice,
    facts: RwSignal<Option<TableFacts>>,
    viewer: RwSignal<Option<UserId>>,
    /// In-game (session room) or off-game (table channel): decides the voices and commands offered.
    lane: RwSignal<Lane>,
) -> impl IntoView {
    let draft = RwSignal::new(String::new());
    let suggestions = Suggestions::new(draft);
    let input = NodeRef::<Textarea>::new();
    let local_error = RwSignal::new(None);
    let closed_reason = move || feed.room.get().and_then(|room| room.status.closed_reason());
    // Every edit is kept under the channel it was written in (the page keeps them: this composer is rebuilt
    // when the channel changes); a channel shown again gets its own draft back.
    let saved = move |channel: Option<&ChannelId>| {
        channel
            .and_then(|channel| feed.drafts.with_value(|all| all.get(channel).cloned()))
            .unwrap_or_default()
    };
    draft.set(saved(feed.channel.get_untracked().as_ref()));
    Effect::new(move |_| {
        let text = draft.get();
        if let Some(channel) = feed.channel.get_untracked() {
            feed.drafts.update_value(|all| {
                if text.is_empty() {
                    all.remove(&channel);
                } else {
                    all.insert(channel, text);
                }
            });
        }
    });
    Effect::new(move |previous: Option<Option<ChannelId>>| {
        let current = feed.channel.get();
        if previous.is_some_and(|previous| previous != current) {
            draft.set(saved(current.as_ref()));
        }
        current
    });
    // Choosing "Reply" on a message puts the caret here.
    Effect::new(move |_| {
        if feed.replying.with(Option::is_some) {
            if let Some(el) = input.get_untracked() {
                let _ = el.focus();
            }
        }
    });
    // A refused send comes back into an empty composer.
    Effect::new(move |_| {
        if let Some(text) = feed.returned_draft.get() {
            if draft.get_untracked().is_empty() {
                draft.set(text);
            }
            feed.returned_draft.set(None);
        }
    });
    let items = Signal::derive(move || {
        let mode = choice.mode.get();
        let lane = lane.get();
        facts.with(|f| viewer.with(|v| suggestions.items(f.as_ref(), v.as_ref(), &mode, lane)))
    });
    let track_caret = move || {
        if let Some(el) = input.get_untracked() {
            let text = draft.get_untracked();
            let offset = el.selection_start().ok().flatten().unwrap_or(text.len() as u32);
            suggestions.caret.set(caret_of(&text, offset));
        }
    };
    let submit = move || {
        if closed_reason().is_some() {
            return;
        }
        let body = draft.get_untracked();
        // The same rules the server enforces: a send they refuse is not sent, and the text stays.
        let allowed = match (viewer.get_untracked(), facts.get_untracked()) {
            (Some(viewer), Some(facts)) => choice.intent(&viewer, &facts, &body, lane.get_untracked()).map(|_| ()),
            _ => Ok(()),
        };
        match validate::body(&body).and(allowed) {
            Ok(()) => {
                local_error.set(None);
                feed.send(body, choice.hints());
                draft.set(String::new());
            }
            Err(problem) => local_error.set(Some(problem)),
        }
        if let Some(el) = input.get_untracked() {
            let _ = el.focus();
        }
    };
    let pick = move |item: Item| {
        suggestions.accept(&item);
        if let Some(el) = input.get_untracked() {
            let _ = el.focus();
        }
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.is_composing() {
            return;
        }
        let list = items.get_untracked();
        let key = ev.key();
        if !list.is_empty() {
            let at = suggestions.highlight.get_untracked().min(list.len() - 1);
            let handled = match key.as_str() {
                "ArrowDown" => {
                    suggestions.highlight.set((at + 1) % list.len());
                    true
                }
                "ArrowUp" => {
                    suggestions.highlight.set((at + list.len() - 1) % list.len());
                    true
                }
                // Enter on a command typed in full sends it (`/help`); otherwise it takes the suggestion.
                "Enter" if list[at].insert.trim_end() == draft.get_untracked().trim_end() => false,
                "Enter" | "Tab" if !ev.shift_key() => {
                    pick(list[at].clone());
                    true
                }
                "Escape" => {
                    suggestions.dismissed.set(true);
                    true
                }
                _ => false,
            };
            if handled {
                ev.prevent_default();
                return;
            }
        }
        if key == "Escape" && feed.replying.with_untracked(Option::is_some) {
            ev.prevent_default();
            feed.replying.set(None);
        } else if key == "ArrowUp" && draft.get_untracked().is_empty() {
            // Your last message opens for editing when it can be edited; otherwise (a roll, say) its text comes
            // back to be sent again.
            let rules = facts.with_untracked(|f| f.as_ref().map(|f| f.message_rules).unwrap_or_default());
            let editable = viewer
                .get_untracked()
                .and_then(|v| feed.last_editable(&v, rules, super::times::now_ms()));
            if let Some(id) = editable {
                ev.prevent_default();
                feed.editing.set(Some(id));
            } else if let Some(last) = feed.sent_bodies.with_untracked(|sent| sent.last().cloned()) {
                ev.prevent_default();
                draft.set(last);
            }
        } else if key == "Enter" && !ev.shift_key() {
            ev.prevent_default();
            submit();
        }
    };
    // Who would see this text if it were sent now hears that it is being written (a `/w` narrows it); text
    // the server would refuse, or a closed room, says nothing.
    let announce_typing = move |text: &str| {
        if text.trim().is_empty()
            || feed
                .room
                .with_untracked(|r| r.as_ref().is_some_and(|r| !r.status.allows_posting()))
        {
            return;
        }
        feed.typing(|| {
            let viewer = viewer.get_untracked()?;
            let intent =
                facts.with_untracked(|f| Some(choice.intent(&viewer, f.as_ref()?, text, lane.get_untracked())))?;
            match intent {
                Ok(Intent::Post(draft)) => Some(hints_of(&draft.decision)),
                _ => None,
            }
        });
    };
    let on_input = move |ev| {
        let text = event_target_value(&ev);
        announce_typing(&text);
        draft.set(text);
        suggestions.dismissed.set(false);
        suggestions.highlight.set(0);
        track_caret();
    };
    let problem = Signal::derive(move || local_error.get().or_else(|| feed.error.get()));
    view! {
        <div class="border-t border-slate-800 p-3">
            {move || closed_reason().map(|reason| view! {
                <p data-testid="composer-closed" role="status" class="mb-2 text-sm text-amber-300">{reason}</p>
            })}
            <ReplyBar feed />
            <SpeakAs choice facts viewer draft lane />
            <SuggestionList items highlight=suggestions.highlight on_pick=Callback::new(pick) />
            <form class="flex items-end gap-2" on:submit=move |ev| { ev.prevent_default(); submit(); }>
                <label for="composer-input" class="sr-only">"Message"</label>
                <textarea id="composer-input" node_ref=input data-testid="composer-input" rows="2"
                    class="field mt-0 flex-1 resize-none" placeholder="Say something… (/ for commands, @ to mention)"
                    aria-autocomplete="list"
                    prop:value=move || draft.get() on:input=on_input on:keydown=on_keydown
                    on:keyup=move |ev: leptos::ev::KeyboardEvent| if ev.key().starts_with("Arrow") && items.with_untracked(Vec::is_empty) { track_caret() }
                    on:click=move |_| track_caret()
                    disabled=move || closed_reason().is_some()></textarea>
                <button data-testid="composer-send" type="submit" class="btn-primary"
                    disabled=move || closed_reason().is_some()>"Send"</button>
            </form>
            <ProblemNotice problem testid="composer-error" />
        </div>
    }
    .into_any()
}
