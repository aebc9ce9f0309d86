-- Issue 16, point 8: the party list is paged in SQL and sorted by name in pinyin order
-- (安 < 北京 < 长沙 < 重庆 < 浙江), not by code point. The key is `huajie_core::collate::pinyin_key`
-- of the name, written with every new party; rows from before are filled when the store
-- migrates (`Store::fill_name_keys`), since SQL cannot compute it.
ALTER TABLE parties ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
CREATE INDEX parties_name_key ON parties (name_key, name, id);
