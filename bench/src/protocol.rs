//! The three servers' wire protocols, as the load generator speaks them. Each message's body is
//! `lt:<number>:<intended send time in µs>:<phase>`, so a delivery is recognised and timed the same way on
//! every server, without parsing the rest of the frame.

use crate::plan::Reach;
use clap::ValueEnum;

/// Which server is under load.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Target {
    /// Tabletalk's own protocol (`docs/protocol.md`), logged in by cookie, every send stored before its ack.
    Tabletalk,
    /// A Socket.IO room-broadcast server (`bench/socketio/server.js`), Engine.IO 4 over WebSocket.
    Socketio,
    /// The bare tokio-tungstenite broadcast server (`ws-ceiling`): no auth, no storage.
    Ceiling,
}

/// What an incoming text frame means to the load generator.
#[derive(Debug, PartialEq, Eq)]
pub enum Incoming {
    /// A message delivered live.
    Delivered { number: u64, sent_us: u64, phase: usize },
    /// A send was acknowledged (after commit, for Tabletalk).
    Acked { number: u64 },
    /// A change (an edit or a reaction, Tabletalk only) was delivered live; its time is the send's, kept by
    /// the load generator (a reaction's body has no room for it).
    Changed { number: u64 },
    /// The server refused something.
    Error,
    /// The server pushed back on send `number` (`overloaded` or `rate_limited`): send it again, with the same
    /// key, after `retry_after_ms`, as the browser does.
    Refused { number: u64, retry_after_ms: Option<u64> },
    /// The join (or connect) step finished; `then` is what to send next, if anything.
    Progress { then: Option<String>, ready: bool },
    /// A page of history.
    History,
    /// Must be answered with this text (Engine.IO ping).
    Answer(String),
    /// Nothing the load generator counts.
    Other,
}

/// The socket address path of a target.
pub fn url(target: Target, base: &str) -> String {
    let base = base.trim_end_matches('/');
    match target {
        Target::Tabletalk => format!("{base}/ws"),
        Target::Socketio => format!("{base}/socket.io/?EIO=4&transport=websocket"),
        Target::Ceiling => format!("{base}/"),
    }
}

