-- Replies and the pinned list. `reply` holds a reply's quote of the message it answers as JSON (with that
-- message's audience and sender, so whether a viewer may see the quote needs no join); NULL for most messages.
-- `change_kind` is a change's kind (edit, delete, react, unreact, pin, unpin) as a column of its own, so the
-- pinned list of a channel is read through a small index of pins and unpins instead of every reaction.
ALTER TABLE messages ADD COLUMN reply TEXT;
ALTER TABLE messages ADD COLUMN change_kind TEXT;
UPDATE messages SET change_kind = (change::json)->>'kind' WHERE change IS NOT NULL;
CREATE INDEX messages_pins ON messages(channel_id, sequence_id) WHERE change_kind IN ('pin', 'unpin');
