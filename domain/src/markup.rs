//! Message markup: what a body's Markdown means, as a tree of our own that the timeline, the composer's preview
//! and the exports draw, so all of them agree and none ever hands raw HTML to a browser.
//!
//! Parsing is pulldown-cmark's (CommonMark with strikethrough); on top of it: `||spoilers||`, bare `http(s)`
//! links, `@mentions` (the resolved ones the message carries) and `[[1d20+5]]` inline rolls. Raw HTML in a body
//! stays text, images become links, and a link whose target is not `http(s)` is its text alone.

use super::dice::{self, DiceExpr};
use super::error::{ErrorCode, Problem};
use super::message::Mention;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, TextMergeStream};

/// A run of inline text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Span {
    /// Plain text.
    Text(String),
    /// A line break inside a block.
    Break,
    /// `**bold**`.
    Strong(Vec<Span>),
    /// `*italic*`.
    Emphasis(Vec<Span>),
    /// `~~struck~~`.
    Strike(Vec<Span>),
    /// `` `code` ``.
    Code(String),
    /// `||hidden until clicked||`.
    Spoiler(Vec<Span>),
    /// A link to an `http(s)` address.
    Link { href: String, children: Vec<Span> },
    /// An `@mention` of someone the message resolved, by its index in the message's mentions.
    Mention(usize),
    /// A `[[dice]]` inline roll, by its index in the message's inline rolls, with the text as typed.
    Roll { index: usize, text: String },
}

/// A block of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A paragraph (headings and list items read as paragraphs in chat).
    Paragraph(Vec<Span>),
    /// `> quoted`.
    Quote(Vec<Block>),
    /// A fenced or indented code block, verbatim.
    CodeBlock(String),
}

/// Whether `href` may be a link: `http` and `https` only (no `javascript:`, `data:` or relative targets).
pub fn safe_href(href: &str) -> bool {
    let lower = href.trim().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://")) && lower.len() > 8
}

/// The blocks of `body`. `mentions` are the message's resolved mentions; `rolls` how many inline rolls it holds.
pub fn parse(body: &str, mentions: &[Mention], rolls: usize) -> Vec<Block> {
    let mut builder = Builder::new(mentions, rolls);
    for event in TextMergeStream::new(Parser::new_ext(body, Options::ENABLE_STRIKETHROUGH)) {
        builder.event(event);
    }
    builder.finish()
}

/// Where inline rolls stand in `body`: the text inside each `[[...]]` outside code, in order. The server rolls
/// each; the timeline shows them where `parse` finds them, in the same order.
pub fn inline_rolls(body: &str) -> Vec<String> {
    let mut found = Vec::new();
    for event in TextMergeStream::new(Parser::new_ext(body, Options::ENABLE_STRIKETHROUGH)) {
        if let Event::Text(text) = event {
            let mut rest: &str = &text;
            while let Some((_, dice, after)) = next_roll(rest) {
                found.push(dice.to_owned());
                rest = after;
            }
        }
    }
    found
}

/// The most inline rolls one message may hold.
pub const INLINE_ROLLS_MAX: usize = 10;

/// The dice of every inline roll in `body`, checked: a `[[...]]` that is not a roll, or more than
/// [`INLINE_ROLLS_MAX`] of them, refuses the message (`bad_arguments`, naming it), so nothing typed is lost.
pub fn inline_dice(body: &str) -> Result<Vec<DiceExpr>, Problem> {
    let found = inline_rolls(body);
    if found.len() > INLINE_ROLLS_MAX {
        return Err(Problem::new(
            ErrorCode::BadArguments,
            format!(
                "A message holds at most {INLINE_ROLLS_MAX} inline rolls; this one has {}.",
                found.len()
            ),
            "Split the rolls over several messages.",
        ));
    }
    found
        .iter()
        .map(|text| {
            dice::parse(text).map_err(|problem| {
                Problem::new(
                    ErrorCode::BadArguments,
                    format!("[[{text}]] is not a roll: {}", problem.message),
                    "Write dice such as [[1d20+5]], or drop the double brackets.",
                )
            })
        })
        .collect()
}

/// Whether an edit keeps the inline rolls of the text it replaces, the same dice in the same order: a roll
/// already thrown is a fact of the game, so an edit can neither re-roll nor add one.
pub fn same_inline_rolls(original: &str, edited: &str) -> bool {
    let normal = |body: &str| -> Vec<String> { inline_rolls(body).iter().map(|d| d.trim().to_lowercase()).collect() };
    normal(original) == normal(edited)
}

