-- Issue 15: a purchase records the valuation run its cost basis was spread by (none when the
-- package was bought without one and its price was spread by principal), so that the package's
-- back-test compares what came in with the projection it was bought on, not with a later run.
ALTER TABLE ledger_entries ADD COLUMN valuation_run_id BIGINT REFERENCES valuation_runs (id);
