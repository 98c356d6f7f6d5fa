-- No query reads the game journal by campaign (news is read in id order), and every chat message said in a
-- session room adds an entry: this index cost one more randomly placed B-tree page written per message (the
-- durable-sends benchmark, BENCHMARKS.md). A reader by campaign can bring it back, or a partial index that
-- leaves out chat facts.
DROP INDEX game_events_campaign;
