-- Issue 14: lots on the investor portal (one per approved plan, from its published
-- announcement), the investors' deposits, the bidders admitted with their numbers (竞买号),
-- and the bids in one order per lot (`huajie-auction`). A bid's place is its sequence number:
-- the primary key (lot, seq) and the guarded `UPDATE lots … WHERE last_seq = …` keep one order
-- that every server shares.
CREATE TABLE lots (
    id                {{id}},
    plan_id           BIGINT NOT NULL REFERENCES disposal_plans (id),
    announcement_id   BIGINT NOT NULL REFERENCES announcements (id),
    title             TEXT NOT NULL,
    mode              TEXT NOT NULL,
    start_price_fen   BIGINT NOT NULL,
    increment_fen     BIGINT NOT NULL,
    reserve_fen       BIGINT,
    deposit_fen       BIGINT NOT NULL,
    starts_at         TEXT NOT NULL,
    scheduled_end     TEXT NOT NULL,
    ends_at           TEXT NOT NULL,
    extension_minutes BIGINT NOT NULL,
    status            TEXT NOT NULL,
    last_seq          BIGINT NOT NULL,
    outcome           TEXT,
    winner_id         BIGINT REFERENCES users (id),
    price_fen         BIGINT,
    closed_at         TEXT,
    closed_by         TEXT,
    created_by        TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    UNIQUE (plan_id)
);
CREATE INDEX lots_status ON lots (status, ends_at);

CREATE TABLE lot_deposits (
    id            {{id}},
    lot_id        BIGINT NOT NULL REFERENCES lots (id),
    investor_id   BIGINT NOT NULL REFERENCES users (id),
    amount_fen    BIGINT NOT NULL,
    reference     TEXT NOT NULL,
    status        TEXT NOT NULL,
    recorded_at   TEXT NOT NULL,
    confirmed_by  TEXT,
    confirmed_at  TEXT,
    settled_at    TEXT,
    UNIQUE (lot_id, investor_id)
);

CREATE TABLE lot_bidders (
    lot_id       BIGINT NOT NULL REFERENCES lots (id),
    investor_id  BIGINT NOT NULL REFERENCES users (id),
    number       BIGINT NOT NULL,
    admitted_at  TEXT NOT NULL,
    PRIMARY KEY (lot_id, investor_id),
    UNIQUE (lot_id, number)
);

CREATE TABLE lot_bids (
    lot_id       BIGINT NOT NULL REFERENCES lots (id),
    seq          BIGINT NOT NULL,
    investor_id  BIGINT NOT NULL REFERENCES users (id),
    amount_fen   BIGINT NOT NULL,
    at           TEXT NOT NULL,
    PRIMARY KEY (lot_id, seq)
);
