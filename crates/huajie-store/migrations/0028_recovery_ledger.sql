-- Issue 15, the recovery ledger (huajie-ledger; docs/ledger.md): journal entries in fen and
-- their lines on the chart's accounts, each line for a claim and a case when it concerns one;
-- receipts with their source and how they paid what was owed; expenses by package, claim and
-- case; reversals as entries naming the entry they reverse (once: UNIQUE); bank statement and
-- court notice lines by fingerprint (UNIQUE: a file imported again posts nothing twice). A
-- line's case is the case management's case id (issue 15, its own migration): no reference.
CREATE TABLE ledger_entries (
    id          {{id}},
    kind        TEXT NOT NULL,
    entry_date  TEXT NOT NULL,
    package_id  BIGINT REFERENCES packages (id),
    reverses_id BIGINT UNIQUE REFERENCES ledger_entries (id),
    memo        TEXT NOT NULL,
    posted_by   TEXT NOT NULL,
    posted_at   TEXT NOT NULL
);
CREATE INDEX ledger_entries_package ON ledger_entries (package_id);
CREATE INDEX ledger_entries_date ON ledger_entries (entry_date);

CREATE TABLE ledger_lines (
    entry_id   BIGINT NOT NULL REFERENCES ledger_entries (id),
    line_no    BIGINT NOT NULL,
    account    TEXT NOT NULL,
    side       TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    claim_id   BIGINT REFERENCES claims (id),
    case_id    BIGINT,
    PRIMARY KEY (entry_id, line_no)
);
CREATE INDEX ledger_lines_claim ON ledger_lines (claim_id);

CREATE TABLE ledger_receipts (
    entry_id      BIGINT PRIMARY KEY REFERENCES ledger_entries (id),
    claim_id      BIGINT NOT NULL REFERENCES claims (id),
    case_id       BIGINT,
    source        TEXT NOT NULL,
    court_ordered BIGINT NOT NULL,
    amount_fen    BIGINT NOT NULL,
    costs_fen     BIGINT NOT NULL,
    interest_fen  BIGINT NOT NULL,
    principal_fen BIGINT NOT NULL,
    payer         TEXT NOT NULL
);
CREATE INDEX ledger_receipts_claim ON ledger_receipts (claim_id);

CREATE TABLE ledger_expenses (
    entry_id   BIGINT PRIMARY KEY REFERENCES ledger_entries (id),
    kind       TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    claim_id   BIGINT REFERENCES claims (id),
    case_id    BIGINT,
    payee      TEXT NOT NULL
);

CREATE TABLE statement_lines (
    id          {{id}},
    fingerprint TEXT NOT NULL UNIQUE,
    file_name   TEXT NOT NULL,
    line_date   TEXT NOT NULL,
    amount_fen  BIGINT NOT NULL,
    payer       TEXT NOT NULL,
    reference   TEXT NOT NULL,
    status      TEXT NOT NULL,
    candidates  TEXT NOT NULL,
    note        TEXT NOT NULL,
    entry_id    BIGINT REFERENCES ledger_entries (id),
    imported_by TEXT NOT NULL,
    imported_at TEXT NOT NULL
);
