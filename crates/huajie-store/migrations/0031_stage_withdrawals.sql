-- Issue 15 (case management): a stage recorded by mistake is withdrawn, never deleted or edited
-- (`huajie_cases::withdraw`: the latest standing stage only, with a reason). One row per
-- withdrawn stage (UNIQUE: a stage is withdrawn once), audited; the case's current stage, its
-- deadlines and the case numbers the statements are matched by are read without it.
CREATE TABLE case_stage_withdrawals (
    id            {{id}},
    stage_id      BIGINT NOT NULL UNIQUE REFERENCES case_stages (id),
    case_id       BIGINT NOT NULL REFERENCES cases (id),
    reason        TEXT NOT NULL,
    withdrawn_by  TEXT NOT NULL,
    withdrawn_at  TEXT NOT NULL
);
CREATE INDEX case_stage_withdrawals_case ON case_stage_withdrawals (case_id);
