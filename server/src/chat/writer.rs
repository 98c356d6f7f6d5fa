//! The one writer of messages: the only place sequence ids are assigned, so order is total per channel.
//!
//! Sends from every channel wait in one queue; whatever arrived while a transaction was being committed goes
//! into the next one (group commit across channels): one fsync for many messages, and no writer of different
//! channels queueing for SQLite's single write lock (whose busy handler sleeps for milliseconds at a time).
//! Each send is answered only after its transaction commits; then the message is handed to the hub.

use super::hub::Hub;
use super::journal;
use super::pacer::Pacer;
use crate::game::GameAuthority;
use crate::store::{internal, now_ms, OrInternal, Pool};
use app::domain::ids::{ChannelId, MessageId};
use app::domain::message::{Message, NewMessage};
use app::domain::{ErrorCode, Problem};
use sqlx::pool::PoolConnection;
use sqlx::{Connection, Sqlite};
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

/// Most sends committed in one transaction.
const MAX_BATCH: usize = 1024;
/// Members' sends that may wait for the writer. Beyond this the send is refused at once with `overloaded`
/// (and retried by the client with the same key) instead of waiting. Each socket has at most one send in
/// flight, so the queue fills only when more sockets than this send at once; below that, the backlog of an
/// overloaded server waits in the sockets' buffers. A smaller queue was measured (1,024 with 5,000 senders,
/// BENCHMARKS.md): it refused, but a refusal costs nearly what a stored send costs today (the frame is read and
/// parsed first), so at twice the sustainable rate the core went to refusing and fewer sends were stored. The
/// queue stays at 4,096 until refusing is cheaper than reading a frame.
pub const QUEUE_DEPTH: usize = 4_096;
/// Notices (system messages) wait for room instead of being refused: they are few, and must not be lost.
const NOTICE_QUEUE_DEPTH: usize = 1_024;

/// What happened to a send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Stored now. The ids are of the last message stored for the send, the one its sender will see: the
    /// message itself, or for a blind roll the notice to its roller (the roll is one the roller never receives,
    /// so its ids are never named to them).
    Stored { message_id: String, sequence_id: i64 },
    /// Stored earlier under the same key: the original ids, chosen the same way.
    Duplicate { message_id: String, sequence_id: i64 },
}

/// What the writer did with one draft of a batch.
enum Written {
    /// Stored now: the message, then its companions.
    New(Vec<Message>),
    /// Answered without storing.
    Answered(Outcome),
}

type Reply = oneshot::Sender<Result<Outcome, Problem>>;

/// A message waiting for its id, sequence id and time, which the writer gives it when it commits.
struct Draft {
    message: NewMessage,
    /// Stored right after `message` in the same transaction, and only if `message` is new.
    companions: Vec<NewMessage>,
    /// A system notice: told even in a room that is closed for members' posts (a session's end is told after
    /// it ended).
    notice: bool,
}

/// The handle senders submit through; the writer task runs until every handle is gone.
pub struct WriterHandle {
    queue: mpsc::Sender<(Draft, Reply)>,
    notices: mpsc::Sender<(Draft, Reply)>,
    /// When refused sends should come back.
    pacer: Arc<Pacer>,
}

impl WriterHandle {
    /// Starts the writer over `pool`, delivering through `hub`, asking the game authority which rooms are
    /// open and recording in-game messages in its journal.
    pub fn new(pool: Pool, hub: Arc<Hub>, game: Arc<dyn GameAuthority>) -> Self {
        let (queue, receiver) = mpsc::channel(QUEUE_DEPTH);
        let (notices, notice_receiver) = mpsc::channel(NOTICE_QUEUE_DEPTH);
        let pacer = Arc::new(Pacer::default());
        let writer = Writer {
            pacer: pacer.clone(),
            pool,
            connection: None,
            hub,
            game,
            next_sequence: HashMap::new(),
        };
        tokio::spawn(writer.run(receiver, notice_receiver));
        Self { queue, notices, pacer }
    }

    /// Whether a member's send would be refused right now (the queue is full): checked before the service
    /// decides anything for the send, so a refusal costs no roster lookup, no parse of the body, no allocation
    /// of a draft.
    pub fn saturated(&self) -> bool {
        self.queue.capacity() == 0
    }

