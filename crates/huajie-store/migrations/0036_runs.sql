-- Issue 17: a web valuation or import runs in the background, and its progress page reads
-- this row by id (a reload, another tab, after the tab was closed). `kind`: valuation or
-- import. `state`: queued, running, done, failed, cancelled, interrupted. `stage`, `done`
-- and `total`: how far it is (written at stage changes and at most every second or so).
-- `result_id`: the valuation run or the tape import it made; `error`: why it failed (the
-- JSON of a Text, Chinese and English). `process`: host, pid and start time of the server
-- that runs it, so a run left `running` by a dead process is shown interrupted. Times UTC.
CREATE TABLE runs (
    id           {{id}},
    kind         TEXT NOT NULL,
    package_id   BIGINT,
    package_code TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    state        TEXT NOT NULL,
    stage        TEXT NOT NULL,
    done         BIGINT NOT NULL DEFAULT 0,
    total        BIGINT NOT NULL DEFAULT 0,
    result_id    BIGINT,
    error        TEXT,
    process      TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    finished_at  TEXT
);
CREATE INDEX runs_requested_by ON runs (requested_by, id);
