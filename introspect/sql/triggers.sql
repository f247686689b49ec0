-- Triggers that a user declared: not the internal ones of foreign keys, and
-- not the clones that a partition gets from its parent's trigger.
SELECT t.oid,
       t.tgrelid,
       t.tgname,
       pg_get_triggerdef(t.oid) AS definition,
       t.tgfoid::regprocedure::text AS function,
       t.tgconstraint <> 0 AS constraint,
       t.tgenabled::text,
       d.description
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
LEFT JOIN pg_description d
       ON d.classoid = 'pg_trigger'::regclass AND d.objoid = t.oid AND d.objsubid = 0
WHERE NOT t.tgisinternal
  AND t.tgparentid = 0
  AND c.relnamespace = ANY($1::oid[])
