SELECT p.oid,
       p.polrelid,
       p.polname,
       p.polpermissive,
       CASE p.polcmd WHEN '*' THEN 'ALL' WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT'
                     WHEN 'w' THEN 'UPDATE' WHEN 'd' THEN 'DELETE' END AS command,
       ARRAY(SELECT CASE WHEN r = 0 THEN 'public' ELSE pg_get_userbyid(r) END
             FROM unnest(p.polroles) AS r) AS roles,
       CASE WHEN p.polqual IS NOT NULL THEN pg_get_expr(p.polqual, p.polrelid) END AS using,
       CASE WHEN p.polwithcheck IS NOT NULL THEN pg_get_expr(p.polwithcheck, p.polrelid) END AS with_check,
       d.description
FROM pg_policy p
JOIN pg_class c ON c.oid = p.polrelid
LEFT JOIN pg_description d
       ON d.classoid = 'pg_policy'::regclass AND d.objoid = p.oid AND d.objsubid = 0
WHERE c.relnamespace = ANY($1::oid[])
