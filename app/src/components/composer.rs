//! The composer: Enter sends, Shift+Enter starts a new line. Closed (and saying why) when the session room
//! does not accept posts; a refused send puts its text back so nothing typed is lost.

use super::problem::ProblemNotice;
use super::speak_as::{Choice, SpeakAs};
use crate::domain::ids::UserId;
use crate::domain::policy::TableFacts;
use crate::domain::validate;
use crate::feed::ChatFeed;
use leptos::html::Textarea;
use leptos::prelude::*;

/// The message box of the selected channel, with the voice and audience selectors above it.
#[component]
pub fn Composer(
    feed: ChatFeed,
    choice: Choice,
    facts: RwSignal<Option<TableFacts>>,
    viewer: RwSignal<Option<UserId>>,
) -> impl IntoView {
    let draft = RwSignal::new(String::new());
    let input = NodeRef::<Textarea>::new();
    let local_error = RwSignal::new(None);
    let closed_reason = move || feed.room.get().and_then(|room| room.status.closed_reason());
    // A refused send comes back into an empty composer.
    Effect::new(move |_| {
        if let Some(text) = feed.returned_draft.get() {
            if draft.get_untracked().is_empty() {
                draft.set(text);
            }
            feed.returned_draft.set(None);
        }
    });
    let submit = move || {
        if closed_reason().is_some() {
            return;
        }
        let body = draft.get_untracked();
        // The same rules the server enforces: a send they refuse is not sent, and the text stays.
        let allowed = match (viewer.get_untracked(), facts.get_untracked()) {
            (Some(viewer), Some(facts)) => choice.decision(&viewer, &facts).map(|_| ()),
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
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
            ev.prevent_default();
            submit();
        }
    };
    let problem = Signal::derive(move || local_error.get().or_else(|| feed.error.get()));
    view! {
        <div class="border-t border-slate-800 p-3">
            {move || closed_reason().map(|reason| view! {
                <p data-testid="composer-closed" role="status" class="mb-2 text-sm text-amber-300">{reason}</p>
            })}
            <SpeakAs choice facts viewer />
            <form class="flex items-end gap-2" on:submit=move |ev| { ev.prevent_default(); submit(); }>
                <label for="composer-input" class="sr-only">"Message"</label>
                <textarea id="composer-input" node_ref=input data-testid="composer-input" rows="2"
                    class="field mt-0 flex-1 resize-none" placeholder="Say something… (Enter sends, Shift+Enter for a new line)"
                    prop:value=move || draft.get() on:input=move |ev| draft.set(event_target_value(&ev))
                    on:keydown=on_keydown disabled=move || closed_reason().is_some()></textarea>
                <button data-testid="composer-send" type="submit" class="btn-primary"
                    disabled=move || closed_reason().is_some()>"Send"</button>
            </form>
            <ProblemNotice problem testid="composer-error" />
        </div>
    }
    .into_any()
}
