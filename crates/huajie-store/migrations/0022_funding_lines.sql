-- Issue 13: an acquisition may be paid by a drawing on a funding line (授信额度). A funding
-- instrument with a limit is a line: its principal outstanding may grow to the limit, each
-- drawing raising the repayment due at its maturity by the same (huajie_rules::funding_line).
-- NULL for instruments that cannot be drawn (a bond, a fixed loan).
ALTER TABLE funding_instruments ADD COLUMN line_limit_fen BIGINT;
