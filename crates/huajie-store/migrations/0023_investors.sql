-- Issue 14: investors who register on the portal. One profile per investor user: an
-- individual or a company, its identifier (resident ID or USCC, one registration each), the
-- party it is in the party graph (created when unknown, for the screening), its status
-- (huajie_decide::InvestorStatus, changed through WriteTx::set_status), the request for more
-- documents it reads and the reason of a refusal (staff only). Its KYC documents are kept with
-- their SHA-256; each registration attempt is counted per source (huajie_core::throttle).
CREATE TABLE investors (
    id            {{id}},
    user_id       BIGINT NOT NULL UNIQUE REFERENCES users (id),
    kind          TEXT NOT NULL,
    name          TEXT NOT NULL,
    identifier    TEXT NOT NULL UNIQUE,
    legal_rep     TEXT,
    phone         TEXT NOT NULL,
    email         TEXT NOT NULL,
    party_id      BIGINT NOT NULL REFERENCES parties (id),
    status        TEXT NOT NULL,
    request       TEXT,
    refusal       TEXT,
    registered_at TEXT NOT NULL,
    decided_by    TEXT,
    decided_at    TEXT
);

CREATE INDEX investors_status ON investors (status);

--@sqlite
CREATE TABLE investor_documents (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    investor_id BIGINT NOT NULL REFERENCES investors (id),
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL,
    content     BLOB NOT NULL,
    bytes       BIGINT NOT NULL,
    sha256      TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
);
--@postgres
CREATE TABLE investor_documents (
    id          BIGSERIAL PRIMARY KEY,
    investor_id BIGINT NOT NULL REFERENCES investors (id),
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL,
    content     BYTEA NOT NULL,
    bytes       BIGINT NOT NULL,
    sha256      TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
);

CREATE INDEX investor_documents_investor ON investor_documents (investor_id);

CREATE TABLE registration_attempts (
    id     {{id}},
    client TEXT NOT NULL,
    at     TEXT NOT NULL
);

CREATE INDEX registration_attempts_client ON registration_attempts (client, at);
