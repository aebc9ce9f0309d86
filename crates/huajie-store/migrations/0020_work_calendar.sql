-- The working-day calendar (the State Council holiday arrangements) in versions: a saved
-- version never changes. body_sha256 is the SHA-256 of the version's days written as the
-- calendar's CSV file (huajie_core::calendar::WorkCalendar::to_csv).
CREATE TABLE work_calendars (
    id          {{id}},
    version     BIGINT NOT NULL UNIQUE,
    note        TEXT NOT NULL,
    body_sha256 TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

-- Each day off (kind 'holiday') and make-up working day ('makeup_workday') of a version;
-- year is the year whose notice lists the day, provisional 1 for a derived year.
CREATE TABLE work_calendar_days (
    calendar_id BIGINT NOT NULL REFERENCES work_calendars (id),
    year        BIGINT NOT NULL,
    day         TEXT NOT NULL,
    kind        TEXT NOT NULL,
    festival    TEXT NOT NULL,
    provisional BIGINT NOT NULL,
    source      TEXT NOT NULL,
    PRIMARY KEY (calendar_id, day)
);
