package introspect

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/retortdb/retort/internal/devdb/devdbtest"
	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
)

// kindCases are small fixtures, one or two per kind of object, each applied to
// a fresh database and checked field by field.
var kindCases = append(slices.Clone(tableKindCases), objectKindCases...)

// A kindCase is one fixture of kindCases.
type kindCase struct {
	name     string
	minMajor int // the oldest PostgreSQL the fixture runs on, when newer than 13
	sql      string
	check    func(t *testing.T, s *model.Schema)
}

// objectKindCases are the fixtures of the kinds other than tables' own
// parts (kinds_table_test.go has those).
var objectKindCases = []kindCase{
	{
		name: "views",
		sql: `
CREATE TABLE items (id int PRIMARY KEY, price numeric, name text);
CREATE FUNCTION public.taxed(numeric) RETURNS numeric LANGUAGE sql IMMUTABLE AS 'SELECT $1 * 1.2';
CREATE VIEW cheap WITH (security_barrier = true) AS
	SELECT id, public.taxed(price) AS gross, name COLLATE "C" AS name FROM items WHERE price < 10
	WITH LOCAL CHECK OPTION;
CREATE VIEW cheaper AS SELECT id FROM cheap;
ALTER VIEW cheaper ALTER COLUMN id SET DEFAULT 0;
COMMENT ON VIEW cheap IS 'under ten';
COMMENT ON COLUMN cheap.gross IS 'with tax';
GRANT SELECT ON cheap TO PUBLIC;
CREATE MATERIALIZED VIEW totals AS SELECT count(*) AS n FROM items WITH NO DATA;
CREATE UNIQUE INDEX totals_n ON totals (n);
`,
		check: func(t *testing.T, s *model.Schema) {
			cheap := view(t, s, "public", "cheap")
			// PostgreSQL 16 stopped prefixing columns with the table name.
			if !strings.Contains(cheap.Definition, "public.taxed(") || !strings.Contains(cheap.Definition, "FROM public.items") {
				t.Errorf("definition not qualified: %q", cheap.Definition)
			}
			eq(t, "check option", cheap.CheckOption, "local")
			eq(t, "options", cheap.Options, []string{"security_barrier=true"})
			eq(t, "columns", cheap.Columns, []model.ViewColumn{
				{Name: "id", Type: "integer"},
				{Name: "gross", Type: "numeric", Comment: "with tax"},
				{Name: "name", Type: "text", Collation: `"C"`},
			})
			eq(t, "comment", cheap.Comment, "under ten")
			eq(t, "grants", cheap.Grants, append([]model.Grant{{Grantee: "", Privilege: "SELECT"}}, ownerTableGrants(s.ServerMajor)...))
			eq(t, "deps", cheap.Deps, []model.ObjectRef{
				{Kind: model.KindFunction, Schema: "public", Name: "taxed", Args: "numeric"},
				{Kind: model.KindTable, Schema: "public", Name: "items"},
			})
			cheaper := view(t, s, "public", "cheaper")
			eq(t, "view on view", cheaper.Deps, []model.ObjectRef{{Kind: model.KindView, Schema: "public", Name: "cheap"}})
			eq(t, "view column default", cheaper.Columns[0].Default, "0")
			totals := view(t, s, "public", "totals")
			eq(t, "materialized", totals.Materialized, true)
			eq(t, "with no data", totals.WithNoData, true)
			eq(t, "matview index", names(totals.Indexes, func(i model.Index) string { return i.Name }), []string{"totals_n"})
			eq(t, "rules", len(s.Rules), 0)
		},
	},
	{
		name:     "functions",
		minMajor: 14, // SQL-standard function bodies
		sql: `
CREATE TYPE mood AS ENUM ('sad', 'happy');
CREATE FUNCTION public.f(a integer, b text DEFAULT 'x') RETURNS SETOF public.mood
	LANGUAGE plpgsql STABLE STRICT SECURITY DEFINER PARALLEL SAFE
	AS $$ BEGIN RETURN NEXT 'sad'; END $$;
CREATE FUNCTION public.f(a integer) RETURNS integer LANGUAGE sql IMMUTABLE LEAKPROOF RETURN a + 1;
CREATE PROCEDURE public.p(INOUT x int) LANGUAGE sql AS 'SELECT x';
CREATE FUNCTION public.rn() RETURNS bigint LANGUAGE internal WINDOW IMMUTABLE AS 'window_row_number';
CREATE TABLE items (id int);
CREATE FUNCTION public.n_items() RETURNS bigint LANGUAGE sql STABLE BEGIN ATOMIC SELECT count(*) FROM public.items; END;
REVOKE EXECUTE ON FUNCTION public.f(integer, text) FROM PUBLIC;
COMMENT ON PROCEDURE public.p(int) IS 'a procedure';
`,
		check: func(t *testing.T, s *model.Schema) {
			eq(t, "keys", names(s.Functions, func(f model.Function) string { return f.Key().String() }),
				[]string{"public.f(a integer)", "public.f(a integer, b text)", "public.n_items()", "public.p(INOUT x integer)", "public.rn()"})
			f := s.Functions[1]
			eq(t, "args", f.Args, "a integer, b text DEFAULT 'x'::text")
			eq(t, "result", f.Result, "SETOF public.mood")
			eq(t, "language", f.Language, "plpgsql")
			eq(t, "flags", []string{f.Volatility, f.Parallel}, []string{"s", "s"})
			eq(t, "strict, definer", []bool{f.Strict, f.SecurityDefiner, f.Leakproof}, []bool{true, true, false})
			eq(t, "grants", f.Grants, []model.Grant{{Grantee: "postgres", Privilege: "EXECUTE"}})
			eq(t, "deps", f.Deps, []model.ObjectRef{{Kind: model.KindType, Schema: "public", Name: "mood"}})
			if !strings.HasPrefix(f.Definition, "CREATE OR REPLACE FUNCTION public.f(a integer, b text DEFAULT 'x'::text)") {
				t.Errorf("definition: %q", f.Definition)
			}
			g := s.Functions[0]
			eq(t, "sql body", g.Definition, "CREATE OR REPLACE FUNCTION public.f(a integer)\n RETURNS integer\n LANGUAGE sql\n IMMUTABLE LEAKPROOF\nRETURN (a + 1)\n")
			eq(t, "leakproof", g.Leakproof, true)
			p := s.Functions[3]
			eq(t, "procedure", []string{string(p.Kind), p.Result, p.Comment}, []string{"p", "", "a procedure"})
			eq(t, "window", []string{string(s.Functions[4].Kind), s.Functions[4].Language}, []string{"w", "internal"})
			eq(t, "sql body deps", s.Functions[2].Deps, []model.ObjectRef{{Kind: model.KindTable, Schema: "public", Name: "items"}})
		},
	},
	{
		name: "aggregates",
		sql: `
CREATE FUNCTION public.add2(int, int) RETURNS int LANGUAGE sql IMMUTABLE STRICT AS 'SELECT $1 + $2';
CREATE AGGREGATE public.total(int) (
	SFUNC = public.add2, STYPE = int, INITCOND = '0', COMBINEFUNC = public.add2, PARALLEL = SAFE,
	MSFUNC = public.add2, MINVFUNC = int4mi, MSTYPE = int
);
CREATE AGGREGATE public.biggest(int) (SFUNC = int4larger, STYPE = int, SORTOP = >);
COMMENT ON AGGREGATE public.total(int) IS 'a sum';
`,
		check: func(t *testing.T, s *model.Schema) {
			eq(t, "aggregates", names(s.Aggregates, func(a model.Aggregate) string { return a.Key().String() }),
				[]string{"public.biggest(integer)", "public.total(integer)"})
			tot := s.Aggregates[1]
			eq(t, "total", tot, model.Aggregate{
				QName: model.QName{Schema: "public", Name: "total"}, IdentityArgs: "integer", Args: "integer",
				Kind: "n", SFunc: "public.add2", SType: "integer", FinalModify: "r",
				CombineFunc: "public.add2", InitCond: ptr("0"),
				MSFunc: "public.add2", MInvFunc: "int4mi", MSType: "integer", MFinalModify: "r",
				Parallel: "s", Owner: "postgres", Comment: "a sum",
				Deps: []model.ObjectRef{{Kind: model.KindFunction, Schema: "public", Name: "add2", Args: "integer, integer"}},
			})
			eq(t, "sortop", s.Aggregates[0].SortOp, ">(integer,integer)")
			eq(t, "support functions are not aggregates", names(s.Functions, func(f model.Function) string { return f.Name }), []string{"add2"})
		},
	},
	{
		name: "triggers rules policies",
		sql: `
` + createRole + `
CREATE TABLE t (id int, owner name);
CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER a_touch BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION public.touch();
CREATE CONSTRAINT TRIGGER c_touch AFTER INSERT ON t DEFERRABLE FOR EACH ROW EXECUTE FUNCTION public.touch();
ALTER TABLE t DISABLE TRIGGER a_touch;
COMMENT ON TRIGGER a_touch ON t IS 'touches';
CREATE TABLE log (id int);
CREATE RULE keep AS ON DELETE TO t DO ALSO INSERT INTO log VALUES (OLD.id);
CREATE FUNCTION public.mine(name) RETURNS boolean LANGUAGE sql STABLE AS 'SELECT $1 = current_user';
ALTER TABLE t ENABLE ROW LEVEL SECURITY;
ALTER TABLE t FORCE ROW LEVEL SECURITY;
CREATE POLICY own ON t AS RESTRICTIVE FOR UPDATE TO retort_introspect_reader, postgres
	USING (public.mine(owner)) WITH CHECK (id > 0);
CREATE POLICY everyone ON t USING (true);
CREATE TABLE parted (id int) PARTITION BY RANGE (id);
CREATE TABLE parted_1 PARTITION OF parted FOR VALUES FROM (0) TO (10);
CREATE TRIGGER on_parted AFTER INSERT ON parted FOR EACH ROW EXECUTE FUNCTION public.touch();
`,
		check: func(t *testing.T, s *model.Schema) {
			eq(t, "triggers", names(s.Triggers, func(x model.Trigger) string { return x.Table.Name + "." + x.Name }),
				[]string{"parted.on_parted", "t.a_touch", "t.c_touch"})
			a := s.Triggers[1]
			eq(t, "a_touch", a, model.Trigger{
				Table: model.QName{Schema: "public", Name: "t"}, Name: "a_touch",
				Definition: "CREATE TRIGGER a_touch BEFORE UPDATE ON public.t FOR EACH ROW EXECUTE FUNCTION public.touch()",
				Function:   "public.touch()", Enabled: "D", Comment: "touches",
				Deps: []model.ObjectRef{{Kind: model.KindFunction, Schema: "public", Name: "touch"}},
			})
			eq(t, "constraint trigger", s.Triggers[2].Constraint, true)
			eq(t, "rules", len(s.Rules), 1)
			r := s.Rules[0]
			eq(t, "rule", []string{r.Name, r.Definition, r.Enabled}, []string{"keep",
				"CREATE RULE keep AS\n    ON DELETE TO public.t DO  INSERT INTO public.log (id)\n  VALUES (old.id);", "O"})
			eq(t, "rule deps", r.Deps, []model.ObjectRef{{Kind: model.KindTable, Schema: "public", Name: "log"}})
			tb := table(t, s, "public", "t")
			eq(t, "row security", []bool{tb.RowSecurity, tb.ForceRowSecurity}, []bool{true, true})
			eq(t, "policies", s.Policies, []model.Policy{
				{Table: model.QName{Schema: "public", Name: "t"}, Name: "everyone", Permissive: true, Command: "ALL",
					Roles: []string{"public"}, Using: "true"},
				{Table: model.QName{Schema: "public", Name: "t"}, Name: "own", Command: "UPDATE",
					Roles: []string{"postgres", "retort_introspect_reader"}, Using: "public.mine(owner)", WithCheck: "(id > 0)",
					Deps: []model.ObjectRef{{Kind: model.KindFunction, Schema: "public", Name: "mine", Args: "name"}}},
			})
		},
	},
	{
		name: "types",
		sql: `
CREATE TYPE mood AS ENUM ('sad', 'happy');
ALTER TYPE mood ADD VALUE 'meh' BEFORE 'happy';
CREATE FUNCTION public.positive(int) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT $1 > 0';
CREATE DOMAIN posint AS int NOT NULL DEFAULT 1 CONSTRAINT is_positive CHECK (public.positive(VALUE));
ALTER DOMAIN posint ADD CONSTRAINT small CHECK (VALUE < 1000) NOT VALID;
CREATE DOMAIN ctext AS varchar(20) COLLATE "C";
CREATE TYPE pair AS (left_side public.posint, right_side text COLLATE "C", moods public.mood[]);
COMMENT ON COLUMN pair.left_side IS 'left';
CREATE FUNCTION public.float8_diff(float8, float8) RETURNS float8 LANGUAGE sql IMMUTABLE AS 'SELECT $1 - $2';
CREATE TYPE floatrange AS RANGE (subtype = float8, subtype_diff = public.float8_diff);
CREATE TYPE textrange AS RANGE (subtype = text, collation = "C", multirange_type_name = text_multis);
COMMENT ON TYPE mood IS 'feelings';
CREATE TABLE uses (m public.mood, ms public.mood[], p public.pair);
CREATE VIEW ranged AS SELECT public.textrange('a', 'b') AS r;
`,
		check: func(t *testing.T, s *model.Schema) {
			eq(t, "enums", s.Enums, []model.Enum{{QName: model.QName{Schema: "public", Name: "mood"},
				Labels: []string{"sad", "meh", "happy"}, Owner: "postgres", Comment: "feelings"}})
			eq(t, "domains", s.Domains, []model.Domain{
				{QName: model.QName{Schema: "public", Name: "ctext"}, Type: "character varying(20)", Collation: `"C"`, Owner: "postgres"},
				{QName: model.QName{Schema: "public", Name: "posint"}, Type: "integer", NotNull: true, Default: "1",
					Checks: []model.DomainCheck{
						{Name: "is_positive", Definition: "CHECK (public.positive(VALUE))"},
						{Name: "small", Definition: "CHECK ((VALUE < 1000)) NOT VALID", NotValid: true},
					}, Owner: "postgres",
					Deps: []model.ObjectRef{{Kind: model.KindFunction, Schema: "public", Name: "positive", Args: "integer"}}},
			})
			eq(t, "composite", s.CompositeTypes, []model.CompositeType{{
				QName: model.QName{Schema: "public", Name: "pair"},
				Attributes: []model.Attribute{
					{Name: "left_side", Type: "public.posint", Comment: "left"},
					{Name: "right_side", Type: "text", Collation: `"C"`},
					{Name: "moods", Type: "public.mood[]"},
				},
				Owner: "postgres",
				Deps: []model.ObjectRef{
					{Kind: model.KindType, Schema: "public", Name: "mood"},
					{Kind: model.KindType, Schema: "public", Name: "posint"},
				},
			}})
			want := []model.RangeType{
				{QName: model.QName{Schema: "public", Name: "floatrange"}, Subtype: "double precision",
					SubtypeDiff: "public.float8_diff", Owner: "postgres",
					Deps: []model.ObjectRef{{Kind: model.KindFunction, Schema: "public", Name: "float8_diff", Args: "double precision, double precision"}}},
				{QName: model.QName{Schema: "public", Name: "textrange"}, Subtype: "text", Collation: `"C"`, Owner: "postgres"},
			}
			if s.ServerMajor >= 14 {
				want[1].Multirange = "text_multis"
			}
			eq(t, "ranges", s.RangeTypes, want)
			// The constructors of ranges and multiranges, and the casts between
			// them, come with the types.
			eq(t, "functions", names(s.Functions, func(f model.Function) string { return f.Name }), []string{"float8_diff", "positive"})
			eq(t, "casts", len(s.Casts), 0)
			uses := table(t, s, "public", "uses")
			mood := model.ObjectRef{Kind: model.KindType, Schema: "public", Name: "mood"}
			eq(t, "enum column deps", uses.Columns[0].Deps, []model.ObjectRef{mood})
			eq(t, "array column deps", uses.Columns[1].Deps, []model.ObjectRef{mood})
			eq(t, "composite column deps", uses.Columns[2].Deps, []model.ObjectRef{{Kind: model.KindType, Schema: "public", Name: "pair"}})
			// A constructor stands for its range type.
			eq(t, "view deps", view(t, s, "public", "ranged").Deps, []model.ObjectRef{{Kind: model.KindType, Schema: "public", Name: "textrange"}})
		},
	},
	{
		name: "tables",
		sql: `
CREATE TYPE shape AS (w int, h int);
CREATE TABLE typed OF shape (w WITH OPTIONS NOT NULL);
CREATE UNLOGGED TABLE scratch (id int NOT NULL) WITH (fillfactor = 70, autovacuum_enabled = false);
CREATE UNIQUE INDEX scratch_id ON scratch (id);
ALTER TABLE scratch REPLICA IDENTITY USING INDEX scratch_id;
CREATE TABLE holder (s scratch, ss scratch[]);
CREATE TABLE full_ident (id int);
ALTER TABLE full_ident REPLICA IDENTITY FULL;
CREATE TABLE base1 (a int CHECK (a > 0), b int);
CREATE TABLE base2 (c int);
CREATE TABLE kid (d int) INHERITS (base2, base1);
CREATE TABLE measures (at date NOT NULL, v int, CHECK (v >= 0)) PARTITION BY RANGE (at);
CREATE TABLE measures_2024 PARTITION OF measures FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE measures_rest PARTITION OF measures DEFAULT;
CREATE INDEX measures_at ON measures (at);
CREATE INDEX measures_v_only ON ONLY measures (v);
CREATE TABLE refd (id int PRIMARY KEY);
ALTER TABLE measures ADD CONSTRAINT measures_v_fk FOREIGN KEY (v) REFERENCES refd;
ALTER TABLE measures ADD PRIMARY KEY (at, v);
GRANT SELECT ON measures TO PUBLIC;
COMMENT ON TABLE measures IS 'numbers';
`,
		check: func(t *testing.T, s *model.Schema) {
			typed := table(t, s, "public", "typed")
			eq(t, "of type", typed.OfType, "public.shape")
			eq(t, "typed table column", typed.Columns[0], model.Column{Name: "w", Type: "integer", NotNull: true})
			scratch := table(t, s, "public", "scratch")
			eq(t, "unlogged", scratch.Unlogged, true)
			eq(t, "options", scratch.Options, []string{"autovacuum_enabled=false", "fillfactor=70"})
			eq(t, "replica identity", []string{scratch.ReplicaIdentity, scratch.ReplicaIdentityIndex}, []string{"i", "scratch_id"})
			holder := table(t, s, "public", "holder")
			eq(t, "row type column deps", holder.Columns[0].Deps, []model.ObjectRef{{Kind: model.KindTable, Schema: "public", Name: "scratch"}})
			eq(t, "row type array column deps", holder.Columns[1].Deps, []model.ObjectRef{{Kind: model.KindTable, Schema: "public", Name: "scratch"}})
			eq(t, "full", table(t, s, "public", "full_ident").ReplicaIdentity, "f")
			kid := table(t, s, "public", "kid")
			eq(t, "inherits in order", kid.Inherits, []model.QName{{Schema: "public", Name: "base2"}, {Schema: "public", Name: "base1"}})
			eq(t, "inherited columns", names(kid.Columns, func(c model.Column) string {
				if c.Inherited {
					return c.Name + " (inherited)"
				}
				return c.Name
			}), []string{"c (inherited)", "a (inherited)", "b (inherited)", "d"})
			eq(t, "inherited check left out", len(kid.Constraints), 0)
			m := table(t, s, "public", "measures")
			eq(t, "partitioned", []string{string(m.Kind), m.PartitionKey, m.Comment}, []string{"partitioned", "RANGE (at)", "numbers"})
			only := index(t, m.Indexes, "measures_v_only")
			eq(t, "index on only the parent", []any{only.Invalid, only.Definition}, []any{true, "CREATE INDEX measures_v_only ON ONLY public.measures USING btree (v)"})
			eq(t, "valid", index(t, m.Indexes, "measures_at").Invalid, false)
			eq(t, "grants", m.Grants, append([]model.Grant{{Grantee: "", Privilege: "SELECT"}}, ownerTableGrants(s.ServerMajor)...))
			p := table(t, s, "public", "measures_2024")
			eq(t, "partition of", p.PartitionOf, &model.QName{Schema: "public", Name: "measures"})
			eq(t, "bound", p.PartitionBound, "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')")
			eq(t, "partition inherits nothing", p.Inherits, []model.QName(nil))
			eq(t, "default bound", table(t, s, "public", "measures_rest").PartitionBound, "DEFAULT")
			// The partition's clones of the parent's FK and CHECK are the parent's.
			eq(t, "partition constraints", names(p.Constraints, func(c model.Constraint) string { return c.Name }),
				[]string{"measures_2024_pkey"})
			eq(t, "partition key parent index", p.Constraints[0].ParentIndex, &model.QName{Schema: "public", Name: "measures_pkey"})
			eq(t, "partition index", index(t, p.Indexes, "measures_2024_at_idx").ParentIndex,
				&model.QName{Schema: "public", Name: "measures_at"})
		},
	},
	{
		name: "sequences collations",
		sql: `
CREATE SEQUENCE s AS smallint INCREMENT BY -2 MINVALUE -100 MAXVALUE 50 START WITH 40 CACHE 10 CYCLE;
COMMENT ON SEQUENCE s IS 'down';
` + createRole + `
GRANT USAGE ON SEQUENCE s TO retort_introspect_reader WITH GRANT OPTION;
CREATE COLLATION german (provider = libc, locale = 'C');
CREATE COLLATION nd (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE TABLE t (a text COLLATE public.german);
`,
		check: func(t *testing.T, s *model.Schema) {
			eq(t, "sequence", s.Sequences, []model.Sequence{{
				QName:           model.QName{Schema: "public", Name: "s"},
				SequenceOptions: model.SequenceOptions{Type: "smallint", Start: 40, Increment: -2, Min: -100, Max: 50, Cache: 10, Cycle: true},
				Owner:           "postgres", Comment: "down",
				Grants: []model.Grant{
					{Grantee: "postgres", Privilege: "SELECT"}, {Grantee: "postgres", Privilege: "UPDATE"},
					{Grantee: "postgres", Privilege: "USAGE"},
					{Grantee: "retort_introspect_reader", Privilege: "USAGE", Grantable: true}},
			}})
			eq(t, "collation names", names(s.Collations, func(c model.Collation) string { return c.Name }), []string{"german", "nd"})
			eq(t, "libc", []string{s.Collations[0].Provider, s.Collations[0].LcCollate, s.Collations[0].LcCtype}, []string{"c", "C", "C"})
			nd := s.Collations[1]
			eq(t, "icu", []any{nd.Provider, nd.Deterministic}, []any{"i", false})
			if s.ServerMajor >= 15 {
				eq(t, "icu locale", nd.Locale, "und-u-ks-level2")
			}
			col := column(t, table(t, s, "public", "t"), "a")
			eq(t, "user collation", col.Collation, "public.german")
			eq(t, "collation dep", col.Deps, []model.ObjectRef{{Kind: model.KindCollation, Schema: "public", Name: "german"}})
		},
	},
	{
		name: "foreign casts event triggers",
		sql: `
CREATE FOREIGN DATA WRAPPER dummy OPTIONS (debug 'true');
CREATE SERVER remote FOREIGN DATA WRAPPER dummy OPTIONS (host 'example');
CREATE USER MAPPING FOR PUBLIC SERVER remote OPTIONS (user 'anyone');
CREATE USER MAPPING FOR postgres SERVER remote OPTIONS (user 'me', password 'secret');
CREATE FOREIGN TABLE ft (id int OPTIONS (column_name 'ID')) SERVER remote OPTIONS (table_name 'remote_t');
CREATE TYPE money2 AS (cents bigint);
CREATE FUNCTION public.to_money2(bigint) RETURNS public.money2 LANGUAGE sql IMMUTABLE AS 'SELECT ROW($1)::public.money2';
CREATE CAST (bigint AS public.money2) WITH FUNCTION public.to_money2(bigint) AS ASSIGNMENT;
COMMENT ON CAST (bigint AS public.money2) IS 'cents';
CREATE FUNCTION public.on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$;
CREATE EVENT TRIGGER watch ON ddl_command_end WHEN TAG IN ('CREATE TABLE', 'DROP TABLE') EXECUTE FUNCTION public.on_ddl();
ALTER EVENT TRIGGER watch DISABLE;
`,
		check: func(t *testing.T, s *model.Schema) {
			eq(t, "wrappers", s.ForeignDataWrappers, []model.ForeignDataWrapper{{Name: "dummy", Options: []string{"debug=true"}, Owner: "postgres"}})
			eq(t, "servers", s.Servers, []model.ForeignServer{{Name: "remote", Wrapper: "dummy", Options: []string{"host=example"}, Owner: "postgres"}})
			eq(t, "mappings", s.UserMappings, []model.UserMapping{
				{Server: "remote", User: "postgres", Options: []string{"user=me", "password=secret"}},
				{Server: "remote", User: "public", Options: []string{"user=anyone"}},
			})
			ft := table(t, s, "public", "ft")
			eq(t, "foreign table", []any{ft.Kind, ft.Server, ft.ServerOptions, ft.Columns[0].FDWOptions},
				[]any{model.TableForeign, "remote", []string{"table_name=remote_t"}, []string{"column_name=ID"}})
			eq(t, "casts", s.Casts, []model.Cast{{Source: "bigint", Target: "public.money2",
				Function: "public.to_money2(bigint)", Method: "f", Context: "a", Comment: "cents",
				Deps: []model.ObjectRef{
					{Kind: model.KindFunction, Schema: "public", Name: "to_money2", Args: "bigint"},
					{Kind: model.KindType, Schema: "public", Name: "money2"},
				}}})
			eq(t, "event triggers", s.EventTriggers, []model.EventTrigger{{Name: "watch", Event: "ddl_command_end",
				Tags: []string{"CREATE TABLE", "DROP TABLE"}, Function: "public.on_ddl", Enabled: "D", Owner: "postgres"}})
		},
	},
	{
		name: "default privileges",
		sql: `
DO $$ BEGIN CREATE ROLE retort_dp_reader; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA app;
ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO retort_dp_reader;
ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT USAGE ON SEQUENCES TO retort_dp_reader WITH GRANT OPTION;
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
`,
		check: func(t *testing.T, s *model.Schema) {
			// Database-wide entries hold the whole ACL, the owner's own
			// privileges included; per-schema ones only what they add.
			// The owner's table privileges differ between versions
			// (MAINTAIN from 17): counted, not listed.
			var got []string
			owner := 0
			for _, d := range s.DefaultPrivileges {
				for _, g := range d.Grants {
					if d.ObjectType == "r" && g.Grantee == "postgres" {
						owner++
						continue
					}
					got = append(got, fmt.Sprintf("%s %q %s %s→%q %t", d.Role, d.Schema, d.ObjectType, g.Privilege, g.Grantee, g.Grantable))
				}
				if len(d.Grants) == 0 {
					got = append(got, fmt.Sprintf("%s %q %s none", d.Role, d.Schema, d.ObjectType))
				}
			}
			eq(t, "default privileges", got, []string{
				`postgres "" f EXECUTE→"postgres" false`,
				`postgres "" r SELECT→"retort_dp_reader" false`,
				`postgres "app" S USAGE→"retort_dp_reader" true`,
			})
			if owner < 7 {
				t.Errorf("the owner's own default table privileges: %d, want all of them", owner)
			}
			eq(t, "unsupported", s.Unsupported, map[string]int(nil))
		},
	},
	{
		name: "unsupported",
		sql: `
CREATE FUNCTION public.same(int, int) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT $1 = $2';
CREATE OPERATOR public.=== (LEFTARG = int, RIGHTARG = int, FUNCTION = public.same);
CREATE TEXT SEARCH CONFIGURATION public.mine (COPY = pg_catalog.english);
CREATE TABLE t (a int, b int);
CREATE TYPE shelly;
CREATE PUBLICATION pub FOR TABLE t;
`,
		check: func(t *testing.T, s *model.Schema) {
			eq(t, "unsupported", s.Unsupported, map[string]int{
				"operator": 1, "text search configuration": 1, "shell type": 1,
				"publication": 1,
			})
		},
	},
	{
		name: "statistics",
		sql: `
CREATE SCHEMA st;
CREATE TABLE t (a int, b int, c text);
CREATE STATISTICS st.t_ab (ndistinct, dependencies) ON a, b FROM t;
CREATE STATISTICS t_all ON b, c FROM t;
ALTER STATISTICS t_all SET STATISTICS 500;
COMMENT ON STATISTICS t_all IS 'b and c';
CREATE MATERIALIZED VIEW mv AS SELECT a, b FROM t;
CREATE STATISTICS mv_ab (mcv) ON a, b FROM mv;
`,
		check: func(t *testing.T, s *model.Schema) {
			tq, mvq := model.QName{Schema: "public", Name: "t"}, model.QName{Schema: "public", Name: "mv"}
			eq(t, "statistics", s.Statistics, []model.Statistics{
				{QName: model.QName{Schema: "public", Name: "mv_ab"}, Table: mvq,
					Definition: "CREATE STATISTICS public.mv_ab (mcv) ON a, b FROM public.mv", Owner: "postgres"},
				{QName: model.QName{Schema: "public", Name: "t_all"}, Table: tq,
					Definition: "CREATE STATISTICS public.t_all ON b, c FROM public.t", Target: ptr(500),
					Owner: "postgres", Comment: "b and c"},
				{QName: model.QName{Schema: "st", Name: "t_ab"}, Table: tq,
					Definition: "CREATE STATISTICS st.t_ab (ndistinct, dependencies) ON a, b FROM public.t", Owner: "postgres"},
			})
			eq(t, "unsupported", s.Unsupported, map[string]int(nil))
		},
	},
	{
		name: "identifiers",
		sql: `
CREATE SCHEMA "My Schema";
CREATE TABLE "My Schema"."select" (
	"Weird ""Col""" int PRIMARY KEY,
	"order" text,
	"Ünïcödé" text,
	"with space" int
);
CREATE INDEX "Idx, ""odd""" ON "My Schema"."select" ("with space" DESC, lower("Ünïcödé"));
CREATE VIEW "My Schema"."View" AS SELECT "order" FROM "My Schema"."select";
CREATE TYPE "My Schema"."Mood" AS ENUM ('it''s', 'a "b"');
`,
		check: func(t *testing.T, s *model.Schema) {
			eq(t, "schemas", names(s.Namespaces, func(n model.Namespace) string { return n.Name }), []string{"My Schema", "public"})
			tb := table(t, s, "My Schema", "select")
			eq(t, "columns", names(tb.Columns, func(c model.Column) string { return c.Name }),
				[]string{`Weird "Col"`, "order", "Ünïcödé", "with space"})
			eq(t, "pk columns", constraint(t, tb, "select_pkey").Columns, []string{`Weird "Col"`})
			ix := index(t, tb.Indexes, `Idx, "odd"`)
			eq(t, "index definition", ix.Definition,
				`CREATE INDEX "Idx, ""odd""" ON "My Schema"."select" USING btree ("with space" DESC, lower("Ünïcödé"))`)
			eq(t, "keys", ix.Keys, []string{`"with space" DESC`, `lower("Ünïcödé")`})
			v := view(t, s, "My Schema", "View")
			eq(t, "view deps", v.Deps, []model.ObjectRef{{Kind: model.KindTable, Schema: "My Schema", Name: "select"}})
			eq(t, "labels", s.Enums[0].Labels, []string{"it's", `a "b"`})
		},
	},
}

