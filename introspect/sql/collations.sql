SELECT c.oid,
       n.nspname,
       c.collname,
       c.collprovider::text,
{{- if ge .V 170000}}
       c.colllocale,
{{- else if ge .V 150000}}
       c.colliculocale,
{{- else}}
       NULL::text,
{{- end}}
       c.collcollate::text,
       c.collctype::text,
       c.collisdeterministic,
       pg_get_userbyid(c.collowner) AS owner,
       d.description
FROM pg_collation c
JOIN pg_namespace n ON n.oid = c.collnamespace
LEFT JOIN pg_description d
       ON d.classoid = 'pg_collation'::regclass AND d.objoid = c.oid AND d.objsubid = 0
WHERE c.collnamespace = ANY($1::oid[])
  AND c.oid <> ALL($2::oid[])
