-- Issue 14: a lot's sale, recorded in the close's own transaction (`WriteTx::record_sale`):
-- what was sold (the plan's subject: a claim, a collateral item or the package), to whom, at
-- what price, the deposit applied and the balance due, and beside the price the approved
-- reserve, the latest valuation and the acquisition cost of what was sold when known, and the
-- recovery (`huajie_decide::sale::figures`). One sale per lot.
CREATE TABLE sales (
    id                  {{id}},
    lot_id              BIGINT NOT NULL UNIQUE REFERENCES lots (id),
    plan_id             BIGINT NOT NULL REFERENCES disposal_plans (id),
    package_id          BIGINT NOT NULL REFERENCES packages (id),
    subject_kind        TEXT NOT NULL,
    claim_id            BIGINT REFERENCES claims (id),
    collateral_id       BIGINT REFERENCES collateral (id),
    buyer_id            BIGINT NOT NULL REFERENCES users (id),
    price_fen           BIGINT NOT NULL,
    deposit_applied_fen BIGINT NOT NULL,
    balance_due_fen     BIGINT NOT NULL,
    reserve_fen         BIGINT,
    valuation_fen       BIGINT,
    cost_fen            BIGINT,
    recovery_fen        BIGINT,
    sold_on             TEXT NOT NULL,
    recorded_by         TEXT NOT NULL,
    recorded_at         TEXT NOT NULL
);
CREATE INDEX sales_package ON sales (package_id);
