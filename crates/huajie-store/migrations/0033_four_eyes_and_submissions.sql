-- Issue 16, points 5 and 7.
-- Four eyes on an override: a risk officer proposes the override of a finding (check_overrides,
-- as before); it takes effect only once a second risk officer approves it
-- (`huajie_rules::standing::may_approve`: not the proposer). One approval per override (UNIQUE).
-- An override recorded before this migration has no approval: it waits for one.
CREATE TABLE check_override_approvals (
    id           {{id}},
    override_id  BIGINT NOT NULL UNIQUE REFERENCES check_overrides (id),
    check_id     BIGINT NOT NULL REFERENCES deal_checks (id),
    approved_by  TEXT NOT NULL,
    approved_at  TEXT NOT NULL
);
CREATE INDEX check_override_approvals_check ON check_override_approvals (check_id);

-- The quarterly report submitted to the regulator: the quarter's recorded result it was made
-- from (and that result's hash), by whom and when; a correction (the quarter recorded again)
-- submitted is the next version (`huajie_rules::reporting`).
CREATE TABLE report_submissions (
    id            {{id}},
    quarter_end   TEXT NOT NULL,
    version       BIGINT NOT NULL,
    result_id     BIGINT NOT NULL UNIQUE REFERENCES indicator_results (id),
    body_sha256   TEXT NOT NULL,
    submitted_by  TEXT NOT NULL,
    submitted_at  TEXT NOT NULL,
    UNIQUE (quarter_end, version)
);

-- The regulator's acknowledgement of a submission: once (UNIQUE), by whom, when, with a comment.
CREATE TABLE report_acknowledgements (
    id               {{id}},
    submission_id    BIGINT NOT NULL UNIQUE REFERENCES report_submissions (id),
    comment          TEXT NOT NULL,
    acknowledged_by  TEXT NOT NULL,
    acknowledged_at  TEXT NOT NULL
);