    /// Puts `message` (and its `companions`, in the same channel and transaction) in the writer's queue, or
    /// refuses it at once with `overloaded` when the queue is full. Returns without waiting for the commit, so
    /// a connection can read its next frame meanwhile; the order sends are taken in is the order they are stored.
    pub fn take(&self, message: NewMessage, companions: Vec<NewMessage>) -> Result<Taken, Problem> {
        let (reply, answer) = oneshot::channel();
        let draft = Draft {
            message,
            companions,
            notice: false,
        };
        match self.queue.try_send((draft, reply)) {
            Ok(()) => Ok(Taken(answer)),
            Err(mpsc::error::TrySendError::Full(_)) => Err(self.refusal()),
            Err(mpsc::error::TrySendError::Closed(_)) => Err(internal("the chat writer has stopped")),
        }
    }

    /// The refusal of a member's send while the queue is full, with the send's own place in the line of
    /// refused sends as its wait.
    pub fn refusal(&self) -> Problem {
        let queued = self.queue.max_capacity() - self.queue.capacity();
        Problem::new(
            ErrorCode::Overloaded,
            "The server is busy and did not take this message.",
            "It is sent again by itself in a moment; nothing is lost.",
        )
        .retry_after(self.pacer.wait(queued))
    }

    /// Stores `message` and its `companions` and returns once they are committed (or refused).
    pub async fn submit(&self, message: NewMessage, companions: Vec<NewMessage>) -> Result<Outcome, Problem> {
        self.take(message, companions)?.committed().await
    }

    /// Stores a system notice (no sender; keyed by its `client_message_id`, so posting it again is a
    /// duplicate), whether or not the room is open for members' posts. Waits for room in its own queue instead
    /// of being refused.
    pub async fn submit_notice(&self, message: NewMessage) -> Result<Outcome, Problem> {
        let (reply, answer) = oneshot::channel();
        let draft = Draft {
            message,
            companions: Vec::new(),
            notice: true,
        };
        self.notices.send((draft, reply)).await.or_internal()?;
        Taken(answer).committed().await
    }
}

/// A send in the writer's queue.
pub struct Taken(oneshot::Receiver<Result<Outcome, Problem>>);

impl Taken {
    /// What became of the send, once its transaction committed (or failed).
    pub async fn committed(self) -> Result<Outcome, Problem> {
        self.0.await.or_internal()?
    }
}

struct Writer {
    pool: Pool,
    /// Told how fast batches commit, to space the refused sends' returns.
    pacer: Arc<Pacer>,
    /// The writer's own connection, kept between batches. SQLite empties a connection's page cache whenever
    /// another connection wrote since its last transaction, so a writer that took whichever pooled connection
    /// was free found the B-tree pages it just wrote gone and read them back from the OS on every batch.
    connection: Option<PoolConnection<Sqlite>>,
    hub: Arc<Hub>,
    game: Arc<dyn GameAuthority>,
    /// The next sequence id of each channel written since start (read from the database on first use, and
    /// forgotten after a failed commit).
    next_sequence: HashMap<ChannelId, i64>,
}

