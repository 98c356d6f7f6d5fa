//! A message body's markup (`domain::markup`) as HTML for the HTML export: the same reading as the timeline,
//! every piece of text escaped, links only to `http(s)` with `rel="noopener noreferrer nofollow"`, spoilers
//! hidden until hovered or focused, inline rolls with their dice on hover.

use app::domain::dice::RollResult;
use app::domain::markup::{self, Block, Span};
use app::domain::message::Mention;

/// The CSS the export's page needs for what this draws.
pub const STYLE: &str = ".spoiler{background:#4b5563;color:transparent;border-radius:.2rem}\
    .spoiler:hover,.spoiler:focus{background:#1f2937;color:inherit}\
    .inline-roll{border:1px solid #b45309;border-radius:.25rem;padding:0 .2rem;color:#fcd34d}\
    blockquote{border-left:2px solid #6b7280;margin:.25rem 0;padding-left:.5rem}\
    pre{background:#030712;padding:.5rem;overflow-x:auto}";

/// The body as HTML.
pub fn html(body: &str, mentions: &[Mention], rolls: &[RollResult], escape: fn(&str) -> String) -> String {
    let mut out = String::new();
    for block in markup::parse(body, mentions, rolls.len()) {
        block_html(&mut out, &block, mentions, rolls, escape);
    }
    out
}

fn block_html(out: &mut String, block: &Block, mentions: &[Mention], rolls: &[RollResult], escape: fn(&str) -> String) {
    match block {
        Block::Paragraph(spans) => {
            out.push_str("<p>");
            spans_html(out, spans, mentions, rolls, escape);
            out.push_str("</p>");
        }
        Block::Quote(blocks) => {
            out.push_str("<blockquote>");
            for block in blocks {
                block_html(out, block, mentions, rolls, escape);
            }
            out.push_str("</blockquote>");
        }
        Block::CodeBlock(code) => {
            out.push_str("<pre><code>");
            out.push_str(&escape(code));
            out.push_str("</code></pre>");
        }
    }
}

fn spans_html(
    out: &mut String,
    spans: &[Span],
    mentions: &[Mention],
    rolls: &[RollResult],
    escape: fn(&str) -> String,
) {
    for span in spans {
        let wrap = |out: &mut String, open: &str, close: &str, children: &[Span]| {
            out.push_str(open);
            spans_html(out, children, mentions, rolls, escape);
            out.push_str(close);
        };
        match span {
            Span::Text(text) => out.push_str(&escape(text)),
            Span::Break => out.push_str("<br>"),
            Span::Strong(children) => wrap(out, "<strong>", "</strong>", children),
            Span::Emphasis(children) => wrap(out, "<em>", "</em>", children),
            Span::Strike(children) => wrap(out, "<s>", "</s>", children),
            Span::Code(code) => {
                out.push_str("<code>");
                out.push_str(&escape(code));
                out.push_str("</code>");
            }
            Span::Spoiler(children) => wrap(out, "<span class=\"spoiler\" tabindex=\"0\">", "</span>", children),
            Span::Link { href, children } => {
                let open = format!("<a href=\"{}\" rel=\"noopener noreferrer nofollow\">", escape(href));
                wrap(out, &open, "</a>", children);
            }
            Span::Mention(index) => {
                let label = mentions.get(*index).map_or("", |m| m.label.as_str());
                out.push_str(&format!("<strong>@{}</strong>", escape(label)));
            }
            Span::Roll { index, text } => match rolls.get(*index) {
                Some(roll) => out.push_str(&format!(
                    "<span class=\"inline-roll\" title=\"{}\">🎲 {}</span>",
                    escape(&roll_summary(roll)),
                    roll.total
                )),
                None => out.push_str(&escape(&format!("[[{text}]]"))),
            },
        }
    }
}

/// `1d20+5: 14, 5 = 19`: an inline roll in one line.
pub fn roll_summary(roll: &RollResult) -> String {
    let values: Vec<String> = roll
        .terms
        .iter()
        .flat_map(|term| match term.dice.is_empty() {
            true => vec![term.value.to_string()],
            false => term
                .dice
                .iter()
                .filter(|d| d.kept)
                .map(|d| d.value.to_string())
                .collect(),
        })
        .collect();
    format!("{}: {} = {}", roll.notation, values.join(", "), roll.total)
}

/// What a reply answers, in words for an export (its quote already decided for the viewer): the speaker and
/// start of the original, "a deleted message", or "a message you cannot see" with nothing of it.
pub fn reply_line(reply: &app::domain::reply::Reply) -> (String, String) {
    use app::domain::reply::Reply;
    match reply {
        Reply::Hidden => (String::new(), "a message you cannot see".to_owned()),
        Reply::Quote(quote) if quote.deleted && quote.excerpt.is_empty() => {
            (quote.speaker.clone(), "(message deleted)".to_owned())
        }
        Reply::Quote(quote) => (quote.speaker.clone(), quote.excerpt.clone()),
    }
}
