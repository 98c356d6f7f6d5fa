//! Channel logs as files a member downloads: Markdown, HTML or JSON, holding exactly the messages that member
//! may see (`can_see`, the same rule as the live feed and history), with speakers, visibility and full roll
//! cards (every die, dropped ones marked, and the total).

use super::ChatService;
use crate::store::OrInternal;
use app::domain::change::State;
use app::domain::describe;
use app::domain::dice::{RollResult, Sign};
use app::domain::ids::{ChannelId, MessageId};
use app::domain::message::{Message, MessageKind};
use app::domain::policy::TableFacts;
use app::domain::views::UserSummary;
use app::domain::Problem;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;

/// A download format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// Readable anywhere; rolls as text.
    Markdown,
    /// One self-contained page with roll cards.
    Html,
    /// The messages in their wire shape, for tools.
    Json,
}

impl ExportFormat {
    /// Parses `markdown`/`md`, `html`, `json`; `invalid_input` otherwise.
    pub fn parse(raw: &str) -> Result<Self, Problem> {
        match raw.to_ascii_lowercase().as_str() {
            "markdown" | "md" => Ok(Self::Markdown),
            "html" => Ok(Self::Html),
            "json" => Ok(Self::Json),
            _ => Err(Problem::invalid(
                format!("\"{raw}\" is not an export format."),
                "Use markdown, html or json.",
            )),
        }
    }

    /// The file's media type.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Markdown => "text/markdown; charset=utf-8",
            Self::Html => "text/html; charset=utf-8",
            Self::Json => "application/json",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Self::Markdown => "md",
            Self::Html => "html",
            Self::Json => "json",
        }
    }
}

/// A rendered export.
#[derive(Debug, Clone)]
pub struct Export {
    /// A file name for `Content-Disposition`: the channel's name and the format's extension.
    pub file_name: String,
    /// The file.
    pub body: String,
}

#[derive(Serialize)]
struct JsonExport<'a> {
    channel_id: &'a ChannelId,
    channel_name: &'a str,
    exported_for: &'a str,
    exported_at: i64,
    messages: &'a [Message],
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    states: &'a BTreeMap<MessageId, State>,
}

impl ChatService {
    /// The channel's log as `user` may see it; `not_found` for channels the user cannot read.
    pub async fn export(
        &self,
        user: &UserSummary,
        channel: &ChannelId,
        format: ExportFormat,
    ) -> Result<Export, Problem> {
        let access = self.access(user, channel).await?;
        let facts = self.roster.facts(self.game.as_ref(), &access.campaign_id).await?;
        let mut visible = Vec::new();
        let mut states = BTreeMap::new();
        let mut after = 0;
        loop {
            let (page, changed, next) = self.visible_after(&access.viewer, channel, after).await?;
            visible.extend(page);
            states.extend(changed);
            match next {
                Some(next) => after = next,
                None => break,
            }
        }
        let now = crate::store::now_ms();
        let title = access.name.clone();
        let body = match format {
            ExportFormat::Json => serde_json::to_string_pretty(&JsonExport {
                channel_id: channel,
                channel_name: &title,
                exported_for: &user.username,
                exported_at: now,
                messages: &visible,
                states: &states,
            })
            .or_internal()?,
            ExportFormat::Markdown => markdown(&title, &user.username, now, &visible, &states, &facts),
            ExportFormat::Html => html(&title, &user.username, now, &visible, &states, &facts),
        };
        let stem: String = title
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        Ok(Export {
            file_name: format!("{stem}.{}", format.extension()),
            body,
        })
    }
}

/// What changed a message, in words for an export's meta line: edited, deleted, pinned, reactions.
fn notes(state: &State, facts: &TableFacts) -> String {
    let name = |user: &app::domain::ids::UserId| facts.member(user).map_or("someone", |m| m.name.as_str()).to_owned();
    let mut notes = Vec::new();
    if let Some(at) = state.edited_at {
        notes.push(format!("edited {}", utc_stamp(at)));
    }
    if let Some(deleted) = &state.deleted {
        notes.push(format!("deleted by {} {}", name(&deleted.by), utc_stamp(deleted.at)));
    }
    if let Some(pinned) = &state.pinned {
        notes.push(format!("pinned by {}", name(&pinned.by)));
    }
    for reaction in &state.reactions {
        notes.push(format!("{} {}", reaction.emoji, reaction.users.len()));
    }
    notes.join(" · ")
}

