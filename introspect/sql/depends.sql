-- The normal dependencies (deptype 'n') of every object that has Deps in the
-- model, set-wise over pg_depend. Go names the referenced objects from what
-- the other queries read, so this query joins little.
--
-- The dependent side is named as the model holds it: a view by its _RETURN
-- rule, a column default or generation expression (pg_attrdef) by its column.
-- On the referenced side, a true array type stands for its element type.
-- Objects created by initdb (oid < 16384) are system objects and never
-- listed, and neither is the schema an object lives in: its name says that.
-- $1 holds the oids of all extension members: they depend on each other by
-- the thousand (PostGIS) and are not inspected. OIDs come from one counter
-- for all catalogs, so in practice no other object shares one.
WITH dep AS (
    SELECT CASE d.classid
             WHEN 'pg_rewrite'::regclass THEN
               CASE WHEN rw.rulename = '_RETURN' THEN 'view' ELSE 'rule' END
             WHEN 'pg_attrdef'::regclass THEN 'column'
             WHEN 'pg_class'::regclass THEN
               CASE WHEN d.objsubid <> 0 THEN 'column' ELSE 'index' END
             WHEN 'pg_type'::regclass THEN 'type'
             WHEN 'pg_constraint'::regclass THEN 'constraint'
             WHEN 'pg_proc'::regclass THEN 'function'
             WHEN 'pg_trigger'::regclass THEN 'trigger'
             WHEN 'pg_policy'::regclass THEN 'policy'
             WHEN 'pg_cast'::regclass THEN 'cast'
             WHEN 'pg_statistic_ext'::regclass THEN 'statistics'
           END AS kind,
           CASE WHEN rw.rulename = '_RETURN' THEN rw.ev_class
                WHEN ad.oid IS NOT NULL THEN ad.adrelid
                ELSE d.objid
           END AS oid,
           coalesce(ad.adnum, d.objsubid)::int AS sub,
           d.refclassid,
           d.refobjid
    FROM pg_depend d
    LEFT JOIN pg_rewrite rw ON d.classid = 'pg_rewrite'::regclass AND rw.oid = d.objid
    LEFT JOIN pg_attrdef ad ON d.classid = 'pg_attrdef'::regclass AND ad.oid = d.objid
    WHERE d.deptype = 'n'
      AND d.refobjid >= 16384
      AND d.refclassid <> 'pg_namespace'::regclass
      AND d.classid IN ('pg_rewrite'::regclass, 'pg_attrdef'::regclass, 'pg_class'::regclass,
                        'pg_type'::regclass, 'pg_constraint'::regclass, 'pg_proc'::regclass,
                        'pg_trigger'::regclass, 'pg_policy'::regclass, 'pg_cast'::regclass,
                        'pg_statistic_ext'::regclass)
      AND d.objid <> ALL($1::oid[])
      AND coalesce(rw.ev_class, ad.adrelid, 0) <> ALL($1::oid[])
)
SELECT dep.kind,
       dep.oid,
       dep.sub,
       dep.refclassid,
       dep.refobjid,
{{- if ge .V 140000}}
       CASE WHEN rt.typelem <> 0 AND rt.typsubscript = 'array_subscript_handler'::regproc THEN rt.typelem END AS elem
{{- else}}
       CASE WHEN rt.typelem <> 0 AND rt.typlen = -1 THEN rt.typelem END AS elem
{{- end}}
FROM dep
LEFT JOIN pg_type rt ON dep.refclassid = 'pg_type'::regclass AND rt.oid = dep.refobjid
WHERE dep.kind IS NOT NULL
