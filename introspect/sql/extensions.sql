SELECT x.extname,
       n.nspname,
       x.extversion,
       d.description
FROM pg_extension x
JOIN pg_namespace n ON n.oid = x.extnamespace
LEFT JOIN pg_description d
       ON d.classoid = 'pg_extension'::regclass AND d.objoid = x.oid AND d.objsubid = 0
WHERE x.extnamespace = ANY($1::oid[])
  -- plpgsql is created with every database; it is not part of any schema.
  AND x.extname <> 'plpgsql'
