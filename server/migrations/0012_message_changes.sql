-- A message's life (edits, deletes, reactions, pins): each change is a row of its own in `messages`, with its
-- own sequence id, naming the message it changes. The changed row is never updated. `change` holds the change
-- as JSON (what it does, and the changed message's sender, so visibility needs no join); `target_id` is the
-- changed message's id, indexed so a page of messages finds its changes in one read.
ALTER TABLE messages ADD COLUMN target_id TEXT;
ALTER TABLE messages ADD COLUMN change TEXT;
CREATE INDEX messages_changes ON messages(channel_id, target_id) WHERE target_id IS NOT NULL;
