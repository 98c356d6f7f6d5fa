//! Small inline SVG icons: they render on every system (no emoji font needed) and inherit the text colour.
//! Icons are decorative (`aria-hidden`); the words next to them carry the meaning.

use leptos::prelude::*;

/// The icons Tabletalk uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IconKind {
    /// Visible to everyone.
    Eye,
    /// GM only.
    Lock,
    /// A whisper.
    Whisper,
    /// Start or resume.
    Play,
    /// Pause.
    Pause,
    /// End.
    Stop,
}

impl IconKind {
    fn path(self) -> &'static str {
        match self {
            Self::Eye => "M1 8s2.5-5 7-5 7 5 7 5-2.5 5-7 5-7-5-7-5zm7 2.5a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5z",
            Self::Lock => "M4 7V5a4 4 0 1 1 8 0v2h1v8H3V7h1zm2 0h4V5a2 2 0 1 0-4 0v2z",
            Self::Whisper => "M2 3h12v8H7l-3 3v-3H2V3zm3 3.5h6v1H5v-1z",
            Self::Play => "M4 2l10 6-10 6V2z",
            Self::Pause => "M3 2h4v12H3V2zm6 0h4v12H9V2z",
            Self::Stop => "M3 3h10v10H3V3z",
        }
    }
}

/// An icon sized to the surrounding text.
#[component]
pub fn Icon(kind: IconKind) -> impl IntoView {
    view! {
        <svg aria-hidden="true" viewBox="0 0 16 16" fill="currentColor" fill-rule="evenodd"
            class="inline-block h-3 w-3 align-[-0.1em]">
            <path d=kind.path() />
        </svg>
    }
}
