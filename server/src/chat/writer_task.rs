//! The writer task itself: takes batches off the queues, stores each in one transaction, then hands the
//! messages to the hub and answers every send.

use super::{Draft, Outcome, Reply, Written, MAX_BATCH};
use crate::chat::hub::Hub;
use crate::chat::pacer::Pacer;
use crate::chat::{counters, journal};
use crate::events::Outbox;
use crate::game::GameAuthority;
use crate::ops::names;
use crate::store::{now_ms, Backend, Pool};
use app::domain::ids::{ChannelId, MessageId};
use app::domain::message::Message;
use app::domain::Problem;
use sqlx::pool::PoolConnection;
use sqlx::{Any, Connection, Executor};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tracing::Instrument;

/// The state the writer task keeps between batches.
pub(super) struct Writer {
    pool: Pool,
    /// Told how fast batches commit, to space the refused sends' returns.
    pacer: Arc<Pacer>,
    /// The writer's own connection, kept between batches. SQLite empties a connection's page cache whenever
    /// another connection wrote since its last transaction, so a writer that took whichever pooled connection
    /// was free found the B-tree pages it just wrote gone and read them back from the OS on every batch.
    connection: Option<PoolConnection<Any>>,
    hub: Arc<Hub>,
    game: Arc<dyn GameAuthority>,
    /// The engine: on SQLite this writer is the only one, on Postgres one of several (one per instance).
    backend: Backend,
    /// The next sequence id of each channel. On SQLite, of every channel written since start (read from the
    /// database on first use, and forgotten after a failed commit); on Postgres, of the batch's channels only,
    /// read under their locks, since other instances write them too.
    next_sequence: HashMap<ChannelId, i64>,
    /// When the writer last checkpointed from its own connection (see [`Writer::bound_the_wal`]).
    last_checkpoint: Instant,
    /// How often it does.
    checkpoint_every: Duration,
    /// Its figures for `/metrics`, looked up once.
    figures: Figures,
    /// Where each committed message's event is written in the same transaction, while events are on.
    outbox: Option<Outbox>,
    /// Postgres: channels whose sequence counters exist (see [`counters::ensure`]).
    counted: HashSet<ChannelId>,
    /// Postgres: sends the last batch left for this one (see `chat::counters`).
    deferred: Vec<(Draft, Reply)>,
}

/// The writer's handles on its figures (`ops::names`): looking a figure up by name costs a hash per call.
struct Figures {
    commit: metrics::Histogram,
    batch_rows: metrics::Histogram,
    ingested: metrics::Counter,
    fanout: metrics::Histogram,
    deferred: metrics::Counter,
}

impl Figures {
    fn new() -> Self {
        Self {
            commit: metrics::histogram!(names::COMMIT_LATENCY),
            batch_rows: metrics::histogram!(names::BATCH_ROWS),
            ingested: metrics::counter!(names::MESSAGES_INGESTED),
            fanout: metrics::histogram!(names::FANOUT_LATENCY),
            deferred: metrics::counter!(names::SENDS_DEFERRED),
        }
    }
}

/// How often a writer that never rests copies the rest of the WAL into the database itself, so the WAL can
/// start over: its size stays within what this much writing produces.
pub(super) const CHECKPOINT_EVERY: Duration = Duration::from_secs(5);

impl Writer {
    /// A writer over `pool` that tells `pacer` its commit rate, delivers through `hub` and finishes a WAL
    /// checkpoint itself every `checkpoint_every`; with an `outbox`, writes each message's event beside it.
    pub(super) fn new(
        pool: Pool,
        pacer: Arc<Pacer>,
        hub: Arc<Hub>,
        game: Arc<dyn GameAuthority>,
        checkpoint_every: Duration,
        outbox: Option<Outbox>,
    ) -> Self {
        Self {
            pacer,
            backend: Backend::of(&pool),
            pool,
            connection: None,
            hub,
            game,
            next_sequence: HashMap::new(),
            last_checkpoint: Instant::now(),
            checkpoint_every,
            figures: Figures::new(),
            outbox,
            counted: HashSet::new(),
            deferred: Vec::new(),
        }
    }

