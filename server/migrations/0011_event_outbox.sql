-- The event stream's outbox (server/src/events): one row per committed message, written in the message's own
-- transaction while an event broker is configured, relayed to the broker in id order and deleted once the
-- broker has it. The id grows with every insert, so within a channel (whose batches commit one after another)
-- the rows read back in commit order.
CREATE TABLE event_outbox (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    channel_id TEXT NOT NULL,
    event_id   TEXT NOT NULL,
    envelope   TEXT NOT NULL
);
