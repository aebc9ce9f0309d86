-- Tape intake keeps everything a tape says (issue 12).
-- 是否核销: the bank's written-off flag, 1 or 0; NULL when the tape does not say.
ALTER TABLE claims ADD COLUMN written_off BIGINT;
