//! What a reader can do to a message from its menu (shown on hover and on keyboard focus): react, reply, edit their own
//! text, delete their own (a GM: anyone's) after a confirming second click, pin and unpin (GMs). What is offered
//! is decided by the shared rule the server enforces (`domain::change::permitted`). Also the editor that takes
//! the body's place while editing, and the earlier versions a GM can open.

use super::reactions::EmojiPicker;
use super::times;
use crate::domain::campaign::Role;
use crate::domain::change::{self, Asker, ChangeKind, State, Version};
use crate::domain::ids::{MessageId, UserId};
use crate::domain::message::Message;
use crate::domain::policy::TableFacts;
use crate::feed::ChatFeed;
use leptos::html::Textarea;
use leptos::prelude::*;

/// The menu of one message.
#[component]
pub fn MessageActions(
    message: Message,
    state: State,
    feed: ChatFeed,
    facts: RwSignal<Option<TableFacts>>,
    viewer: RwSignal<Option<UserId>>,
) -> impl IntoView {
    let id = message.message_id.clone();
    let role = Memo::new(move |_| {
        viewer.with(|v| {
            facts.with(|f| {
                v.as_ref()
                    .and_then(|v| f.as_ref()?.member(v))
                    .map_or(Role::Observer, |m| m.role)
            })
        })
    });
    let (for_rule, state_for_rule) = (message.clone(), state.clone());
    let may = move |kind: ChangeKind| {
        viewer.with(|v| {
            v.as_ref().is_some_and(|v| {
                let asker = Asker {
                    user: v,
                    role: role.get(),
                    rules: facts.with(|f| f.as_ref().map(|f| f.message_rules).unwrap_or_default()),
                    now: times::now_ms(),
                };
                change::permitted(kind, "", &asker, &for_rule, &state_for_rule).is_ok()
            })
        })
    };
    let picking = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let button = move |kind: ChangeKind, label: &'static str, testid: &'static str| {
        let id = id.clone();
        let may = may.clone();
        move || {
            may(kind).then(|| {
                let id = id.clone();
                view! {
                    <button data-testid=testid class="msg-action" on:click=move |_| match kind {
                        ChangeKind::Edit => feed.editing.set(Some(id.clone())),
                        ChangeKind::Delete if !confirming.get_untracked() => confirming.set(true),
                        _ => {
                            confirming.set(false);
                            feed.change(id.clone(), kind, String::new());
                        }
                    }>{label}</button>
                }
            })
        }
    };
    let pinned = state.pinned.is_some();
    let picker_id = message.message_id.clone();
    view! {
        <div role="toolbar" aria-label="Message actions"
            class="absolute -top-3 right-2 z-10 flex gap-0.5 rounded-md border border-slate-700 bg-slate-900 px-1 opacity-0 shadow group-hover:opacity-100 focus-within:opacity-100">
            {(state.deleted.is_none()).then(|| view! {
                <button data-testid="action-react" class="msg-action" aria-label="Add a reaction"
                    aria-expanded=move || picking.get().to_string() on:click=move |_| picking.update(|p| *p = !*p)>"☺ +"</button>
            })}
            {(state.deleted.is_none()).then(|| {
                let id = message.message_id.clone();
                view! {
                    <button data-testid="action-reply" class="msg-action" on:click=move |_| feed.replying.set(Some(id.clone()))>"Reply"</button>
                }
            })}
            {button.clone()(ChangeKind::Edit, "Edit", "action-edit")}
            {
                let button = button.clone();
                move || if confirming.get() {
                    button(ChangeKind::Delete, "Confirm delete", "action-delete-confirm")().into_any()
                } else {
                    button(ChangeKind::Delete, "Delete", "action-delete")().into_any()
                }
            }
            {if pinned { button(ChangeKind::Unpin, "Unpin", "action-unpin") } else { button(ChangeKind::Pin, "Pin", "action-pin") }}
            <Show when=move || picking.get()>
                <EmojiPicker message_id=picker_id.clone() feed on_close=Callback::new(move |_| picking.set(false)) />
            </Show>
        </div>
    }
}

/// The editor that replaces a message's body: Enter saves, Shift+Enter starts a line, Escape cancels.
#[component]
pub fn MessageEditor(message_id: MessageId, body: String, feed: ChatFeed) -> impl IntoView {
    let text = RwSignal::new(body.clone());
    let input = NodeRef::<Textarea>::new();
    Effect::new(move |_| {
        if let Some(el) = input.get() {
            let _ = el.focus();
        }
    });
    let save = move || {
        let now = text.get_untracked();
        if !now.trim().is_empty() && now != body {
            feed.change(message_id.clone(), ChangeKind::Edit, now);
        }
        feed.editing.set(None);
    };
    let on_keydown = {
        let save = save.clone();
        move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
            "Enter" if !ev.shift_key() => {
                ev.prevent_default();
                save();
            }
            "Escape" => feed.editing.set(None),
            _ => {}
        }
    };
    view! {
        <div class="mt-1">
            <label class="sr-only" for="edit-input">"Edit message"</label>
            <textarea id="edit-input" node_ref=input data-testid="edit-input" rows="2" class="field mt-0 resize-none"
                prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev)) on:keydown=on_keydown />
            <p class="mt-1 text-xs text-slate-400">
                "Enter to "<button data-testid="edit-save" class="underline" on:click=move |_| save()>"save"</button>
                " · Escape to "<button data-testid="edit-cancel" class="underline" on:click=move |_| feed.editing.set(None)>"cancel"</button>
            </p>
        </div>
    }
}

/// The earlier texts of an edited message, for GMs (only their projection has them), oldest first.
#[component]
pub fn Versions(versions: Vec<Version>) -> impl IntoView {
    let items = versions
        .into_iter()
        .map(|v| {
            view! {
                <li data-testid="version" class="whitespace-pre-wrap break-words">
                    <span class="text-slate-500">{format!("until {} · ", times::full(v.until))}</span>{v.body}
                </li>
            }
        })
        .collect_view();
    view! {
        <details data-testid="versions" class="mt-1 text-xs text-slate-400">
            <summary class="cursor-pointer">"Earlier versions (GMs only)"</summary>
            <ul class="mt-1 space-y-0.5 border-l border-slate-700 pl-2">{items}</ul>
        </details>
    }
}