/// The first frame after the upgrade (`None`: wait for the server to speak first).
pub fn opening(target: Target, room: &str) -> Option<String> {
    match target {
        Target::Tabletalk => Some(format!(r#"{{"type":"chat.join","channel_id":"{room}"}}"#)),
        Target::Socketio => None,
        Target::Ceiling => Some(format!("J{room}")),
    }
}

/// The body every server carries unchanged.
pub fn body(number: u64, sent_us: u64, phase: usize) -> String {
    format!("lt:{number}:{sent_us}:{phase}")
}

/// A tag unique to this run, so a run's idempotency keys never repeat an earlier run's (the server would
/// answer those as duplicates and deliver nothing).
pub fn run_tag() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{nanos:x}")
}

/// A send of `number` to `room` with `reach` (`target_user` names a whisper's recipient); `run` is the
/// run's tag.
pub fn send(target: Target, room: &str, run: &str, number: u64, body: &str, reach: Reach, target_user: &str) -> String {
    match target {
        Target::Tabletalk => {
            let audience = match reach {
                Reach::All => r#"{"scope":"all"}"#.to_owned(),
                Reach::GmOnly => r#"{"scope":"gm_only"}"#.to_owned(),
                Reach::Whisper(_) => {
                    format!(r#"{{"scope":"targets","targets":[{{"kind":"user","id":"{target_user}"}}]}}"#)
                }
            };
            format!(
                r#"{{"type":"chat.send","channel_id":"{room}","client_message_id":"{run}-{number}","body":"{body}","audience":{audience}}}"#
            )
        }
        Target::Socketio => format!(r#"42{number}["send",{{"room":"{room}","body":"{body}"}}]"#),
        Target::Ceiling => format!("S{number} {body}"),
    }
}

/// Change number `number` of the message `message_id` (Tabletalk only): every other one an edit whose new text is
/// the timing `body`, the rest reactions with one of three emoji.
pub fn change(room: &str, run: &str, number: u64, body: &str, message_id: &str) -> String {
    const EMOJI: [&str; 3] = ["👍", "🎲", "🔥"];
    let on = format!(r#""channel_id":"{room}","message_id":"{message_id}","client_message_id":"{run}-{number}""#);
    match number % 2 {
        0 => format!(r#"{{"type":"chat.edit",{on},"body":"{body}"}}"#),
        _ => format!(
            r#"{{"type":"chat.react",{on},"emoji":"{}"}}"#,
            EMOJI[(number / 2 % 3) as usize]
        ),
    }
}

/// The message id a Tabletalk ack names.
pub fn acked_message_id(text: &str) -> Option<&str> {
    let marker = r#""message_id":""#;
    let start = text.find(marker)? + marker.len();
    let end = text[start..].find('"')?;
    Some(&text[start..start + end])
}

/// A request for the newest page of history (Tabletalk only).
pub fn history_request(room: &str) -> String {
    format!(r#"{{"type":"chat.history.before","channel_id":"{room}","limit":50}}"#)
}

/// Tabletalk's `chat.typing` to the whole room, as a composer sends it while its writer types.
pub fn typing(room: &str) -> String {
    serde_json::json!({"type": "chat.typing", "channel_id": room}).to_string()
}

/// Reads an incoming frame. `room` is needed to answer Socket.IO's connect with the join.
pub fn classify(target: Target, text: &str, room: &str) -> Incoming {
    match target {
        Target::Tabletalk => {
            if text.starts_with(r#"{"type":"chat.message""#) {
                return delivered(text);
            }
            if text.starts_with(r#"{"type":"chat.ack""#) {
                return keyed_number(text).map_or(Incoming::Other, |number| Incoming::Acked { number });
            }
            if text.starts_with(r#"{"type":"chat.change""#) {
                return keyed_number(text).map_or(Incoming::Other, |number| Incoming::Changed { number });
            }
            if text.starts_with(r#"{"type":"chat.error""#) {
                return refusal(text).unwrap_or(Incoming::Error);
            }
            if text.starts_with(r#"{"type":"chat.history""#) {
                return Incoming::History;
            }
            Incoming::Other
        }
        Target::Socketio => {
            if text == "2" {
                return Incoming::Answer("3".to_owned());
            }
            // Engine.IO's open packet; connect to the default namespace.
            if text.starts_with("0{") {
                return Incoming::Progress {
                    then: Some("40".to_owned()),
                    ready: false,
                };
            }
            if text.starts_with("40") {
                let join = format!(r#"420["join","{room}"]"#);
                return Incoming::Progress {
                    then: Some(join),
                    ready: false,
                };
            }
            if text.starts_with("430") && text[3..].starts_with('[') {
                return Incoming::Progress {
                    then: None,
                    ready: true,
                };
            }
            if let Some(rest) = text.strip_prefix("43") {
                return number_after(rest, "").map_or(Incoming::Other, |number| Incoming::Acked { number });
            }
            if text.starts_with("42") {
                return delivered(text);
            }
            if text.starts_with("44") {
                return Incoming::Error;
            }
            Incoming::Other
        }
        Target::Ceiling => {
            if text.starts_with("lt:") {
                return delivered(text);
            }
            if let Some(rest) = text.strip_prefix('A') {
                return number_after(rest, "").map_or(Incoming::Other, |number| Incoming::Acked { number });
            }
            if text == "j" {
                return Incoming::Progress {
                    then: None,
                    ready: true,
                };
            }
            Incoming::Other
        }
    }
}

fn delivered(text: &str) -> Incoming {
    let Some(start) = text.find("lt:") else {
        return Incoming::Other;
    };
    let mut parts = text[start + 3..].split(|c: char| !c.is_ascii_digit());
    let mut next = || parts.next().and_then(|p| p.parse::<u64>().ok());
    match (next(), next(), next()) {
        (Some(number), Some(sent_us), Some(phase)) => Incoming::Delivered {
            number,
            sent_us,
            phase: phase as usize,
        },
        _ => Incoming::Other,
    }
}

/// A `chat.error` that asks for the same send again later.
fn refusal(text: &str) -> Option<Incoming> {
    if !text.contains(r#""code":"overloaded""#) && !text.contains(r#""code":"rate_limited""#) {
        return None;
    }
    let number = keyed_number(text)?;
    let retry_after_ms = text
        .find(r#""retry_after_ms":"#)
        .and_then(|at| number_after(&text[at..], ":"));
    Some(Incoming::Refused { number, retry_after_ms })
}

/// The number in a frame's `client_message_id` (`<run>-<number>`).
fn keyed_number(text: &str) -> Option<u64> {
    let at = text.find(r#""client_message_id":""#)?;
    let dash = at + text[at..].find('-')?;
    number_after(&text[dash..], "-")
}

fn number_after(text: &str, marker: &str) -> Option<u64> {
    let start = text.find(marker)? + marker.len();
    let digits: &str = &text[start..];
    let end = digits.find(|c: char| !c.is_ascii_digit()).unwrap_or(digits.len());
    digits[..end].parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deliveries_and_acks_are_read_on_every_target() {
        let frame = r#"{"type":"chat.message","message":{"body":"lt:42:1000:2","x":1}}"#;
        let expected = Incoming::Delivered {
            number: 42,
            sent_us: 1000,
            phase: 2,
        };
        assert_eq!(classify(Target::Tabletalk, frame, "r"), expected);
        assert_eq!(
            classify(Target::Socketio, r#"42["message","lt:42:1000:2"]"#, "r"),
            expected
        );
        assert_eq!(classify(Target::Ceiling, "lt:42:1000:2", "r"), expected);
        let refused = r#"{"type":"chat.error","code":"overloaded","message":"m","hint":"h","client_message_id":"18f2a-17","retry_after_ms":250}"#;
        assert_eq!(
            classify(Target::Tabletalk, refused, "r"),
            Incoming::Refused {
                number: 17,
                retry_after_ms: Some(250)
            }
        );
        let ack = r#"{"type":"chat.ack","channel_id":"x","client_message_id":"18f2a-17","sequence_id":3}"#;
        assert_eq!(classify(Target::Tabletalk, ack, "r"), Incoming::Acked { number: 17 });
        assert_eq!(
            classify(Target::Socketio, "4317[]", "r"),
            Incoming::Acked { number: 17 }
        );
        assert_eq!(classify(Target::Ceiling, "A17", "r"), Incoming::Acked { number: 17 });
        assert_eq!(classify(Target::Socketio, "2", "r"), Incoming::Answer("3".into()));
        assert_eq!(
            classify(Target::Socketio, "430[]", "r"),
            Incoming::Progress {
                then: None,
                ready: true
            }
        );
    }

    #[test]
    fn changes_alternate_edits_and_reactions_and_are_read_back_by_their_key() {
        let edit: serde_json::Value = serde_json::from_str(&change("r", "18f2a", 4, "lt:4:9:0", "M1")).unwrap();
        assert_eq!(
            (edit["type"].as_str(), edit["body"].as_str()),
            (Some("chat.edit"), Some("lt:4:9:0"))
        );
        assert_eq!(edit["message_id"], "M1");
        let react: serde_json::Value = serde_json::from_str(&change("r", "18f2a", 5, "lt:5:9:0", "M1")).unwrap();
        assert_eq!(react["type"], "chat.react");
        assert_eq!(react["client_message_id"], "18f2a-5");
        let live = r#"{"type":"chat.change","change":{"message_id":"C9","client_message_id":"18f2a-5","body":"👍"}}"#;
        assert_eq!(classify(Target::Tabletalk, live, "r"), Incoming::Changed { number: 5 });
        let ack =
            r#"{"type":"chat.ack","channel_id":"x","client_message_id":"18f2a-3","message_id":"01M9","sequence_id":3}"#;
        assert_eq!(acked_message_id(ack), Some("01M9"));
    }
}
