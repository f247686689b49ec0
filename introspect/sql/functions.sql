-- Functions, procedures and window functions; aggregates have their own query.
SELECT p.oid,
       n.nspname,
       p.proname,
       p.prokind::text,
       pg_get_function_identity_arguments(p.oid) AS identity_args,
       pg_get_function_arguments(p.oid) AS args,
       pg_get_function_result(p.oid) AS result,
       l.lanname,
       pg_get_functiondef(p.oid) AS definition,
       p.provolatile::text,
       p.proisstrict,
       p.prosecdef,
       p.proleakproof,
       p.proparallel::text,
       pg_get_userbyid(p.proowner) AS owner,
       d.description,
       {{acl "p.proacl"}} AS grants
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_language l ON l.oid = p.prolang
LEFT JOIN pg_description d
       ON d.classoid = 'pg_proc'::regclass AND d.objoid = p.oid AND d.objsubid = 0
WHERE p.prokind IN ('f', 'p', 'w')
  AND p.pronamespace = ANY($1::oid[])
  AND p.oid <> ALL($2::oid[])
