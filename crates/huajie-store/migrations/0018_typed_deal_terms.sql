-- Issue 21: a check keeps what it decided on as typed terms (`huajie_rules::terms::DealTerms`,
-- JSON with the kind as a tag) rather than the JSON its page described. Checks recorded
-- before keep that JSON in the renamed column and are read into the typed terms; their
-- audited form changes, so they are restated in the chain (`RESTATEMENTS`).
ALTER TABLE deal_checks RENAME COLUMN deal TO terms;
