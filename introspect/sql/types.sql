-- Enums, domains, free-standing composite types and range types, with the
-- fields of each kind; the others are NULL. Table row types, array types and
-- multirange types are not types of their own in the model.
SELECT t.oid,
       n.nspname,
       t.typname,
       t.typtype::text,
       pg_get_userbyid(t.typowner) AS owner,
       d.description,
       {{acl "t.typacl"}} AS grants,
       CASE WHEN t.typtype = 'e' THEN
         ARRAY(SELECT e.enumlabel FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder)
       END AS labels,
       CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END AS base,
       CASE WHEN t.typtype = 'd' AND t.typcollation <> 0 AND t.typcollation <> bt.typcollation THEN
         {{collation "t.typcollation"}}
       END AS domain_collation,
       t.typnotnull,
       CASE WHEN t.typdefaultbin IS NOT NULL THEN pg_get_expr(t.typdefaultbin, 0) END AS default,
       t.typrelid,
       format_type(r.rngsubtype, NULL) AS subtype,
       CASE WHEN NOT opc.opcdefault THEN
         CASE WHEN pg_opclass_is_visible(opc.oid) THEN quote_ident(opc.opcname)
              ELSE quote_ident(opcn.nspname) || '.' || quote_ident(opc.opcname) END
       END AS opclass,
       CASE WHEN r.rngcollation <> 0 AND r.rngcollation <> st.typcollation THEN
         {{collation "r.rngcollation"}}
       END AS range_collation,
       CASE WHEN r.rngcanonical <> 0 THEN r.rngcanonical::text END AS canonical,
       CASE WHEN r.rngsubdiff <> 0 THEN r.rngsubdiff::text END AS subdiff,
{{- if ge .V 140000}}
       mr.typname AS multirange,
       coalesce(r.rngmultitypid, 0) AS rngmultitypid
{{- else}}
       NULL::name AS multirange,
       0::oid AS rngmultitypid
{{- end}}
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
LEFT JOIN pg_class c ON c.oid = t.typrelid
LEFT JOIN pg_type bt ON bt.oid = t.typbasetype
LEFT JOIN pg_range r ON r.rngtypid = t.oid
LEFT JOIN pg_type st ON st.oid = r.rngsubtype
LEFT JOIN pg_opclass opc ON opc.oid = r.rngsubopc
LEFT JOIN pg_namespace opcn ON opcn.oid = opc.opcnamespace
{{- if ge .V 140000}}
LEFT JOIN pg_type mr ON mr.oid = r.rngmultitypid
{{- end}}
LEFT JOIN pg_description d
       ON d.classoid = 'pg_type'::regclass AND d.objoid = t.oid AND d.objsubid = 0
WHERE t.typnamespace = ANY($1::oid[])
  AND t.oid <> ALL($2::oid[])
  AND (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND c.relkind = 'c'))
