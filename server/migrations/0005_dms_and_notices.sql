-- Direct messages: who may read a `direct` channel (the game authority writes these rows with the channel).
CREATE TABLE channel_members (
    channel_id TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (channel_id, user_id)
) WITHOUT ROWID;
CREATE INDEX channel_members_user ON channel_members(user_id);

-- System notices are posted once per game event: their key is the event, so a retry after a crash between
-- posting and moving the cursor finds the notice already stored.
CREATE UNIQUE INDEX messages_system_idempotency ON messages(channel_id, client_message_id)
    WHERE sender_id IS NULL AND client_message_id IS NOT NULL;

-- How far the chat service has turned game events into notices (chat's own table). Existing databases start
-- after their last event, so an upgrade does not announce the past.
CREATE TABLE chat_notice_cursor (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    last_event_id INTEGER NOT NULL
);
INSERT INTO chat_notice_cursor (id, last_event_id) SELECT 1, COALESCE(MAX(id), 0) FROM game_events;
