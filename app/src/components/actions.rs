//! The campaign page's server actions, owned by the page.

use crate::api::campaigns::{ChangeSession, CreateCharacter, CreateSession, SetMessageRules};
use leptos::prelude::*;

/// The server actions of the campaign page's buttons and forms. They belong to the page rather than to the
/// views that dispatch them: those views are rebuilt whenever the campaign view reloads, and while it reloads
/// the old ones stay on screen with their owner already gone. An action created in them goes with that owner,
/// so a click or a submit in that moment could do nothing (the likely cause of a GM's "End" click that a browser
/// test once saw lost).
#[derive(Clone, Copy)]
pub struct PageActions {
    /// Start, pause, resume or end a session.
    pub change_session: ServerAction<ChangeSession>,
    /// A GM's new session.
    pub create_session: ServerAction<CreateSession>,
    /// A member's new character.
    pub create_character: ServerAction<CreateCharacter>,
    /// A GM's new message rules. Its answer outlives the settings form, which the reload it causes rebuilds:
    /// "Saved" stays on screen.
    pub set_message_rules: ServerAction<SetMessageRules>,
}

impl PageActions {
    /// Creates the actions under the current owner (the page); each success runs `on_change`, which reloads
    /// the page's campaign view.
    pub fn new(on_change: Callback<()>) -> Self {
        let actions = Self {
            change_session: ServerAction::new(),
            create_session: ServerAction::new(),
            create_character: ServerAction::new(),
            set_message_rules: ServerAction::new(),
        };
        Effect::new(move |_| {
            if let Some(Ok(_)) = actions.change_session.value().get() {
                on_change.run(());
            }
        });
        Effect::new(move |_| {
            if let Some(Ok(_)) = actions.create_session.value().get() {
                on_change.run(());
            }
        });
        Effect::new(move |_| {
            if let Some(Ok(())) = actions.create_character.value().get() {
                on_change.run(());
            }
        });
        Effect::new(move |_| {
            if let Some(Ok(())) = actions.set_message_rules.value().get() {
                on_change.run(());
            }
        });
        actions
    }
}
