//! System notices: what the table is told when the game changes (sessions, members, characters), where, and who
//! may read it. The game authority reports the news; the chat service posts what [`notices`] answers as
//! ordinary messages, so their audience obeys `can_see` like any other message, live and in history.

use super::actor::{Actor, ActorKind};
use super::audience::Audience;
use super::campaign::Role;
use super::ids::ChannelId;
use super::message::MessageKind;
use serde::{Deserialize, Serialize};

/// The label every system notice speaks under.
pub const SYSTEM_LABEL: &str = "Tabletalk";

/// Something that happened at the table, with the names as they were at the time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum TableNews {
    /// A scheduled session began.
    SessionStarted {
        /// The session's title.
        title: String,
    },
    /// An active session was paused.
    SessionPaused {
        /// The session's title.
        title: String,
    },
    /// A paused session went on.
    SessionResumed {
        /// The session's title.
        title: String,
    },
    /// A session ended; its room is read-only from now on.
    SessionEnded {
        /// The session's title.
        title: String,
    },
    /// Someone joined the campaign.
    MemberJoined {
        /// Their username.
        name: String,
        /// The role they joined with.
        role: Role,
    },
    /// Someone left the campaign, or a GM removed them.
    MemberLeft {
        /// Their username.
        name: String,
        /// The GM who removed them, when they did not leave by themselves.
        removed_by: Option<String>,
    },
    /// A member created a character.
    CharacterCreated {
        /// The character's name.
        name: String,
        /// Who created it.
        by: String,
    },
    /// A character got a new name.
    CharacterRenamed {
        /// The old name.
        from: String,
        /// The new name.
        to: String,
        /// Who renamed it.
        by: String,
    },
}

/// The channels a piece of news may be told in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Places {
    /// The campaign's `#general` table channel.
    pub general: ChannelId,
    /// For session news, the session's room; for other news, the room of the session active when it happened.
    pub session: Option<ChannelId>,
}

/// One notice to post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemNotice {
    /// Where it goes.
    pub channel_id: ChannelId,
    /// `system` for the room's own life (sessions), `notification` for news about people.
    pub kind: MessageKind,
    /// Who may read it.
    pub audience: Audience,
    /// What it says.
    pub body: String,
}

/// The speaker of every notice: the server, never a member.
pub fn system_actor() -> Actor {
    Actor {
        kind: ActorKind::System,
        id: None,
        label: SYSTEM_LABEL.to_owned(),
    }
}