impl Writer {
    async fn run(mut self, mut sends: mpsc::Receiver<(Draft, Reply)>, mut notices: mpsc::Receiver<(Draft, Reply)>) {
        let mut batch = Vec::with_capacity(MAX_BATCH);
        let mut notices_open = true;
        loop {
            // The first item of a batch, from either queue; then whatever else is already waiting.
            tokio::select! {
                biased;
                notice = notices.recv(), if notices_open => match notice {
                    Some(item) => batch.push(item),
                    None => notices_open = false,
                },
                received = sends.recv_many(&mut batch, MAX_BATCH) => if received == 0 { break },
            }
            while batch.len() < MAX_BATCH {
                let Ok(item) = notices.try_recv() else { break };
                batch.push(item);
            }
            while batch.len() < MAX_BATCH {
                let Ok(item) = sends.try_recv() else { break };
                batch.push(item);
            }
            if batch.is_empty() {
                continue;
            }
            let (drafts, replies): (Vec<Draft>, Vec<Reply>) = std::mem::take(&mut batch).into_iter().unzip();
            let rows = drafts.len();
            let started = std::time::Instant::now();
            let stored = self.store(drafts).await;
            self.pacer.committed(rows, started.elapsed());
            match stored {
                Ok(results) => {
                    for (reply, result) in replies.into_iter().zip(results) {
                        match result {
                            // The room hears it first, so a sender's own copy is queued before its ack.
                            Ok(Written::New(messages)) => {
                                for message in &messages {
                                    self.hub.publish_message(message);
                                }
                                let seen = &messages[messages.len() - 1];
                                let _ = reply.send(Ok(Outcome::Stored {
                                    message_id: seen.message_id.to_string(),
                                    sequence_id: seen.sequence_id,
                                }));
                            }
                            Ok(Written::Answered(outcome)) => {
                                let _ = reply.send(Ok(outcome));
                            }
                            Err(problem) => {
                                let _ = reply.send(Err(problem));
                            }
                        }
                    }
                }
                Err(error) => {
                    self.next_sequence.clear();
                    self.connection = None;
                    let problem = internal(error);
                    for reply in replies {
                        let _ = reply.send(Err(problem.clone()));
                    }
                }
            }
        }
    }

    /// Stores a batch in one transaction with a handful of statements, whatever its size: members' posts to a
    /// closed session room are refused (notices are not), keys already stored (or earlier in the batch) are
    /// answered with the original, the rest get consecutive sequence ids and are inserted together. Messages of
    /// session rooms are recorded in the game journal in the same transaction.
    async fn store(&mut self, drafts: Vec<Draft>) -> Result<Vec<Result<Written, Problem>>, sqlx::Error> {
        let connection = match self.connection.take() {
            Some(connection) => connection,
            None => writer_connection(&self.pool).await?,
        };
        let connection = self.connection.insert(connection);
        let mut tx = connection.begin_with("BEGIN IMMEDIATE").await?;
        let mut channels: Vec<ChannelId> = drafts.iter().map(|d| d.message.channel_id.clone()).collect();
        channels.sort_unstable();
        channels.dedup();
        let channels: Vec<&ChannelId> = channels.iter().collect();
        let rooms = self
            .game
            .room_states(&mut tx, &channels)
            .await
            .map_err(|problem| sqlx::Error::Protocol(format!("room states: {problem}")))?;
        let unknown: Vec<&ChannelId> = channels
            .iter()
            .copied()
            .filter(|channel| !self.next_sequence.contains_key(*channel))
            .collect();
        if !unknown.is_empty() {
            let latest = journal::latest_sequences(&mut tx, &unknown).await?;
            for channel in unknown {
                let next = latest.get(channel).copied().unwrap_or(0) + 1;
                self.next_sequence.insert(channel.clone(), next);
            }
        }
        let closed = |draft: &Draft| {
            rooms
                .get(&draft.message.channel_id)
                .map(|session| &session.room)
                .filter(|room| !draft.notice && !room.status.allows_posting())
                .map(|room| session_not_active(room.status.closed_reason()))
        };
        let keys: Vec<journal::Key> = drafts
            .iter()
            .filter(|draft| closed(draft).is_none())
            .filter_map(|draft| member_key(&draft.message))
            .collect();
        let taken = journal::stored_keys(&mut tx, &keys).await?;
        let mut batch_keys: HashMap<journal::Key, (String, i64)> = HashMap::new();
        let mut notices_taken: HashMap<(ChannelId, String), (String, i64)> = HashMap::new();
        let sent_at = now_ms();
        let mut results = Vec::with_capacity(drafts.len());
        for draft in drafts {
            if let Some(problem) = closed(&draft) {
                results.push(Err(problem));
                continue;
            }
            let channel = draft.message.channel_id.clone();
            let key = member_key(&draft.message);
            // Keys seen earlier in this batch already name what their sender sees; keys found in the database
            // name the original message, so a blind roll's answer moves on to its companion notice.
            let (earlier, from_database) = match (
                &key,
                draft.message.sender_id.is_none(),
                &draft.message.client_message_id,
            ) {
                (Some(key), _, _) => match batch_keys.get(key) {
                    Some(found) => (Some(found.clone()), false),
                    None => (taken.get(key).cloned(), true),
                },
                // A system notice, keyed per channel; notices are rare, so one lookup each.
                (None, true, Some(id)) => match notices_taken.get(&(channel.clone(), id.clone())) {
                    Some(found) => (Some(found.clone()), false),
                    None => (journal::find_by_client_id(&mut tx, &channel, None, id).await?, true),
                },
                _ => (None, false),
            };
            if let Some((mut message_id, mut sequence_id)) = earlier {
                if from_database && !draft.companions.is_empty() {
                    // The companions were stored right after the original, in the same transaction.
                    sequence_id += draft.companions.len() as i64;
                    message_id = journal::id_at(&mut tx, &channel, sequence_id)
                        .await?
                        .ok_or(sqlx::Error::RowNotFound)?;
                }
                results.push(Ok(Written::Answered(Outcome::Duplicate {
                    message_id,
                    sequence_id,
                })));
                continue;
            }
            let next = self.next_sequence.entry(channel).or_insert(1);
            let mut stored = Vec::with_capacity(1 + draft.companions.len());
            for part in std::iter::once(draft.message).chain(draft.companions) {
                stored.push(part.stored(MessageId::generate(), *next, sent_at));
                *next += 1;
            }
            let seen = &stored[stored.len() - 1];
            let seen = (seen.message_id.to_string(), seen.sequence_id);
            match (key, &stored[0].client_message_id) {
                (Some(key), _) => {
                    batch_keys.insert(key, seen);
                }
                (None, Some(id)) if stored[0].sender_id.is_none() => {
                    notices_taken.insert((stored[0].channel_id.clone(), id.clone()), seen);
                }
                _ => {}
            }
            results.push(Ok(Written::New(stored)));
        }
        let rows: Vec<&Message> = stored(&results).collect();
        journal::insert_many(&mut tx, &rows).await?;
        self.game
            .record_in_game(&mut tx, &rooms, &rows)
            .await
            .map_err(|problem| sqlx::Error::Protocol(format!("game journal: {problem}")))?;
        tx.commit().await?;
        if self.pool.options().get_max_connections() <= 1 {
            // A pool of one connection (an in-memory database) cannot spare one for the writer alone.
            self.connection = None;
        }
        Ok(results)
    }
}