    /// Runs until every handle (and so both queues) is gone.
    pub(super) async fn run(
        mut self,
        mut sends: mpsc::Receiver<(Draft, Reply)>,
        mut notices: mpsc::Receiver<(Draft, Reply)>,
    ) {
        self.learn_changes().await;
        let mut batch = Vec::with_capacity(MAX_BATCH);
        let mut notices_open = true;
        loop {
            // What the last batch left goes first; else the first item from either queue; then whatever else
            // is already waiting.
            if !self.deferred.is_empty() {
                batch.append(&mut self.deferred);
                let _ = tokio::time::timeout(counters::RETRY_AFTER, sends.recv_many(&mut batch, MAX_BATCH)).await;
            } else {
                tokio::select! {
                    biased;
                    notice = notices.recv(), if notices_open => match notice {
                        Some(item) => batch.push(item),
                        None => notices_open = false,
                    },
                    received = sends.recv_many(&mut batch, MAX_BATCH) => if received == 0 { break },
                }
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
            let started = Instant::now();
            let stored = self
                .store(drafts)
                .instrument(tracing::debug_span!("chat.commit", rows))
                .await;
            let handled = handled_count(&stored, rows);
            self.pacer.committed(handled, started.elapsed());
            let committed = Instant::now();
            match stored {
                Ok(results) => {
                    self.figures.commit.record(millis(committed - started));
                    self.figures.batch_rows.record(handled as f64);
                    self.figures.ingested.increment(stored_count(&results));
                    for (reply, result) in replies.into_iter().zip(results) {
                        match result {
                            // The room hears it first, so a sender's own copy is queued before its ack.
                            Ok(Written::New(messages)) => {
                                for message in &messages {
                                    let _fanout =
                                        tracing::debug_span!("chat.fanout", channel_id = %message.channel_id).entered();
                                    self.hub.publish_message(message);
                                    self.figures.fanout.record(millis(committed.elapsed()));
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
                            Ok(Written::Deferred(mut draft)) => {
                                draft.deferred_since.get_or_insert_with(Instant::now);
                                self.figures.deferred.increment(1);
                                self.deferred.push((*draft, reply));
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
                    let problem = crate::store::fault(error);
                    for reply in replies {
                        let _ = reply.send(Err(problem.clone()));
                    }
                }
            }
            self.bound_the_wal().await;
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
        let mut channels: Vec<ChannelId> = drafts.iter().map(|d| d.message.channel_id.clone()).collect();
        channels.sort_unstable();
        channels.dedup();
        let channels: Vec<&ChannelId> = channels.iter().collect();
        if self.backend == Backend::Postgres {
            counters::ensure(connection, &mut self.counted, &channels).await?;
        }
        let mut tx = match self.backend {
            Backend::Sqlite => connection.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => {
                let mut tx = connection.begin().await?;
                tx.execute(
                    sqlx::query("SELECT pg_advisory_xact_lock_shared($1)").bind(crate::store::TABLE_CHANGE_LOCK),
                )
                .await?;
                tx
            }
        };
        let rooms = self
            .game
            .room_states(&mut tx, &channels)
            .await
            .map_err(|problem| sqlx::Error::Protocol(format!("room states: {problem}")))?;
        // Sends decided before a table change another instance committed are decided again (none on SQLite,
        // where every change is made in this process and empties the roster before its call returns).
        let changes = match self.backend {
            Backend::Sqlite => None,
            Backend::Postgres => Some(read_changes(&mut tx, self.game.as_ref()).await?),
        };
        let mut wait = false;
        if self.backend == Backend::Postgres {
            // Locked until the commit: another instance's batch of the same channel skips it or waits, then
            // reads where this one left it (and finds its keys, so a retry sent to both is stored once).
            let impatient = |draft: &Draft| draft.deferred_since.is_some_and(|t| t.elapsed() >= counters::PATIENCE);
            wait = drafts.iter().any(impatient);
            self.next_sequence = counters::lock(&mut tx, &channels, wait).await?;
        }
        // Channels whose counters another instance holds: their sends wait for the next batch.
        let left: HashSet<ChannelId> = match self.backend {
            Backend::Sqlite => HashSet::new(),
            Backend::Postgres => channels
                .iter()
                .filter(|channel| !self.next_sequence.contains_key(**channel))
                .map(|channel| (*channel).clone())
                .collect(),
        };
        // After a waiting lock, a missing counter is a deleted channel (its sends are answered) or a removed
        // counter (made again by the next batch's `counters::ensure`).
        let gone = match wait && !left.is_empty() {
            true => counters::gone(&mut tx, &left).await?,
            false => HashSet::new(),
        };
        if wait {
            self.counted.retain(|channel| !left.contains(channel));
        }
        let unknown: Vec<&ChannelId> = match self.backend {
            Backend::Sqlite => channels
                .iter()
                .copied()
                .filter(|channel| !self.next_sequence.contains_key(*channel))
                .collect(),
            Backend::Postgres => Vec::new(),
        };
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
                .filter(|room| !draft.in_closed_rooms && !room.status.allows_posting())
                .map(|room| session_not_active(room.status.closed_reason()))
        };
        let keys: Vec<journal::Key> = drafts
            .iter()
            .filter(|draft| closed(draft).is_none() && !left.contains(&draft.message.channel_id))
            .filter_map(|draft| member_key(&draft.message))
            .collect();
        let taken = journal::stored_keys(&mut tx, &keys).await?;
        let mut batch_keys: HashMap<journal::Key, (String, i64)> = HashMap::new();
        let mut notices_taken: HashMap<(ChannelId, String), (String, i64)> = HashMap::new();
        let sent_at = now_ms();
        let mut results = Vec::with_capacity(drafts.len());
        for draft in drafts {
            if gone.contains(&draft.message.channel_id) {
                results.push(Err(Problem::not_found("channel")));
                continue;
            }
            if left.contains(&draft.message.channel_id) {
                results.push(Ok(Written::Deferred(Box::new(draft))));
                continue;
            }
            if draft.decided_under.zip(changes).is_some_and(|(under, now)| under < now) {
                results.push(Ok(Written::Answered(Outcome::Redecide)));
                continue;
            }
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
        if let Some(outbox) = &self.outbox {
            let in_game = |channel: &ChannelId| rooms.contains_key(channel);
            crate::events::outbox::insert(&mut tx, &rows, in_game, outbox.bodies).await?;
        }
        if self.backend == Backend::Postgres {
            journal::advance_sequences(&mut tx, &self.next_sequence).await?;
        }
        self.game
            .record_in_game(&mut tx, &rooms, &rows)
            .await
            .map_err(|problem| sqlx::Error::Protocol(format!("game journal: {problem}")))?;
        tx.commit().await?;
        if let Some(outbox) = self.outbox.as_ref().filter(|_| !rows.is_empty()) {
            outbox.written.notify_one();
        }
        if self.pool.options().get_max_connections() <= 1 {
            // A pool of one connection (an in-memory database) cannot spare one for the writer alone.
            self.connection = None;
        }
        Ok(results)
    }
}

#[path = "writer_parts.rs"]
mod parts;
pub(super) use parts::writer_connection;
use parts::{handled_count, member_key, millis, read_changes, session_not_active, stored, stored_count};
