-- Casts created after initdb (oid >= 16384, FirstNormalObjectId) that no
-- extension brought.
SELECT c.oid,
       format_type(c.castsource, NULL) AS source,
       format_type(c.casttarget, NULL) AS target,
       CASE WHEN c.castfunc <> 0 THEN c.castfunc::regprocedure::text END AS function,
       c.castmethod::text,
       c.castcontext::text,
       d.description,
       ARRAY[s.typnamespace, t.typnamespace, coalesce(p.pronamespace, 0)] AS namespaces
FROM pg_cast c
JOIN pg_type s ON s.oid = c.castsource
JOIN pg_type t ON t.oid = c.casttarget
LEFT JOIN pg_proc p ON p.oid = c.castfunc
LEFT JOIN pg_description d
       ON d.classoid = 'pg_cast'::regclass AND d.objoid = c.oid AND d.objsubid = 0
WHERE c.oid >= 16384
  AND c.oid <> ALL($1::oid[])
