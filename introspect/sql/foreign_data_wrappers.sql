SELECT w.fdwname,
       CASE WHEN w.fdwhandler <> 0 THEN w.fdwhandler::regproc::text END AS handler,
       CASE WHEN w.fdwvalidator <> 0 THEN w.fdwvalidator::regproc::text END AS validator,
       w.fdwoptions,
       pg_get_userbyid(w.fdwowner) AS owner,
       d.description,
       {{acl "w.fdwacl"}} AS grants
FROM pg_foreign_data_wrapper w
LEFT JOIN pg_description d
       ON d.classoid = 'pg_foreign_data_wrapper'::regclass AND d.objoid = w.oid AND d.objsubid = 0
WHERE w.oid <> ALL($1::oid[])
