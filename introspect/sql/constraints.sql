-- Table constraints and domain CHECK constraints (contypid <> 0), leaving out
-- what is not declared by the table itself: foreign keys cloned onto
-- partitions, inherited CHECK constraints, NOT NULL constraints (attnotnull
-- says it) and the pg_constraint rows of constraint triggers.
SELECT co.oid,
       co.conrelid,
       co.contypid,
       CASE WHEN co.contype IN ('p', 'u', 'x') THEN co.conindid ELSE 0 END AS conindid,
       co.conname,
       co.contype::text,
       pg_get_constraintdef(co.oid) AS definition,
       co.conkey,
       co.confrelid,
       rn.nspname AS ref_schema,
       rc.relname AS ref_table,
       co.confkey,
       -- Go names the referenced columns from the columns it read; only a
       -- table in a schema that is not inspected needs naming here.
       CASE WHEN co.contype = 'f' AND rc.relnamespace <> ALL($1::oid[]) THEN
         ARRAY(SELECT a.attname
               FROM unnest(co.confkey) WITH ORDINALITY AS k(attnum, i)
               JOIN pg_attribute a ON a.attrelid = co.confrelid AND a.attnum = k.attnum
               ORDER BY k.i)
       END AS ref_columns,
       CASE WHEN co.contype = 'f' THEN co.confupdtype::text END AS on_update,
       CASE WHEN co.contype = 'f' THEN co.confdeltype::text END AS on_delete,
       CASE WHEN co.contype = 'f' THEN co.confmatchtype::text END AS match,
       co.condeferrable,
       co.condeferred,
       NOT co.convalidated AS not_valid,
       -- PostgreSQL marks keys NO INHERIT as well; only a CHECK can be declared so.
       co.contype = 'c' AND co.connoinherit AS connoinherit,
       ic.relname AS index,
       ts.spcname,
       pin.nspname AS parent_index_schema,
       pic.relname AS parent_index,
       d.description
FROM pg_constraint co
LEFT JOIN pg_class rc ON rc.oid = co.confrelid
LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
LEFT JOIN pg_class ic ON co.contype IN ('p', 'u', 'x') AND ic.oid = co.conindid
LEFT JOIN pg_tablespace ts ON ts.oid = ic.reltablespace
LEFT JOIN pg_inherits pi ON pi.inhrelid = ic.oid
LEFT JOIN pg_class pic ON pic.oid = pi.inhparent
LEFT JOIN pg_namespace pin ON pin.oid = pic.relnamespace
LEFT JOIN pg_description d
       ON d.classoid = 'pg_constraint'::regclass AND d.objoid = co.oid AND d.objsubid = 0
WHERE co.connamespace = ANY($1::oid[])
  AND co.contype IN ('p', 'u', 'f', 'c', 'x')
  AND NOT (co.contype = 'f' AND co.conparentid <> 0)
  AND (co.conislocal OR co.contype <> 'c')
{{- if .Part}}
  -- One helper connection's share of the rows (parallel.go).
  AND co.conrelid BETWEEN $2 AND $3
{{- end}}
