-- Tape intake keeps everything a tape says (issue 12).
-- 是否核销: the bank's written-off flag, 1 or 0; NULL when the tape does not say.
ALTER TABLE claims ADD COLUMN written_off BIGINT;

-- A guarantor a tape names without a valid ID number is kept: `identifier` is NULL for it
-- (it stays UNIQUE for the parties that have one: NULLs never collide), its kind is the
-- `kind` column's alone, and an ID that fails its check is kept as written in
-- `id_as_written`. PostgreSQL drops the NOT NULL in place; SQLite cannot, so it rebuilds
-- the table with the same ids; the line below has the runner turn foreign-key enforcement
-- off for this migration on SQLite and check every reference before it commits (db.rs).
--@sqlite-foreign-keys-off
--@postgres
ALTER TABLE parties ALTER COLUMN identifier DROP NOT NULL;
--@postgres
ALTER TABLE parties ADD COLUMN id_as_written TEXT;
--@sqlite
CREATE TEMP TABLE parties_before_0011 AS SELECT id, kind, name, identifier, province, status, address, phone FROM parties;
--@sqlite
DROP TABLE parties;
--@sqlite
CREATE TABLE parties (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    kind          TEXT NOT NULL,
    name          TEXT NOT NULL,
    identifier    TEXT UNIQUE,
    province      TEXT,
    status        TEXT NOT NULL,
    address       TEXT,
    phone         TEXT,
    id_as_written TEXT
);
--@sqlite
INSERT INTO parties (id, kind, name, identifier, province, status, address, phone)
    SELECT id, kind, name, identifier, province, status, address, phone FROM parties_before_0011;
--@sqlite
DROP TABLE parties_before_0011;

-- Each import attempt, recorded before the load begins and marked loaded inside the load's
-- own transaction; one left unmarked was cut short, and nothing of it was written.
-- `package_code`: the package may not exist until the load commits. `process`: host, pid
-- and start time of the process that ran it, to tell a running attempt from a dead one.
CREATE TABLE tape_import_attempts (
    id           {{id}},
    package_code TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    file_sha256  TEXT NOT NULL,
    started_by   TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    process      TEXT,
    finished_at  TEXT,
    outcome      TEXT,
    import_id    BIGINT REFERENCES tape_imports (id),
    detail       TEXT
);
CREATE INDEX tape_import_attempts_package ON tape_import_attempts (package_code, id);
