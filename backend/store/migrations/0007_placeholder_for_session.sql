-- A placeholder that keeps this branch's migrations gapless: the session
-- branch owns 0007. At merge, drop this file (and renumber 0008 if 0007
-- stays unused).
SELECT 1;
