//! Draws a message body's markup (`domain::markup`) as Leptos nodes: bold, italic, struck, code, quotes, code
//! blocks, spoilers hidden until clicked, `http(s)` links that open safely, mentions as chips and inline rolls
//! as chips with their roll card on hover. Every piece of text is a text node: no HTML from a message ever
//! reaches the DOM.

use super::message_row::RollCard;
use crate::domain::dice::RollResult;
use crate::domain::markup::{self, Block, Span};
use crate::domain::message::Mention;
use leptos::prelude::*;

/// What a body's spans need besides themselves.
#[derive(Clone)]
struct Context {
    mentions: Vec<Mention>,
    rolls: Vec<RollResult>,
}

/// A body as markup. `inline` draws the first paragraph as a run of text (for `/me` emotes after the name).
#[component]
pub fn Markup(
    body: String,
    mentions: Vec<Mention>,
    rolls: Vec<RollResult>,
    #[prop(optional)] inline: bool,
) -> impl IntoView {
    let blocks = markup::parse(&body, &mentions, rolls.len());
    let context = Context { mentions, rolls };
    blocks
        .into_iter()
        .enumerate()
        .map(|(index, block)| match (inline && index == 0, block) {
            (true, Block::Paragraph(spans)) => view! { <span>{spans_view(spans, &context)}</span> }.into_any(),
            (_, block) => block_view(block, &context),
        })
        .collect_view()
}

fn block_view(block: Block, context: &Context) -> AnyView {
    match block {
        Block::Paragraph(spans) => element("p", "", spans_view(spans, context)),
        Block::Quote(blocks) => {
            let inner = blocks
                .into_iter()
                .map(|b| block_view(b, context))
                .collect_view()
                .into_any();
            element(
                "blockquote",
                "my-1 border-l-2 border-slate-500 pl-2 text-slate-300",
                inner,
            )
        }
        Block::CodeBlock(code) => element(
            "pre",
            "my-1 overflow-x-auto rounded bg-slate-950 p-2 text-xs",
            element("code", "", code.into_any()),
        ),
    }
}

/// One element around its children. Every plain piece of markup is this one view type, whatever its tag:
/// each distinct view type is its own copy of rendering code in the browser bundle.
fn element(tag: &'static str, class: &'static str, children: AnyView) -> AnyView {
    leptos::html::custom(tag).class(class).child(children).into_any()
}

fn spans_view(spans: Vec<Span>, context: &Context) -> AnyView {
    spans
        .into_iter()
        .map(|s| span_view(s, context))
        .collect_view()
        .into_any()
}

fn span_view(span: Span, context: &Context) -> AnyView {
    match span {
        Span::Text(text) => text.into_any(),
        // A line break inside a paragraph is the newline as typed: bodies keep their whitespace (pre-wrap), and
        // the text reads the same to a copy, a screen reader or a test as it was written.
        Span::Break => "\n".into_any(),
        Span::Strong(children) => element("strong", "", spans_view(children, context)),
        Span::Emphasis(children) => element("em", "", spans_view(children, context)),
        Span::Strike(children) => element("s", "", spans_view(children, context)),
        Span::Code(code) => element("code", "rounded bg-slate-800 px-1 text-sm", code.into_any()),
        Span::Spoiler(children) => spoiler(spans_view(children, context)),
        Span::Link { href, children } => view! {
            <a href=href target="_blank" rel="noopener noreferrer nofollow" class="text-indigo-300 underline">
                {spans_view(children, context)}
            </a>
        }
        .into_any(),
        Span::Mention(index) => {
            let label = context.mentions.get(index).map(|m| m.label.clone()).unwrap_or_default();
            view! { <span data-testid="mention-chip" class="rounded bg-indigo-950 px-1 text-indigo-200">"@"{label}</span> }
                .into_any()
        }
        Span::Roll { index, text } => match context.rolls.get(index).cloned() {
            Some(roll) => inline_roll(roll),
            None => format!("[[{text}]]").into_any(),
        },
    }
}

/// Text hidden until the reader clicks it (or presses Enter on it).
fn spoiler(children: AnyView) -> AnyView {
    let revealed = RwSignal::new(false);
    view! {
        <span data-testid="spoiler" role="button" tabindex="0" data-revealed=move || revealed.get().to_string()
            aria-label=move || if revealed.get() { "Spoiler" } else { "Spoiler, hidden: click to reveal" }
            class=move || if revealed.get() { "rounded bg-slate-800 px-0.5" } else { "cursor-pointer select-none rounded bg-slate-600 px-0.5 text-transparent" }
            on:click=move |_| revealed.set(true)
            on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Enter" || ev.key() == " " { revealed.set(true) }>
            <span class:invisible=move || !revealed.get()>{children}</span>
        </span>
    }
    .into_any()
}

/// An inline roll: its total as a chip, its full card on hover or keyboard focus.
fn inline_roll(roll: RollResult) -> AnyView {
    let total = roll.total;
    let notation = roll.notation.clone();
    view! {
        <span data-testid="inline-roll" tabindex="0" class="group/roll relative inline-block rounded border border-amber-700 bg-amber-950/40 px-1 font-semibold text-amber-200"
            aria-label=format!("{notation} rolled {total}")>
            "🎲 "<span data-testid="inline-roll-total">{total}</span>
            <span class="absolute left-0 top-full z-10 hidden w-64 font-normal text-slate-100 group-hover/roll:block group-focus/roll:block">
                <RollCard roll nested=true />
            </span>
        </span>
    }
    .into_any()
}
