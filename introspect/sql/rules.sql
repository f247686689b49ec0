-- Rewrite rules other than the _RETURN rules that make views.
SELECT r.oid,
       r.ev_class,
       r.rulename,
       pg_get_ruledef(r.oid) AS definition,
       r.ev_enabled::text,
       d.description
FROM pg_rewrite r
JOIN pg_class c ON c.oid = r.ev_class
LEFT JOIN pg_description d
       ON d.classoid = 'pg_rewrite'::regclass AND d.objoid = r.oid AND d.objsubid = 0
WHERE r.rulename <> '_RETURN'
  AND c.relnamespace = ANY($1::oid[])
