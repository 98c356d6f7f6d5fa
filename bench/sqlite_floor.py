#!/usr/bin/env python3
"""What SQLite alone costs for the durable-sends scenario: the storage floor under Tabletalk's writer.

Writes what Tabletalk's writer writes for each chat message of a session room (a `messages` row and a
`game_events` fact, into the same tables and indexes) into a database made by
`tabletalk seed --bench-rooms R --bench-members M`, in transactions of BATCH messages spread over the seeded
session channels, with the server's settings: WAL, `synchronous = FULL` (every commit is synced), a 64 MiB page
cache, temporary storage in memory and a passive checkpoint every 250 ms from a second connection. No sockets,
no parsing, no fan-out: what is left of one core at a given rate is what everything else may use.

Usage: taskset -c 0 python3 bench/sqlite_floor.py DB [BATCH] [SECONDS]
Prints messages/s, commits/s and the share of one core used (user + system CPU of this process over wall time).
"""

import json
import random
import sqlite3
import sys
import threading
import time

COLUMNS = ("channel_id, sequence_id, id, sent_at, kind, actor_kind, actor_id, actor_label, sender_id, body, "
           "mentions, audience_scope, audience_targets, audience_gms, audience_blind, roll, client_message_id")
ROW_CHUNK = 64  # rows per multi-row statement, as the writer does


def open_database(path):
    database = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    for pragma in ("journal_mode = WAL", "synchronous = FULL", "foreign_keys = ON", "wal_autocheckpoint = 0",
                   "cache_size = -65536", "temp_store = MEMORY"):
        database.execute(f"PRAGMA {pragma}")
    return database


def checkpoint_every_quarter_second(path, stop):
    database = open_database(path)
    while not stop.is_set():
        time.sleep(0.25)
        database.execute("PRAGMA wal_checkpoint(PASSIVE)")


def main():
    path = sys.argv[1]
    batch = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 10.0
    database = open_database(path)
    rooms = database.execute(
        "SELECT c.id, c.campaign_id, c.context_id, m.user_id FROM channels c "
        "JOIN campaign_members m ON m.campaign_id = c.campaign_id WHERE c.kind = 'session'").fetchall()
    # Runs may follow one another on the same database: sequences go on from the last, ids carry the run's start.
    next_sequence = dict(database.execute("SELECT channel_id, MAX(sequence_id) FROM messages GROUP BY channel_id"))
    run = f"{int(time.time()) % 16 ** 8:08X}"
    stop = threading.Event()
    threading.Thread(target=checkpoint_every_quarter_second, args=(path, stop), daemon=True).start()
    body = "The door creaks open; a cold draft carries the smell of old smoke."
    counter = 0
    started, cpu_started = time.monotonic(), time.process_time()
    commits = 0
    while time.monotonic() - started < seconds:
        rows, facts = [], []
        now = int(time.time() * 1000)
        for _ in range(batch):
            channel, campaign, session, sender = random.choice(rooms)
            sequence = next_sequence.get(channel, 0) + 1
            next_sequence[channel] = sequence
            counter += 1
            message_id = f"01KF{run}{counter:014d}"
            rows.append((channel, sequence, message_id, now, "chat", "player", None, "Player", sender, body, "[]",
                         "all", "[]", 0, 0, None, f"01KC{run}{counter:014d}"))
            facts.append((campaign, session, "chat_message",
                          json.dumps({"message_id": message_id, "channel_id": channel, "body": body}), now))
        database.execute("BEGIN IMMEDIATE")
        for start in range(0, len(rows), ROW_CHUNK):
            chunk = rows[start:start + ROW_CHUNK]
            marks = ", ".join(["(" + ", ".join("?" * 17) + ")"] * len(chunk))
            database.execute(f"INSERT INTO messages ({COLUMNS}) VALUES {marks}", [v for row in chunk for v in row])
            fact_chunk = facts[start:start + ROW_CHUNK]
            fact_marks = ", ".join(["(?, ?, ?, ?, ?)"] * len(fact_chunk))
            database.execute("INSERT INTO game_events (campaign_id, session_id, kind, payload, recorded_at) "
                             f"VALUES {fact_marks}", [v for fact in fact_chunk for v in fact])
        database.execute("COMMIT")
        commits += 1
    wall = time.monotonic() - started
    cpu = time.process_time() - cpu_started
    stop.set()
    print(f"batch {batch}: {counter / wall:,.0f} messages/s, {commits / wall:.1f} commits/s, "
          f"{100 * cpu / wall:.0f}% of one core ({1e6 * cpu / counter:.1f} us of CPU per message)")


if __name__ == "__main__":
    main()
