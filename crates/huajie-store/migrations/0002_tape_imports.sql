-- Tape intake: each import of a package's tape is a version.
CREATE TABLE tape_imports (
    id               {{id}},
    package_id       BIGINT NOT NULL REFERENCES packages (id),
    version          BIGINT NOT NULL,
    file_name        TEXT NOT NULL,
    file_sha256      TEXT NOT NULL,
    cutoff_date      TEXT NOT NULL,
    policy           TEXT NOT NULL,
    rows_read        BIGINT NOT NULL,
    claims_loaded    BIGINT NOT NULL,
    rows_rejected    BIGINT NOT NULL,
    warnings         BIGINT NOT NULL,
    completeness_pct BIGINT NOT NULL,
    imported_by      TEXT NOT NULL,
    imported_at      TEXT NOT NULL,
    UNIQUE (package_id, version)
);
