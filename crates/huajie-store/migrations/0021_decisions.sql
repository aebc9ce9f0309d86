-- Issue 13: the decision committee (members with terms, meetings, attendance, agenda items,
-- who worked on each item, named votes), disposal plans with their documents, and the
-- versions of disposal announcements. Every row is audited; a published announcement's body
-- is never edited (a correction is the next version).
CREATE TABLE committee_members (
    id         {{id}},
    username   TEXT NOT NULL REFERENCES users (username),
    title      TEXT NOT NULL,
    term_from  TEXT NOT NULL,
    term_to    TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE committee_meetings (
    id            {{id}},
    title         TEXT NOT NULL,
    scheduled_for TEXT NOT NULL,
    place         TEXT NOT NULL,
    status        TEXT NOT NULL,
    opened_at     TEXT,
    closed_at     TEXT,
    minutes       TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

CREATE TABLE meeting_attendance (
    meeting_id BIGINT NOT NULL REFERENCES committee_meetings (id),
    username   TEXT NOT NULL,
    PRIMARY KEY (meeting_id, username)
);

CREATE TABLE disposal_plans (
    id                  {{id}},
    title               TEXT NOT NULL,
    subject_kind        TEXT NOT NULL,
    package_id          BIGINT NOT NULL REFERENCES packages (id),
    claim_id            BIGINT REFERENCES claims (id),
    collateral_id       BIGINT REFERENCES collateral (id),
    method              TEXT NOT NULL,
    exception_code      TEXT,
    exception_reason    TEXT NOT NULL,
    reserve_fen         BIGINT,
    valuation_fen       BIGINT,
    valuation_run_id    BIGINT,
    valuer              TEXT,
    below_reason        TEXT NOT NULL,
    cost_fen            BIGINT,
    check_id            BIGINT REFERENCES deal_checks (id),
    summary             TEXT NOT NULL,
    tier                TEXT NOT NULL,
    status              TEXT NOT NULL,
    prepared_by         TEXT NOT NULL,
    created_at          TEXT NOT NULL
);

CREATE TABLE plan_team (
    plan_id  BIGINT NOT NULL REFERENCES disposal_plans (id),
    username TEXT NOT NULL,
    PRIMARY KEY (plan_id, username)
);

--@sqlite
CREATE TABLE plan_documents (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id     BIGINT NOT NULL REFERENCES disposal_plans (id),
    name        TEXT NOT NULL,
    content     BLOB NOT NULL,
    bytes       BIGINT NOT NULL,
    sha256      TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
);
--@postgres
CREATE TABLE plan_documents (
    id          BIGSERIAL PRIMARY KEY,
    plan_id     BIGINT NOT NULL REFERENCES disposal_plans (id),
    name        TEXT NOT NULL,
    content     BYTEA NOT NULL,
    bytes       BIGINT NOT NULL,
    sha256      TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
);

CREATE TABLE committee_items (
    id          {{id}},
    meeting_id  BIGINT NOT NULL REFERENCES committee_meetings (id),
    kind        TEXT NOT NULL,
    package_id  BIGINT NOT NULL REFERENCES packages (id),
    plan_id     BIGINT REFERENCES disposal_plans (id),
    check_id    BIGINT REFERENCES deal_checks (id),
    price_fen   BIGINT,
    title       TEXT NOT NULL,
    tier        TEXT NOT NULL,
    status      TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    decided_at  TEXT,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE item_workers (
    item_id  BIGINT NOT NULL REFERENCES committee_items (id),
    username TEXT NOT NULL,
    capacity TEXT NOT NULL,
    PRIMARY KEY (item_id, username, capacity)
);

CREATE TABLE committee_votes (
    id       {{id}},
    item_id  BIGINT NOT NULL REFERENCES committee_items (id),
    username TEXT NOT NULL,
    ballot   TEXT NOT NULL,
    reason   TEXT NOT NULL,
    cast_at  TEXT NOT NULL,
    UNIQUE (item_id, username)
);

CREATE TABLE announcements (
    id               {{id}},
    plan_id          BIGINT NOT NULL REFERENCES disposal_plans (id),
    version          BIGINT NOT NULL,
    status           TEXT NOT NULL,
    body             TEXT NOT NULL,
    body_sha256      TEXT NOT NULL,
    province         TEXT NOT NULL,
    asset_kind       TEXT NOT NULL,
    method           TEXT NOT NULL,
    reserve_fen      BIGINT NOT NULL,
    published_at     TEXT,
    published_by     TEXT,
    period_ends_on   TEXT,
    bidding_opens_on TEXT,
    created_by       TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    UNIQUE (plan_id, version)
);
CREATE INDEX announcements_public ON announcements (status, published_at);
