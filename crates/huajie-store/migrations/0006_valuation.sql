-- Valuation HV-1: what a retail segment needs from the tape; assumption sets (named,
-- versioned, never changed once saved); valuation runs and each claim's result in them.
ALTER TABLE claims ADD COLUMN product TEXT;
ALTER TABLE claims ADD COLUMN days_past_due BIGINT;

CREATE TABLE assumption_sets (
    id          {{id}},
    name        TEXT NOT NULL,
    version     BIGINT NOT NULL,
    based_on    BIGINT REFERENCES assumption_sets (id),
    body        TEXT NOT NULL,
    body_sha256 TEXT NOT NULL,
    note        TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (name, version)
);

CREATE TABLE valuation_runs (
    id                {{id}},
    package_id        BIGINT NOT NULL REFERENCES packages (id),
    model_version     TEXT NOT NULL,
    assumption_set_id BIGINT NOT NULL REFERENCES assumption_sets (id),
    assumption_sha256 TEXT NOT NULL,
    tape_import_id    BIGINT REFERENCES tape_imports (id),
    input_sha256      TEXT NOT NULL,
    valuation_date    TEXT NOT NULL,
    target_irr_bps    BIGINT NOT NULL,
    scenarios         BIGINT NOT NULL,
    seed              BIGINT NOT NULL,
    stress            TEXT,
    bid_fen           BIGINT NOT NULL,
    price_fen         BIGINT NOT NULL,
    results           TEXT NOT NULL,
    created_by        TEXT NOT NULL,
    created_at        TEXT NOT NULL
);
CREATE INDEX valuation_runs_package ON valuation_runs (package_id);

CREATE TABLE valuation_claims (
    run_id         BIGINT NOT NULL REFERENCES valuation_runs (id),
    claim_id       BIGINT NOT NULL REFERENCES claims (id),
    pv_fen         BIGINT NOT NULL,
    allocation_fen BIGINT NOT NULL,
    result         TEXT NOT NULL,
    PRIMARY KEY (run_id, claim_id)
);
