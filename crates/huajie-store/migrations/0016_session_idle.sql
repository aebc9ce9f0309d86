-- A session ends after an idle period (WebConfig::session_idle_minutes): when it was last used,
-- written at most once a minute. Sessions open before this migration count from their login.
ALTER TABLE sessions ADD COLUMN last_seen_at TEXT NOT NULL DEFAULT '';
UPDATE sessions SET last_seen_at = created_at;
