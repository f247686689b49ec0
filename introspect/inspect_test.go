package introspect

import (
	"context"
	"fmt"
	"math"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/retortdb/retort/internal/sharedtest"
	"github.com/retortdb/retort/model"
)

func TestOptions(t *testing.T) {
	t.Parallel()
	url := load(t, `
CREATE SCHEMA app;
CREATE SCHEMA audit;
CREATE TABLE app.users (id int PRIMARY KEY);
CREATE TABLE audit.log (id int);
CREATE TABLE public.retort_version (id serial PRIMARY KEY, version text);
CREATE INDEX retort_version_v ON public.retort_version (version);
CREATE FUNCTION public.noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER t BEFORE INSERT ON public.retort_version FOR EACH ROW EXECUTE FUNCTION public.noop();
CREATE TABLE public.kept (id int);
CREATE FOREIGN DATA WRAPPER w;
`)
	ctx := context.Background()
	tables := func(s *model.Schema) []string {
		return names(s.Tables, func(x model.Table) string { return x.QName.String() })
	}
	schemas := func(s *model.Schema) []string {
		return names(s.Namespaces, func(x model.Namespace) string { return x.Name })
	}

	s, err := InspectURL(ctx, url, Options{Schemas: []string{"app"}})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "schemas", schemas(s), []string{"app"})
	eq(t, "tables", tables(s), []string{"app.users"})
	eq(t, "database-wide objects need every schema", len(s.ForeignDataWrappers), 0)

	s, err = InspectURL(ctx, url, Options{Exclude: []string{"audit", "no_such_schema"}})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "excluded", schemas(s), []string{"app", "public"})
	eq(t, "wrappers", len(s.ForeignDataWrappers), 1)

	s, err = InspectURL(ctx, url, Options{IgnoreTables: []model.QName{{Schema: "public", Name: "retort_version"}}})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "ignored", tables(s), []string{"app.users", "audit.log", "public.kept"})
	eq(t, "its sequence", len(s.Sequences), 0)
	eq(t, "its trigger", len(s.Triggers), 0)

	_, err = InspectURL(ctx, url, Options{Schemas: []string{"app", "nope"}})
	if err == nil || !strings.Contains(err.Error(), `schema "nope" does not exist`) {
		t.Errorf("missing schema: got error %v", err)
	}
	_, err = InspectURL(ctx, url, Options{IgnoreTables: []model.QName{{Name: "x"}}})
	if err == nil {
		t.Error("an ignored table without a schema was accepted")
	}
}

func TestInsideTransaction(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, load(t, ""))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := Inspect(ctx, conn, Options{}); err == nil {
		t.Error("Inspect ran inside the caller's transaction")
	}
}

func TestEmptyDatabase(t *testing.T) {
	t.Parallel()
	s := inspectSQL(t, "", Options{})
	if s.ServerMajor < 13 {
		t.Errorf("ServerMajor = %d", s.ServerMajor)
	}
	// A fresh database has schema public and the plpgsql extension, which
	// is left out.
	eq(t, "schemas", names(s.Namespaces, func(n model.Namespace) string { return n.Name }), []string{"public"})
	eq(t, "extensions", s.Extensions, []model.Extension(nil))
	eq(t, "unsupported", s.Unsupported, map[string]int(nil))
	eq(t, "functions", len(s.Functions), 0)
}

