-- Issue 15 (case management): the law firms and collection agencies the company engages, with
-- their fee model (`huajie_cases::fees`: 全风险 / 半风险 / 无风险, a fixed fee in fen and a share of
-- recoveries in basis points); a claim's cases (a court, the agency handling it); each case's
-- stages (立案 … 破产分配, in the order `huajie_cases::stage::check_next` allows, dated, with the
-- court's case number when one was given); the interruptions of its limitation period (民法典
-- 第一百九十五条); and its tasks (a title, a due day, an assignee's user name, open or done).
-- Every row is audited. The deadlines are computed from these rows, never stored.
CREATE TABLE case_agencies (
    id          {{id}},
    name        TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL,
    fee_model   TEXT NOT NULL,
    fixed_fen   BIGINT NOT NULL,
    rate_bp     BIGINT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE cases (
    id          {{id}},
    claim_id    BIGINT NOT NULL REFERENCES claims (id),
    court       TEXT NOT NULL,
    agency_id   BIGINT REFERENCES case_agencies (id),
    note        TEXT NOT NULL,
    opened_on   TEXT NOT NULL,
    opened_by   TEXT NOT NULL,
    opened_at   TEXT NOT NULL
);
CREATE INDEX cases_claim ON cases (claim_id);

CREATE TABLE case_stages (
    id           {{id}},
    case_id      BIGINT NOT NULL REFERENCES cases (id),
    seq          BIGINT NOT NULL,
    stage        TEXT NOT NULL,
    happened_on  TEXT NOT NULL,
    case_no      TEXT,
    note         TEXT NOT NULL,
    recorded_by  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    UNIQUE (case_id, seq)
);

CREATE TABLE case_interruptions (
    id           {{id}},
    case_id      BIGINT NOT NULL REFERENCES cases (id),
    kind         TEXT NOT NULL,
    happened_on  TEXT NOT NULL,
    note         TEXT NOT NULL,
    recorded_by  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL
);
CREATE INDEX case_interruptions_case ON case_interruptions (case_id);

CREATE TABLE case_tasks (
    id          {{id}},
    case_id     BIGINT NOT NULL REFERENCES cases (id),
    title       TEXT NOT NULL,
    due_on      TEXT NOT NULL,
    assignee    TEXT NOT NULL,
    status      TEXT NOT NULL,
    done_by     TEXT,
    done_at     TEXT,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX case_tasks_case ON case_tasks (case_id);
CREATE INDEX case_tasks_assignee ON case_tasks (assignee, status);
