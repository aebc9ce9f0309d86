-- Compliance, part 2: what the checks need to know about a party (state organ, LGFV,
-- licensed financial institution), cross-region exceptions recorded on claims, the official
-- quarter-end results with the parameter version they used, and the pre-trade checks with
-- their findings and the risk role's overrides.
CREATE TABLE party_attributes (
    party_id    BIGINT NOT NULL REFERENCES parties (id) PRIMARY KEY,
    state_organ BIGINT NOT NULL,
    lgfv        BIGINT NOT NULL,
    licensed_fi BIGINT NOT NULL
);

CREATE TABLE indicator_results (
    id                {{id}},
    quarter_end       TEXT NOT NULL,
    parameter_version BIGINT NOT NULL,
    body              TEXT NOT NULL,
    body_sha256       TEXT NOT NULL,
    created_by        TEXT NOT NULL,
    created_at        TEXT NOT NULL
);
CREATE INDEX indicator_results_quarter ON indicator_results (quarter_end);

CREATE TABLE deal_checks (
    id                {{id}},
    kind              TEXT NOT NULL,
    package_id        BIGINT REFERENCES packages (id),
    label             TEXT NOT NULL,
    as_of             TEXT NOT NULL,
    parameter_version BIGINT NOT NULL,
    deal              TEXT NOT NULL,
    result            TEXT NOT NULL,
    blocked           BIGINT NOT NULL,
    created_by        TEXT NOT NULL,
    created_at        TEXT NOT NULL
);
CREATE INDEX deal_checks_package ON deal_checks (package_id);

CREATE TABLE check_overrides (
    id         {{id}},
    check_id   BIGINT NOT NULL REFERENCES deal_checks (id),
    finding    BIGINT NOT NULL,
    reason     TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (check_id, finding)
);
