-- Indexes of tables and materialized views that no constraint owns. Go takes
-- the keys of a plain column index from its definition. An index on
-- expressions also has its keys printed one by one by
-- pg_get_indexdef(oid, k, true) and whole in the same pretty form, from which
-- Go adds each key's collation, operator class and ordering.
SELECT i.indexrelid,
       i.indrelid,
       ic.relname,
       pg_get_indexdef(i.indexrelid) AS definition,
       CASE WHEN i.indexprs IS NOT NULL THEN pg_get_indexdef(i.indexrelid, 0, true) END AS pretty,
       CASE WHEN i.indexprs IS NOT NULL THEN
         ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true)
               FROM generate_series(1, i.indnkeyatts) AS k)
       END AS keys,
       i.indisunique,
       am.amname,
       i.indnkeyatts,
       i.indkey::int2[] AS indkey,
       CASE WHEN i.indpred IS NOT NULL THEN pg_get_expr(i.indpred, i.indrelid) END AS predicate,
{{- if ge .V 150000}}
       i.indnullsnotdistinct,
{{- else}}
       false AS indnullsnotdistinct,
{{- end}}
       ic.reloptions,
       ts.spcname,
       pin.nspname AS parent_schema,
       pic.relname AS parent_name,
       NOT i.indisvalid AS invalid,
       d.description
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class tc ON tc.oid = i.indrelid
JOIN pg_am am ON am.oid = ic.relam
LEFT JOIN pg_tablespace ts ON ts.oid = ic.reltablespace
LEFT JOIN pg_inherits pi ON pi.inhrelid = i.indexrelid
LEFT JOIN pg_class pic ON pic.oid = pi.inhparent
LEFT JOIN pg_namespace pin ON pin.oid = pic.relnamespace
LEFT JOIN pg_description d
       ON d.classoid = 'pg_class'::regclass AND d.objoid = i.indexrelid AND d.objsubid = 0
WHERE tc.relkind IN ('r', 'p', 'm')
  AND tc.relnamespace = ANY($1::oid[])
  AND NOT EXISTS (SELECT FROM pg_constraint co
                  WHERE co.conrelid = i.indrelid AND co.conindid = i.indexrelid
                    AND co.contype IN ('p', 'u', 'x'))
{{- if .Part}}
  -- One helper connection's share of the rows (parallel.go).
  AND i.indrelid BETWEEN $2 AND $3
{{- end}}
