-- Slash commands: blind rolls hide from their roller (GMs still read them), and a roll's dice are stored with
-- the message so the roll card never changes.
ALTER TABLE messages ADD COLUMN audience_blind INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN roll TEXT;
