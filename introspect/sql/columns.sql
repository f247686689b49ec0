-- The columns of every table, view, materialized view and free-standing
-- composite type at once. Go hands each to its relation and puts them in
-- attnum order: sorting here would spill the wide rows to disk.
SELECT a.attrelid,
       a.attnum,
       a.attname,
       format_type(a.atttypid, a.atttypmod) AS type,
       CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN
         {{collation "a.attcollation"}}
       END AS collation,
       a.attnotnull,
       -- A default cannot refer to columns, so it is printed without the
       -- relation: pg_get_expr then neither opens nor locks it. A generation
       -- expression does refer to them.
       CASE WHEN ad.adbin IS NULL THEN NULL
            WHEN a.attgenerated = '' THEN pg_get_expr(ad.adbin, 0)
            ELSE pg_get_expr(ad.adbin, ad.adrelid)
       END AS expr,
       a.attidentity::text,
       a.attgenerated::text,
       NOT a.attislocal AS inherited,
       CASE WHEN a.attstorage <> t.typstorage THEN a.attstorage::text END AS storage,
{{- if ge .V 140000}}
       CASE WHEN a.attcompression <> '' THEN
         CASE a.attcompression WHEN 'p' THEN 'pglz' WHEN 'l' THEN 'lz4' ELSE a.attcompression::text END
       END AS compression,
{{- else}}
       NULL::text AS compression,
{{- end}}
       -- -1 before PostgreSQL 17 and NULL since mean "the default".
       CASE WHEN a.attstattarget >= 0 THEN a.attstattarget::int END AS stattarget,
       a.attoptions,
       a.attfdwoptions,
       d.description,
       {{acl "a.attacl"}} AS grants,
{{- if ge .V 180000}}
       -- 18 names NOT NULL constraints. Inherited ones carry their parent's
       -- name and are declared by the parent.
       nn.conname AS not_null_name,
       NOT coalesce(nn.convalidated, true) AS not_null_not_valid,
       coalesce(nn.connoinherit, false) AS not_null_no_inherit
{{- else}}
       NULL::name AS not_null_name,
       false AS not_null_not_valid,
       false AS not_null_no_inherit
{{- end}}
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
{{- if ge .V 180000}}
LEFT JOIN pg_constraint nn
       ON nn.conrelid = a.attrelid AND nn.contype = 'n' AND nn.conkey[1] = a.attnum
      AND nn.conislocal AND nn.coninhcount = 0
{{- end}}
LEFT JOIN pg_description d
       ON d.classoid = 'pg_class'::regclass AND d.objoid = a.attrelid AND d.objsubid = a.attnum
WHERE a.attnum > 0
  AND NOT a.attisdropped
  AND c.relkind IN ('r', 'p', 'f', 'v', 'm', 'c')
  AND c.relnamespace = ANY($1::oid[])
{{- if .Part}}
  -- One helper connection's share of the rows (parallel.go).
  AND a.attrelid BETWEEN $2 AND $3
{{- end}}
