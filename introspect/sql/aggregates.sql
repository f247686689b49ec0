-- User-defined aggregates. Support functions are regproc texts, which name
-- the function schema-qualified unless it is in pg_catalog.
SELECT p.oid,
       n.nspname,
       p.proname,
       pg_get_function_identity_arguments(p.oid) AS identity_args,
       pg_get_function_arguments(p.oid) AS args,
       a.aggkind::text,
       a.aggnumdirectargs::int,
       a.aggtransfn::text,
       format_type(a.aggtranstype, NULL) AS stype,
       a.aggtransspace,
       CASE WHEN a.aggfinalfn <> 0 THEN a.aggfinalfn::text END AS finalfn,
       a.aggfinalextra,
       a.aggfinalmodify::text,
       CASE WHEN a.aggcombinefn <> 0 THEN a.aggcombinefn::text END AS combinefn,
       CASE WHEN a.aggserialfn <> 0 THEN a.aggserialfn::text END AS serialfn,
       CASE WHEN a.aggdeserialfn <> 0 THEN a.aggdeserialfn::text END AS deserialfn,
       a.agginitval,
       CASE WHEN a.aggmtransfn <> 0 THEN a.aggmtransfn::text END AS msfunc,
       CASE WHEN a.aggminvtransfn <> 0 THEN a.aggminvtransfn::text END AS minvfunc,
       CASE WHEN a.aggmtranstype <> 0 THEN format_type(a.aggmtranstype, NULL) END AS mstype,
       a.aggmtransspace,
       CASE WHEN a.aggmfinalfn <> 0 THEN a.aggmfinalfn::text END AS mfinalfn,
       a.aggmfinalextra,
       a.aggmfinalmodify::text,
       a.aggminitval,
       CASE WHEN a.aggsortop <> 0 THEN a.aggsortop::regoperator::text END AS sortop,
       p.proparallel::text,
       pg_get_userbyid(p.proowner) AS owner,
       d.description,
       {{acl "p.proacl"}} AS grants
FROM pg_aggregate a
JOIN pg_proc p ON p.oid = a.aggfnoid
JOIN pg_namespace n ON n.oid = p.pronamespace
LEFT JOIN pg_description d
       ON d.classoid = 'pg_proc'::regclass AND d.objoid = p.oid AND d.objsubid = 0
WHERE p.pronamespace = ANY($1::oid[])
  AND p.oid <> ALL($2::oid[])
