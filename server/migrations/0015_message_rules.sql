-- How a campaign lets its messages change: the edit window in minutes after sending (NULL: no limit, 0: editing
-- off) and whether players may pin too. GMs set both; the defaults keep what campaigns had before.
ALTER TABLE campaigns ADD COLUMN edit_window_minutes INTEGER;
ALTER TABLE campaigns ADD COLUMN players_may_pin INTEGER NOT NULL DEFAULT 0;
