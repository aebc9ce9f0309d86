-- Each transferor's saved column mapping: a header (normalised) and the field it means,
-- or NULL for a column to leave out. Reused on the next tape from the same bank.
CREATE TABLE mapping_profiles (
    id                    {{id}},
    transferor_identifier TEXT NOT NULL,
    header                TEXT NOT NULL,
    field                 TEXT,
    UNIQUE (transferor_identifier, header)
);
