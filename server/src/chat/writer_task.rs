//! The writer task itself: takes batches off the queues, stores each in one transaction, then hands the
//! messages to the hub and answers every send.

use super::{Draft, Outcome, Reply, Written, MAX_BATCH};
use crate::chat::hub::Hub;
use crate::chat::journal;
use crate::chat::pacer::Pacer;
use crate::events::Outbox;
use crate::game::GameAuthority;
use crate::ops::names;
use crate::store::{now_ms, Backend, Pool};
use app::domain::ids::{ChannelId, MessageId};
use app::domain::message::Message;
use app::domain::Problem;
use sqlx::pool::PoolConnection;
use sqlx::{Any, Connection, Executor};
use std::collections::HashMap;
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
}

/// The writer's handles on its figures (`ops::names`): looking a figure up by name costs a hash per call.
struct Figures {
    commit: metrics::Histogram,
    batch_rows: metrics::Histogram,
    ingested: metrics::Counter,
    fanout: metrics::Histogram,
}

impl Figures {
    fn new() -> Self {
        Self {
            commit: metrics::histogram!(names::COMMIT_LATENCY),
            batch_rows: metrics::histogram!(names::BATCH_ROWS),
            ingested: metrics::counter!(names::MESSAGES_INGESTED),
            fanout: metrics::histogram!(names::FANOUT_LATENCY),
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
            let started = Instant::now();
            let stored = self
                .store(drafts)
                .instrument(tracing::debug_span!("chat.commit", rows))
                .await;
            self.pacer.committed(rows, started.elapsed());
            let committed = Instant::now();
            match stored {
                Ok(results) => {
                    self.figures.commit.record(millis(committed - started));
                    self.figures.batch_rows.record(rows as f64);
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

    /// Postgres: reads the count of table changes once, before the first batch, so the first batch does not
    /// find it "newer" than the zero this instance starts from. Otherwise that batch empties every cached
    /// answer and has every send decided before it decided again: with 10,000 members joined, each one's first
    /// send went to the database twice and the first seconds of the fan-out benchmark queued for 2-5 s
    /// (BENCHMARKS.md, session 15). A failure here is only logged: the first batch reads the count anyway.
    async fn learn_changes(&mut self) {
        if self.backend != Backend::Postgres {
            return;
        }
        let read = async {
            let mut connection = self.pool.acquire().await?;
            read_changes(&mut connection, self.game.as_ref()).await
        };
        if let Err(error) = read.await {
            tracing::warn!(%error, "the writer could not read the count of table changes at start");
        }
    }

    /// Every `checkpoint_every` ([`CHECKPOINT_EVERY`] in service), between batches, copies what is left of
    /// the WAL into the database from the writer's own connection. The background checkpointer
    /// (`store::connect`) copies most of it without blocking anyone, but beside a writer that never rests it
    /// never finds the WAL fully copied, and SQLite starts a WAL over only when a write finds it so: through
    /// one 30-second durable run the WAL grew to 3 GB. From here the rest is what was written since the last
    /// background pass, and the next batch starts the WAL over. It costs the writer a pause (the copy and a
    /// sync of the database file: 45-70 ms after ten seconds of saturated writing on the benchmark machine,
    /// when the WAL had grown to 120,000 frames), so it is rare. A checkpoint that finds another one under
    /// way, or a reader still on old pages, leaves the WAL as it is until the next turn.
    async fn bound_the_wal(&mut self) {
        if self.last_checkpoint.elapsed() < self.checkpoint_every {
            return;
        }
        self.last_checkpoint = Instant::now();
        let Some(connection) = self.connection.as_mut().filter(|_| self.backend == Backend::Sqlite) else {
            return;
        };
        let checkpoint: Result<(i64, i64, i64), _> = sqlx::query_as("PRAGMA wal_checkpoint(PASSIVE)")
            .fetch_one(&mut **connection)
            .await;
        match checkpoint {
            Ok((busy, frames, copied)) => tracing::debug!(
                busy,
                frames,
                copied,
                elapsed_ms = self.last_checkpoint.elapsed().as_millis() as u64,
                "writer checkpoint"
            ),
            Err(error) => tracing::debug!(%error, "writer checkpoint failed"),
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
        let mut channels: Vec<ChannelId> = drafts.iter().map(|d| d.message.channel_id.clone()).collect();
        channels.sort_unstable();
        channels.dedup();
        let channels: Vec<&ChannelId> = channels.iter().collect();
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
        if self.backend == Backend::Postgres {
            // Locked in channel order until the commit: another instance's batch of the same channel waits,
            // then reads where this one left it (and finds its keys, so a retry sent to both is stored once).
            self.next_sequence = journal::lock_sequences(&mut tx, &channels).await?;
        }
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
use parts::{member_key, millis, read_changes, session_not_active, stored, stored_count};
