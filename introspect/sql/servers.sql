SELECT s.srvname,
       w.fdwname,
       s.srvtype,
       s.srvversion,
       s.srvoptions,
       pg_get_userbyid(s.srvowner) AS owner,
       d.description,
       {{acl "s.srvacl"}} AS grants
FROM pg_foreign_server s
JOIN pg_foreign_data_wrapper w ON w.oid = s.srvfdw
LEFT JOIN pg_description d
       ON d.classoid = 'pg_foreign_server'::regclass AND d.objoid = s.oid AND d.objsubid = 0
WHERE s.oid <> ALL($1::oid[])
