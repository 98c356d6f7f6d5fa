//! Message markup: what a body's Markdown means, as a tree of our own that the timeline, the composer's preview
//! and the exports draw, so all of them agree and none ever hands raw HTML to a browser.
//!
//! Lines and emphasis are read by minimad (a small maintained Markdown parser: `**bold**`, `*italic*`,
//! `~~struck~~`, `` `code` ``, fenced code, `> quotes`, lists and headings); on top of it: `||spoilers||`, bare
//! `http(s)` links, `@mentions` (the resolved ones the message carries) and `[[1d20+5]]` inline rolls. There is
//! no HTML and no `[text](target)` syntax: raw HTML and link syntax stay text, so only an address typed in the
//! open becomes a link, and only an `http(s)` one. (pulldown-cmark read CommonMark fully, but added 72 KB
//! gzipped to the browser bundle; minimad adds about 3 KB. BENCHMARKS.md, "Browser".)

use super::dice::{self, DiceExpr};
use super::error::{ErrorCode, Problem};
use super::message::Mention;
use minimad::{CompositeStyle, Compound, Line};

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
    let source: Vec<&str> = body.lines().collect();
    let text = minimad::parse_text(body, minimad::Options::default().keep_code_fences(true));
    let mut reader = Reader::new(mentions, rolls);
    for (index, line) in text.lines.iter().enumerate() {
        match line {
            Line::CodeFence(_) => reader.fence(),
            Line::Normal(composite) if composite.style == CompositeStyle::Code || reader.code.is_some() => {
                let raw = source.get(index).copied().unwrap_or_default();
                let code: String = match reader.code.is_some() {
                    true => raw.to_owned(),
                    false => composite.compounds.iter().map(|c| c.src).collect(),
                };
                reader.code.get_or_insert_with(Vec::new).push(code);
            }
            Line::Normal(composite) if composite.compounds.iter().all(|c| c.src.trim().is_empty()) => {
                reader.end_block();
            }
            Line::Normal(composite) => {
                let quote = composite.style == CompositeStyle::Quote;
                reader.line(quote, &composite.style, &composite.compounds);
            }
            // Tables and rules are not chat: the line reads as typed.
            Line::TableRow(_) | Line::TableRule(_) | Line::HorizontalRule => {
                let raw = source.get(index).copied().unwrap_or_default();
                reader.line(false, &CompositeStyle::Paragraph, &[Compound::raw_str(raw)]);
            }
        }
    }
    reader.finish()
}

/// Where inline rolls stand in `body`: the text inside each `[[...]]` outside code, in the order `parse` finds
/// them. The server rolls each; the timeline shows them in the same places.
pub fn inline_rolls(body: &str) -> Vec<String> {
    fn collect(spans: &[Span], found: &mut Vec<String>) {
        for span in spans {
            match span {
                Span::Roll { text, .. } => found.push(text.clone()),
                Span::Strong(c) | Span::Emphasis(c) | Span::Strike(c) | Span::Spoiler(c) => collect(c, found),
                Span::Link { children, .. } => collect(children, found),
                _ => {}
            }
        }
    }
    fn blocks(all: &[Block], found: &mut Vec<String>) {
        for block in all {
            match block {
                Block::Paragraph(spans) => collect(spans, found),
                Block::Quote(inner) => blocks(inner, found),
                Block::CodeBlock(_) => {}
            }
        }
    }
    let mut found = Vec::new();
    blocks(&parse(body, &[], usize::MAX), &mut found);
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

/// Builds the tree from minimad's lines.
struct Reader<'m> {
    mentions: &'m [Mention],
    rolls: usize,
    rolls_seen: usize,
    blocks: Vec<Block>,
    /// The paragraph being read, and whether it is a quote.
    paragraph: Vec<Span>,
    quote: bool,
    /// Spans inside an open `||` spoiler.
    spoiler: Option<Vec<Span>>,
    /// Lines of an open code block.
    code: Option<Vec<String>>,
}

impl<'m> Reader<'m> {
    fn new(mentions: &'m [Mention], rolls: usize) -> Self {
        Self {
            mentions,
            rolls,
            rolls_seen: 0,
            blocks: Vec::new(),
            paragraph: Vec::new(),
            quote: false,
            spoiler: None,
            code: None,
        }
    }

    /// Where spans go now: into the open spoiler, or the paragraph.
    fn push(&mut self, span: Span) {
        match self.spoiler.as_mut() {
            Some(spoiler) => spoiler.push(span),
            None => self.paragraph.push(span),
        }
    }

    /// A code fence opens or closes a code block.
    fn fence(&mut self) {
        match self.code.take() {
            Some(lines) => self.blocks.push(Block::CodeBlock(lines.join("\n"))),
            None => {
                self.end_block();
                self.code = Some(Vec::new());
            }
        }
    }

