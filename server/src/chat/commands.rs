//! Sends, slash commands, previews and mention suggestions. Every decision comes from the shared domain's
//! [`prepare`] with the game authority's facts, so the server enforces exactly what the composer previewed.

use super::writer::{Outcome, Taken};
use super::ChatService;
use crate::game::ChannelAccess;
use app::domain::actor::{Actor, ActorKind};
use app::domain::audience::{Audience, AudienceScope};
use app::domain::campaign::{Role, SessionAction, SessionStatus};
use app::domain::compose::{help_lines, prepare, Draft, Intent};
use app::domain::describe;
use app::domain::frames::{Notice, NoticeKind, ServerFrame};
use app::domain::hints::SendHints;
use app::domain::ids::{ChannelId, MessageId, UserId};
use app::domain::mentions;
use app::domain::message::{MessageKind, NewMessage};
use app::domain::policy::TableFacts;
use app::domain::validate;
use app::domain::views::UserSummary;
use app::domain::{ErrorCode, Problem};
use std::sync::Arc;

/// Longest accepted idempotency key.
const CLIENT_MESSAGE_ID_MAX: usize = 64;
/// Longest `@` query answered.
const PREFIX_MAX_CHARS: usize = 80;

/// What a send asks for, before the server decides what it becomes.
#[derive(Debug, Clone)]
pub struct SendRequest {
    /// Target channel.
    pub channel_id: ChannelId,
    /// Idempotency key.
    pub client_message_id: String,
    /// Text, possibly a slash command.
    pub body: String,
    /// The voice and audience asked for.
    pub hints: SendHints,
    /// The message this one answers, if it is a reply.
    pub reply_to: Option<MessageId>,
}

impl SendRequest {
    /// Plain text in the sender's own voice to everyone in the channel (no hints), as the demo seed and tests
    /// post it.
    pub fn text(channel: &ChannelId, client_message_id: &str, body: &str) -> Self {
        Self {
            channel_id: channel.clone(),
            client_message_id: client_message_id.to_owned(),
            body: body.to_owned(),
            hints: SendHints::default(),
            reply_to: None,
        }
    }
}

/// Everything a decision needs: who, where, the table, and what the send would do.
struct Prepared {
    access: ChannelAccess,
    facts: Arc<TableFacts>,
    intent: Intent,
}

/// How a send is answered: now (a refusal is an `Err` instead), or once the writer committed it.
pub enum SendAnswer {
    /// Answered already: a notice to the sender (`/help`, `/session`).
    Now(ServerFrame),
    /// In the writer's queue: the ack follows the commit.
    Committing(Committing),
}

/// How long a send is decided again while the table keeps changing under it (each change committed between a
/// decision and its commit sends it round once more) before it is refused with `unavailable`.
const REDECIDE_FOR: std::time::Duration = std::time::Duration::from_secs(2);

/// A send waiting for its commit; its ack (or a refusal from the transaction) comes from [`Committing::answer`].
pub struct Committing {
    pub(super) taken: Taken,
    pub(super) channel_id: ChannelId,
    pub(super) key: String,
    /// The request again, kept where a change on another instance may have it decided again (on Postgres).
    pub(super) again: Option<Box<Again>>,
}

/// A request kept to be decided again: a send, or a change to a message.
pub(super) enum Again {
    /// `chat.send`.
    Send(UserSummary, SendRequest),
    /// `chat.edit`, `chat.delete`, `chat.react` and the rest.
    Change(UserSummary, super::changes::ChangeRequest),
}

impl Committing {
    /// The `chat.ack` once the transaction committed (the original ids for a duplicate key). A send the
    /// writer found decided before a table change is decided again with what the table is now.
    pub async fn answer(self, chat: &ChatService) -> Result<ServerFrame, Problem> {
        let mut outcome = self.taken.committed().await?;
        let started = std::time::Instant::now();
        while outcome == Outcome::Redecide {
            let Some(again) = self.again.as_deref().filter(|_| started.elapsed() < REDECIDE_FOR) else {
                return Err(Problem::unavailable("a steady view of the table"));
            };
            metrics::counter!(crate::ops::names::SENDS_REDECIDED).increment(1);
            let answer = match again {
                Again::Send(user, request) => chat.begin_send(user, request.clone()).await?,
                Again::Change(user, request) => SendAnswer::Committing(chat.begin_change(user, request.clone()).await?),
            };
            match answer {
                SendAnswer::Now(frame) => return Ok(frame),
                SendAnswer::Committing(next) => outcome = next.taken.committed().await?,
            }
        }
        let (message_id, sequence_id, duplicate) = match outcome {
            Outcome::Stored {
                message_id,
                sequence_id,
            } => (message_id, sequence_id, false),
            Outcome::Duplicate {
                message_id,
                sequence_id,
            } => (message_id, sequence_id, true),
            Outcome::Redecide => return Err(Problem::unavailable("a steady view of the table")),
        };
        Ok(ServerFrame::Ack {
            channel_id: self.channel_id,
            client_message_id: self.key,
            message_id,
            sequence_id,
            duplicate,
        })
    }
}

