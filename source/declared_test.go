package source

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/retortdb/retort/internal/devdb/devdbtest"
	"github.com/retortdb/retort/model"
)

// TestDeclaredRenameHints proves that renamed_from survives normalization
// through the dev server, which knows nothing of it: without the hint, diff
// would drop and add instead of renaming.
func TestDeclaredRenameHints(t *testing.T) {
	files := map[string]string{
		"schema.hcl": `schema "public" {}
table "people" {
  schema       = schema.public
  renamed_from = "users"
  column "id" {
    type = bigint
  }
  column "full_name" {
    type         = text
    null         = true
    renamed_from = "name"
  }
}
`,
		"schema.yaml": `schemas:
  - name: public
tables:
  - name: people
    schema: public
    renamed_from: users
    columns:
      - {name: id, type: bigint}
      - {name: full_name, type: text, "null": true, renamed_from: name}
`,
	}
	l := &Loader{DevURL: devdbtest.Server(t).ConnString("postgres"), Logf: t.Logf}
	t.Cleanup(func() {
		if err := l.Close(); err != nil {
			t.Error(err)
		}
	})
	for name, text := range files {
		t.Run(name, func(t *testing.T) {
			s, _, err := loadText(t, l, name, text)
			if err != nil {
				t.Fatal(err)
			}
			if len(s.Tables) != 1 {
				t.Fatalf("tables: %v", s.Tables)
			}
			tb := s.Tables[0]
			if tb.RenamedFrom != "users" {
				t.Errorf("table hint = %q, want users", tb.RenamedFrom)
			}
			hints := map[string]string{}
			for _, c := range tb.Columns {
				hints[c.Name] = c.RenamedFrom
			}
			if hints["full_name"] != "name" || hints["id"] != "" {
				t.Errorf("column hints = %v, want full_name from name only", hints)
			}
			if tb.Columns[1].Type != "text" {
				t.Errorf("full_name type %q: not read back from the dev server", tb.Columns[1].Type)
			}
		})
	}
}

// TestDeclaredWithoutDevServer reads HCL with --dev-url none: spellings
// pg_query_go can settle are settled, the rest is counted in the warning.
func TestDeclaredWithoutDevServer(t *testing.T) {
	path := filepath.Join(t.TempDir(), "schema.hcl")
	text := `schema "public" {}
table "t" {
  schema = schema.public
  column "a" {
    type    = int4
    default = sql("1 +   2")
  }
  column "b" {
    type = timestamptz(3)
    null = true
  }
  check "a_positive" {
    expr = "A > 0"
  }
}
`
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	var logged []string
	l := &Loader{DevURL: "none", Logf: func(f string, a ...any) { logged = append(logged, fmt.Sprintf(f, a...)) }}
	s, err := l.Load(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	cols := s.Tables[0].Columns
	if cols[0].Type != "integer" || cols[1].Type != "timestamp(3) with time zone" || cols[0].Default != "1 + 2" {
		t.Errorf("columns not in canonical text: %+v", cols)
	}
	if d := s.Tables[0].Constraints[0].Definition; d != "CHECK (a > 0)" {
		t.Errorf("check = %q, want CHECK (a > 0)", d)
	}
	if len(logged) != 1 || !strings.Contains(logged[0], "not exact: 1 check constraints, 1 column defaults") {
		t.Errorf("warning = %q", logged)
	}
}

// TestDeclaredDefaultPrivileges proves that declared default privileges
// survive normalization through the dev server: rendered as ALTER DEFAULT
// PRIVILEGES on a scratch database and read back from pg_default_acl, they
// are what the file says. The entry for every schema is the whole ACL,
// here the owner's EXECUTE kept and PUBLIC's taken away; the one for a
// schema only adds. A role the server does not know is reported at the
// place the file names it.
func TestDeclaredDefaultPrivileges(t *testing.T) {
	srv := devdbtest.Server(t)
	ctx := t.Context()
	ensureRoles(t, srv.ConnString("postgres"), "source_dp_owner", "source_dp_reader")
	files := map[string]string{
		"schema.hcl": `schema "app" {}
default_privileges {
  role = "source_dp_owner"
  on   = FUNCTIONS
  grant {
    to         = "source_dp_owner"
    privileges = [EXECUTE]
  }
  grant {
    to         = "source_dp_reader"
    privileges = [EXECUTE]
  }
}
default_privileges {
  role   = "source_dp_owner"
  schema = schema.app
  on     = TABLES
  grant {
    to         = "source_dp_reader"
    privileges = [SELECT]
    grantable  = true
  }
}
`,
		"schema.yaml": `schemas:
  - name: app
default_privileges:
  - role: source_dp_owner
    on: FUNCTIONS
    grants:
      - {to: source_dp_owner, privileges: [EXECUTE]}
      - {to: source_dp_reader, privileges: [EXECUTE]}
  - role: source_dp_owner
    schema: app
    on: TABLES
    grants:
      - {to: source_dp_reader, privileges: [SELECT], grantable: true}
`,
	}
	want := []model.DefaultPrivileges{
		{Role: "source_dp_owner", ObjectType: "f", Grants: []model.Grant{
			{Grantee: "source_dp_owner", Privilege: "EXECUTE"}, {Grantee: "source_dp_reader", Privilege: "EXECUTE"},
		}},
		{Role: "source_dp_owner", Schema: "app", ObjectType: "r", Grants: []model.Grant{
			{Grantee: "source_dp_reader", Privilege: "SELECT", Grantable: true},
		}},
	}
	// Trusted: FOR ROLE names an existing role of a shared server, which
	// the role that applies untrusted sources there may not act as.
	l := &Loader{DevURL: srv.ConnString("postgres"), Logf: t.Logf, Privileges: true, Trusted: true}
	t.Cleanup(func() {
		if err := l.Close(); err != nil {
			t.Error(err)
		}
	})
	for name, text := range files {
		t.Run(name, func(t *testing.T) {
			s, _, err := loadText(t, l, name, text)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(s.DefaultPrivileges, want) {
				t.Errorf("default privileges read back:\n got %+v\nwant %+v", s.DefaultPrivileges, want)
			}
		})
	}
	t.Run("unknown role", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "schema.hcl")
		text := "default_privileges {\n  role = \"source_dp_nobody\"\n  on   = TABLES\n}\n"
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := l.Load(ctx, path)
		if err == nil || !strings.HasPrefix(err.Error(), path+":2:11: ") || !strings.Contains(err.Error(), `role "source_dp_nobody" does not exist`) {
			t.Errorf("error = %v, want it at %s:2:11", err, path)
		}
	})
}

