//! Reactions under a message (each emoji with its count, who reacted on hover, the reader's own highlighted;
//! a click adds or takes back the reader's), and the picker that adds one: search by name, recent ones first,
//! and any emoji pasted or typed as `:shortcode:`, which the server checks against Unicode's whole list.
//!
//! The picker offers a short list of its own instead of all of Unicode: the whole list with names would add
//! about 60 KB gzipped to the browser bundle, and a table mostly reacts with a few dozen.

use crate::domain::change::{ChangeKind, Reaction};
use crate::domain::ids::{MessageId, UserId};
use crate::domain::policy::TableFacts;
use crate::feed::ChatFeed;
use leptos::prelude::*;

/// The picker's emoji and the words it finds them by (the first word is its `:shortcode:`).
const EMOJI: &[(&str, &str)] = &[
    ("👍", "thumbsup yes agree like"),
    ("👎", "thumbsdown no disagree"),
    ("😂", "joy laugh tears"),
    ("🤣", "rofl rolling laughing"),
    ("😮", "open_mouth surprised wow"),
    ("😱", "scream fear horror"),
    ("😢", "cry sad tear"),
    ("😡", "rage angry"),
    ("🤔", "thinking hmm"),
    ("😅", "sweat_smile phew"),
    ("😎", "sunglasses cool"),
    ("🙄", "roll_eyes eyeroll"),
    ("😈", "smiling_imp evil devil"),
    ("💀", "skull dead death"),
    ("👻", "ghost spooky"),
    ("❤️", "heart love"),
    ("🔥", "fire hot lit"),
    ("✨", "sparkles magic"),
    ("🎉", "tada party celebrate"),
    ("👏", "clap applause"),
    ("🙏", "pray please thanks"),
    ("👀", "eyes look watching"),
    ("💯", "100 hundred perfect"),
    ("✅", "white_check_mark done check"),
    ("❌", "x cross no"),
    ("❓", "question what"),
    ("❗", "exclamation important"),
    ("⚠️", "warning careful"),
    ("🎲", "game_die dice roll"),
    ("⚔️", "crossed_swords fight combat battle"),
    ("🗡️", "dagger knife stab"),
    ("🛡️", "shield defend block"),
    ("🏹", "bow_and_arrow archer ranged"),
    ("🪄", "magic_wand spell wizard"),
    ("🔮", "crystal_ball divination"),
    ("📜", "scroll spell letter"),
    ("🗺️", "world_map map travel"),
    ("💰", "moneybag gold loot treasure"),
    ("💎", "gem jewel treasure"),
    ("🍺", "beer tavern drink"),
    ("🐉", "dragon"),
    ("🧙", "mage wizard"),
    ("🧝", "elf"),
    ("🧟", "zombie undead"),
    ("🐺", "wolf"),
    ("🕯️", "candle light"),
    ("🗝️", "old_key key unlock"),
    ("🚪", "door"),
    ("🏰", "european_castle castle"),
    ("⚰️", "coffin death"),
    ("🩸", "drop_of_blood blood"),
    ("💤", "zzz sleep rest"),
    ("🤫", "shushing_face secret quiet"),
    ("🤝", "handshake deal"),
    ("💪", "muscle strong"),
    ("🙈", "see_no_evil oops"),
    ("🍿", "popcorn drama"),
    ("📌", "pushpin pin"),
];

/// The picker's emoji that match `query` (every word of it), or all of them for an empty query.
pub fn matching(query: &str) -> Vec<&'static str> {
    let words: Vec<String> = query
        .trim()
        .trim_matches(':')
        .split_whitespace()
        .map(str::to_lowercase)
        .collect();
    EMOJI
        .iter()
        .filter(|(_, names)| {
            words
                .iter()
                .all(|w| names.split(' ').any(|n| n.starts_with(w.as_str())))
        })
        .map(|(emoji, _)| *emoji)
        .collect()
}

/// Whether `query` is worth sending as it is: a `:shortcode:` or something that is not plain ASCII (a pasted
/// emoji). The server decides whether it is an emoji.
fn sendable(query: &str) -> bool {
    let query = query.trim();
    (query.len() > 2 && query.starts_with(':') && query.ends_with(':')) || !query.is_ascii()
}

