-- A claim outside the home province may still be acquired when a cross-region exception is
-- recorded with its legal basis (rules.md Part G, territorial test): one per claim.
CREATE TABLE cross_region_exceptions (
    claim_id   BIGINT NOT NULL REFERENCES claims (id) PRIMARY KEY,
    basis      TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
