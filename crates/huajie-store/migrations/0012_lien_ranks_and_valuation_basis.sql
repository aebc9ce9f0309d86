-- 顺位 belongs to the link between a claim and a collateral item, not to the item: one
-- building may be a first mortgage for one loan and a second for another. Each link takes
-- the rank its item had; the item's column goes.
ALTER TABLE claim_collateral ADD COLUMN lien_rank BIGINT NOT NULL DEFAULT 1;
UPDATE claim_collateral SET lien_rank = (SELECT m.lien_rank FROM collateral m WHERE m.id = claim_collateral.collateral_id);
ALTER TABLE collateral DROP COLUMN lien_rank;

-- How a package is valued, said once per package instead of worked out at each run:
-- 'retail' (a retail batch) or 'claims' (claim by claim). A package held before this
-- migration keeps the basis its valuations used: a retail batch when at least 90% of its
-- claims are owed by individuals (the default batch share of the assumption sets then).
ALTER TABLE packages ADD COLUMN valuation_basis TEXT NOT NULL DEFAULT 'claims';
UPDATE packages SET valuation_basis = 'retail'
 WHERE EXISTS (SELECT 1 FROM claims c WHERE c.package_id = packages.id)
   AND (SELECT COUNT(*) FROM claims c JOIN parties p ON p.id = c.debtor_id
         WHERE c.package_id = packages.id AND p.kind = 'individual') * 10
       >= (SELECT COUNT(*) FROM claims c WHERE c.package_id = packages.id) * 9;
