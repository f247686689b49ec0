-- Sequences with the column that owns them: deptype 'a' for OWNED BY (serial
-- columns), 'i' for identity columns, whose sequence belongs to the column.
SELECT c.oid,
       n.nspname,
       c.relname,
       format_type(s.seqtypid, NULL) AS type,
       s.seqstart,
       s.seqincrement,
       s.seqmin,
       s.seqmax,
       s.seqcache,
       s.seqcycle,
       c.relpersistence = 'u' AS unlogged,
       pg_get_userbyid(c.relowner) AS owner,
       d.description,
       {{acl "c.relacl"}} AS grants,
       dep.deptype::text AS owned,
       dep.refobjid AS owner_table,
       dep.refobjsubid AS owner_attnum,
       otn.nspname AS owner_schema,
       ot.relname AS owner_name,
       oa.attname AS owner_column
FROM pg_class c
JOIN pg_sequence s ON s.seqrelid = c.oid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_depend dep
       ON dep.classid = 'pg_class'::regclass AND dep.objid = c.oid AND dep.objsubid = 0
      AND dep.refclassid = 'pg_class'::regclass AND dep.refobjsubid > 0 AND dep.deptype IN ('a', 'i')
LEFT JOIN pg_class ot ON ot.oid = dep.refobjid
LEFT JOIN pg_namespace otn ON otn.oid = ot.relnamespace
LEFT JOIN pg_attribute oa ON oa.attrelid = dep.refobjid AND oa.attnum = dep.refobjsubid
LEFT JOIN pg_description d
       ON d.classoid = 'pg_class'::regclass AND d.objoid = c.oid AND d.objsubid = 0
WHERE c.relkind = 'S'
  AND c.relnamespace = ANY($1::oid[])
  AND c.oid <> ALL($2::oid[])
