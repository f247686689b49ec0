SELECT e.evtname,
       e.evtevent,
       e.evttags,
       e.evtfoid::regproc::text AS function,
       e.evtenabled::text,
       pg_get_userbyid(e.evtowner) AS owner,
       d.description,
       p.pronamespace
FROM pg_event_trigger e
JOIN pg_proc p ON p.oid = e.evtfoid
LEFT JOIN pg_description d
       ON d.classoid = 'pg_event_trigger'::regclass AND d.objoid = e.oid AND d.objsubid = 0
WHERE e.oid <> ALL($1::oid[])
