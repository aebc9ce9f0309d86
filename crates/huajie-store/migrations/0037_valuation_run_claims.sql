-- Issue 17: a run's claims kept small. A run made from now on keeps, in one row, each
-- claim's PV and cost basis in fen (`summary`) and the engine's inputs (`inputs`), both as
-- `huajie_value::recorded` writes them: a few bytes a claim, where a result in JSON per claim
-- took hundreds. A claim's routes, timeline and cash by quarter are computed again from
-- `inputs` under the run's set and options, exactly. Runs made before keep their rows in
-- `valuation_claims`, read as before.
--@sqlite
CREATE TABLE valuation_run_claims (
    run_id  BIGINT PRIMARY KEY REFERENCES valuation_runs (id),
    summary BLOB NOT NULL,
    inputs  BLOB NOT NULL
);
--@postgres
CREATE TABLE valuation_run_claims (
    run_id  BIGINT PRIMARY KEY REFERENCES valuation_runs (id),
    summary BYTEA NOT NULL,
    inputs  BYTEA NOT NULL
);
