-- Extended statistics objects (CREATE STATISTICS). $1 is the inspected
-- schemas, $2 the oids of those an extension made. The statistics target is
-- NULL when it is the default: before PostgreSQL 17 the column is not
-- nullable and -1 means the default.
SELECT s.oid,
       s.stxrelid,
       n.nspname,
       s.stxname,
       pg_get_statisticsobjdef(s.oid) AS definition,
{{- if ge .V 170000}}
       s.stxstattarget::int AS target,
{{- else}}
       NULLIF(s.stxstattarget, -1)::int AS target,
{{- end}}
       pg_get_userbyid(s.stxowner) AS owner,
       d.description
FROM pg_statistic_ext s
JOIN pg_namespace n ON n.oid = s.stxnamespace
LEFT JOIN pg_description d
       ON d.classoid = 'pg_statistic_ext'::regclass AND d.objoid = s.oid AND d.objsubid = 0
WHERE s.stxnamespace = ANY($1::oid[])
  AND s.oid <> ALL($2::oid[])
