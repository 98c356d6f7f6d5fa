//! The composer's suggestion list: `/` lists the commands this member may use here (with usage), `@` lists
//! members and characters (characters first in in-character voices). Both come from the shared domain
//! ([`available`], [`mentions::suggest`]), the same code the server answers `chat.autocomplete` with.
//! Up/Down move, Enter or Tab accept, Escape closes; a click accepts too.

use crate::domain::compose::available;
use crate::domain::ids::UserId;
use crate::domain::mentions;
use crate::domain::policy::{Lane, TableFacts};
use leptos::prelude::*;

/// One entry: what the list shows and the text that replaces `range` of the draft when accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Shown in bold.
    pub label: String,
    /// Shown after the label (usage, or "character").
    pub detail: String,
    /// Replaces the typed query.
    pub insert: String,
    /// Byte range of the draft that `insert` replaces.
    pub range: (usize, usize),
}

/// What the list needs to know, as signals owned by the composer.
#[derive(Clone, Copy)]
pub struct Suggestions {
    /// The draft text.
    pub draft: RwSignal<String>,
    /// The caret's byte offset in the draft.
    pub caret: RwSignal<usize>,
    /// The highlighted entry.
    pub highlight: RwSignal<usize>,
    /// Closed with Escape; opens again when the draft changes.
    pub dismissed: RwSignal<bool>,
}

impl Suggestions {
    /// An empty, closed list over `draft`.
    pub fn new(draft: RwSignal<String>) -> Self {
        Self {
            draft,
            caret: RwSignal::new(0),
            highlight: RwSignal::new(0),
            dismissed: RwSignal::new(false),
        }
    }

    /// The entries for the current draft and caret, by the member's role and voice.
    pub fn items(&self, facts: Option<&TableFacts>, viewer: Option<&UserId>, mode: &str, lane: Lane) -> Vec<Item> {
        if self.dismissed.get() {
            return Vec::new();
        }
        let draft = self.draft.get();
        let caret = self.caret.get().min(draft.len());
        let (Some(facts), Some(viewer)) = (facts, viewer) else {
            return Vec::new();
        };
        let Some(member) = facts.member(viewer) else {
            return Vec::new();
        };
        let before = draft.get(..caret).unwrap_or("");
        if let Some(word) = before.strip_prefix('/').filter(|w| !w.contains(char::is_whitespace)) {
            let word = word.to_ascii_lowercase();
            return available(member.role, lane)
                .into_iter()
                .filter(|spec| spec.word.starts_with(&word) || spec.aliases.iter().any(|a| a.starts_with(&word)))
                .map(|spec| Item {
                    label: format!("/{}", spec.word),
                    detail: format!("{} — {}", spec.usage, spec.summary),
                    insert: format!("/{} ", spec.word),
                    range: (0, caret),
                })
                .collect();
        }
        let Some((at, query)) = mentions::query_at(&draft, caret) else {
            return Vec::new();
        };
        let mode = mode.split(':').next().unwrap_or("participant");
        mentions::suggest(facts, mode, query)
            .into_iter()
            .map(|s| Item {
                detail: s.kind.as_str().to_owned(),
                insert: format!("@{} ", s.label),
                label: s.label,
                range: (at, caret),
            })
            .collect()
    }

    /// Puts `item` into the draft and returns the caret position after it.
    pub fn accept(&self, item: &Item) -> usize {
        let (start, end) = item.range;
        let mut caret = start;
        self.draft.update(|draft| {
            if draft.is_char_boundary(start) && draft.is_char_boundary(end.min(draft.len())) {
                draft.replace_range(start..end.min(draft.len()), &item.insert);
                caret = start + item.insert.len();
            }
        });
        self.caret.set(caret);
        self.highlight.set(0);
        caret
    }
}

/// The list itself, above the composer. Hidden when empty.
#[component]
pub fn SuggestionList(items: Signal<Vec<Item>>, highlight: RwSignal<usize>, on_pick: Callback<Item>) -> impl IntoView {
    view! {
        <Show when=move || !items.with(Vec::is_empty)>
            <ul data-testid="autocomplete" role="listbox" aria-label="Suggestions"
                class="mb-2 max-h-56 overflow-y-auto rounded-md border border-slate-700 bg-slate-900 text-sm">
                {move || items.get().into_iter().enumerate().map(|(index, item)| {
                    let selected = move || highlight.get() == index;
                    let picked = item.clone();
                    view! {
                        <li data-testid="autocomplete-item" role="option" aria-selected=move || selected().to_string()
                            class=move || if selected() { "cursor-pointer bg-indigo-600 px-2 py-1 text-white" } else { "cursor-pointer px-2 py-1 hover:bg-slate-800" }
                            on:mousedown=move |ev| { ev.prevent_default(); on_pick.run(picked.clone()); }>
                            <span class="font-semibold">{item.label}</span>
                            <span class="ml-2 text-xs opacity-75">{item.detail}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </Show>
    }
}
