-- Views and materialized views; their columns come with the table columns.
SELECT c.oid,
       c.reltype,
       n.nspname,
       c.relname,
       c.relkind = 'm' AS materialized,
       c.relnatts,
       pg_get_viewdef(c.oid) AS definition,
       c.reloptions,
       c.relispopulated,
       ts.spcname,
       pg_get_userbyid(c.relowner) AS owner,
       d.description,
       {{acl "c.relacl"}} AS grants
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_tablespace ts ON ts.oid = c.reltablespace
LEFT JOIN pg_description d
       ON d.classoid = 'pg_class'::regclass AND d.objoid = c.oid AND d.objsubid = 0
WHERE c.relkind IN ('v', 'm')
  AND c.relnamespace = ANY($1::oid[])
  AND c.oid <> ALL($2::oid[])
