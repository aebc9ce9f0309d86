-- Issue 16, point 4 (reports fit to sign): a valuation run reviewed by a second person. One row
-- per reviewed run (UNIQUE: a run is reviewed once), audited; the run's own row is left as
-- recorded. `huajie_value::review::check_review` refuses the run's preparer.
CREATE TABLE valuation_reviews (
    id           {{id}},
    run_id       BIGINT NOT NULL UNIQUE REFERENCES valuation_runs (id),
    reviewed_by  TEXT NOT NULL,
    reviewed_at  TEXT NOT NULL
);
