//! One writer task per channel: the only place sequence ids are assigned, so order is total per channel.
//!
//! Sends that arrive while a transaction is being committed wait in the writer's queue and are committed
//! together in the next one (group commit): one fsync for many messages. Each send is answered only after its
//! transaction commits, then the message is handed to the hub for fan-out.

use super::hub::Hub;
use super::journal;
use crate::game::GameAuthority;
use crate::store::{internal, now_ms, Pool};
use app::domain::ids::{ChannelId, MessageId, UserId};
use app::domain::message::Message;
use app::domain::{ErrorCode, Problem};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, oneshot};

/// Most sends committed in one transaction.
const MAX_BATCH: usize = 256;
/// Sends that may wait for a channel's writer before senders wait too.
const QUEUE_DEPTH: usize = 4096;

/// What happened to a send.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Stored now: the message, then its companions (a blind roll's notice to its roller).
    Stored(Vec<Message>),
    /// Stored earlier under the same key: the original ids.
    Duplicate { message_id: String, sequence_id: i64 },
}

/// A message waiting for its sequence id; `sequence_id`, `message_id` and `sent_at` are filled by the writer.
struct Draft {
    message: Message,
    /// Stored right after `message` in the same transaction, and only if `message` is new.
    companions: Vec<Message>,
    /// A system notice: told even in a room that is closed for members' posts (a session's end is told after
    /// it ended).
    notice: bool,
    reply: oneshot::Sender<Result<Outcome, Problem>>,
}

/// The writers of all channels, started on first use.
pub struct Writers {
    pool: Pool,
    hub: Arc<Hub>,
    game: Arc<dyn GameAuthority>,
    queues: Mutex<HashMap<ChannelId, mpsc::Sender<Draft>>>,
}

impl Writers {
    /// Writers over `pool`, delivering through `hub`, gated by the game authority's room state.
    pub fn new(pool: Pool, hub: Arc<Hub>, game: Arc<dyn GameAuthority>) -> Self {
        Self {
            pool,
            hub,
            game,
            queues: Mutex::new(HashMap::new()),
        }
    }

    /// Stores `message` (and its `companions`, in the same channel and transaction) and returns once they are
    /// committed (or refused).
    pub async fn submit(&self, message: Message, companions: Vec<Message>) -> Result<Outcome, Problem> {
        self.enqueue(message, companions, false).await
    }

    /// Stores a system notice (no sender; keyed by its `client_message_id`, so posting it again is a
    /// duplicate), whether or not the room is open for members' posts.
    pub async fn submit_notice(&self, message: Message) -> Result<Outcome, Problem> {
        self.enqueue(message, Vec::new(), true).await
    }

    async fn enqueue(&self, message: Message, companions: Vec<Message>, notice: bool) -> Result<Outcome, Problem> {
        let (reply, answer) = oneshot::channel();
        let queue = self.queue(&message.channel_id);
        queue
            .send(Draft {
                message,
                companions,
                notice,
                reply,
            })
            .await
            .map_err(internal)?;
        answer.await.map_err(internal)?
    }

    fn queue(&self, channel: &ChannelId) -> mpsc::Sender<Draft> {
        let mut queues = self.queues.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(queue) = queues.get(channel).filter(|q| !q.is_closed()) {
            return queue.clone();
        }
        let (sender, receiver) = mpsc::channel(QUEUE_DEPTH);
        let task = ChannelWriter {
            channel: channel.clone(),
            pool: self.pool.clone(),
            hub: self.hub.clone(),
            game: self.game.clone(),
            next_sequence: None,
        };
        tokio::spawn(task.run(receiver));
        queues.insert(channel.clone(), sender.clone());
        sender
    }
}

struct ChannelWriter {
    channel: ChannelId,
    pool: Pool,
    hub: Arc<Hub>,
    game: Arc<dyn GameAuthority>,
    /// The next sequence id; `None` until read from the database (and after a failed commit).
    next_sequence: Option<i64>,
}

impl ChannelWriter {
    async fn run(mut self, mut receiver: mpsc::Receiver<Draft>) {
        let mut batch = Vec::with_capacity(MAX_BATCH);
        while receiver.recv_many(&mut batch, MAX_BATCH).await > 0 {
            let Some((drafts, in_game)) = self.admit(std::mem::take(&mut batch)).await else {
                continue;
            };
            match self.commit(drafts, in_game).await {
                Ok(done) => {
                    for (reply, outcome) in done {
                        if let Outcome::Stored(messages) = &outcome {
                            for message in messages {
                                self.hub.publish_message(message);
                            }
                        }
                        let _ = reply.send(Ok(outcome));
                    }
                }
                Err((error, replies)) => {
                    self.next_sequence = None;
                    let problem = internal(error);
                    for reply in replies {
                        let _ = reply.send(Err(problem.clone()));
                    }
                }
            }
        }
    }