/// A message's body in an export: a member's copy of a deleted message has none.
fn body_or_marker(message: &Message, state: Option<&State>) -> String {
    match state.is_some_and(|s| s.withholds(message)) {
        true => "(message deleted)".to_owned(),
        false => message.body.clone(),
    }
}

fn markdown(
    title: &str,
    viewer: &str,
    now: i64,
    messages: &[Message],
    states: &BTreeMap<MessageId, State>,
    facts: &TableFacts,
) -> String {
    let mut out = format!(
        "# {title}\n\n_Exported for {viewer} on {}: only the messages {viewer} may see._\n",
        utc_stamp(now)
    );
    for message in messages {
        let speaker = describe::speaker_line(&message.actor, message.sender_id.as_ref(), Some(facts));
        let visibility = describe::audience(&message.audience, Some(facts));
        let state = states.get(&message.message_id);
        let noted = state.map(|s| format!(" · _{}_", notes(s, facts))).unwrap_or_default();
        let _ = write!(
            out,
            "\n**{speaker}** · {} · _{visibility}_{noted}  \n",
            utc_stamp(message.sent_at)
        );
        if let Some((speaker, text)) = message.reply.as_ref().map(super::export_markup::reply_line) {
            let _ = writeln!(
                out,
                "> ↪ replying to {speaker}{}{text}  ",
                if speaker.is_empty() { "" } else { ": " }
            );
        }
        let body = body_or_marker(message, state);
        match (&message.kind, &message.roll) {
            (MessageKind::Roll, Some(roll)) => {
                let _ = writeln!(out, "🎲 {}", roll_text(roll, |die| format!("~~{die}~~")));
            }
            (MessageKind::Emote, _) => {
                let _ = writeln!(out, "*{speaker} {body}*");
            }
            _ => {
                let _ = writeln!(out, "{}", body.replace('\n', "  \n"));
            }
        }
        if !message.inline_rolls.is_empty() {
            let rolls: Vec<String> = message
                .inline_rolls
                .iter()
                .map(super::export_markup::roll_summary)
                .collect();
            let _ = writeln!(out, "🎲 {}", rolls.join("; "));
        }
        for version in state.map(|s| s.versions.as_slice()).unwrap_or_default() {
            let _ = writeln!(
                out,
                "> earlier, until {}: {}",
                utc_stamp(version.until),
                version.body.replace('\n', " ")
            );
        }
    }
    out
}