// TestDeclaredSQLTexts: the SQL texts of a declared schema are the user's.
// Names in them need no schema where a session with the usual search_path
// would find them, and declarations need no order (nor depends_on) unless
// PostgreSQL itself cannot create them in any; then the error says which.
func TestDeclaredSQLTexts(t *testing.T) {
	l := &Loader{DevURL: devdbtest.Server(t).ConnString("postgres"), Logf: t.Logf}
	t.Cleanup(func() { l.Close() })
	load := func(t *testing.T, name, text string) (*model.Schema, string, error) {
		return loadText(t, l, name, text)
	}
	t.Run("unqualified and out of order", func(t *testing.T) {
		s, _, err := load(t, "s.hcl", `schema "public" {}
view "top" {
  schema = schema.public
  as     = "SELECT n FROM bottom"
}
view "bottom" {
  schema = schema.public
  as     = "SELECT x AS n FROM t"
}
sequence "s" {
  schema = schema.public
}
table "t" {
  schema = schema.public
  column "x" {
    type    = integer
    default = sql("nextval('s')")
  }
}
`)
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Views) != 2 || len(s.Tables) != 1 {
			t.Fatalf("got %d views and %d tables, want 2 and 1", len(s.Views), len(s.Tables))
		}
		if got, want := s.Tables[0].Columns[0].Default, "nextval('public.s'::regclass)"; got != want {
			t.Errorf("default = %q, want %q", got, want)
		}
		for _, v := range s.Views {
			if !strings.Contains(v.Definition, "FROM public.") {
				t.Errorf("view %s = %q, want its names resolved in public", v.QName, v.Definition)
			}
		}
	})
	t.Run("views that read each other", func(t *testing.T) {
		_, dir, err := load(t, "c.yaml", `schemas:
  - name: public
views:
  - name: a
    schema: public
    as: SELECT * FROM b
  - name: b
    schema: public
    as: SELECT * FROM a
`)
		want := `c.yaml:6:23: source c.yaml: the dev server rejected "SELECT * FROM b;": relation "b" does not exist (SQLSTATE 42P01); ` +
			`these declarations need each other, and PostgreSQL cannot create any of them first: ` +
			`"CREATE VIEW public.a AS …" uses relation b, which "CREATE VIEW public.b AS …" creates; ` +
			`"CREATE VIEW public.b AS …" uses relation a, which "CREATE VIEW public.a AS …" creates`
		if err == nil || strings.ReplaceAll(err.Error(), dir, "") != want {
			t.Errorf("error\n %v\nwant\n %s", err, want)
		}
	})
	t.Run("depends_on in a loop", func(t *testing.T) {
		_, dir, err := load(t, "d.hcl", `schema "public" {}
function "f" {
  schema     = schema.public
  definition = "CREATE FUNCTION public.f() RETURNS integer LANGUAGE sql BEGIN ATOMIC SELECT public.g(); END"
  depends_on = [function.g]
}
function "g" {
  schema     = schema.public
  definition = "CREATE FUNCTION public.g() RETURNS integer LANGUAGE sql BEGIN ATOMIC SELECT public.f(); END"
  depends_on = [function.f]
}
`)
		want := `d.hcl:2:11: source d.hcl: render: dependency cycle: function public.f() needs function public.g() needs function public.f()`
		if err == nil || strings.ReplaceAll(err.Error(), dir, "") != want {
			t.Errorf("error\n %v\nwant\n %s", err, want)
		}
	})
}

