-- pg_user_mappings rather than pg_user_mapping: it is readable by every role,
-- and shows the options to those allowed to see them.
SELECT m.srvname,
       CASE WHEN m.umuser = 0 THEN 'public' ELSE m.usename END AS usename,
       m.umoptions
FROM pg_user_mappings m
WHERE m.srvid <> ALL($1::oid[])
