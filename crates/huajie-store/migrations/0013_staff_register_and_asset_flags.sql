-- The staff register (rules.md A10.4 TX3/TX4, Part G transferee screening): everyone employed
-- by the company, and the entities the staff and their declared close relatives take part in
-- (relatives themselves are the `relatives` pairs). And the prohibited-asset flags PX2–PX6 set
-- on a claim or a package by a person, with the reason (rules.md A3.2).
CREATE TABLE staff (
    party_id   BIGINT NOT NULL REFERENCES parties (id) PRIMARY KEY,
    department TEXT NOT NULL
);

CREATE TABLE staff_entities (
    id        {{id}},
    person_id BIGINT NOT NULL REFERENCES parties (id),
    entity_id BIGINT NOT NULL REFERENCES parties (id),
    capacity  TEXT NOT NULL,
    UNIQUE (person_id, entity_id)
);

CREATE TABLE asset_flags (
    id         {{id}},
    package_id BIGINT REFERENCES packages (id),
    claim_id   BIGINT REFERENCES claims (id),
    code       TEXT NOT NULL,
    reason     TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE INDEX asset_flags_package ON asset_flags (package_id);
CREATE INDEX asset_flags_claim ON asset_flags (claim_id);