func TestExtensionMembersLeftOut(t *testing.T) {
	t.Parallel()
	url := load(t, "")
	for _, ext := range []string{"pg_trgm", "postgis", "postgis_topology"} {
		if !hasExtension(t, url, ext) {
			t.Skipf("extension %s is not installed on the test server (scripts/setup --test installs it)", ext)
		}
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, `
CREATE EXTENSION pg_trgm;
CREATE EXTENSION postgis;
CREATE EXTENSION postgis_topology;
CREATE TABLE places (name text, geom public.geometry(Point, 4326));
CREATE INDEX places_name ON places USING gin (name public.gin_trgm_ops);
CREATE FUNCTION public.mine() RETURNS int LANGUAGE sql AS 'SELECT 1';
`)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Inspect(ctx, conn, Options{})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "extensions", names(s.Extensions, func(e model.Extension) string { return e.Name + "@" + e.Schema }),
		[]string{"pg_trgm@public", "postgis@public", "postgis_topology@topology"})
	// CREATE EXTENSION made schema topology, as pg_dump sees it, but every
	// object in it belongs to postgis_topology.
	eq(t, "schemas", names(s.Namespaces, func(n model.Namespace) string { return n.Name }), []string{"public", "topology"})
	eq(t, "functions", names(s.Functions, func(f model.Function) string { return f.Name }), []string{"mine"})
	eq(t, "tables", names(s.Tables, func(x model.Table) string { return x.Name }), []string{"places"})
	eq(t, "views", len(s.Views), 0)
	eq(t, "types", len(s.CompositeTypes)+len(s.Domains)+len(s.Enums), 0)
	eq(t, "casts", len(s.Casts), 0)
	eq(t, "unsupported", s.Unsupported, map[string]int(nil))
	places := table(t, s, "public", "places")
	eq(t, "geometry column", places.Columns[1].Type, "public.geometry(Point,4326)")
	eq(t, "geometry dep", places.Columns[1].Deps, []model.ObjectRef{{Kind: model.KindExtension, Name: "postgis"}})
	eq(t, "opclass dep", index(t, places.Indexes, "places_name").Deps, []model.ObjectRef{{Kind: model.KindExtension, Name: "pg_trgm"}})
}

// countingTracer counts the queries a connection sends.
type countingTracer struct{ n atomic.Int64 }

func (c *countingTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	c.n.Add(1)
	return ctx
}

func (c *countingTracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// manyTables declares n tables with everything that has a query of its own
// per table: columns, keys, indexes, triggers, policies, rules, comments.
func manyTables(n int) string {
	var b strings.Builder
	b.WriteString("CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\n")
	for i := range n {
		fmt.Fprintf(&b, `CREATE TABLE t%[1]d (id int PRIMARY KEY, parent int REFERENCES t%[2]d, name text DEFAULT 'x' CHECK (name <> ''));
CREATE INDEX t%[1]d_name ON t%[1]d (lower(name));
CREATE TRIGGER t%[1]d_touch BEFORE UPDATE ON t%[1]d FOR EACH ROW EXECUTE FUNCTION public.touch();
CREATE POLICY t%[1]d_p ON t%[1]d USING (id > 0);
CREATE RULE t%[1]d_r AS ON DELETE TO t%[1]d DO ALSO NOTIFY t;
CREATE VIEW v%[1]d AS SELECT * FROM t%[1]d;
COMMENT ON TABLE t%[1]d IS 'table %[1]d';
`, i, max(i-1, 0))
	}
	return b.String()
}

// TestQueryCountIsConstant checks that Inspect sends as many queries for 60
// tables as for 3: one per kind, never one per table.
func TestQueryCountIsConstant(t *testing.T) {
	t.Parallel()
	count := func(n int) (int64, *model.Schema) {
		url := load(t, manyTables(n))
		cfg, err := pgx.ParseConfig(url)
		if err != nil {
			t.Fatal(err)
		}
		tracer := &countingTracer{}
		cfg.Tracer = tracer
		ctx := context.Background()
		conn, err := pgx.ConnectConfig(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		tracer.n.Store(0)
		s, err := Inspect(ctx, conn, Options{})
		if err != nil {
			t.Fatal(err)
		}
		return tracer.n.Load(), s
	}
	small, s3 := count(3)
	large, s60 := count(60)
	eq(t, "tables", []int{len(s3.Tables), len(s60.Tables)}, []int{3, 60})
	eq(t, "triggers", len(s60.Triggers), 60)
	eq(t, "views", len(s60.Views), 60)
	if small != large {
		t.Errorf("Inspect sent %d queries for 3 tables and %d for 60", small, large)
	}
	t.Logf("%d queries", small)
}

// TestPagila loads the pagila sample schema and checks that what the file
// declares is what Inspect finds.
func TestPagila(t *testing.T) {
	t.Parallel()
	path := sharedtest.Schema(t, "pagila.sql")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	declared := func(re string) int {
		return len(regexp.MustCompile(`(?m)^CREATE `+re+`\b`).FindAll(src, -1))
	}
	s := inspectSQL(t, string(src), Options{})
	indexes := 0
	for _, tb := range s.Tables {
		indexes += len(tb.Indexes)
	}
	for _, v := range s.Views {
		indexes += len(v.Indexes)
	}
	eq(t, "tables", len(s.Tables), declared("TABLE"))
	eq(t, "views", len(s.Views), declared("VIEW")+declared("MATERIALIZED VIEW"))
	eq(t, "functions", len(s.Functions), declared("FUNCTION"))
	eq(t, "aggregates", len(s.Aggregates), declared("AGGREGATE"))
	eq(t, "triggers", len(s.Triggers), declared("TRIGGER"))
	eq(t, "sequences", len(s.Sequences), declared("SEQUENCE"))
	eq(t, "domains", len(s.Domains), declared("DOMAIN"))
	eq(t, "enums", len(s.Enums), declared("TYPE"))
	eq(t, "indexes", indexes, declared("INDEX")+declared("UNIQUE INDEX"))
	if err := s.Validate(); err != nil {
		t.Errorf("pagila does not validate: %v", err)
	}
	payment := table(t, s, "public", "payment")
	eq(t, "partition key", payment.PartitionKey, "RANGE (payment_date)")
	partitions := 0
	for _, tb := range s.Tables {
		if tb.PartitionOf != nil && *tb.PartitionOf == payment.QName {
			partitions++
		}
	}
	eq(t, "partitions", partitions, 7)
}

func TestKeysWithOptions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		pretty string
		keys   []string
		want   []string
	}{
		{
			`CREATE INDEX i ON t USING btree (a DESC NULLS LAST, lower(b) text_pattern_ops, b COLLATE "C" DESC, (a + d), c COLLATE "x, y") INCLUDE (d) WHERE a > 0`,
			[]string{"a", "lower(b)", "b", "(a + d)", "c"},
			[]string{"a DESC NULLS LAST", "lower(b) text_pattern_ops", `b COLLATE "C" DESC`, "(a + d)", `c COLLATE "x, y"`},
		},
		{
			`CREATE INDEX "i (x)" ON "t (y)" USING gist (f(a, ')'::text) public.gist_trgm_ops (siglen='32'), "we""ird")`,
			[]string{"f(a, ')'::text)", `"we""ird"`},
			[]string{"f(a, ')'::text) public.gist_trgm_ops (siglen='32')", `"we""ird"`},
		},
		{
			// Not what was expected: the bare keys are kept.
			`CREATE INDEX i ON t USING btree (a, b)`,
			[]string{"a", "c"},
			[]string{"a", "c"},
		},
	} {
		eq(t, tc.pretty, keysWithOptions(tc.pretty, tc.keys), tc.want)
	}
}