// ownerTableGrants are the privileges a table's owner has once its ACL is
// not the default, in the order Normalize puts them.
func ownerTableGrants(major int) []model.Grant {
	privs := []string{"DELETE", "INSERT", "MAINTAIN", "REFERENCES", "SELECT", "TRIGGER", "TRUNCATE", "UPDATE"}
	if major < 17 {
		privs = slices.Delete(privs, 2, 3) // MAINTAIN came with PostgreSQL 17
	}
	var g []model.Grant
	for _, p := range privs {
		g = append(g, model.Grant{Grantee: "postgres", Privilege: p})
	}
	return g
}

// createRole creates the role the fixtures grant to. Roles belong to the
// server, not the database, so parallel tests may race to create it.
const createRole = `DO $$ BEGIN CREATE ROLE retort_introspect_reader;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;`

func TestKinds(t *testing.T) {
	for _, tc := range kindCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			url := load(t, "")
			if major := serverMajor(t, url); major < tc.minMajor {
				t.Skipf("needs PostgreSQL %d; the server is %d", tc.minMajor, major)
			}
			apply(t, url, tc.sql)
			s, err := InspectURL(context.Background(), url, Options{})
			if err != nil {
				t.Fatalf("Inspect: %v", err)
			}
			tc.check(t, s)
			again := *s
			again.Normalize()
			if !s.Equal(&again) {
				t.Error("the schema Inspect returned is not normalized")
			}
		})
	}
}

// TestTimeZoneIndependent checks that a timestamptz default reads the same
// whatever the database's TimeZone setting is.
func TestTimeZoneIndependent(t *testing.T) {
	t.Parallel()
	var texts []string
	for _, tz := range []string{"Asia/Tokyo", "America/New_York"} {
		url := devdbtest.NewDatabase(t)
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		name := conn.Config().Database
		_, err = conn.Exec(ctx, "ALTER DATABASE "+sqlq.Ident(name)+" SET TimeZone = "+sqlq.Literal(tz))
		conn.Close(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conn, err = pgx.Connect(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		_, err = conn.Exec(ctx, "CREATE TABLE t (at timestamptz DEFAULT '2020-01-01 12:00:00+00')")
		if err != nil {
			t.Fatal(err)
		}
		s, err := Inspect(ctx, conn, Options{})
		conn.Close(ctx)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, s.Tables[0].Columns[0].Default)
	}
	if texts[0] != texts[1] || !strings.Contains(texts[0], "12:00:00+00") {
		t.Errorf("defaults differ by time zone: %q", texts)
	}
}
