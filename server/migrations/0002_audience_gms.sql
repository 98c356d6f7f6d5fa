-- Whether GMs may read a whisper they are not part of, decided when it was sent (the campaign's
-- gm_sees_whispers at that moment) and never recomputed.
ALTER TABLE messages ADD COLUMN audience_gms INTEGER NOT NULL DEFAULT 0;
