-- `huajie audit verify` reads the chain's records of one entity in order (the rows of a tape,
-- a million at a large book, compared entity by entity): an index by entity and number.
CREATE INDEX audit_log_entity_seq ON audit_log (entity, seq);
