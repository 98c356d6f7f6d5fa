-- What members say and roll in session rooms ('chat_message' and 'roll', nearly all of the journal under load)
-- is never news for the table. This partial index holds only the other entries, so the notice poster reads
-- news without reading past every chat fact (and without moving its cursor, a write of its own, for pages of
-- them), and recording a chat fact adds nothing to the index. news.rs's query repeats this WHERE clause
-- word for word so that SQLite uses the index (a test checks the query plan).
CREATE INDEX game_events_news ON game_events(id) WHERE kind NOT IN ('chat_message', 'roll');
