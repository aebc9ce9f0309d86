-- Issue 14: the sealed-bid tender (招标，密封报价, `huajie_auction::sealed`). Each submission
-- takes the lot's next sequence number (the guarded `UPDATE lots … WHERE last_seq = …` of an
-- auction bid); a bidder's later submission replaces the earlier one (`replaced_by`). The audit
-- chain holds each submission as a commitment (SHA-256 of its salt and amount), never the
-- amount, until the opening records them all. The opening is asked for by one staff user and
-- confirmed by another; then it holds the ranked bids.
CREATE TABLE lot_sealed_bids (
    lot_id       BIGINT NOT NULL REFERENCES lots (id),
    seq          BIGINT NOT NULL,
    investor_id  BIGINT NOT NULL REFERENCES users (id),
    amount_fen   BIGINT NOT NULL,
    salt         TEXT NOT NULL,
    at           TEXT NOT NULL,
    replaced_by  BIGINT,
    PRIMARY KEY (lot_id, seq)
);
CREATE INDEX lot_sealed_bids_current ON lot_sealed_bids (lot_id, investor_id, replaced_by);

CREATE TABLE lot_openings (
    lot_id        BIGINT PRIMARY KEY REFERENCES lots (id),
    requested_by  TEXT NOT NULL,
    requested_at  TEXT NOT NULL,
    opened_by     TEXT,
    opened_at     TEXT,
    opening       TEXT
);