/// The first `[[dice]]` in `text` with something inside: where it starts, its dice and what follows it.
fn next_roll(text: &str) -> Option<(usize, &str, &str)> {
    let mut from = 0;
    while let Some(found) = text[from..].find("[[") {
        let start = from + found;
        let inner = &text[start + 2..];
        let end = inner.find("]]")?;
        let dice = &inner[..end];
        if !dice.trim().is_empty() && dice.len() <= 64 && !dice.contains('[') {
            return Some((start, dice, &inner[end + 2..]));
        }
        from = start + 2;
    }
    None
}

/// Builds the tree from pulldown-cmark's events.
struct Builder<'m> {
    mentions: &'m [Mention],
    rolls: usize,
    rolls_seen: usize,
    blocks: Vec<Vec<Block>>,
    /// Open inline containers, innermost last: the spans gathered so far and how to close them.
    spans: Vec<(Open, Vec<Span>)>,
    code: Option<String>,
}

#[derive(Debug, Clone)]
enum Open {
    Block,
    Strong,
    Emphasis,
    Strike,
    Spoiler,
    Link(Option<String>),
}

impl<'m> Builder<'m> {
    fn new(mentions: &'m [Mention], rolls: usize) -> Self {
        Self {
            mentions,
            rolls,
            rolls_seen: 0,
            blocks: vec![Vec::new()],
            spans: Vec::new(),
            code: None,
        }
    }

    fn push(&mut self, span: Span) {
        if self.spans.is_empty() {
            self.spans.push((Open::Block, Vec::new()));
        }
        if let Some((_, spans)) = self.spans.last_mut() {
            spans.push(span);
        }
    }

    fn open(&mut self, open: Open) {
        if self.spans.is_empty() {
            self.spans.push((Open::Block, Vec::new()));
        }
        self.spans.push((open, Vec::new()));
    }

    /// Closes the innermost container of the kind `matches` accepts (and any left open inside it).
    fn close(&mut self, matches: impl Fn(&Open) -> bool) {
        while let Some((open, children)) = self.spans.pop() {
            let done = matches(&open);
            let span = match open {
                Open::Block => {
                    self.spans.push((Open::Block, children));
                    return;
                }
                Open::Strong => Span::Strong(children),
                Open::Emphasis => Span::Emphasis(children),
                Open::Strike => Span::Strike(children),
                Open::Spoiler => Span::Spoiler(children),
                Open::Link(Some(href)) => Span::Link { href, children },
                Open::Link(None) => {
                    for child in children {
                        self.push(child);
                    }
                    if done {
                        return;
                    }
                    continue;
                }
            };
            self.push(span);
            if done {
                return;
            }
        }
    }

    /// Ends the current paragraph, if it has anything.
    fn end_paragraph(&mut self) {
        self.close(|_| false);
        if let Some((_, spans)) = self.spans.pop() {
            if !spans.is_empty() {
                self.blocks
                    .last_mut()
                    .expect("a block list")
                    .push(Block::Paragraph(spans));
            }
        }
    }

