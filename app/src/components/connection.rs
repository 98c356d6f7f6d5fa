//! The connection indicator: words and a shape, never colour alone.

use crate::feed::{ChatFeed, ConnectionState};
use leptos::prelude::*;

/// Shows whether the live feed is connected (`data-state` = connecting | live | offline).
#[component]
pub fn ConnectionBadge(feed: ChatFeed) -> impl IntoView {
    let state = feed.state;
    let label = move || match state.get() {
        ConnectionState::Connecting => "○ Connecting…",
        ConnectionState::Live => "● Live",
        ConnectionState::Offline => "× Offline — retrying",
    };
    let class = move || match state.get() {
        ConnectionState::Live => "badge border-emerald-700 text-emerald-300",
        ConnectionState::Connecting => "badge border-amber-700 text-amber-300",
        ConnectionState::Offline => "badge border-rose-700 text-rose-300",
    };
    view! {
        <span data-testid="connection" data-state=move || state.get().as_str() class=class role="status"
            aria-live="polite">
            {label}
        </span>
    }
}
