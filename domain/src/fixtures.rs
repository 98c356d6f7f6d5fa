//! A small campaign shared by the domain's scenario tests.

use super::actor::Actor;
use super::audience::Audience;
use super::campaign::Role;
use super::ids::{ChannelId, CharacterId, MessageId, UserId};
use super::message::{Message, MessageKind};
use super::policy::{CharacterFact, MemberFact, TableFacts};

/// A table of five members and three characters: Alice controls Lyra, Bob and Carol share the Twins,
/// the GM controls the NPC Mayor Hollin, Olga observes.
pub fn table(gm_sees_whispers: bool) -> TableFacts {
    let member = |id: &str, role| MemberFact {
        user_id: UserId::from(id),
        name: id.to_owned(),
        role,
    };
    let character = |id: &str, name: &str, controllers: &[&str]| CharacterFact {
        id: CharacterId::from(id),
        name: name.to_owned(),
        controllers: controllers.iter().map(|c| UserId::from(*c)).collect(),
    };
    TableFacts {
        members: vec![
            member("gm", Role::Gm),
            member("alice", Role::Player),
            member("bob", Role::Player),
            member("carol", Role::Player),
            member("olga", Role::Observer),
        ],
        characters: vec![
            character("lyra", "Lyra", &["alice"]),
            character("twins", "The Twins", &["bob", "carol"]),
            character("hollin", "Mayor Hollin", &["gm"]),
        ],
        gm_sees_whispers,
        message_rules: Default::default(),
    }
}

/// A text message `sender` said out of character in channel `c1`, sent at `sequence_id` seconds.
pub fn said(id: &str, sequence_id: i64, sender: &str, body: &str, audience: Audience) -> Message {
    Message {
        message_id: MessageId::from(id),
        channel_id: ChannelId::from("c1"),
        sequence_id,
        sent_at: sequence_id * 1000,
        kind: MessageKind::Text,
        actor: Actor::participant(sender, sender),
        sender_id: Some(UserId::from(sender)),
        body: body.into(),
        mentions: Vec::new(),
        audience,
        roll: None,
        client_message_id: None,
        change: None,
        inline_rolls: Vec::new(),
        reply: None,
    }
}