    /// Ends the paragraph (or quote) being read; an unclosed spoiler's marks read as typed.
    fn end_block(&mut self) {
        if let Some(open) = self.spoiler.take() {
            self.paragraph.push(Span::Text("||".into()));
            self.paragraph.extend(open);
        }
        if let Some(lines) = self.code.take() {
            self.blocks.push(Block::CodeBlock(lines.join("\n")));
        }
        if self.paragraph.is_empty() {
            return;
        }
        let paragraph = Block::Paragraph(std::mem::take(&mut self.paragraph));
        self.blocks.push(match self.quote {
            true => Block::Quote(vec![paragraph]),
            false => paragraph,
        });
    }

    /// One line of a paragraph or quote: a line break joins it to the one before.
    fn line(&mut self, quote: bool, style: &CompositeStyle, compounds: &[Compound]) {
        if quote != self.quote {
            self.end_block();
            self.quote = quote;
        }
        if !self.paragraph.is_empty() || self.spoiler.as_ref().is_some_and(|s| !s.is_empty()) {
            self.push(Span::Break);
        }
        match style {
            CompositeStyle::ListItem(_) => self.push(Span::Text("• ".into())),
            CompositeStyle::OrderedListItem { index, .. } => self.push(Span::Text(format!("{index}. "))),
            _ => {}
        }
        let header = matches!(style, CompositeStyle::Header(_));
        for compound in compounds {
            if compound.code {
                for span in styled(compound, vec![Span::Code(compound.src.to_owned())], header) {
                    self.push(span);
                }
                continue;
            }
            let mut rest = compound.src;
            loop {
                let (part, after) = match rest.find("||") {
                    Some(at) => (&rest[..at], Some(&rest[at + 2..])),
                    None => (rest, None),
                };
                if !part.is_empty() {
                    let inner = self.text(part);
                    for span in styled(compound, inner, header) {
                        self.push(span);
                    }
                }
                let Some(after) = after else { break };
                match self.spoiler.take() {
                    Some(hidden) => self.paragraph.push(Span::Spoiler(hidden)),
                    None => self.spoiler = Some(Vec::new()),
                }
                rest = after;
            }
        }
    }

    /// Plain text with inline rolls, mentions and bare links picked out.
    fn text(&mut self, text: &str) -> Vec<Span> {
        let mut spans = Vec::new();
        let mut rest = text;
        while let Some((start, dice, after)) = next_roll(rest) {
            spans.extend(self.words(&rest[..start]));
            if self.rolls_seen < self.rolls {
                spans.push(Span::Roll {
                    index: self.rolls_seen,
                    text: dice.to_owned(),
                });
                self.rolls_seen += 1;
            } else {
                spans.push(Span::Text(format!("[[{dice}]]")));
            }
            rest = after;
        }
        spans.extend(self.words(rest));
        spans
    }

    /// Text with `@mentions` and bare `http(s)` links made into spans.
    fn words(&self, text: &str) -> Vec<Span> {
        let mut spans = Vec::new();
        let mut plain = String::new();
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            let boundary = !plain.chars().last().is_some_and(char::is_alphanumeric);
            let mention = (c == '@' && boundary).then(|| self.mention_at(&rest[1..])).flatten();
            if let Some((index, len)) = mention {
                flush(&mut spans, &mut plain);
                spans.push(Span::Mention(index));
                rest = &rest[1 + len..];
                continue;
            }
            let lower = rest.get(..8).unwrap_or(rest).to_ascii_lowercase();
            if boundary && (lower.starts_with("https://") || lower.starts_with("http://")) {
                let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                // Trailing punctuation ends the sentence, not the address; a ")" only when it closes nothing.
                let closing = ['.', ',', '!', '?', ';', ':', '\'', '"'];
                let mut url = rest[..end].trim_end_matches(closing);
                while url.ends_with(')') && url.matches('(').count() < url.matches(')').count() {
                    url = url[..url.len() - 1].trim_end_matches(closing);
                }
                if safe_href(url) {
                    flush(&mut spans, &mut plain);
                    spans.push(Span::Link {
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
        flush(&mut spans, &mut plain);
        spans
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
        self.end_block();
        self.blocks
    }
}

/// Moves the plain text gathered so far into `spans`.
fn flush(spans: &mut Vec<Span>, plain: &mut String) {
    if !plain.is_empty() {
        spans.push(Span::Text(std::mem::take(plain)));
    }
}

/// `inner` wrapped in the styles of its compound (a heading's words read bold).
fn styled(compound: &Compound, inner: Vec<Span>, header: bool) -> Vec<Span> {
    let mut spans = inner;
    if compound.strikeout {
        spans = vec![Span::Strike(spans)];
    }
    if compound.italic {
        spans = vec![Span::Emphasis(spans)];
    }
    if compound.bold || header {
        spans = vec![Span::Strong(spans)];
    }
    spans
}

#[cfg(test)]
#[path = "markup_tests.rs"]
mod tests;
