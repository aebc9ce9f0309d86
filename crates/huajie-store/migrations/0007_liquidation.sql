-- A valuer's hypothetical-liquidation analysis (假设清算法) of a debtor: one per party, its
-- ratio replacing the model's β for the debtor's unsecured assets.
CREATE TABLE liquidation_analyses (
    id                        {{id}},
    party_id                  BIGINT NOT NULL REFERENCES parties (id),
    effective_assets_fen      BIGINT NOT NULL,
    priority_deductions_fen   BIGINT NOT NULL,
    secured_recoveries_fen    BIGINT NOT NULL,
    effective_liabilities_fen BIGINT NOT NULL,
    secured_claims_fen        BIGINT NOT NULL,
    basis                     TEXT NOT NULL,
    UNIQUE (party_id)
);