/// A pooled connection for the writer, with a page cache large enough for the hot ends of every busy
/// channel's B-trees, and temporary storage in memory: each multi-row insert inside the batch's transaction
/// keeps a statement journal (so a failing statement could be undone alone), which spilled past 64 KiB into a
/// temporary file that every batch wrote to (4% of the core in the durable-sends profile, BENCHMARKS.md).
async fn writer_connection(pool: &Pool) -> Result<PoolConnection<Sqlite>, sqlx::Error> {
    let mut connection = pool.acquire().await?;
    sqlx::query("PRAGMA cache_size = -65536")
        .execute(&mut *connection)
        .await?;
    sqlx::query("PRAGMA temp_store = MEMORY")
        .execute(&mut *connection)
        .await?;
    Ok(connection)
}

/// The messages a batch stored, in order.
fn stored(results: &[Result<Written, Problem>]) -> impl Iterator<Item = &Message> {
    results
        .iter()
        .filter_map(|result| match result {
            Ok(Written::New(messages)) => Some(messages.iter()),
            _ => None,
        })
        .flatten()
}

/// A member's idempotency key (system notices have no sender and are keyed per channel instead).
fn member_key(message: &NewMessage) -> Option<journal::Key> {
    Some((
        message.channel_id.clone(),
        message.sender_id.clone()?,
        message.client_message_id.clone()?,
    ))
}

fn session_not_active(reason: Option<&str>) -> Problem {
    Problem::new(
        ErrorCode::SessionNotActive,
        reason.unwrap_or("The session is not active."),
        "Wait for the GM to start or resume the session.",
    )
}

#[cfg(test)]
#[path = "writer_tests.rs"]
mod tests;
