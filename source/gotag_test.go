package source

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/retortdb/retort/internal/devdb/devdbtest"
	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
)

const goModels = "package models\n\n" +
	"import \"time\"\n\n" +
	"type Status string\n\n" +
	"const (\n\tStatusNew Status = \"new\"\n\tStatusDone Status = \"done\"\n)\n\n" +
	"type Task struct {\n" +
	"\t_ struct{} `retort:\"table:tasks,renamed_from:todos\"`\n" +
	"\tID int64 `retort:\",pk,identity\"`\n" +
	"\tTitle string `retort:\",type:varchar(200),renamed_from:name\"`\n" +
	"\tStatus Status `retort:\",default:'new'\"`\n" +
	"\tDue *time.Time `retort:\",index\"`\n" +
	"}\n"

// goProject writes a module with a models package and makes it the working
// directory, as go://./models/... is resolved against it.
func goProject(t *testing.T, models string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "models"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"go.mod": "module example.com/app\n\ngo 1.26\n", "models/models.go": models} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
}

func TestGoSource(t *testing.T) {
	goProject(t, goModels)
	l := &Loader{DevURL: devdbtest.Server(t).ConnString("postgres"), Logf: t.Logf}
	t.Cleanup(func() {
		if err := l.Close(); err != nil {
			t.Error(err)
		}
	})
	s, err := l.Load(t.Context(), "go://./models/...")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Tables) != 1 || len(s.Enums) != 1 {
		t.Fatalf("tables %v enums %v", s.Tables, s.Enums)
	}
	tb := s.Tables[0]
	got := map[string]string{}
	for _, c := range tb.Columns {
		got[c.Name] = c.Type + " " + c.Default + " " + c.RenamedFrom
	}
	want := map[string]string{
		"id":     "bigint  ",
		"title":  "character varying(200)  name", // canonical, through the dev server
		"status": "public.status 'new'::public.status ",
		"due":    "timestamp with time zone  ",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("columns\n%v\nwant\n%v", got, want)
	}
	if tb.RenamedFrom != "todos" {
		t.Errorf("table rename hint lost: %q", tb.RenamedFrom)
	}
	if len(tb.Indexes) != 1 || tb.Indexes[0].Name != "tasks_due_idx" {
		t.Errorf("indexes %v", tb.Indexes)
	}
}

func TestGoSourceWithoutDevServer(t *testing.T) {
	goProject(t, goModels)
	var logged []string
	l := &Loader{DevURL: "none", Logf: func(f string, a ...any) { logged = append(logged, fmt.Sprintf(f, a...)) }}
	s, err := l.Load(t.Context(), "go://./models")
	if err != nil {
		t.Fatal(err)
	}
	// varchar(200) in pg_query's canonical text is format_type's spelling.
	if len(s.Tables) != 1 || s.Tables[0].Columns[1].Type != "character varying(200)" {
		t.Errorf("want the declared types in canonical text, got %+v", s.Tables)
	}
	if len(logged) != 1 || !strings.Contains(logged[0], "pg_query's canonical text") ||
		!strings.Contains(logged[0], "not exact: 1 column defaults, 1 column types of user-defined types") {
		t.Errorf("want one warning that counts the comparisons that are not exact, got %q", logged)
	}
}

func TestGoSourceErrors(t *testing.T) {
	goProject(t, strings.Replace(goModels, ",pk,identity", ",pk,identiti", 1))
	l := &Loader{DevURL: "none"}
	_, err := l.Load(t.Context(), "go://./models/...")
	want := "source go://./models/...: models/models.go:14:24: unknown option \"identiti\""
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want %q", err, want)
	}
	if _, err := l.Load(t.Context(), "go://./nothing/..."); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing package: %v", err)
	}
}

// TestGoSourceGrants: with --privileges, the grants Go declares survive
// the dev server's normalization; the roles exist there, as they must.
func TestGoSourceGrants(t *testing.T) {
	srv := devdbtest.Server(t)
	ctx := t.Context()
	ensureRoles(t, srv.ConnString("postgres"), "source_go_reader", "source_go_auditor")
	goProject(t, strings.Replace(strings.Replace(goModels,
		"table:tasks,renamed_from:todos", "table:tasks,renamed_from:todos,grant:PUBLIC(select),grant:source_go_reader(SELECT,INSERT,with_grant_option)", 1),
		",type:varchar(200),renamed_from:name", ",type:varchar(200),renamed_from:name,grant:source_go_auditor(UPDATE)", 1))
	l := &Loader{DevURL: srv.ConnString("postgres"), Logf: t.Logf, Privileges: true}
	t.Cleanup(func() {
		if err := l.Close(); err != nil {
			t.Error(err)
		}
	})
	s, err := l.Load(ctx, "go://./models/...")
	if err != nil {
		t.Fatal(err)
	}
	tb := s.Tables[0]
	want := []model.Grant{{Grantee: "", Privilege: "SELECT"},
		{Grantee: "source_go_reader", Privilege: "INSERT", Grantable: true}, {Grantee: "source_go_reader", Privilege: "SELECT", Grantable: true}}
	if !reflect.DeepEqual(tb.Grants, want) {
		t.Errorf("table grants %+v, want %+v", tb.Grants, want)
	}
	for _, c := range tb.Columns {
		if c.Name == "title" && !reflect.DeepEqual(c.Grants, []model.Grant{{Grantee: "source_go_auditor", Privilege: "UPDATE"}}) {
			t.Errorf("column grants %+v", c.Grants)
		}
	}
	if tb.RenamedFrom != "todos" {
		t.Errorf("table rename hint lost: %q", tb.RenamedFrom)
	}
}

// ensureRoles creates roles on the server at url unless they exist: roles
// belong to the server, and another test or run may have made them.
func ensureRoles(t *testing.T, url string, roles ...string) {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(t.Context())
	for _, r := range roles {
		if _, err := conn.Exec(t.Context(), `DO $$ BEGIN CREATE ROLE `+sqlq.Ident(r)+` NOLOGIN; `+
			`EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`); err != nil {
			t.Fatal(err)
		}
	}
}
