-- The validation report of each import, kept so that it can be shown and downloaded again.
ALTER TABLE tape_imports ADD COLUMN report_json TEXT;
