-- Compliance: the figures the six indicators read (net assets by quarter-end, the investment
-- ledger, the funding book with its schedule, the cash calendar, liquid assets, exposures
-- other than the claims held, the party graph: holdings and control, officers, relatives),
-- and the versioned rule parameter sets.
CREATE TABLE rule_parameter_sets (
    id          {{id}},
    version     BIGINT NOT NULL UNIQUE,
    body        TEXT NOT NULL,
    body_sha256 TEXT NOT NULL,
    note        TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE net_assets (
    id          {{id}},
    quarter_end TEXT NOT NULL UNIQUE,
    amount_fen  BIGINT NOT NULL,
    source      TEXT NOT NULL
);

CREATE TABLE investments (
    id          {{id}},
    booked_on   TEXT NOT NULL,
    amount_fen  BIGINT NOT NULL,
    kind        TEXT NOT NULL,
    description TEXT NOT NULL
);

CREATE TABLE funding_instruments (
    id            {{id}},
    label         TEXT NOT NULL,
    channel       TEXT NOT NULL,
    lender_id     BIGINT NOT NULL REFERENCES parties (id),
    principal_fen BIGINT NOT NULL,
    start_date    TEXT NOT NULL,
    maturity_date TEXT NOT NULL
);

CREATE TABLE funding_payments (
    instrument_id BIGINT NOT NULL REFERENCES funding_instruments (id),
    due_date      TEXT NOT NULL,
    principal_fen BIGINT NOT NULL,
    interest_fen  BIGINT NOT NULL,
    PRIMARY KEY (instrument_id, due_date)
);

CREATE TABLE cash_flows (
    id         {{id}},
    label      TEXT NOT NULL,
    due_date   TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    inflow     BIGINT NOT NULL
);

CREATE TABLE liquid_assets (
    id         {{id}},
    label      TEXT NOT NULL,
    kind       TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    encumbered BIGINT NOT NULL
);

CREATE TABLE exposures (
    id             {{id}},
    party_id       BIGINT NOT NULL REFERENCES parties (id),
    kind           TEXT NOT NULL,
    book_value_fen BIGINT NOT NULL,
    description    TEXT NOT NULL
);

CREATE TABLE party_links (
    id         {{id}},
    holder_id  BIGINT NOT NULL REFERENCES parties (id),
    held_id    BIGINT NOT NULL REFERENCES parties (id),
    stake_bps  BIGINT NOT NULL,
    control    BIGINT NOT NULL,
    UNIQUE (holder_id, held_id)
);

CREATE TABLE officers (
    party_id BIGINT NOT NULL REFERENCES parties (id) PRIMARY KEY,
    role     TEXT NOT NULL
);

CREATE TABLE relatives (
    a_id BIGINT NOT NULL REFERENCES parties (id),
    b_id BIGINT NOT NULL REFERENCES parties (id),
    PRIMARY KEY (a_id, b_id)
);
