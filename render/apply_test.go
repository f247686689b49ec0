package render_test

import (
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/retortdb/retort/internal/devdb/devdbtest"
	"github.com/retortdb/retort/render"
)

// TestApply runs the golden cases' scripts on fresh databases of a real
// server: once as the single text psql would read, and once statement by
// statement, so that a failure names its statement.
func TestApply(t *testing.T) {
	t.Parallel()
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			script, err := render.SchemaSQL(tc.schema(), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			conn := devdbtest.Connect(t, devdbtest.NewDatabase(t))
			// The simple protocol runs a multi-statement text as psql does.
			if _, err := conn.PgConn().Exec(t.Context(), script).ReadAll(); err != nil {
				t.Errorf("script does not apply: %v", err)
			}

			stmts, err := render.CreateStatements(tc.schema(), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			ordered, err := render.Order(stmts)
			if err != nil {
				t.Fatal(err)
			}
			conn = devdbtest.Connect(t, devdbtest.NewDatabase(t))
			exec(t, conn, "SET check_function_bodies = false; SET search_path = pg_catalog")
			for _, st := range ordered {
				if _, err := conn.PgConn().Exec(t.Context(), st.SQL).ReadAll(); err != nil {
					t.Fatalf("statement %s fails: %v\n%s", st.ID, err, st.SQL)
				}
			}
		})
	}
}

// TestApplyFull checks a few things the full schema's script must leave
// behind that a mere successful run would not show.
func TestApplyFull(t *testing.T) {
	t.Parallel()
	script, err := render.SchemaSQL(fullSchema(), render.Options{Owners: true, Privileges: true, Comments: true})
	if err != nil {
		t.Fatal(err)
	}
	conn := devdbtest.Connect(t, devdbtest.NewDatabase(t))
	exec(t, conn, script)
	checks := []struct{ name, query, want string }{
		{"split default", `SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef
			WHERE adrelid = 'app.items'::regclass AND adnum = (SELECT attnum FROM pg_attribute WHERE attrelid = 'app.items'::regclass AND attname = 'note')`,
			"app.describe(NULL::app.items)"},
		{"self-referencing view", `SELECT pg_get_viewdef('app."Loop"'::regclass)`, " SELECT \"Loop\".n\n   FROM app.\"Loop\";"},
		{"enum labels", `SELECT string_agg(enumlabel, '|' ORDER BY enumsortorder) FROM pg_enum WHERE enumtypid = 'app.mood'::regtype`,
			`sad|it's|back\slash|a "b"`},
		{"disabled trigger", `SELECT tgenabled::text FROM pg_trigger WHERE tgname = 'a touch'`, "D"},
		{"disabled event trigger", `SELECT evtenabled::text FROM pg_event_trigger WHERE evtname = 'watch'`, "D"},
		{"partition attached", `SELECT count(*)::text FROM pg_inherits WHERE inhparent = 'app.measures_pkey'::regclass`, "2"},
		{"partition default", `SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = 'app.measures_2024'::regclass`, "1"},
		{"comment", `SELECT obj_description('app'::regnamespace, 'pg_namespace')`, `the app's "main" schema \ with a backslash`},
		{"public comment", `SELECT coalesce(obj_description('public'::regnamespace, 'pg_namespace'), 'none')`, "standard public schema"},
		{"not valid", `SELECT string_agg(conname, ',' ORDER BY conname) FROM pg_constraint WHERE NOT convalidated`, "Order_sel_fkey,later,small"},
		{"column grant", `SELECT array_to_string(attacl, ',') FROM pg_attribute WHERE attrelid = 'app.items'::regclass AND attname = 'tags'`,
			"=r/postgres,pg_monitor=rw/postgres"},
	}
	for _, c := range checks {
		var got string
		if err := conn.QueryRow(t.Context(), c.query).Scan(&got); err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got != c.want {
			t.Errorf("%s = %q, want %q", c.name, got, c.want)
		}
	}
}

func exec(t *testing.T, conn *pgx.Conn, sql string) {
	t.Helper()
	if _, err := conn.PgConn().Exec(t.Context(), sql).ReadAll(); err != nil {
		t.Fatalf("%v\n%s", err, firstLines(sql, 5))
	}
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], "\n")
}
