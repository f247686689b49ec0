package hcl_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/retortdb/retort/internal/codectest"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/source"
)

// TestAtlasFileLoads loads a file written for Atlas through the dev server.
func TestAtlasFileLoads(t *testing.T) {
	t.Parallel()
	s, err := codectest.Load(t.Context(), t, "testdata/atlas.hcl")
	if err != nil {
		t.Fatal(err)
	}
	var users *model.Table
	for i := range s.Tables {
		if s.Tables[i].Name == "users" {
			users = &s.Tables[i]
		}
	}
	if users == nil || len(users.Columns) != 11 || len(users.Indexes) != 4 || len(users.Constraints) != 2 {
		t.Fatalf("users: %+v", users)
	}
	if c := column(t, users, "status"); c.Default != "'active'::public.status" || !c.NotNull {
		t.Errorf("users.status: %+v", c)
	}
	if len(s.Functions) != 2 || len(s.Triggers) != 1 || len(s.Views) != 1 || len(s.Sequences) != 1 || len(s.Domains) != 1 {
		t.Errorf("kinds: %d functions, %d triggers, %d views, %d sequences, %d domains",
			len(s.Functions), len(s.Triggers), len(s.Views), len(s.Sequences), len(s.Domains))
	}
}

// TestPartitionFileLoads loads partitions that leave their parent's keys
// out: PostgreSQL makes them, and the parent's index is valid.
func TestPartitionFileLoads(t *testing.T) {
	t.Parallel()
	s, err := codectest.Load(t.Context(), t, "testdata/partitions.hcl")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Tables) != 2 || s.Tables[0].Indexes[0].Invalid || len(s.Tables[1].Indexes) != 1 || len(s.Tables[1].Constraints) != 1 {
		t.Errorf("tables: %+v", s.Tables)
	}
}

// TestDirectory reads a directory's files as one schema: a reference in
// one file names a table of another.
func TestDirectory(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"a.hcl": "table \"users\" {\n  column \"id\" { type = int }\n  primary_key { columns = [column.id] }\n}\n",
		"b.hcl": "table \"posts\" {\n  column \"uid\" { type = int }\n  foreign_key \"f\" {\n    columns = [column.uid]\n    ref_columns = [table.users.column.id]\n  }\n}\n",
		"c.txt": "not read",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	l := &source.Loader{DevURL: "none"}
	s, err := l.Load(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Tables) != 2 || s.Tables[0].Constraints[0].Definition != "FOREIGN KEY (uid) REFERENCES public.users(id)" {
		t.Errorf("tables: %+v", s.Tables)
	}
	if err := os.WriteFile(filepath.Join(dir, "d.hcl"), []byte("table \"x\" {\n  column \"a\" { type = nope.x }\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = l.Load(context.Background(), dir)
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "d.hcl")+":2:23:") {
		t.Errorf("error = %v", err)
	}
}

// TestUnknownTypeLocated checks that a type PostgreSQL does not know is
// reported at the place the file names it.
func TestUnknownTypeLocated(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "t.hcl")
	src := "table \"t\" {\n  column \"a\" { type = text }\n  column \"b\" { type = no_such_type }\n}\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := codectest.Load(t.Context(), t, path)
	if err == nil || !strings.HasPrefix(err.Error(), path+":3:23: ") || !strings.Contains(err.Error(), `type "no_such_type" does not exist`) {
		t.Errorf("error = %v", err)
	}
}

// TestDevURLNone reads a file without a dev server: in pg_query's canonical
// text, with a warning that says what is not exact.
func TestDevURLNone(t *testing.T) {
	var warned []string
	l := &source.Loader{DevURL: "none", Logf: func(format string, args ...any) { warned = append(warned, fmt.Sprintf(format, args...)) }}
	s, err := l.Load(context.Background(), "testdata/atlas.hcl")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Tables) != 3 || len(warned) != 1 || !strings.Contains(warned[0], "pg_query's canonical text") || !strings.Contains(warned[0], "not exact: ") {
		t.Errorf("%d tables, warnings %q", len(s.Tables), warned)
	}
}

func reflectEqual(a, b model.Column) bool {
	x := model.Schema{Tables: []model.Table{{Columns: []model.Column{a}}}}
	y := model.Schema{Tables: []model.Table{{Columns: []model.Column{b}}}}
	return x.Equal(&y)
}
