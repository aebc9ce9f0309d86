-- The company's own profile (capital, main-business lines, the items behind its net assets),
-- saved as versions: each in force from its date, never changed once saved.
CREATE TABLE company_profiles (
    id             {{id}},
    version        BIGINT NOT NULL UNIQUE,
    effective_from TEXT NOT NULL,
    body           TEXT NOT NULL,
    body_sha256    TEXT NOT NULL,
    note           TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL
);