impl SendAnswer {
    /// The answer, waiting for the commit where there is one.
    pub async fn frame(self, chat: &ChatService) -> Result<ServerFrame, Problem> {
        match self {
            SendAnswer::Now(frame) => Ok(frame),
            SendAnswer::Committing(committing) => committing.answer(chat).await,
        }
    }
}

impl ChatService {
    /// Validates `request` and decides what it would do. `access` is the sender's access when the caller has
    /// already asked the game authority for it (it is asked otherwise, after the cheap checks).
    async fn prepare(
        &self,
        user: &UserSummary,
        request: &SendRequest,
        access: Option<ChannelAccess>,
    ) -> Result<Prepared, Problem> {
        validate::body(&request.body)?;
        let mode = request.hints.mode()?;
        let audience = request.hints.audience()?;
        let access = match access {
            Some(access) => access,
            None => self.access(user, &request.channel_id).await?,
        };
        let facts = self.roster.facts(self.game.as_ref(), &access.campaign_id).await?;
        let intent = prepare(&user.id, access.lane, &facts, &mode, &audience, &request.body)?;
        Ok(Prepared { access, facts, intent })
    }

    /// Validates, authorises and carries out a send: a message is stored and answered with `chat.ack` once
    /// committed; `/help` and `/session` are answered with a `chat.notice` to the sender alone.
    pub async fn send(&self, user: &UserSummary, request: SendRequest) -> Result<ServerFrame, Problem> {
        self.begin_send(user, request).await?.frame(self).await
    }

    /// Everything of a send up to the writer's queue: refusals come back at once, and a message to store is
    /// returned as soon as the writer has taken it, so the caller can go on reading while it commits. Sends
    /// begun one after another are stored in that order.
    #[tracing::instrument(name = "chat.send", level = "debug", skip_all, fields(channel_id = %request.channel_id))]
    pub async fn begin_send(&self, user: &UserSummary, request: SendRequest) -> Result<SendAnswer, Problem> {
        let (key, decided_under) = self.admit(&request.client_message_id)?;
        let Prepared { access, intent, .. } = self.prepare(user, &request, None).await?;
        let notice = |kind, title: String, lines| ServerFrame::Notice {
            channel_id: request.channel_id.clone(),
            client_message_id: Some(key.clone()),
            notice: Notice { kind, title, lines },
        };
        match intent {
            Intent::Help(topic) => {
                let title = match topic {
                    Some(name) => format!("Help: /{}", name.spec().word),
                    None => "Commands you can use here".to_owned(),
                };
                Ok(SendAnswer::Now(notice(
                    NoticeKind::Help,
                    title,
                    help_lines(topic, access.viewer.role, access.lane),
                )))
            }
            Intent::Session(action) => {
                let status = self.run_session_command(user, &access, action).await?;
                Ok(SendAnswer::Now(notice(
                    NoticeKind::Session,
                    format!("The session is {}.", status.as_str()),
                    Vec::new(),
                )))
            }
            Intent::Post(draft) => {
                posting_open(&access)?;
                // Inline rolls are thrown now, by the server, like a /roll; one that is not a roll refuses the send.
                let inline = match draft.roll {
                    None => app::domain::markup::inline_dice(&draft.body)?,
                    Some(_) => Vec::new(),
                };
                let reply = match &request.reply_to {
                    Some(original) => Some(
                        self.quote_for_reply(&access.viewer, &request.channel_id, original)
                            .await?,
                    ),
                    None => None,
                };
                let (mut message, companions) = self.message(user, &access, &request.channel_id, draft, &key);
                message.reply = reply;
                message.inline_rolls = inline.iter().map(|dice| self.game.roll_dice(dice)).collect();
                let again = self
                    .shared_database
                    .then(|| Box::new(Again::Send(user.clone(), request.clone())));
                Ok(SendAnswer::Committing(Committing {
                    taken: self.writer.take(message, companions, decided_under)?,
                    channel_id: request.channel_id,
                    key,
                    again,
                }))
            }
        }
    }

    /// The checks every request for the writer passes first, before it costs anything: its idempotency key
    /// (answered trimmed), room in the writer's queue (under overload the client sends it again with the same
    /// key) and the bus. Also answers the count of table changes it is decided under, read before the roster is
    /// asked: a change the writer notices later has the request decided again.
    pub(super) fn admit(&self, client_message_id: &str) -> Result<(String, i64), Problem> {
        let key = client_message_id.trim().to_owned();
        if key.is_empty() || key.len() > CLIENT_MESSAGE_ID_MAX {
            return Err(Problem::invalid(
                format!("client_message_id must have 1 to {CLIENT_MESSAGE_ID_MAX} characters."),
                "Send a fresh ULID or UUID per message and reuse it only to retry that message.",
            ));
        }
        if self.writer.saturated() {
            return Err(self.writer.refusal());
        }
        if !self.bus_reachable() {
            return Err(Problem::unavailable("the message bus between instances"));
        }
        Ok((key, self.writer.known_changes()))
    }