/// The notices for one piece of news.
///
/// - A session's start, pause, resumption and end are told in its room, to everyone who can read it; its start
///   and end also in `#general`, so people talking off-game hear about it.
/// - Joins, leaves and characters are told in `#general`, to everyone.
/// - A member who leaves while a session is active is also told in that session's room to the GMs only: the
///   GM may need to take over a character, and the players' scene is not interrupted.
pub fn notices(news: &TableNews, places: &Places) -> Vec<SystemNotice> {
    let public = |channel: &ChannelId, kind, body: String| SystemNotice {
        channel_id: channel.clone(),
        kind,
        audience: Audience::all(),
        body,
    };
    let in_room = |body: String| {
        places
            .session
            .iter()
            .map(move |room| public(room, MessageKind::System, body.clone()))
    };
    let general = |body: String| public(&places.general, MessageKind::Notification, body);
    match news {
        TableNews::SessionStarted { title } => in_room(format!("The session “{title}” has started."))
            .chain([general(format!("The session “{title}” has started; its room is open."))])
            .collect(),
        TableNews::SessionPaused { title } => in_room(format!("The session “{title}” is paused.")).collect(),
        TableNews::SessionResumed { title } => in_room(format!("The session “{title}” goes on.")).collect(),
        TableNews::SessionEnded { title } => in_room(format!("The session “{title}” has ended."))
            .chain([general(format!("The session “{title}” has ended."))])
            .collect(),
        TableNews::MemberJoined { name, role } => {
            let role = match role {
                Role::Gm => "a game master",
                Role::Player => "a player",
                Role::Observer => "an observer",
            };
            vec![general(format!("{name} joined the campaign as {role}."))]
        }
        TableNews::MemberLeft { name, removed_by } => {
            let told = match removed_by {
                Some(gm) => format!("{name} was removed from the campaign by {gm}."),
                None => format!("{name} left the campaign."),
            };
            let mut out = vec![general(told.clone())];
            out.extend(places.session.iter().map(|room| SystemNotice {
                channel_id: room.clone(),
                kind: MessageKind::Notification,
                audience: Audience::gm_only(),
                body: format!("{told} This happened mid-session; their characters have no player now."),
            }));
            out
        }
        TableNews::CharacterCreated { name, by } => vec![general(format!("{by} created the character {name}."))],
        TableNews::CharacterRenamed { from, to, by } => {
            vec![general(format!("{by} renamed the character {from} to {to}."))]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audience::AudienceScope;
    use crate::ids::{MessageId, UserId};
    use crate::message::Message;
    use crate::visibility::{can_see, Viewer};

    fn places(session: bool) -> Places {
        Places {
            general: ChannelId::from("general"),
            session: session.then(|| ChannelId::from("room")),
        }
    }

    fn seen_by(notice: &SystemNotice, role: Role) -> bool {
        let message = Message {
            message_id: MessageId::from("m"),
            channel_id: notice.channel_id.clone(),
            sequence_id: 1,
            sent_at: 0,
            kind: notice.kind,
            actor: system_actor(),
            sender_id: None,
            body: notice.body.clone(),
            mentions: Vec::new(),
            audience: notice.audience.clone(),
            roll: None,
            client_message_id: None,
            change: None,
            inline_rolls: Vec::new(),
            reply: None,
        };
        let viewer = Viewer {
            user_id: UserId::from("viewer"),
            role,
        };
        can_see(&viewer, &message)
    }

    #[test]
    fn session_news_is_told_in_its_room_and_its_start_and_end_in_general() {
        let title = "Into the Vault".to_owned();
        let started = notices(&TableNews::SessionStarted { title: title.clone() }, &places(true));
        let channels: Vec<&str> = started.iter().map(|n| n.channel_id.as_str()).collect();
        assert_eq!(channels, ["room", "general"]);
        assert_eq!(started[0].kind, MessageKind::System);
        assert!(started[0].body.contains("Into the Vault"));
        let paused = notices(&TableNews::SessionPaused { title: title.clone() }, &places(true));
        assert_eq!(paused.len(), 1);
        assert_eq!(notices(&TableNews::SessionEnded { title }, &places(true)).len(), 2);
        assert!(started
            .iter()
            .all(|n| seen_by(n, Role::Player) && seen_by(n, Role::Observer)));
    }

    #[test]
    fn a_member_leaving_mid_session_alerts_only_the_gms_in_the_room() {
        let news = TableNews::MemberLeft {
            name: "bob".into(),
            removed_by: None,
        };
        let during = notices(&news, &places(true));
        assert_eq!(during.len(), 2);
        let alert = &during[1];
        assert_eq!(alert.channel_id.as_str(), "room");
        assert_eq!(alert.audience.scope, AudienceScope::GmOnly);
        assert!(seen_by(alert, Role::Gm));
        assert!(!seen_by(alert, Role::Player));
        assert!(!seen_by(alert, Role::Observer));
        assert!(seen_by(&during[0], Role::Player));
        assert_eq!(notices(&news, &places(false)).len(), 1, "no session, no alert");
    }

    #[test]
    fn people_news_names_who_did_it() {
        let removed = TableNews::MemberLeft {
            name: "bob".into(),
            removed_by: Some("gina".into()),
        };
        assert_eq!(
            notices(&removed, &places(false))[0].body,
            "bob was removed from the campaign by gina."
        );
        let joined = TableNews::MemberJoined {
            name: "cara".into(),
            role: Role::Player,
        };
        assert_eq!(
            notices(&joined, &places(true))[0].body,
            "cara joined the campaign as a player."
        );
        let renamed = TableNews::CharacterRenamed {
            from: "Aria".into(),
            to: "Aria Vale".into(),
            by: "alice".into(),
        };
        let told = notices(&renamed, &places(true));
        assert_eq!(told.len(), 1);
        assert_eq!(told[0].kind, MessageKind::Notification);
        assert_eq!(told[0].body, "alice renamed the character Aria to Aria Vale.");
    }
}
