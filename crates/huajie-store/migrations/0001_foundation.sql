-- Huajie foundation schema, for SQLite and PostgreSQL alike. `{{id}}` stands for the
-- dialect's generated primary key (see db.rs); everything else is common SQL.
CREATE TABLE company (
    id          BIGINT PRIMARY KEY CHECK (id = 1),
    name        TEXT NOT NULL,
    uscc        TEXT NOT NULL,
    province    TEXT NOT NULL,
    licence_no  TEXT NOT NULL,
    licensed_on TEXT NOT NULL
);

CREATE TABLE parties (
    id         {{id}},
    kind       TEXT NOT NULL,
    name       TEXT NOT NULL,
    identifier TEXT NOT NULL UNIQUE,
    province   TEXT,
    status     TEXT NOT NULL,
    address    TEXT,
    phone      TEXT
);

CREATE TABLE packages (
    id            {{id}},
    code          TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    transferor_id BIGINT NOT NULL REFERENCES parties (id),
    cutoff_date   TEXT NOT NULL,
    status        TEXT NOT NULL,
    acquired_on   TEXT,
    price_fen     BIGINT
);

CREATE TABLE claims (
    id                 {{id}},
    package_id         BIGINT NOT NULL REFERENCES packages (id),
    contract_no        TEXT NOT NULL,
    debtor_id          BIGINT NOT NULL REFERENCES parties (id),
    principal_fen      BIGINT NOT NULL,
    interest_fen       BIGINT NOT NULL,
    penalty_fen        BIGINT NOT NULL,
    advanced_costs_fen BIGINT NOT NULL,
    five_class         TEXT,
    litigation_stage   TEXT,
    default_date       TEXT,
    limitation_date    TEXT,
    province           TEXT,
    UNIQUE (package_id, contract_no)
);
CREATE INDEX claims_debtor ON claims (debtor_id);

CREATE TABLE collateral (
    id                  {{id}},
    collateral_type     TEXT NOT NULL,
    description         TEXT NOT NULL,
    address             TEXT,
    province            TEXT,
    appraised_value_fen BIGINT NOT NULL,
    appraisal_date      TEXT,
    lien_rank           BIGINT NOT NULL,
    prior_claims_fen    BIGINT NOT NULL,
    owner_id            BIGINT REFERENCES parties (id)
);

CREATE TABLE claim_collateral (
    claim_id      BIGINT NOT NULL REFERENCES claims (id),
    collateral_id BIGINT NOT NULL REFERENCES collateral (id),
    PRIMARY KEY (claim_id, collateral_id)
);
CREATE INDEX claim_collateral_collateral ON claim_collateral (collateral_id);

CREATE TABLE guarantees (
    id           {{id}},
    claim_id     BIGINT NOT NULL REFERENCES claims (id),
    guarantor_id BIGINT NOT NULL REFERENCES parties (id),
    kind         TEXT,
    cap_fen      BIGINT
);
CREATE INDEX guarantees_claim ON guarantees (claim_id);
CREATE INDEX guarantees_guarantor ON guarantees (guarantor_id);

CREATE TABLE users (
    id            {{id}},
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    active        BIGINT NOT NULL,
    created_at    TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE login_failures (
    id       {{id}},
    username TEXT NOT NULL,
    client   TEXT NOT NULL,
    at       TEXT NOT NULL
);
CREATE INDEX login_failures_username ON login_failures (username, at);

CREATE TABLE audit_log (
    seq         BIGINT PRIMARY KEY,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    before_json TEXT,
    after_json  TEXT,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);

-- The head of the chain: one row, updated in every writing transaction, which also makes
-- it the lock that orders concurrent writers.
CREATE TABLE audit_head (
    id   BIGINT PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
