-- Accounts, campaigns, sessions and their channels (the game authority's tables), and the message journal.

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at    INTEGER NOT NULL
);

-- Only a hash of each login token is stored, so a leaked database cannot be replayed as cookies.
CREATE TABLE login_sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX login_sessions_user ON login_sessions(user_id);

CREATE TABLE campaigns (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL,
    created_by       TEXT NOT NULL REFERENCES users(id),
    gm_sees_whispers INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL
);

CREATE TABLE campaign_members (
    campaign_id TEXT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role        TEXT NOT NULL CHECK (role IN ('gm', 'player', 'observer')),
    joined_at   INTEGER NOT NULL,
    PRIMARY KEY (campaign_id, user_id)
);
CREATE INDEX campaign_members_user ON campaign_members(user_id);

CREATE TABLE invites (
    code        TEXT PRIMARY KEY,
    campaign_id TEXT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    created_by  TEXT NOT NULL REFERENCES users(id),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);

CREATE TABLE characters (
    id          TEXT PRIMARY KEY,
    campaign_id TEXT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    created_by  TEXT NOT NULL REFERENCES users(id),
    created_at  INTEGER NOT NULL,
    UNIQUE (campaign_id, name)
);

CREATE TABLE character_controllers (
    character_id TEXT NOT NULL REFERENCES characters(id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (character_id, user_id)
);

CREATE TABLE sessions (
    id          TEXT PRIMARY KEY,
    campaign_id TEXT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    title       TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('scheduled', 'active', 'paused', 'ended')),
    created_at  INTEGER NOT NULL,
    started_at  INTEGER,
    ended_at    INTEGER
);
CREATE INDEX sessions_campaign ON sessions(campaign_id, created_at);

-- A timeline. A session has exactly one channel: UNIQUE(context_type, context_id).
CREATE TABLE channels (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('session', 'table', 'direct')),
    campaign_id  TEXT REFERENCES campaigns(id) ON DELETE CASCADE,
    context_type TEXT NOT NULL,
    context_id   TEXT NOT NULL,
    name         TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    UNIQUE (context_type, context_id)
);

-- The game event journal: append-only facts of the game authority (session lifecycle, membership, ...).
CREATE TABLE game_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id TEXT NOT NULL,
    session_id  TEXT,
    kind        TEXT NOT NULL,
    payload     TEXT NOT NULL,
    recorded_at INTEGER NOT NULL
);
CREATE INDEX game_events_campaign ON game_events(campaign_id, id);

-- Messages: immutable facts, ordered per channel by sequence_id (assigned by the channel's single writer).
CREATE TABLE messages (
    channel_id        TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    sequence_id       INTEGER NOT NULL,
    id                TEXT NOT NULL UNIQUE,
    sent_at           INTEGER NOT NULL,
    kind              TEXT NOT NULL,
    actor_kind        TEXT NOT NULL,
    actor_id          TEXT,
    actor_label       TEXT NOT NULL,
    sender_id         TEXT REFERENCES users(id),
    body              TEXT NOT NULL,
    mentions          TEXT NOT NULL DEFAULT '[]',
    audience_scope    TEXT NOT NULL CHECK (audience_scope IN ('all', 'gm_only', 'targets')),
    audience_targets  TEXT NOT NULL DEFAULT '[]',
    client_message_id TEXT,
    PRIMARY KEY (channel_id, sequence_id)
) WITHOUT ROWID;
-- Idempotent sends: one message per sender and key in a channel.
CREATE UNIQUE INDEX messages_idempotency ON messages(channel_id, sender_id, client_message_id)
    WHERE client_message_id IS NOT NULL;
