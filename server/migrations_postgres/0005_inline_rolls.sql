-- Inline rolls: the `[[dice]]` of a message's body, thrown by the server when it was sent, as a JSON array of
-- roll results in the order they appear (NULL when there are none, which is most messages).
ALTER TABLE messages ADD COLUMN inline_rolls TEXT;
