-- Objects that the model cannot represent yet, counted per kind so that they
-- are reported rather than silently dropped. $1 is the inspected schemas, $2
-- the oids of every extension member (whatever its catalog: oids are not
-- reused across catalogs in practice, and a miscount here is harmless), $3
-- whether database-wide objects are in scope.
SELECT kind, count(*)::int
FROM (
    SELECT 'operator' AS kind FROM pg_operator o
    WHERE o.oprnamespace = ANY($1::oid[]) AND o.oid <> ALL($2::oid[])
    UNION ALL
    SELECT 'operator class' FROM pg_opclass o
    WHERE o.opcnamespace = ANY($1::oid[]) AND o.oid <> ALL($2::oid[])
    UNION ALL
    SELECT 'operator family' FROM pg_opfamily o
    WHERE o.opfnamespace = ANY($1::oid[]) AND o.oid <> ALL($2::oid[])
      -- CREATE OPERATOR CLASS makes a family of the same name: count the class.
      AND NOT EXISTS (SELECT FROM pg_opclass c WHERE c.opcfamily = o.oid AND c.opcname = o.opfname)
    UNION ALL
    SELECT 'text search configuration' FROM pg_ts_config o
    WHERE o.cfgnamespace = ANY($1::oid[]) AND o.oid <> ALL($2::oid[])
    UNION ALL
    SELECT 'text search dictionary' FROM pg_ts_dict o
    WHERE o.dictnamespace = ANY($1::oid[]) AND o.oid <> ALL($2::oid[])
    UNION ALL
    SELECT 'text search parser' FROM pg_ts_parser o
    WHERE o.prsnamespace = ANY($1::oid[]) AND o.oid <> ALL($2::oid[])
    UNION ALL
    SELECT 'text search template' FROM pg_ts_template o
    WHERE o.tmplnamespace = ANY($1::oid[]) AND o.oid <> ALL($2::oid[])
    UNION ALL
    SELECT 'conversion' FROM pg_conversion o
    WHERE o.connamespace = ANY($1::oid[]) AND o.oid <> ALL($2::oid[])
    UNION ALL
    SELECT CASE WHEN NOT t.typisdefined THEN 'shell type'
                WHEN t.typtype = 'p' THEN 'pseudo type'
                ELSE 'base type' END
    FROM pg_type t
    WHERE t.typnamespace = ANY($1::oid[]) AND t.oid <> ALL($2::oid[])
      AND t.typtype IN ('b', 'p')
      -- Not an array type: the array type of e has e's oid as its typelem,
      -- so the test is one lookup by oid, never a scan of pg_type per row
      -- (a nested loop on typarray, which has no index, is quadratic in the
      -- number of tables, each having an array type).
      AND NOT EXISTS (SELECT FROM pg_type e WHERE e.oid = t.typelem AND e.typarray = t.oid)
    UNION ALL
    SELECT 'clustered index' FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
    WHERE i.indisclustered AND c.relnamespace = ANY($1::oid[]) AND c.oid <> ALL($2::oid[])
    UNION ALL
    SELECT 'language' FROM pg_language l
    WHERE $3 AND l.oid >= 16384 AND l.oid <> ALL($2::oid[])
    UNION ALL
    SELECT 'access method' FROM pg_am a
    WHERE $3 AND a.oid >= 16384 AND a.oid <> ALL($2::oid[])
    UNION ALL
    SELECT 'transform' FROM pg_transform t
    WHERE $3 AND t.oid >= 16384 AND t.oid <> ALL($2::oid[])
    UNION ALL
    SELECT 'publication' FROM pg_publication p
    WHERE $3
    UNION ALL
    SELECT 'subscription' FROM pg_subscription s
    WHERE $3 AND s.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())
    UNION ALL
    SELECT 'security label' FROM pg_seclabel s
    WHERE $3
) o
GROUP BY kind
