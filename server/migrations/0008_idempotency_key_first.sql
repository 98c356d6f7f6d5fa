-- The idempotency index led with the channel, so with many busy channels each new message landed on its own
-- randomly placed leaf of this index, one more 4 KiB page for the commit to write to the WAL per message (the
-- durable-sends profile, BENCHMARKS.md). Led by the client's key instead: Tabletalk's clients send ULIDs, which
-- begin with the time, so the keys of one commit land together on a few leaves at the end of the index. The
-- same three columns are unique, and lookups give all three, so nothing else changes. Keys that do not sort by
-- time are stored as correctly, only without this saving.
DROP INDEX messages_idempotency;
CREATE UNIQUE INDEX messages_idempotency ON messages(client_message_id, channel_id, sender_id)
    WHERE client_message_id IS NOT NULL;