/// The reaction chips of one message.
#[component]
pub fn Reactions(
    message_id: MessageId,
    reactions: Vec<Reaction>,
    feed: ChatFeed,
    facts: RwSignal<Option<TableFacts>>,
    viewer: RwSignal<Option<UserId>>,
) -> impl IntoView {
    let chips = reactions
        .into_iter()
        .map(|reaction| {
            let users = reaction.users.clone();
            let mine = Memo::new(move |_| viewer.with(|v| v.as_ref().is_some_and(|v| users.contains(v))));
            let people = reaction.users.clone();
            let names = move || {
                facts.with(|f| {
                    people
                        .iter()
                        .map(|u| f.as_ref().and_then(|f| f.member(u)).map_or("someone", |m| m.name.as_str()).to_owned())
                        .collect::<Vec<_>>()
                        .join(", ")
                })
            };
            let described = names.clone();
            let (id, emoji) = (message_id.clone(), reaction.emoji.clone());
            let toggle = move |_| {
                let kind = if mine.get_untracked() { ChangeKind::Unreact } else { ChangeKind::React };
                feed.change(id.clone(), kind, emoji.clone());
            };
            let count = reaction.users.len();
            let label = reaction.emoji.clone();
            view! {
                <button data-testid="reaction" data-emoji=reaction.emoji.clone() aria-pressed=move || mine.get().to_string()
                    title=names aria-label=move || format!("{label} {count}: {}", described())
                    class=move || if mine.get() { "reaction border-indigo-400 bg-indigo-950" } else { "reaction" }
                    on:click=toggle>
                    <span>{reaction.emoji.clone()}</span>" "<span data-testid="reaction-count">{count}</span>
                </button>
            }
        })
        .collect_view();
    view! { <div class="mt-1 flex flex-wrap gap-1">{chips}</div> }
}

/// The emoji picker for one message; `on_close` runs after a pick or Escape.
#[component]
pub fn EmojiPicker(message_id: MessageId, feed: ChatFeed, on_close: Callback<()>) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let pick = {
        let message_id = message_id.clone();
        move |emoji: String| {
            feed.change(message_id.clone(), ChangeKind::React, emoji);
            on_close.run(());
        }
    };
    let chosen = pick.clone();
    let option = move |emoji: String, testid: &'static str| {
        let pick = chosen.clone();
        let shown = emoji.clone();
        view! {
            <button data-testid=testid class="rounded px-1 text-xl hover:bg-slate-700" title=emoji.clone()
                on:click=move |_| pick(emoji.clone())>{shown}</button>
        }
    };
    let recent = {
        let option = option.clone();
        move || {
            feed.recent_emoji
                .get()
                .into_iter()
                .map(|e| option(e, "emoji-recent"))
                .collect_view()
        }
    };
    let found = move || {
        let query = query.get();
        let custom = sendable(&query).then(|| option(query.trim().to_owned(), "emoji-custom"));
        (
            custom,
            matching(&query)
                .into_iter()
                .map(|e| option(e.to_owned(), "emoji-option"))
                .collect_view(),
        )
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "Escape" => on_close.run(()),
        "Enter" => {
            ev.prevent_default();
            let query = query.get_untracked();
            let first = matching(&query).first().map(|e| (*e).to_owned());
            match (sendable(&query), first) {
                (true, _) => pick(query.trim().to_owned()),
                (false, Some(emoji)) => pick(emoji),
                (false, None) => {}
            }
        }
        _ => {}
    };
    view! {
        <div data-testid="emoji-picker" role="dialog" aria-label="Add a reaction"
            class="absolute right-0 top-6 z-10 w-72 rounded-md border border-slate-600 bg-slate-900 p-2 shadow-lg">
            <input data-testid="emoji-search" class="field mt-0 py-1 text-sm" placeholder="Search, or :shortcode:"
                aria-label="Search emoji" autofocus prop:value=move || query.get()
                on:input=move |ev| query.set(event_target_value(&ev)) on:keydown=on_keydown />
            <Show when=move || !feed.recent_emoji.with(Vec::is_empty)>
                <p class="mt-1 text-xs text-slate-400">"Recent"</p>
                <div class="flex flex-wrap">{recent.clone()}</div>
            </Show>
            <div class="mt-1 flex max-h-40 flex-wrap overflow-y-auto">{found}</div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_picker_finds_emoji_by_any_word_of_their_names() {
        assert_eq!(matching("dice"), vec!["🎲"]);
        assert_eq!(matching(":tada:"), vec!["🎉"]);
        assert!(matching("").len() > 50);
        assert!(matching("treasure").contains(&"💰") && matching("treasure").contains(&"💎"));
        assert!(matching("nothing-like-this").is_empty());
    }

    #[test]
    fn shortcodes_and_pasted_emoji_go_to_the_server_as_typed() {
        assert!(sendable(":owl:"));
        assert!(sendable("🦉"));
        assert!(!sendable("owl"));
        assert!(!sendable("::"));
    }
}
