-- Messages were stored clustered by channel (a WITHOUT ROWID table keyed by channel and sequence id), so with
-- many busy channels every new message went into its own channel's leaf of the table: a random 4 KiB page,
-- holding only about a dozen rows, rewritten into the WAL by each commit and split every dozen messages. Now
-- rows are stored in the order they are committed (the rowid grows), so a commit's rows fill a few adjacent
-- pages at the end of the table, and the channel's order lives in a compact unique index on
-- (channel_id, sequence_id), whose leaves hold several times more entries than the table's did. Every query
-- names a channel and a sequence range, or a message id, and reads through an index as before. The durable-
-- sends measurement (BENCHMARKS.md) and the history measurement were taken before and after.
CREATE TABLE messages_in_commit_order (
    channel_id        TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    sequence_id       INTEGER NOT NULL,
    id                TEXT NOT NULL UNIQUE,
    sent_at           INTEGER NOT NULL,
    kind              TEXT NOT NULL,
    actor_kind        TEXT NOT NULL,
    actor_id          TEXT,
    actor_label       TEXT NOT NULL,
    sender_id         TEXT REFERENCES users(id),
    body              TEXT NOT NULL,
    mentions          TEXT NOT NULL DEFAULT '[]',
    audience_scope    TEXT NOT NULL CHECK (audience_scope IN ('all', 'gm_only', 'targets')),
    audience_targets  TEXT NOT NULL DEFAULT '[]',
    client_message_id TEXT,
    audience_gms      INTEGER NOT NULL DEFAULT 0,
    audience_blind    INTEGER NOT NULL DEFAULT 0,
    roll              TEXT
);
INSERT INTO messages_in_commit_order (channel_id, sequence_id, id, sent_at, kind, actor_kind, actor_id,
        actor_label, sender_id, body, mentions, audience_scope, audience_targets, client_message_id, audience_gms,
        audience_blind, roll)
    SELECT channel_id, sequence_id, id, sent_at, kind, actor_kind, actor_id, actor_label, sender_id, body,
        mentions, audience_scope, audience_targets, client_message_id, audience_gms, audience_blind, roll
    FROM messages ORDER BY sent_at, channel_id, sequence_id;
DROP TABLE messages;
ALTER TABLE messages_in_commit_order RENAME TO messages;
CREATE UNIQUE INDEX messages_channel_sequence ON messages(channel_id, sequence_id);
CREATE UNIQUE INDEX messages_idempotency ON messages(client_message_id, channel_id, sender_id)
    WHERE client_message_id IS NOT NULL;
CREATE UNIQUE INDEX messages_system_idempotency ON messages(channel_id, client_message_id)
    WHERE sender_id IS NULL AND client_message_id IS NOT NULL;