// TestEmbeddedDevServerCreatesRoles: roles belong to the whole server, and
// schema files name them without creating them. On its own dev server
// retort creates those a SQL file or a declared schema names; on a server
// given by URL, which others share, it does not.
func TestEmbeddedDevServerCreatesRoles(t *testing.T) {
	files := map[string]string{
		"s.sql": "CREATE TABLE t (id int);\nALTER TABLE t OWNER TO \"source auto \"\"owner\"\"\";\nGRANT SELECT ON t TO source_auto_reader, source_auto_writer;\n",
		"s.hcl": `schema "public" {}
table "t" {
  schema = schema.public
  owner  = "source auto \"owner\""
  column "id" {
    type = integer
    null = true
  }
  grant {
    to         = "source auto \"owner\""
    privileges = [SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER]
  }
  grant {
    to         = "source_auto_reader"
    privileges = [SELECT]
  }
  grant {
    to         = "source_auto_writer"
    privileges = [SELECT]
  }
}
`,
	}
	// Roles outlive a test on the server: names of this run's own.
	run := strconv.FormatInt(time.Now().UnixNano()%1e9, 36)
	dir := t.TempDir()
	for name, text := range files {
		text = strings.ReplaceAll(text, "auto", "auto"+run)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A server given by URL: the roles are not created.
	shared := &Loader{DevURL: devdbtest.Server(t).ConnString("postgres"), Privileges: true}
	defer shared.Close()
	if _, err := shared.Load(t.Context(), filepath.Join(dir, "s.sql")); err == nil || !strings.Contains(err.Error(), `role "source auto`+run+` "owner"" does not exist`) {
		t.Fatalf("on a shared server: error %v, want the missing role", err)
	}
	var got []*model.Schema
	// HCL first: each load must create the roles itself.
	for _, name := range []string{"s.hcl", "s.sql"} {
		own := &Loader{Privileges: true}
		own.dev = devdbtest.Dev(t) // the tests' own server, as the embedded one
		s, err := own.Load(t.Context(), filepath.Join(dir, name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(s.Tables) != 1 || s.Tables[0].Owner != `source auto`+run+` "owner"` || len(s.Tables[0].Grants) != 9 {
			t.Fatalf("%s: table %+v, want owner %q and 9 grants", name, s.Tables, `source auto`+run+` "owner"`)
		}
		got = append(got, s)
	}
	if !reflect.DeepEqual(got[0].Tables, got[1].Tables) {
		t.Errorf("SQL and HCL differ:\n%+v\n%+v", got[0].Tables, got[1].Tables)
	}
}

// loadText writes text to a file named name in a new directory and loads
// it with l; it returns the directory (with a trailing separator) too, for
// messages that name the file.
func loadText(t *testing.T, l *Loader, name, text string) (*model.Schema, string, error) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := l.Load(t.Context(), path)
	return s, dir + string(filepath.Separator), err
}
