-- Issue 14: the version of everything a bidder's screening reads (the party graph, the
-- investors, the plans and their claims, the company, the parameters): the audit chain's
-- sequence number of the last change that was not a bid, a deposit or a session
-- (`WriteTx::commit`). A screening verdict kept at one version is good until it moves.
ALTER TABLE audit_head ADD COLUMN book_seq BIGINT NOT NULL DEFAULT 0;
