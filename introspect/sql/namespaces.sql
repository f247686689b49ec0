-- Every schema, with what decides whether it is inspected: system schemas and
-- extension member schemas are never.
SELECT n.oid,
       n.nspname,
       pg_get_userbyid(n.nspowner) AS owner,
       d.description,
       {{acl "n.nspacl"}} AS grants,
       (n.nspname IN ('pg_catalog', 'information_schema', 'pg_toast')
        OR n.nspname LIKE 'pg\_temp\_%'
        OR n.nspname LIKE 'pg\_toast\_temp\_%') AS system,
       EXISTS (SELECT FROM pg_depend e
               WHERE e.classid = 'pg_namespace'::regclass AND e.objid = n.oid AND e.deptype = 'e') AS extension
FROM pg_namespace n
LEFT JOIN pg_description d
       ON d.classoid = 'pg_namespace'::regclass AND d.objoid = n.oid AND d.objsubid = 0
