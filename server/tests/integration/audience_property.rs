//! Random campaigns and random sends through the real server path: the policy, the channel writer and the
//! store, the hub's fan-out, replay after a reconnect, and history. Every delivered frame and every history
//! row must satisfy `can_see`, everything a viewer may see must reach them, and the audience invariants must
//! hold on their own terms (not only through `can_see`); a reply's quote reaches exactly those who may see its
//! original (`replies`); then random changes to the messages (`changes`), and typing (`typing`).
//! `PROPTEST_CASES` sets the number of cases (6,000 in CI: each case now also changes messages).
//! In the Postgres pass with its Redis, the members listen on a second instance: every frame they get crossed
//! the bus and was filtered there.

use app::domain::campaign::{Role, SessionAction};
use app::domain::frames::ServerFrame;
use app::domain::ids::{CampaignId, ChannelId, CharacterId, UserId};
use app::domain::views::UserSummary;
use app::domain::visibility::{can_see, Viewer};
use app::domain::ErrorCode;
use proptest::prelude::*;
use server::chat::hub::{ConnectionId, Subscriber};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use tokio::sync::{mpsc, Notify};

#[path = "audience_property/scenario.rs"]
mod scenario;

use scenario::{scenario, Hearing, Mode, Scenario, Send};

#[path = "audience_property/world.rs"]
mod world;

#[path = "audience_property/changes.rs"]
mod changes;

#[path = "audience_property/replies.rs"]
mod replies;

#[path = "audience_property/wire.rs"]
mod wire;

#[path = "audience_property/typing.rs"]
mod typing;

use wire::{intended_readers, wire};

use world::{check_outbox, message_id_of, visible_posts, World};

/// What a scenario built: the members with roles, the characters with controllers, and the room.
pub struct Table {
    campaign: CampaignId,
    pub channel: ChannelId,
    members: Vec<(UserSummary, Role)>,
    characters: Vec<(CharacterId, Vec<UserId>)>,
}

async fn build(world: &World, scenario: &Scenario) -> Table {
    let game = &world.state.game;
    let gm = world.user().await;
    let campaign = game.create_campaign(&gm.id, "Property").await.unwrap();
    let mut members = vec![(gm.clone(), Role::Gm)];
    for role in &scenario.roles {
        let user = world.user().await;
        game.add_member(&campaign, &user.id, *role).await.unwrap();
        members.push((user, *role));
    }
    let mut characters = Vec::new();
    for (n, controllers) in scenario.characters.iter().enumerate() {
        let owner = &members[controllers[0] % members.len()].0;
        let id = game
            .create_character(&owner.id, &campaign, &format!("Character {n}"))
            .await
            .unwrap();
        let mut all = vec![owner.id.clone()];
        for extra in &controllers[1..] {
            let user = members[extra % members.len()].0.id.clone();
            game.share_character(&gm.id, &campaign, &id, &user).await.unwrap();
            if !all.contains(&user) {
                all.push(user);
            }
        }
        characters.push((id, all));
    }
    game.set_gm_sees_whispers(&gm.id, &campaign, scenario.gm_sees_whispers)
        .await
        .unwrap();
    let rules = app::domain::change::MessageRules {
        edit_window_minutes: scenario.rules.0.then_some(0),
        players_may_pin: scenario.rules.1,
    };
    game.set_message_rules(&gm.id, &campaign, rules).await.unwrap();
    let session = game.create_session(&gm.id, &campaign, "Room").await.unwrap();
    game.change_session(&gm.id, &session, SessionAction::Start)
        .await
        .unwrap();
    let channel = game.campaign_view(&gm.id, &campaign).await.unwrap().sessions[0]
        .channel_id
        .clone();
    Table {
        campaign,
        channel,
        members,
        characters,
    }
}

