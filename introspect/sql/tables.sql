-- Ordinary, partitioned and foreign tables. Parents come from one pass over
-- pg_inherits: a partition's single parent, or the inheritance parents in
-- inhseqno order.
SELECT c.oid,
       c.reltype,
       n.nspname,
       c.relname,
       c.relkind::text,
       c.relnatts,
       c.relpersistence = 'u' AS unlogged,
       c.relispartition,
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partkey,
       CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END AS partbound,
       inh.schemas AS parent_schemas,
       inh.names AS parent_names,
       CASE WHEN c.reloftype <> 0 THEN format_type(c.reloftype, NULL) END AS oftype,
       c.relrowsecurity,
       c.relforcerowsecurity,
       c.reloptions,
       ts.spcname,
       CASE WHEN am.amname <> 'heap' THEN am.amname END AS amname,
       c.relreplident::text,
       CASE WHEN c.relreplident = 'i' THEN
         (SELECT ri.relname FROM pg_index x JOIN pg_class ri ON ri.oid = x.indexrelid
          WHERE x.indrelid = c.oid AND x.indisreplident)
       END AS replident_index,
       fs.srvname,
       ft.ftoptions,
       pg_get_userbyid(c.relowner) AS owner,
       d.description,
       {{acl "c.relacl"}} AS grants,
       c.reltuples::float8 AS reltuples,
       c.relpages::int8 * current_setting('block_size')::int8 AS bytes
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN (
    SELECT i.inhrelid,
           array_agg(pn.nspname ORDER BY i.inhseqno) AS schemas,
           array_agg(p.relname ORDER BY i.inhseqno) AS names
    FROM pg_inherits i
    JOIN pg_class p ON p.oid = i.inhparent
    JOIN pg_namespace pn ON pn.oid = p.relnamespace
    WHERE p.relkind IN ('r', 'p', 'f')
    GROUP BY i.inhrelid
) inh ON inh.inhrelid = c.oid
LEFT JOIN pg_tablespace ts ON ts.oid = c.reltablespace
LEFT JOIN pg_am am ON am.oid = c.relam
LEFT JOIN pg_foreign_table ft ON ft.ftrelid = c.oid
LEFT JOIN pg_foreign_server fs ON fs.oid = ft.ftserver
LEFT JOIN pg_description d
       ON d.classoid = 'pg_class'::regclass AND d.objoid = c.oid AND d.objsubid = 0
WHERE c.relkind IN ('r', 'p', 'f')
  AND c.relnamespace = ANY($1::oid[])
  AND c.oid <> ALL($2::oid[])