// TestQueriesForOlderServers plans every query as it is written for each
// PostgreSQL major from 13 up to the test server's, so that the branches for
// older catalogs are at least valid SQL; a newer server still has the older
// columns they use, but for one that was renamed.
func TestQueriesForOlderServers(t *testing.T) {
	t.Parallel()
	url := load(t, "")
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	entries, err := sqlFS.ReadDir("sql")
	if err != nil {
		t.Fatal(err)
	}
	oids := []uint32{}
	server := serverMajor(t, url)
	explain := func(name string, major int, q string, args []any) {
		t.Helper()
		_, err := conn.Exec(ctx, "EXPLAIN "+q, args...)
		if err != nil && server >= 17 && major < 17 && strings.Contains(err.Error(), "colliculocale") {
			return // renamed colllocale in PostgreSQL 17
		}
		if err != nil {
			t.Errorf("%s as written for PostgreSQL %d: %v", name, major, err)
		}
	}
	for major := 13; major <= server; major++ {
		for _, e := range entries {
			name := strings.TrimSuffix(e.Name(), ".sql")
			q, err := querySQL(name, major*10000)
			if err != nil {
				t.Fatalf("%s for %d: %v", name, major, err)
			}
			var args []any
			for i := 1; strings.Contains(q, fmt.Sprintf("$%d", i)); i++ {
				args = append(args, oids)
			}
			switch name {
			case "unsupported":
				args[2] = true
			case "default_privileges":
				args[1] = true
			}
			explain(name, major, q, args)
			if slices.Contains(prefetchKinds, name) {
				q, err := renderQuery(name, queryData{V: major * 10000, Part: true})
				if err != nil {
					t.Fatalf("%s for %d, one part: %v", name, major, err)
				}
				explain(name+" (one part)", major, q, []any{oids, uint32(0), uint32(math.MaxUint32)})
			}
		}
	}
}

