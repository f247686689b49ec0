-- Objects that the other queries leave out by oid, read in one pass over
-- pg_depend rather than one per kind:
--   deptype 'e': objects that belong to an extension; dependencies on them
--   become dependencies on the extension;
--   deptype 'i' of functions and casts: those PostgreSQL makes along with
--   another object (the constructors and casts of a range type's multirange,
--   for one); dependencies on them become dependencies on that object.
SELECT d.classid,
       d.objid,
       d.deptype::text,
       x.extname,
       d.refclassid,
       d.refobjid
FROM pg_depend d
LEFT JOIN pg_extension x ON d.deptype = 'e' AND x.oid = d.refobjid
WHERE d.deptype = 'e'
   OR (d.deptype = 'i' AND d.classid IN ('pg_proc'::regclass, 'pg_cast'::regclass))
