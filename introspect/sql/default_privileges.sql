-- Default privileges (ALTER DEFAULT PRIVILEGES): for every schema when the
-- whole database is inspected, and for the inspected schemas.
SELECT pg_get_userbyid(a.defaclrole) AS role,
       COALESCE(n.nspname, '') AS schema,
       a.defaclobjtype::text AS object_type,
       {{acl "a.defaclacl"}} AS grants
FROM pg_default_acl a
LEFT JOIN pg_namespace n ON n.oid = a.defaclnamespace
WHERE (a.defaclnamespace = 0 AND $2) OR a.defaclnamespace = ANY($1::oid[])