// TestQueryExecModes checks that Inspect works whatever protocol the caller's
// connection (and its helpers') is set up for, as behind a pooler that
// cannot prepare statements.
func TestQueryExecModes(t *testing.T) {
	t.Parallel()
	url := load(t, `CREATE TABLE t (id serial PRIMARY KEY, tags text[] DEFAULT '{}');
CREATE INDEX t_tags ON t USING gin (tags);
GRANT SELECT ON t TO PUBLIC;`)
	var want *model.Schema
	for _, mode := range []pgx.QueryExecMode{
		pgx.QueryExecModeCacheStatement, pgx.QueryExecModeCacheDescribe, pgx.QueryExecModeDescribeExec,
		pgx.QueryExecModeExec, pgx.QueryExecModeSimpleProtocol,
	} {
		cfg, err := pgx.ParseConfig(url)
		if err != nil {
			t.Fatal(err)
		}
		cfg.DefaultQueryExecMode = mode
		ctx := context.Background()
		conn, err := pgx.ConnectConfig(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		s, err := Inspect(ctx, conn, Options{})
		if err != nil {
			t.Fatalf("%v: %v", mode, err)
		}
		// The helper connections, which take ranges of oids as arguments,
		// in the same mode.
		helped, err := Inspect(ctx, conn, Options{Connect: func(ctx context.Context) (*pgx.Conn, error) {
			return pgx.ConnectConfig(ctx, cfg.Copy())
		}})
		conn.Close(ctx)
		if err != nil {
			t.Fatalf("%v, with helpers: %v", mode, err)
		}
		if want == nil {
			want = s
		} else if !want.Equal(s) {
			t.Errorf("%v: the schema differs from the one read with %v", mode, pgx.QueryExecModeCacheStatement)
		}
		if !want.Equal(helped) {
			t.Errorf("%v, with helpers: the schema differs from the one read with %v", mode, pgx.QueryExecModeCacheStatement)
		}
	}
	eq(t, "tables", len(want.Tables), 1)
}

// TestTableSizes: the estimates that plans use to flag locks on large
// tables are read for tables with rows, and do not make two databases of
// one schema differ.
func TestTableSizes(t *testing.T) {
	t.Parallel()
	const ddl = "CREATE TABLE big (id int, pad text);\nCREATE TABLE small (id int);\nCREATE TABLE empty (id int);\nCREATE TABLE analyzed (id int);\n"
	s := inspectSQL(t, ddl+"INSERT INTO big SELECT g, 'padding padding' FROM generate_series(1, 150000) g;\n"+
		"INSERT INTO small VALUES (1);\nANALYZE big, small, analyzed;\n", Options{})
	big, ok := s.TableSizes[model.QName{Schema: "public", Name: "big"}]
	if !ok || big.Rows < 140000 || big.Rows > 160000 || big.Bytes < 4<<20 {
		t.Errorf("big = %+v (found %v), want about 150000 rows and several MB", big, ok)
	}
	if small := s.TableSizes[model.QName{Schema: "public", Name: "small"}]; small.Rows != 1 || small.Bytes != 8192 {
		t.Errorf("small = %+v, want 1 row in one 8 kB page", small)
	}
	if e, ok := s.TableSizes[model.QName{Schema: "public", Name: "empty"}]; ok {
		t.Errorf("empty = %+v, want no estimate (never analyzed)", e)
	}
	// From 14 on, an analyzed empty table is known to be empty.
	a, ok := s.TableSizes[model.QName{Schema: "public", Name: "analyzed"}]
	if s.ServerMajor >= 14 && (!ok || a.Rows != 0 || a.Bytes != 0) || s.ServerMajor < 14 && ok {
		t.Errorf("analyzed = %+v (found %v) on %d, want 0 rows from 14 on, no estimate before", a, ok, s.ServerMajor)
	}
	if !s.Equal(inspectSQL(t, ddl, Options{})) {
		t.Error("the same schema without rows is not Equal")
	}
}