    /// `/session`: through the game authority. Asking for the state the session is already in succeeds, so a
    /// retried command (after a reconnect) does not turn into an error.
    async fn run_session_command(
        &self,
        user: &UserSummary,
        access: &ChannelAccess,
        action: SessionAction,
    ) -> Result<SessionStatus, Problem> {
        let room = access.room.as_ref().ok_or_else(|| {
            Problem::new(
                ErrorCode::NotPermitted,
                "/session works only in session rooms.",
                "Open the session's room.",
            )
        })?;
        let target = match action {
            SessionAction::Start => SessionStatus::Active,
            SessionAction::Pause => SessionStatus::Paused,
            SessionAction::End => SessionStatus::Ended,
        };
        if room.status == target && access.viewer.role == Role::Gm {
            return Ok(target);
        }
        self.game.run_session_command(&user.id, &room.session_id, action).await
    }

    /// The message to store, and for a player's blind roll the notice that tells the roller it happened.
    fn message(
        &self,
        user: &UserSummary,
        access: &ChannelAccess,
        channel: &ChannelId,
        draft: Draft,
        key: &str,
    ) -> (NewMessage, Vec<NewMessage>) {
        let roll = draft.roll.as_ref().map(|plan| self.game.roll_dice(&plan.dice));
        let blind = draft.decision.audience.blind && access.viewer.role != Role::Gm;
        let companions = match (&draft.roll, blind) {
            (Some(plan), true) => vec![blank(
                channel,
                MessageKind::Notification,
                Actor {
                    kind: ActorKind::System,
                    id: None,
                    label: "Tabletalk".to_owned(),
                },
                None,
                format!("You rolled {} blind; only the GMs see the result.", plan.dice.render()),
                Audience {
                    scope: AudienceScope::Targets,
                    targets: vec![user.id.clone()],
                    ..Audience::all()
                },
            )],
            _ => Vec::new(),
        };
        let mut message = blank(
            channel,
            draft.kind,
            draft.decision.actor,
            Some(user.id.clone()),
            draft.body,
            draft.decision.audience,
        );
        message.mentions = draft.mentions;
        message.roll = roll;
        message.client_message_id = Some(key.to_owned());
        (message, companions)
    }

    /// Answers `chat.command.preview`: what the body would do, or why it would be refused. Never stores.
    pub async fn preview(&self, user: &UserSummary, request: SendRequest) -> Result<ServerFrame, Problem> {
        let channel_id = request.channel_id.clone();
        let body = request.body.clone();
        // Only a missing channel is an error frame; a refused send is the preview's answer.
        let access = self.access(user, &channel_id).await?;
        let (summary, problem) = match self.prepare(user, &request, Some(access)).await {
            Ok(prepared) => (
                Some(describe::intent(&prepared.intent, &user.id, Some(&prepared.facts))),
                None,
            ),
            Err(problem) => (None, Some(problem)),
        };
        Ok(ServerFrame::Preview {
            channel_id,
            body,
            summary,
            problem,
        })
    }

    /// Answers `chat.autocomplete` with the members and characters matching `prefix`.
    pub async fn autocomplete(
        &self,
        user: &UserSummary,
        channel: &ChannelId,
        prefix: String,
        mode: Option<String>,
    ) -> Result<ServerFrame, Problem> {
        if prefix.chars().count() > PREFIX_MAX_CHARS {
            return Err(Problem::invalid(
                format!("An autocomplete prefix has at most {PREFIX_MAX_CHARS} characters."),
                "Send the characters typed after @.",
            ));
        }
        let access = self.access(user, channel).await?;
        let facts = self.roster.facts(self.game.as_ref(), &access.campaign_id).await?;
        let items = mentions::suggest(&facts, mode.as_deref().unwrap_or("participant"), &prefix);
        Ok(ServerFrame::Suggestions {
            channel_id: channel.clone(),
            prefix,
            items,
        })
    }
}

/// A message before the writer gives it an id, a sequence id and a time.
fn blank(
    channel: &ChannelId,
    kind: MessageKind,
    actor: Actor,
    sender_id: Option<UserId>,
    body: String,
    audience: Audience,
) -> NewMessage {
    NewMessage {
        channel_id: channel.clone(),
        kind,
        actor,
        sender_id,
        body,
        mentions: Vec::new(),
        audience,
        roll: None,
        client_message_id: None,
        change: None,
        inline_rolls: Vec::new(),
        reply: None,
    }
}

/// `session_not_active` when `access` is to a session room that is not open for posting (scheduled, paused or
/// ended): what a send, and a word of typing, into it is told.
pub(super) fn posting_open(access: &ChannelAccess) -> Result<(), Problem> {
    match access.room.as_ref().filter(|room| !room.status.allows_posting()) {
        Some(room) => Err(Problem::new(
            ErrorCode::SessionNotActive,
            room.status.closed_reason().unwrap_or("The session is not active."),
            "Wait for the GM to start or resume the session.",
        )),
        None => Ok(()),
    }
}
