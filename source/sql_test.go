package source

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sergi/go-diff/diffmatchpatch"

	"github.com/retortdb/retort/internal/devdb/devdbtest"
	"github.com/retortdb/retort/internal/sharedtest"
	"github.com/retortdb/retort/introspect"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/model/sqlddl"
)

func TestMain(m *testing.M) { devdbtest.Main(m) }

// sqlLoader returns a Loader whose scratch databases live on the shared
// test server.
func sqlLoader(t *testing.T) *Loader {
	t.Helper()
	l := &Loader{DevURL: devdbtest.Server(t).ConnString("postgres"), Logf: t.Logf}
	t.Cleanup(func() {
		if err := l.Close(); err != nil {
			t.Error(err)
		}
	})
	return l
}

// psqlLoad loads files in order into a new database with psql, as their
// authors do, and inspects it.
func psqlLoad(t *testing.T, files ...string) *model.Schema {
	t.Helper()
	bin, err := exec.LookPath("psql")
	if err != nil {
		t.Skipf("psql is needed to load the reference database: %v", err)
	}
	url := devdbtest.NewDatabase(t)
	for _, f := range files {
		cmd := exec.Command(bin, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", f)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			t.Fatalf("psql -f %s: %v\n%s", f, err, out.String())
		}
	}
	s, err := introspect.InspectURL(t.Context(), url, introspect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// writeFiles writes name → content into a new directory.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// sameSchema fails the test when two schemas differ, showing the lines of
// their JSON that differ.
func sameSchema(t *testing.T, got, want *model.Schema) {
	t.Helper()
	if got.Equal(want) {
		return
	}
	g, _ := json.MarshalIndent(got, "", " ")
	w, _ := json.MarshalIndent(want, "", " ")
	dmp := diffmatchpatch.New()
	a, b, lines := dmp.DiffLinesToChars(string(w), string(g))
	var out strings.Builder
	for _, d := range dmp.DiffCharsToLines(dmp.DiffMain(a, b, false), lines) {
		sign := map[diffmatchpatch.Operation]string{diffmatchpatch.DiffInsert: "+ ", diffmatchpatch.DiffDelete: "- "}[d.Type]
		if sign != "" && out.Len() < 8000 {
			out.WriteString(sign + strings.ReplaceAll(strings.TrimSuffix(d.Text, "\n"), "\n", "\n"+sign) + "\n")
		}
	}
	t.Errorf("the SQL source and psql give different schemas (- psql, + SQL source):\n%s", out.String())
}

// TestSQLRealSchemas loads each real schema through the SQL source and
// through psql, and compares what the two databases hold.
func TestSQLRealSchemas(t *testing.T) {
	tests := []struct {
		name  string
		files []string
	}{
		{"pagila", []string{"pagila.sql"}},
		// A directory: its files load in lexical order, which is
		// hatchet's own order.
		{"hatchet", []string{"hatchet-v0.sql", "hatchet-v1-core.sql", "hatchet-v1-olap.sql"}},
		{"gitlab", []string{"gitlab.sql"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "gitlab" && testing.Short() {
				t.Skip("gitlab takes a while; runs without -short")
			}
			t.Parallel()
			var paths []string
			for _, f := range tt.files {
				paths = append(paths, sharedtest.Schema(t, f))
			}
			src := paths[0]
			if len(paths) > 1 {
				dir := t.TempDir()
				for _, p := range paths {
					b, err := os.ReadFile(p)
					if err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(filepath.Join(dir, filepath.Base(p)), b, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				src = dir
			}
			start := time.Now()
			// Trusted: pagila names postgres, the shared server's
			// superuser, as owner, which the role that applies
			// untrusted sources there may not (the embedded server's
			// postgres is that role: see trust_test.go).
			l := sqlLoader(t)
			l.Trusted = true
			got, err := l.Load(t.Context(), src)
			if err != nil {
				t.Fatal(err)
			}
			viaSource := time.Since(start)
			start = time.Now()
			want := psqlLoad(t, paths...)
			viaPsql := time.Since(start)
			if len(want.Tables) == 0 {
				t.Fatal("psql's database has no tables")
			}
			sameSchema(t, got, want)
			t.Logf("%s: %d tables; SQL source %v (split, apply, inspect), psql and inspect %v",
				tt.name, len(got.Tables), viaSource.Round(time.Millisecond), viaPsql.Round(time.Millisecond))
		})
	}
}

// forward is a schema in dependency order; backward declares the same
// objects the other way round, with search_path changes between them.
const forward = `CREATE SCHEMA app;
CREATE TYPE app.mood AS ENUM ('happy', 'sad');
CREATE DOMAIN app.positive AS integer CHECK (VALUE > 0);
CREATE TABLE app.customers (id int PRIMARY KEY, mood app.mood);
CREATE TABLE app.orders (id int PRIMARY KEY, customer int, qty app.positive);
ALTER TABLE app.orders ADD CONSTRAINT orders_customer_fkey FOREIGN KEY (customer) REFERENCES app.customers(id);
CREATE INDEX orders_customer ON app.orders (customer);
CREATE FUNCTION app.total(c int) RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT sum(qty) FROM app.orders WHERE customer = c $$;
CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER orders_touch BEFORE UPDATE ON app.orders FOR EACH ROW EXECUTE FUNCTION app.touch();
CREATE VIEW app.big AS SELECT c.id, app.total(c.id) AS total FROM app.customers c;
CREATE VIEW public.biggest AS SELECT max(total) AS m FROM app.big;
COMMENT ON VIEW app.big IS 'customers with totals';
CREATE TABLE public.audit (at timestamptz DEFAULT now(), who app.mood);
`

const backward = `-- Everything before what it needs.
SET search_path = app;
COMMENT ON VIEW big IS 'customers with totals';
CREATE VIEW public.biggest AS SELECT max(total) AS m FROM big;
CREATE VIEW big AS SELECT c.id, total(c.id) AS total FROM customers c;
CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();
CREATE FUNCTION total(c int) RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT sum(qty) FROM app.orders WHERE customer = c $$;
CREATE INDEX orders_customer ON orders (customer);
ALTER TABLE orders ADD CONSTRAINT orders_customer_fkey FOREIGN KEY (customer) REFERENCES customers(id);
CREATE TABLE orders (id int PRIMARY KEY, customer int, qty positive);
SET search_path = public, app;
CREATE TABLE audit (at timestamptz DEFAULT now(), who mood);
RESET search_path;
CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TABLE app.customers (id int PRIMARY KEY, mood app.mood);
CREATE DOMAIN app.positive AS integer CHECK (VALUE > 0);
CREATE TYPE app.mood AS ENUM ('happy', 'sad');
CREATE SCHEMA app;
`

// TestSQLAnyOrder loads a file written in reverse dependency order: each
// statement waits for what it needs, under the search_path it was written
// under, and the result is the forward file's.
func TestSQLAnyOrder(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{"forward.sql": forward, "backward.sql": backward})
	want := psqlLoad(t, filepath.Join(dir, "forward.sql"))
	var logs []string
	l := sqlLoader(t)
	l.Logf = func(format string, args ...any) { logs = append(logs, fmt.Sprintf(format, args...)) }
	got, err := l.Load(t.Context(), filepath.Join(dir, "backward.sql"))
	if err != nil {
		t.Fatal(err)
	}
	sameSchema(t, got, want)
	if len(logs) != 1 || !strings.Contains(logs[0], "statements ran after statements written later") {
		t.Errorf("logs = %q", logs)
	}
}

// TestSQLTransactionsAndSettings covers a file's own transaction blocks,
// statements that cannot run in one, and session settings.
func TestSQLTransactionsAndSettings(t *testing.T) {
	t.Parallel()
	text := `SET check_function_bodies = off;
CREATE SCHEMA s;
BEGIN;
SET LOCAL search_path = s;
CREATE VIEW v AS SELECT id FROM t;   -- fails in the block, runs after COMMIT
CREATE TABLE t (id int);
COMMIT;
CREATE INDEX CONCURRENTLY t_id ON s.t (id);
CREATE FUNCTION s.later() RETURNS int LANGUAGE sql AS $$ SELECT count(*)::int FROM s.nothing_yet $$;
CREATE TABLE s.nothing_yet ();
`
	// psql needs the view after the table.
	inOrder := strings.Replace(text, "CREATE VIEW v AS SELECT id FROM t;   -- fails in the block, runs after COMMIT\nCREATE TABLE t (id int);",
		"CREATE TABLE t (id int);\nCREATE VIEW v AS SELECT id FROM t;", 1)
	if inOrder == text {
		t.Fatal("test text changed")
	}
	dir := writeFiles(t, map[string]string{"tx.sql": text, "in_order.sql": inOrder})
	got, err := sqlLoader(t).Load(t.Context(), filepath.Join(dir, "tx.sql"))
	if err != nil {
		t.Fatal(err)
	}
	want := psqlLoad(t, filepath.Join(dir, "in_order.sql"))
	sameSchema(t, got, want)
	if len(got.Views) != 1 || got.Views[0].QName != (model.QName{Schema: "s", Name: "v"}) {
		t.Errorf("views = %+v, want s.v", got.Views)
	}
}

// TestSQLErrors checks that each kind of bad input is reported at
// file:line:col, with the statement.
func TestSQLErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, text, want string
	}{
		{
			name: "syntax error",
			text: "CREATE TABLE t (id int);\n\nCREATE TABEL u (id int);\n",
			want: `syntax_error.sql:3:8: syntax error at or near "TABEL" (SQLSTATE 42601); statement at line 3: CREATE TABEL u (id int)`,
		},
		{
			name: "unknown type",
			text: "CREATE TABLE t (\n    id int,\n    s nosuchtype\n);\n",
			want: `unknown_type.sql:3:7: type "nosuchtype" does not exist (SQLSTATE 42704); statement at line 1: CREATE TABLE t ( …`,
		},
		{
			name: "unknown column in an index",
			text: "CREATE TABLE t (id int);\nCREATE INDEX t_x ON t (id, nosuch);\n",
			want: `unknown_column_in_an_index.sql:2:28: column "nosuch" does not exist (SQLSTATE 42703); statement at line 2: CREATE INDEX t_x ON t (id, nosuch)`,
		},
		{
			name: "failure in the middle",
			text: "CREATE TABLE a (id int);\nCREATE TABLE b (\n  id int,\n  n int DEFAULT 'many'::int\n);\nCREATE TABLE c (id int);\n",
			want: `failure_in_the_middle.sql:4:17: invalid input syntax for type integer: "many" (SQLSTATE 22P02); statement at line 2: CREATE TABLE b ( …`,
		},
		{
			name: "meta-command",
			text: "CREATE TABLE a (id int);\n\\connect other\nCREATE TABLE b (id int);\n",
			want: `meta-command.sql:2:1: psql meta-command \connect other: a schema file must be plain SQL`,
		},
		{
			name: "error inside a SQL function body",
			text: "CREATE FUNCTION f() RETURNS bigint LANGUAGE sql AS $$\n  SELECT count(*) FROM nowhere\n$$;\n",
			want: `error_inside_a_SQL_function_body.sql:2:24: relation "nowhere" does not exist (SQLSTATE 42P01); statement at line 1: CREATE FUNCTION f() RETURNS bigint LANGUAGE sql AS $$ …`,
		},
		{
			name: "root cause among deferred statements",
			text: "CREATE VIEW v AS SELECT * FROM t;\nCREATE TABLE t (a int, b missing_type);\nCREATE INDEX ON t (a);\n",
			want: `root_cause_among_deferred_statements.sql:2:26: type "missing_type" does not exist (SQLSTATE 42704); statement at line 2: CREATE TABLE t (a int, b missing_type) (and 2 more statements failed, likely because of this one)`,
		},
		{
			name: "views that read each other",
			text: "CREATE TABLE t (id int);\nCREATE VIEW a AS SELECT * FROM b;\nCREATE VIEW c AS SELECT * FROM a;\nCREATE VIEW b AS SELECT * FROM a;\n",
			want: `views_that_read_each_other.sql:2:32: relation "b" does not exist (SQLSTATE 42P01); statement at line 2: CREATE VIEW a AS SELECT * FROM b; it is part of a cycle that PostgreSQL cannot create in any order: views_that_read_each_other.sql:2 uses relation b, created at views_that_read_each_other.sql:4; views_that_read_each_other.sql:4 uses relation a, created at views_that_read_each_other.sql:2 (and 1 more statements failed, likely because of this cycle)`,
		},
		{
			name: "functions that call each other",
			text: "CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT h(); END;\nCREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT g(); END;\nCREATE FUNCTION h() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT f(); END;\n",
			want: `functions_that_call_each_other.sql:1:66: function h() does not exist (SQLSTATE 42883); hint: No function matches the given name and argument types. You might need to add explicit type casts.; statement at line 1: CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT h(); END; it is part of a cycle that PostgreSQL cannot create in any order: functions_that_call_each_other.sql:1 uses function h, created at functions_that_call_each_other.sql:3; functions_that_call_each_other.sql:3 uses function f, created at functions_that_call_each_other.sql:2; functions_that_call_each_other.sql:2 uses function g, created at functions_that_call_each_other.sql:1`,
		},
		{
			name: "create database",
			text: "CREATE TABLE a ();\n  CREATE DATABASE x;\n",
			want: `create_database.sql:2:3: CREATE DATABASE in a schema file: retort applies the file to a scratch database of its own, and a schema file declares what is in one database`,
		},
		{
			name: "unterminated block",
			text: "CREATE TABLE a ();\nBEGIN;\nCREATE TABLE b ();\n",
			want: `unterminated_block.sql:2:1: this transaction block is never committed: the SQL ends inside it, where psql would roll it back`,
		},
		{
			name: "unterminated string",
			text: "CREATE TABLE a ();\nCOMMENT ON TABLE a IS 'it''s;\n",
			want: `unterminated_string.sql:2:23: unterminated quoted string at or near "'it''s;…"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			name := strings.ReplaceAll(tt.name, " ", "_") + ".sql"
			dir := writeFiles(t, map[string]string{name: tt.text})
			_, err := sqlLoader(t).Load(t.Context(), filepath.Join(dir, name))
			if err == nil {
				t.Fatal("no error")
			}
			if got := strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), ""); got != tt.want {
				t.Errorf("error\n %s\nwant\n %s", got, tt.want)
			}
		})
	}
}

func TestSQLStatementErrorType(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{"e.sql": "CREATE TABLE t (id nosuchtype);"})
	_, err := sqlLoader(t).Load(t.Context(), filepath.Join(dir, "e.sql"))
	var se *StatementError
	if !errors.As(err, &se) || se.Err.Code != "42704" || se.Statement.Kind != "CreateStmt" {
		t.Fatalf("error %v (%T), want a *StatementError for 42704", err, err)
	}
	dir = writeFiles(t, map[string]string{"m.sql": "\\i x.sql"})
	_, err = sqlLoader(t).Load(t.Context(), filepath.Join(dir, "m.sql"))
	var pe *sqlddl.Error
	if !errors.As(err, &pe) || pe.Line != 1 || pe.Col != 1 {
		t.Fatalf("error %v (%T), want a *sqlddl.Error at 1:1", err, err)
	}
}

func TestSQLNeedsDevServer(t *testing.T) {
	dir := writeFiles(t, map[string]string{"s.sql": "CREATE TABLE t ();"})
	l := &Loader{DevURL: "none"}
	_, err := l.Load(context.Background(), filepath.Join(dir, "s.sql"))
	if err == nil || !strings.Contains(err.Error(), "needs a dev server") {
		t.Fatalf("error = %v, want one saying a dev server is needed", err)
	}
}

// TestSQLNewerSyntax runs where the test server is PostgreSQL 18
// (RETORT_PG_BIN): statements that pg_query, which knows 16's grammar,
// cannot parse still reach the server, which accepts them.
func TestSQLNewerSyntax(t *testing.T) {
	t.Parallel()
	if major := devdbtest.Server(t).Major(); major < 18 {
		t.Skipf("the test server is PostgreSQL %d; set RETORT_PG_BIN to a PostgreSQL 18 bin dir", major)
	}
	text := `CREATE TABLE t (a int, b int GENERATED ALWAYS AS (a * 2) VIRTUAL);
ALTER TABLE t ALTER COLUMN b SET EXPRESSION AS (a * 3);
CREATE TABLE u (id int, CONSTRAINT u_pos CHECK (id > 0) NOT ENFORCED);
`
	dir := writeFiles(t, map[string]string{"new.sql": text})
	stmts, err := sqlddl.Split("new.sql", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range stmts {
		if s.ParseErr == nil {
			t.Errorf("pg_query parsed %q; pick syntax it does not know", s.Text)
		}
	}
	got, err := sqlLoader(t).Load(t.Context(), filepath.Join(dir, "new.sql"))
	if err != nil {
		t.Fatal(err)
	}
	sameSchema(t, got, psqlLoad(t, filepath.Join(dir, "new.sql")))
}

// reversed returns the statements of a SQL file in reverse order, its
// session settings (SET and set_config) first and its grants last, as a
// file written in no particular order.
func reversed(t *testing.T, path string) string {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	stmts, err := sqlddl.Split(path, src)
	if err != nil {
		t.Fatal(err)
	}
	var set, rest, grants []string
	for _, s := range stmts {
		switch {
		case s.Kind == "VariableSetStmt" || strings.Contains(s.Text, "set_config("):
			set = append(set, s.Text+";\n")
		case s.Kind == "GrantStmt":
			// GRANT and REVOKE on the same object depend on their order.
			grants = append(grants, s.Text+";\n")
		default:
			rest = append(rest, s.Text+";\n")
		}
	}
	slices.Reverse(rest)
	return strings.Join(slices.Concat(set, rest, grants), "")
}

// TestSQLReversedRealSchemas loads real schemas with their statements in
// reverse order through the SQL source and compares them with the files
// loaded in order by psql. (GitLab's reversed is not the same schema: an
// index attached to a partitioned table's index before its table is
// attached makes PostgreSQL create a second one.)
func TestSQLReversedRealSchemas(t *testing.T) {
	for _, name := range []string{"pagila", "hatchet-v0"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path := sharedtest.Schema(t, name+".sql")
			dir := writeFiles(t, map[string]string{"reversed.sql": reversed(t, path)})
			start := time.Now()
			l := sqlLoader(t)
			l.Trusted = true // as in TestSQLRealSchemas
			got, err := l.Load(t.Context(), filepath.Join(dir, "reversed.sql"))
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s reversed: %d tables in %v", name, len(got.Tables), time.Since(start).Round(time.Millisecond))
			sameSchema(t, got, psqlLoad(t, path))
		})
	}
}