    fn event(&mut self, event: Event) {
        match event {
            Event::Start(Tag::BlockQuote(_)) => {
                self.end_paragraph();
                self.blocks.push(Vec::new());
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                self.end_paragraph();
                let inner = self.blocks.pop().unwrap_or_default();
                self.blocks.last_mut().expect("a block list").push(Block::Quote(inner));
            }
            Event::Start(Tag::CodeBlock(_)) => {
                self.end_paragraph();
                self.code = Some(String::new());
            }
            Event::End(TagEnd::CodeBlock) => {
                let code = self.code.take().unwrap_or_default();
                let code = code.strip_suffix('\n').unwrap_or(&code).to_owned();
                self.blocks
                    .last_mut()
                    .expect("a block list")
                    .push(Block::CodeBlock(code));
            }
            Event::Start(Tag::Paragraph | Tag::Heading { .. } | Tag::Item) => self.end_paragraph(),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) => self.end_paragraph(),
            Event::Start(Tag::Strong) => self.open(Open::Strong),
            Event::End(TagEnd::Strong) => self.close(|o| matches!(o, Open::Strong)),
            Event::Start(Tag::Emphasis) => self.open(Open::Emphasis),
            Event::End(TagEnd::Emphasis) => self.close(|o| matches!(o, Open::Emphasis)),
            Event::Start(Tag::Strikethrough) => self.open(Open::Strike),
            Event::End(TagEnd::Strikethrough) => self.close(|o| matches!(o, Open::Strike)),
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                let href = safe_href(&dest_url).then(|| dest_url.trim().to_string());
                self.open(Open::Link(href));
            }
            Event::End(TagEnd::Link | TagEnd::Image) => self.close(|o| matches!(o, Open::Link(_))),
            Event::Text(text) => match self.code.as_mut() {
                Some(code) => code.push_str(&text),
                None => self.text(&text),
            },
            Event::Code(code) => self.push(Span::Code(code.to_string())),
            Event::Html(html) | Event::InlineHtml(html) => match self.code.as_mut() {
                Some(code) => code.push_str(&html),
                None => self.push(Span::Text(html.to_string())),
            },
            Event::SoftBreak | Event::HardBreak => self.push(Span::Break),
            Event::Rule => self.push(Span::Text("———".into())),
            _ => {}
        }
    }

    /// Plain text, with spoiler marks, inline rolls, mentions and bare links picked out.
    fn text(&mut self, text: &str) {
        let mut rest = text;
        while !rest.is_empty() {
            let spoiler = rest.find("||");
            let roll = next_roll(rest).map(|(start, ..)| start);
            match (spoiler, roll) {
                (Some(s), r) if r.is_none_or(|r| s < r) => {
                    self.words(&rest[..s]);
                    if self.spans.iter().any(|(o, _)| matches!(o, Open::Spoiler)) {
                        self.close(|o| matches!(o, Open::Spoiler));
                    } else {
                        self.open(Open::Spoiler);
                    }
                    rest = &rest[s + 2..];
                }
                (_, Some(r)) => {
                    self.words(&rest[..r]);
                    let (_, dice, after) = next_roll(&rest[r..]).expect("found above");
                    if self.rolls_seen < self.rolls {
                        self.push(Span::Roll {
                            index: self.rolls_seen,
                            text: dice.to_owned(),
                        });
                        self.rolls_seen += 1;
                    } else {
                        self.push(Span::Text(format!("[[{dice}]]")));
                    }
                    rest = after;
                }
                _ => {
                    self.words(rest);
                    rest = "";
                }
            }
        }
    }

    /// Text with `@mentions` and bare `http(s)` links made into spans.
    fn words(&mut self, text: &str) {
        let mut plain = String::new();
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            let boundary = !plain.chars().last().is_some_and(char::is_alphanumeric);
            let mention = (c == '@' && boundary).then(|| self.mention_at(&rest[1..])).flatten();
            if let Some((index, len)) = mention {
                self.flush(&mut plain);
                self.push(Span::Mention(index));
                rest = &rest[1 + len..];
                continue;
            }
            let lower = rest.get(..8).unwrap_or(rest).to_ascii_lowercase();
            if boundary && (lower.starts_with("https://") || lower.starts_with("http://")) {
                let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                let url = rest[..end].trim_end_matches(['.', ',', ')', '!', '?', ';', ':', '\'', '"']);
                if safe_href(url) {
                    self.flush(&mut plain);
                    self.push(Span::Link {
                        href: url.to_owned(),
                        children: vec![Span::Text(url.to_owned())],
                    });
                    rest = &rest[url.len()..];
                    continue;
                }
            }
            plain.push(c);
            rest = &rest[c.len_utf8()..];
        }
        self.flush(&mut plain);
    }

    fn flush(&mut self, plain: &mut String) {
        if !plain.is_empty() {
            self.push(Span::Text(std::mem::take(plain)));
        }
    }

    /// The mention whose label (or `"label"`) starts `after`, longest first: its index and the length used.
    fn mention_at(&self, after: &str) -> Option<(usize, usize)> {
        let lower = after.to_lowercase();
        let mut best: Option<(usize, usize)> = None;
        for (index, mention) in self.mentions.iter().enumerate() {
            let label = mention.label.to_lowercase();
            let quoted = format!("\"{label}\"");
            let len = if lower.starts_with(&quoted) {
                quoted.len()
            } else if lower.starts_with(&label)
                && !lower[label.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
            {
                label.len()
            } else {
                continue;
            };
            if best.is_none_or(|(_, l)| len > l) && after.is_char_boundary(len) {
                best = Some((index, len));
            }
        }
        best
    }

    fn finish(mut self) -> Vec<Block> {
        self.end_paragraph();
        while self.blocks.len() > 1 {
            let inner = self.blocks.pop().unwrap_or_default();
            self.blocks.last_mut().expect("a block list").push(Block::Quote(inner));
        }
        self.blocks.pop().unwrap_or_default()
    }
}

#[cfg(test)]
#[path = "markup_tests.rs"]
mod tests;
