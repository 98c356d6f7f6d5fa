-- A count of changes of who is at the table (members, roles, characters, settings, sessions, channels), bumped
-- in each change's transaction. Chat writers read it in theirs, so a send decided before a change made on
-- another instance is decided again (issue 15). Relative: a copied install starts it over at 0.
CREATE TABLE table_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    value BIGINT NOT NULL
);
INSERT INTO table_generation (id, value) VALUES (1, 0);
