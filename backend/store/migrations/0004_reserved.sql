-- Placeholder: number 4 belongs to another branch's migration. The migrator
-- wants numbers without gaps, so this stands in for it until that branch is
-- merged; then this file goes and its 0004 takes the place.
SELECT 1;
