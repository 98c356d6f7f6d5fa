//! The composer's choice of voice and audience, and the preview of what a send will become. The preview runs
//! the domain's own [`decide`], the function the server enforces, so what it says is what happens.

use crate::domain::campaign::Role;
use crate::domain::compose::{prepare, Intent};
use crate::domain::describe;
use crate::domain::ids::{CharacterId, UserId};
use crate::domain::policy::{AudienceHint, Lane, ModeHint, TableFacts, TargetHint};
use crate::domain::Problem;
use crate::feed::SendHints;
use leptos::prelude::*;

/// What the member chose; kept at page level so a sidebar refresh never resets it.
#[derive(Clone, Copy)]
pub struct Choice {
    /// `participant`, `character:<id>`, `gm` or `narrator`.
    pub mode: RwSignal<String>,
    /// The NPC's name in narrator mode.
    pub npc_name: RwSignal<String>,
    /// `all`, `gm_only` or `targets`.
    pub audience: RwSignal<String>,
    /// Whisper targets.
    pub targets: RwSignal<Vec<TargetHint>>,
}

impl Choice {
    /// Participant mode, to everyone.
    pub fn new() -> Self {
        Self {
            mode: RwSignal::new("participant".to_owned()),
            npc_name: RwSignal::new(String::new()),
            audience: RwSignal::new("all".to_owned()),
            targets: RwSignal::new(Vec::new()),
        }
    }

    /// The mode as the policy reads it.
    pub fn mode_hint(&self) -> ModeHint {
        let mode = self.mode.get();
        match mode.as_str() {
            "gm" => ModeHint::Gm,
            "narrator" => ModeHint::Narrator {
                name: self.npc_name.get(),
            },
            other => match other.strip_prefix("character:") {
                Some(id) => ModeHint::Character {
                    character_id: CharacterId::from(id),
                },
                None => ModeHint::Participant,
            },
        }
    }

    /// The audience as the policy reads it.
    pub fn audience_hint(&self) -> AudienceHint {
        match self.audience.get().as_str() {
            "gm_only" => AudienceHint::GmOnly,
            "targets" => AudienceHint::Targets {
                targets: self.targets.get(),
            },
            _ => AudienceHint::All,
        }
    }

    /// The hints as `chat.send` carries them.
    pub fn hints(&self) -> SendHints {
        SendHints::new(&self.mode_hint(), &self.audience_hint())
    }

    /// What sending `body` would do, by the server's own rules (commands, mentions, voice and audience).
    pub fn intent(&self, viewer: &UserId, facts: &TableFacts, body: &str, lane: Lane) -> Result<Intent, Problem> {
        prepare(viewer, lane, facts, &self.mode_hint(), &self.audience_hint(), body)
    }
}

impl Default for Choice {
    fn default() -> Self {
        Self::new()
    }
}

