-- What a re-imported tape changed in its package (version 2 on).
ALTER TABLE tape_imports ADD COLUMN diff_json TEXT;