fn html(
    title: &str,
    viewer: &str,
    now: i64,
    messages: &[Message],
    states: &BTreeMap<MessageId, State>,
    facts: &TableFacts,
) -> String {
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title>\n<style>\
         body{{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;background:#111827;color:#e5e7eb}}\
         article{{border-bottom:1px solid #374151;padding:.5rem 0}}.meta{{color:#9ca3af;font-size:.85rem}}\
         .roll{{background:#1f2937;border-radius:.5rem;padding:.5rem}}.die{{display:inline-block;min-width:1.5rem;\
         text-align:center;border:1px solid #6b7280;border-radius:.25rem;margin:0 .1rem}}\
         .die[data-kept=false]{{opacity:.5;text-decoration:line-through}}.total{{font-weight:bold}}\
         {style}</style></head><body>\n<h1>{t}</h1>\n<p class=\"meta\">Exported for {v} on {at}: only the messages {v} \
         may see.</p>\n",
        t = escape(title),
        v = escape(viewer),
        at = utc_stamp(now),
        style = super::export_markup::STYLE
    );
    for message in messages {
        let speaker = describe::speaker_line(&message.actor, message.sender_id.as_ref(), Some(facts));
        let visibility = describe::audience(&message.audience, Some(facts));
        let state = states.get(&message.message_id);
        let noted = state
            .map(|s| format!(" · <em>{}</em>", escape(&notes(s, facts))))
            .unwrap_or_default();
        let _ = write!(
            out,
            "<article data-kind=\"{}\" data-actor=\"{}\" data-audience=\"{}\"><div class=\"meta\"><strong>{}\
             </strong> · {} · <span class=\"visibility\">{}</span>{noted}</div>",
            message.kind.as_str(),
            message.actor.kind.as_str(),
            message.audience.scope.as_str(),
            escape(&speaker),
            utc_stamp(message.sent_at),
            escape(&visibility)
        );
        if let Some((speaker, text)) = message.reply.as_ref().map(super::export_markup::reply_line) {
            let speaker = (!speaker.is_empty()).then(|| format!("<strong>{}</strong>: ", escape(&speaker)));
            let _ = write!(
                out,
                "<p class=\"meta reply\">↪ replying to {}{}</p>",
                speaker.unwrap_or_default(),
                escape(&text)
            );
        }
        for version in state.map(|s| s.versions.as_slice()).unwrap_or_default() {
            let _ = write!(
                out,
                "<p class=\"meta\">earlier, until {}: {}</p>",
                utc_stamp(version.until),
                escape(&version.body)
            );
        }
        match (message.kind, &message.roll) {
            (MessageKind::Roll, Some(roll)) => {
                let dice = roll_dice_html(roll);
                let label = roll.label.as_deref().map(escape).unwrap_or_default();
                let _ = write!(
                    out,
                    "<div class=\"roll\">{} {label}<br>{dice} = <span class=\"total\">{}</span></div>",
                    escape(&roll.notation),
                    roll.total
                );
            }
            _ if state.is_some_and(|s| s.withholds(message)) => {
                let _ = write!(out, "<p><em>{}</em></p>", body_or_marker(message, state));
            }
            (MessageKind::Notification | MessageKind::System, _) => {
                let _ = write!(out, "<p>{}</p>", escape(&message.body).replace('\n', "<br>"));
            }
            _ => {
                let body = super::export_markup::html(&message.body, &message.mentions, &message.inline_rolls, escape);
                let _ = write!(out, "<div class=\"body\">{body}</div>");
            }
        }
        out.push_str("</article>\n");
    }
    out.push_str("</body></html>\n");
    out
}

/// `4d6kh3+2 Strength: [5, 4, ~~1~~, 3] + 2 = 14`, with `dropped` marking dice that do not count.
fn roll_text(roll: &RollResult, dropped: impl Fn(u32) -> String) -> String {
    let mut parts = Vec::new();
    for (index, term) in roll.terms.iter().enumerate() {
        let sign = match (index, term.sign) {
            (0, Sign::Plus) => "",
            (_, Sign::Minus) => "- ",
            _ => "+ ",
        };
        let value = if term.dice.is_empty() {
            term.value.to_string()
        } else {
            let faces: Vec<String> = term
                .dice
                .iter()
                .map(|d| if d.kept { d.value.to_string() } else { dropped(d.value) })
                .collect();
            format!("[{}]", faces.join(", "))
        };
        parts.push(format!("{sign}{value}"));
    }
    let label = roll.label.as_deref().map(|l| format!(" {l}")).unwrap_or_default();
    format!("{}{label}: {} = **{}**", roll.notation, parts.join(" "), roll.total)
}

fn roll_dice_html(roll: &RollResult) -> String {
    let mut out = String::new();
    for (index, term) in roll.terms.iter().enumerate() {
        match (index, term.sign) {
            (0, Sign::Plus) => {}
            (_, Sign::Minus) => out.push_str(" − "),
            _ => out.push_str(" + "),
        }
        if term.dice.is_empty() {
            out.push_str(&term.value.to_string());
        }
        for die in &term.dice {
            let _ = write!(
                out,
                "<span class=\"die\" data-kept=\"{}\">{}</span>",
                die.kept, die.value
            );
        }
    }
    out
}

/// Escapes text for HTML element content and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `2026-11-22 14:03 UTC` from milliseconds since the Unix epoch (days to a civil date by the proleptic
/// Gregorian calendar).
fn utc_stamp(ms: i64) -> String {
    let seconds = ms.div_euclid(1000);
    let (days, rest) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    let (year, month, day) = app::domain::calendar::civil(days);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        rest / 3600,
        rest % 3600 / 60
    )
}

#[cfg(test)]
#[path = "export_tests.rs"]
mod tests;
