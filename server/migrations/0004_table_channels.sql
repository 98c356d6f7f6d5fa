-- Off-game lane: every campaign gets a #general table channel (new campaigns create it themselves).
-- Ids here are 26 upper-case hex characters, the same length and alphabet class as the ULIDs the code makes.
INSERT INTO channels (id, kind, campaign_id, context_type, context_id, name, created_at)
SELECT upper(hex(randomblob(13))), 'table', c.id, 'campaign_table', c.id || ':general', 'general', c.created_at
FROM campaigns c
WHERE NOT EXISTS (
    SELECT 1 FROM channels t WHERE t.context_type = 'campaign_table' AND t.context_id = c.id || ':general'
);
