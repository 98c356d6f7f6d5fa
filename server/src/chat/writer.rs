//! The one writer of messages: the only place sequence ids are assigned, so order is total per channel.
//!
//! Sends from every channel wait in one queue; whatever arrived while a transaction was being committed goes
//! into the next one (group commit across channels): one fsync for many messages, and no writer of different
//! channels queueing for SQLite's single write lock (whose busy handler sleeps for milliseconds at a time).
//! Each send is answered only after its transaction commits; then the message is handed to the hub.

use super::hub::Hub;
use super::pacer::Pacer;
use crate::events::Outbox;
use crate::game::GameAuthority;
use crate::store::{internal, OrInternal, Pool};
use app::domain::message::{Message, NewMessage};
use app::domain::{ErrorCode, Problem};
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
    /// Not stored: the table changed (on another instance) after the send was decided; decide it again.
    Redecide,
}

/// What the writer did with one draft of a batch.
enum Written {
    /// Stored now: the message, then its companions.
    New(Vec<Message>),
    /// Answered without storing.
    Answered(Outcome),
    /// Not taken in this batch (Postgres: another instance held its channel's counter): goes first in the next.
    Deferred(Box<Draft>),
}

type Reply = oneshot::Sender<Result<Outcome, Problem>>;

/// A message waiting for its id, sequence id and time, which the writer gives it when it commits.
struct Draft {
    message: NewMessage,
    /// Stored right after `message` in the same transaction, and only if `message` is new.
    companions: Vec<NewMessage>,
    /// Stored even in a room closed for members' posts: a system notice (a session's end is told after it
    /// ended), or a change to an earlier message (amending what was said, or moderating it, is not posting).
    in_closed_rooms: bool,
    /// The count of table changes (`table_generation`) the send was decided under; `None` for notices.
    decided_under: Option<i64>,
    /// When a batch first left it for the next because another instance held its channel (Postgres).
    deferred_since: Option<std::time::Instant>,
}

/// The handle senders submit through; the writer task runs until every handle is gone.
pub struct WriterHandle {
    queue: mpsc::Sender<(Draft, Reply)>,
    notices: mpsc::Sender<(Draft, Reply)>,
    /// When refused sends should come back.
    pacer: Arc<Pacer>,
    /// Asked for the count of table changes a send is decided under.
    game: Arc<dyn GameAuthority>,
}

impl WriterHandle {
    /// Starts the writer over `pool`, delivering through `hub`, asking the game authority which rooms are
    /// open and recording in-game messages in its journal; with an `outbox`, each message's event goes beside it.
    pub fn new(pool: Pool, hub: Arc<Hub>, game: Arc<dyn GameAuthority>, outbox: Option<Outbox>) -> Self {
        Self::with_checkpoints(pool, hub, game, task::CHECKPOINT_EVERY, outbox)
    }

    /// The same, with the writer finishing a WAL checkpoint every `checkpoint_every` (tests shorten it).
    pub(super) fn with_checkpoints(
        pool: Pool,
        hub: Arc<Hub>,
        game: Arc<dyn GameAuthority>,
        checkpoint_every: std::time::Duration,
        outbox: Option<Outbox>,
    ) -> Self {
        let (queue, receiver) = mpsc::channel(QUEUE_DEPTH);
        let (notices, notice_receiver) = mpsc::channel(NOTICE_QUEUE_DEPTH);
        let pacer = Arc::new(Pacer::default());
        let writer = Writer::new(pool, pacer.clone(), hub, game.clone(), checkpoint_every, outbox);
        tokio::spawn(writer.run(receiver, notice_receiver));
        Self {
            queue,
            notices,
            pacer,
            game,
        }
    }

    /// The count of table changes a send decided now is decided under (read before the roster is asked).
    pub fn known_changes(&self) -> i64 {
        self.game.known_changes()
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
    pub fn take(&self, message: NewMessage, companions: Vec<NewMessage>, decided_under: i64) -> Result<Taken, Problem> {
        let in_closed_rooms = message.change.is_some();
        let (reply, answer) = oneshot::channel();
        let draft = Draft {
            message,
            companions,
            in_closed_rooms,
            decided_under: Some(decided_under),
            deferred_since: None,
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
        metrics::counter!(crate::ops::names::SENDS_REFUSED, "code" => "overloaded").increment(1);
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
        self.take(message, companions, self.known_changes())?.committed().await
    }

    /// Stores a system notice (no sender; keyed by its `client_message_id`, so posting it again is a
    /// duplicate), whether or not the room is open for members' posts. Waits for room in its own queue instead
    /// of being refused.
    pub async fn submit_notice(&self, message: NewMessage) -> Result<Outcome, Problem> {
        let (reply, answer) = oneshot::channel();
        let draft = Draft {
            message,
            companions: Vec::new(),
            in_closed_rooms: true,
            decided_under: None,
            deferred_since: None,
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

#[path = "writer_task.rs"]
mod task;
use task::Writer;

#[cfg(test)]
#[path = "writer_tests.rs"]
mod tests;
