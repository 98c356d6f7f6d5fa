//! The connection indicator: words and a shape, never colour alone.

use crate::feed::{ChatFeed, ConnectionState};
use leptos::prelude::*;

/// Shows whether the live feed is connected (`data-state` = connecting | live | offline | logged_out).
#[component]
pub fn ConnectionBadge(feed: ChatFeed) -> impl IntoView {
    let state = feed.state;
    let label = move || match state.get() {
        ConnectionState::Connecting => "○ Connecting…",
        ConnectionState::Live => "● Live",
        ConnectionState::Offline => "× Offline — retrying",
        ConnectionState::LoggedOut => "× Logged out — log in again to keep talking",
    };
    let class = move || match state.get() {
        ConnectionState::Live => "badge border-emerald-700 text-emerald-300",
        ConnectionState::Connecting => "badge border-amber-700 text-amber-300",
        ConnectionState::Offline | ConnectionState::LoggedOut => "badge border-rose-700 text-rose-300",
    };
    view! {
        <span data-testid="connection" data-state=move || state.get().as_str() class=class role="status"
            aria-live="polite">
            {label}
        </span>
    }
}
