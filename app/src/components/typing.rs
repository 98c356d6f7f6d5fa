//! The line under the timeline that says who is writing ("Alice is typing…"), as the server told this reader:
//! only writers of messages this reader would see appear here.

use crate::domain::typing::typing_line;
use crate::feed::ChatFeed;
use leptos::prelude::*;

/// "… is typing" for the channel shown; an empty line of the same height when nobody is, so the timeline does
/// not jump.
#[component]
pub fn TypingLine(feed: ChatFeed) -> impl IntoView {
    let line = move || {
        feed.typists.with(|typists| {
            let labels: Vec<String> = typists.iter().map(|t| t.label.clone()).collect();
            typing_line(&labels).unwrap_or_default()
        })
    };
    view! {
        <p data-testid="typing" aria-live="polite" class="h-5 truncate px-4 text-xs italic text-slate-400">{line}</p>
    }
}