/// Mode and audience selectors offering only what this member may use, the whisper picker, and the preview.
#[component]
pub fn SpeakAs(
    choice: Choice,
    facts: RwSignal<Option<TableFacts>>,
    viewer: RwSignal<Option<UserId>>,
    draft: RwSignal<String>,
    lane: RwSignal<Lane>,
) -> impl IntoView {
    let in_game = move || lane.get() == Lane::InGame;
    // Characters and NPCs speak only in session rooms: leaving one for a table channel drops those voices.
    Effect::new(move |_| {
        if !in_game() && (choice.mode.get().starts_with("character:") || choice.mode.get() == "narrator") {
            choice.mode.set("participant".to_owned());
        }
    });
    let me = move || {
        viewer
            .get()
            .and_then(|v| facts.with(|f| f.as_ref().and_then(|f| f.member(&v).cloned())))
    };
    let is_gm = move || me().is_some_and(|m| m.role == Role::Gm);
    let my_characters = move || {
        let Some(viewer) = viewer.get() else { return Vec::new() };
        if !in_game() {
            return Vec::new();
        }
        facts.with(|f| {
            f.as_ref()
                .map(|f| {
                    f.controlled_by(&viewer)
                        .into_iter()
                        .map(|c| (c.id.clone(), c.name.clone()))
                        .collect()
                })
                .unwrap_or_default()
        })
    };
    let preview = move || {
        let (Some(viewer), Some(facts)) = (viewer.get(), facts.get()) else {
            return Err("Connecting…".to_owned());
        };
        choice
            .intent(&viewer, &facts, &draft.get(), lane.get())
            .map(|intent| describe::intent(&intent, &viewer, Some(&facts)))
            .map_err(|problem| problem.message)
    };
    let gm_reads = move || facts.with(|f| f.as_ref().is_some_and(|f| f.gm_sees_whispers));
    view! {
        <div class="mb-2 flex flex-wrap items-center gap-2 text-sm">
            <label class="sr-only" for="mode-select">"Speak as"</label>
            <select id="mode-select" data-testid="mode-select" class="field mt-0 w-auto py-1"
                prop:value=move || choice.mode.get() on:change=move |ev| choice.mode.set(event_target_value(&ev))>
                <option value="participant">{move || format!("Yourself{}", me().map(|m| format!(" ({})", m.name)).unwrap_or_default())}</option>
                <For each=my_characters key=|(id, _)| id.clone() let:character>
                    <option value=format!("character:{}", character.0)>{character.1}</option>
                </For>
                <Show when=is_gm>
                    <option value="gm">"GM"</option>
                </Show>
                <Show when=move || is_gm() && in_game()>
                    <option value="narrator">"NPC…"</option>
                </Show>
            </select>
            <Show when=move || choice.mode.get() == "narrator">
                <label class="sr-only" for="npc-name">"NPC name"</label>
                <input id="npc-name" data-testid="npc-name" class="field mt-0 w-40 py-1" placeholder="NPC name"
                    prop:value=move || choice.npc_name.get() on:input=move |ev| choice.npc_name.set(event_target_value(&ev)) />
            </Show>
            <span aria-hidden="true" class="text-slate-500">"→"</span>
            <label class="sr-only" for="audience-select">"Audience"</label>
            <select id="audience-select" data-testid="audience-select" class="field mt-0 w-auto py-1"
                prop:value=move || choice.audience.get() on:change=move |ev| choice.audience.set(event_target_value(&ev))>
                <option value="all">"Everyone"</option>
                <option value="gm_only">"GM only"</option>
                <option value="targets">"Whisper…"</option>
            </select>
        </div>
        <Show when=move || choice.audience.get() == "targets">
            <WhisperPicker choice facts viewer />
            <p data-testid="whisper-notice" class="mb-1 text-xs text-slate-400">
                {move || if gm_reads() { "The GM can read whispers in this campaign." } else { "GMs cannot read whispers they are not part of." }}
            </p>
        </Show>
        <p data-testid="composer-preview" aria-live="polite"
            class=move || if preview().is_ok() { "mb-1 text-xs text-slate-400" } else { "mb-1 text-xs text-amber-300" }>
            {move || preview().unwrap_or_else(|e| e)}
        </p>
    }
}

/// Checkboxes for members and characters to whisper to.
#[component]
fn WhisperPicker(
    choice: Choice,
    facts: RwSignal<Option<TableFacts>>,
    viewer: RwSignal<Option<UserId>>,
) -> impl IntoView {
    let options = move || {
        let viewer = viewer.get();
        facts.with(|f| {
            let Some(f) = f else { return Vec::new() };
            let members = f
                .members
                .iter()
                .filter(|m| Some(&m.user_id) != viewer.as_ref())
                .map(|m| {
                    let label = if m.role == Role::Gm {
                        format!("{} (GM)", m.name)
                    } else {
                        m.name.clone()
                    };
                    (TargetHint::User { id: m.user_id.clone() }, label)
                });
            let characters = f
                .characters
                .iter()
                .filter(|c| viewer.as_ref().is_none_or(|v| c.controllers.iter().any(|u| u != v)))
                .map(|c| {
                    (
                        TargetHint::Character { id: c.id.clone() },
                        format!("{} (character)", c.name),
                    )
                });
            members.chain(characters).collect::<Vec<_>>()
        })
    };
    view! {
        <fieldset data-testid="whisper-targets" class="mb-1 flex flex-wrap gap-x-3 gap-y-1 text-sm">
            <legend class="sr-only">"Whisper to"</legend>
            <For each=options key=|(target, _)| format!("{target:?}") let:option>
                {
                    let (target, label) = option;
                    let checked_target = target.clone();
                    let checked = move || choice.targets.with(|t| t.contains(&checked_target));
                    view! {
                        <label class="flex items-center gap-1">
                            <input type="checkbox" data-testid="whisper-target" prop:checked=checked
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    choice.targets.update(|t| {
                                        t.retain(|x| x != &target);
                                        if on { t.push(target.clone()); }
                                    });
                                } />
                            {label}
                        </label>
                    }
                }
            </For>
        </fieldset>
    }
}