async fn check(world: &World, scenario: &Scenario) -> Result<(), TestCaseError> {
    let table = build(world, scenario).await;
    let chat = world.state.chat.clone();
    let listening = world.listener.as_ref().unwrap_or(&world.state).chat.clone();
    let stranger = world.user().await.id;
    let mut inboxes = Vec::new();
    let mut connections = Vec::new();
    for (user, role) in &table.members {
        let (queue, inbox) = mpsc::channel(1024);
        let viewer = Viewer {
            user_id: user.id.clone(),
            role: *role,
        };
        let subscriber = Subscriber {
            viewer,
            campaign: table.campaign.clone(),
            queue,
            overflow: Arc::new(Notify::new()),
        };
        let connection = ConnectionId::next();
        listening.hub().subscribe(&table.channel, connection, subscriber);
        listening.watch(&table.channel).await.unwrap();
        connections.push(connection);
        inboxes.push(inbox);
    }

    let mut stored: HashMap<String, Send> = HashMap::new();
    // Every ack, by the sender's member index: it must name a message that sender received.
    let mut acks: Vec<(usize, String)> = Vec::new();
    let mut blind_acks = 0;
    let mut earlier: Vec<String> = Vec::new();
    for send in &scenario.sends {
        let index = send.sender % table.members.len();
        let (sender, role) = &table.members[index];
        let request = wire(&table, send, &stranger, &earlier);
        let unseen_original = replies::unseen_original(world, &table, &request, sender, *role).await;
        match chat.send(sender, request).await {
            Ok(ServerFrame::Ack { message_id, .. }) => {
                prop_assert!(
                    !unseen_original,
                    "a reply to a message its sender may not see was taken"
                );
                earlier.push(message_id.clone());
                acks.push((index, message_id.clone()));
                if send.blind {
                    blind_acks += 1;
                } else {
                    stored.insert(message_id, send.clone());
                }
            }
            Ok(other) => prop_assert!(false, "unexpected answer {other:?}"),
            Err(problem) if problem.code == ErrorCode::NotFound => {
                prop_assert!(unseen_original, "{send:?} by {role:?} refused with {problem:?}");
            }
            Err(problem) if send.blind => {
                // A blind roll's audience is the command's own; its voice is still checked.
                let allowed = [
                    ErrorCode::NotPermitted,
                    ErrorCode::Forbidden,
                    ErrorCode::CharacterNotControlled,
                    ErrorCode::ModeNotAllowed,
                    ErrorCode::UnknownTarget,
                ];
                prop_assert!(
                    allowed.contains(&problem.code),
                    "{send:?} by {role:?} refused with {problem:?}"
                );
            }
            Err(problem) => {
                let allowed = match (&send.mode, &send.hearing) {
                    _ if *role == Role::Observer => [ErrorCode::Forbidden].as_slice(),
                    (Mode::Character(_), _) => &[ErrorCode::CharacterNotControlled, ErrorCode::UnknownTarget],
                    (Mode::Gm | Mode::Narrator, _) if *role != Role::Gm => &[ErrorCode::ModeNotAllowed],
                    (_, Hearing::Whisper(_)) => &[ErrorCode::UnknownTarget],
                    _ => &[],
                };
                prop_assert!(
                    allowed.contains(&problem.code),
                    "{send:?} by {role:?} refused with {problem:?}"
                );
            }
        }
    }

    // Exactly the acknowledged sends were stored, each with its send-time answer for GMs.
    let rows: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT id, audience_scope, audience_gms FROM messages
         WHERE channel_id = $1 AND sender_id IS NOT NULL AND audience_blind = 0",
    )
    .bind(table.channel.as_str())
    .fetch_all(&world.pool)
    .await
    .unwrap();
    prop_assert_eq!(rows.len(), stored.len());
    let blind_rows: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE channel_id = $1 AND audience_blind = 1")
            .bind(table.channel.as_str())
            .fetch_one(&world.pool)
            .await
            .unwrap();
    prop_assert_eq!(blind_rows, blind_acks, "exactly the acked blind rolls were stored");
    check_outbox(&world.pool, &table.channel, rows.len() as i64 + blind_rows).await?;
    for (id, scope, gms) in &rows {
        prop_assert!(stored.contains_key(id));
        if scope == "targets" {
            prop_assert_eq!(
                *gms != 0,
                scenario.gm_sees_whispers,
                "the setting is stored on the whisper"
            );
        }
    }

    let journal = replies::journal(&chat, &table.channel).await;
    for (index, ((user, role), inbox)) in table.members.iter().zip(inboxes.iter_mut()).enumerate() {
        let viewer = Viewer {
            user_id: user.id.clone(),
            role: *role,
        };
        let mut delivered = BTreeSet::new();
        let mut received = BTreeSet::new();
        let own_acks: Vec<&String> = acks.iter().filter(|(s, _)| *s == index).map(|(_, id)| id).collect();
        let expected = visible_posts(&chat, &viewer, &table.channel).await;
        let mut frames = Vec::new();
        // Frames from another instance arrive after the acks: wait (a while at most) for what the database says
        // this viewer may see, then take whatever else came. On one instance they are queued before the ack;
        // the wait costs nothing there, and a frame that never comes still fails the case below.
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
        let mut seen: Vec<String> = Vec::new();
        while !(expected.iter().all(|id| seen.contains(id)) && own_acks.iter().all(|id| seen.contains(id))) {
            match tokio::time::timeout_at(deadline, inbox.recv()).await {
                Ok(Some(frame)) => {
                    seen.extend(message_id_of(frame.as_str()));
                    frames.push(frame);
                }
                _ => break,
            }
        }
        while let Ok(frame) = inbox.try_recv() {
            frames.push(frame);
        }
        let kinds: Vec<String> = frames.iter().map(|f| f.as_str().chars().take(60).collect()).collect();
        for frame in frames {
            if let Ok(ServerFrame::Message { message, .. }) = serde_json::from_str::<ServerFrame>(frame.as_str()) {
                prop_assert!(can_see(&viewer, &message), "delivered a message the viewer may not see");
                replies::quote_obeys(&viewer, &message, &journal)?;
                prop_assert!(
                    !message.audience.blind || *role == Role::Gm,
                    "a blind roll reached a non-GM"
                );
                received.insert(message.message_id.to_string());
                // System notices (the session's start) arrive on their own schedule; members' sends are checked.
                if message.sender_id.is_none() {
                    continue;
                }
                prop_assert!(delivered.insert(message.message_id.to_string()), "delivered twice");
            }
        }
        // An ack names a message its sender may see and received: never a blind roll hidden from them.
        for (_, acked) in acks.iter().filter(|(sender, _)| *sender == index) {
            prop_assert!(
                received.contains(acked),
                "an ack named a message its sender never received"
            );
        }
        // Replay from the start and history must equal live delivery.
        let mut replayed = BTreeSet::new();
        let mut cursor = 0;
        loop {
            let (page, _, next) = chat.visible_after(&viewer, &table.channel, cursor).await.unwrap();
            for message in page {
                prop_assert!(can_see(&viewer, &message));
                replies::quote_obeys(&viewer, &message, &journal)?;
                if message.sender_id.is_none() {
                    continue;
                }
                replayed.insert(message.message_id.to_string());
            }
            match next {
                Some(n) => cursor = n,
                None => break,
            }
        }
        let history = match chat.history(user, &table.channel, None, Some(200)).await.unwrap() {
            ServerFrame::History { messages, .. } => messages,
            other => return Err(TestCaseError::fail(format!("unexpected {other:?}"))),
        };
        for message in &history {
            replies::quote_obeys(&viewer, message, &journal)?;
        }
        let history: BTreeSet<String> = history
            .iter()
            .filter(|m| m.sender_id.is_some())
            .map(|m| m.message_id.to_string())
            .collect();
        let subscribed = listening.hub().subscriber_count(&table.channel);
        prop_assert_eq!(
            &replayed,
            &delivered,
            "member {} ({:?}) got {:?}; {} subscribed; the database had {:?} before the wait",
            index,
            role,
            kinds,
            subscribed,
            expected
        );
        prop_assert_eq!(&history, &delivered);

        // The invariants, on their own terms.
        for (message_id, send) in &stored {
            let readers = intended_readers(&table, send, scenario.gm_sees_whispers);
            let may = readers.as_ref().is_none_or(|r| r.contains(&user.id));
            prop_assert_eq!(
                delivered.contains(message_id),
                may,
                "{:?} for {:?} {:?}",
                send,
                role,
                user.id
            );
            if matches!(send.hearing, Hearing::GmOnly) && delivered.contains(message_id) {
                let sender = &table.members[send.sender % table.members.len()].0.id;
                prop_assert!(*role == Role::Gm || sender == &user.id, "gm_only reached a player");
            }
        }
    }
    // Then the messages' life: edits, deletes, reactions and pins, and every surface they reach.
    changes::check(&chat, &table, scenario, &mut inboxes).await?;
    // And who is writing: told exactly to those who would read what is written.
    typing::check(&chat, &table, scenario, &stranger, &mut inboxes).await?;
    // Leave like a closing connection does, so rooms do not pile up across cases.
    for connection in connections {
        listening.hub().unsubscribe(&table.channel, connection);
    }
    Ok(())
}

#[test]
fn every_delivery_replay_and_history_row_obeys_the_audience() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let world = runtime.block_on(World::new());
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(256);
    let config = ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |(scenario in scenario())| {
        runtime.block_on(check(&world, &scenario))?;
    });
}