    /// Session rooms accept members' posts only while active; the authority is asked once per batch. Refused
    /// drafts are answered here; the rest are returned with whether the channel is in the in-game lane (a
    /// session room), whose messages the game journal records. `None` when nothing is left to store.
    async fn admit(&self, drafts: Vec<Draft>) -> Option<(Vec<Draft>, bool)> {
        let room = match self.game.room_state(&self.channel).await {
            Ok(room) => room,
            Err(problem) => {
                for draft in drafts {
                    let _ = draft.reply.send(Err(problem.clone()));
                }
                return None;
            }
        };
        let in_game = room.is_some();
        let closed = room
            .filter(|room| !room.status.allows_posting())
            .map(|room| session_not_active(room.status.closed_reason()));
        let admitted: Vec<Draft> = match closed {
            None => drafts,
            Some(problem) => drafts
                .into_iter()
                .filter_map(|draft| {
                    if draft.notice {
                        return Some(draft);
                    }
                    let _ = draft.reply.send(Err(problem.clone()));
                    None
                })
                .collect(),
        };
        (!admitted.is_empty()).then_some((admitted, in_game))
    }

    #[allow(clippy::type_complexity)]
    async fn commit(
        &mut self,
        drafts: Vec<Draft>,
        in_game: bool,
    ) -> Result<
        Vec<(oneshot::Sender<Result<Outcome, Problem>>, Outcome)>,
        (sqlx::Error, Vec<oneshot::Sender<Result<Outcome, Problem>>>),
    > {
        let mut replies = Vec::with_capacity(drafts.len());
        let mut messages = Vec::with_capacity(drafts.len());
        for draft in drafts {
            replies.push(draft.reply);
            messages.push((draft.message, draft.companions));
        }
        match self.store(&mut messages, in_game).await {
            Ok(outcomes) => Ok(replies.into_iter().zip(outcomes).collect()),
            Err(error) => Err((error, replies)),
        }
    }

    async fn store(
        &mut self,
        messages: &mut [(Message, Vec<Message>)],
        in_game: bool,
    ) -> Result<Vec<Outcome>, sqlx::Error> {
        let mut tx = crate::store::begin_write(&self.pool).await?;
        let mut next = match self.next_sequence {
            Some(next) => next,
            None => journal::latest_sequence(&mut tx, &self.channel).await? + 1,
        };
        let sent_at = now_ms();
        let mut seen: HashMap<(Option<UserId>, String), (String, i64)> = HashMap::new();
        let mut outcomes = Vec::with_capacity(messages.len());
        for (message, companions) in messages.iter_mut() {
            if let Some(key) = message.client_message_id.clone() {
                let earlier = match seen.get(&(message.sender_id.clone(), key.clone())) {
                    Some(found) => Some(found.clone()),
                    None => {
                        journal::find_by_client_id(&mut tx, &self.channel, message.sender_id.as_ref(), &key).await?
                    }
                };
                if let Some((message_id, sequence_id)) = earlier {
                    outcomes.push(Outcome::Duplicate {
                        message_id,
                        sequence_id,
                    });
                    continue;
                }
            }
            let mut stored = Vec::with_capacity(1 + companions.len());
            for part in std::iter::once(&mut *message).chain(companions.iter_mut()) {
                part.sequence_id = next;
                part.message_id = MessageId::generate();
                part.sent_at = sent_at;
                journal::insert(&mut tx, part).await?;
                stored.push(part.clone());
                next += 1;
            }
            if let Some(key) = &message.client_message_id {
                seen.insert(
                    (message.sender_id.clone(), key.clone()),
                    (message.message_id.to_string(), message.sequence_id),
                );
            }
            outcomes.push(Outcome::Stored(stored));
        }
        if in_game {
            let committed: Vec<&Message> = outcomes
                .iter()
                .flat_map(|o| match o {
                    Outcome::Stored(messages) => messages.as_slice(),
                    Outcome::Duplicate { .. } => &[],
                })
                .collect();
            self.game
                .record_in_game(&mut tx, &committed)
                .await
                .map_err(|problem| sqlx::Error::Protocol(format!("game journal: {problem}")))?;
        }
        tx.commit().await?;
        self.next_sequence = Some(next);
        Ok(outcomes)
    }
}

fn session_not_active(reason: Option<&str>) -> Problem {
    Problem::new(
        ErrorCode::SessionNotActive,
        reason.unwrap_or("The session is not active."),
        "Wait for the GM to start or resume the session.",
    )
}
