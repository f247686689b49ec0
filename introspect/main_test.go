package introspect

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/retortdb/retort/internal/devdb/devdbtest"
	"github.com/retortdb/retort/model"
)

func TestMain(m *testing.M) { devdbtest.Main(m) }

// load creates a fresh database, applies ddl to it and returns its URL.
func load(t testing.TB, ddl string) string {
	t.Helper()
	url := devdbtest.NewDatabase(t)
	if ddl != "" {
		apply(t, url, ddl)
	}
	return url
}

// apply runs the SQL script ddl in the database at url.
func apply(t testing.TB, url, ddl string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	// Without arguments Exec uses the simple protocol, which runs a whole script.
	if _, err := conn.Exec(ctx, ddl); err != nil {
		t.Fatalf("applying fixture: %v", err)
	}
}

// inspectSQL applies ddl to a fresh database and inspects it.
func inspectSQL(t testing.TB, ddl string, opts Options) *model.Schema {
	t.Helper()
	s, err := InspectURL(context.Background(), load(t, ddl), opts)
	if err != nil {
		t.Fatalf("Inspect: %v", err)
	}
	return s
}

// serverMajor returns the major version of the test server.
func serverMajor(t testing.TB, url string) int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var v int
	if err := conn.QueryRow(ctx, "SELECT current_setting('server_version_num')::int").Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v / 10000
}

// hasExtension reports whether the server can create extension name.
func hasExtension(t testing.TB, url, name string) bool {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var ok bool
	err = conn.QueryRow(ctx, "SELECT EXISTS (SELECT FROM pg_available_extensions WHERE name = $1)", name).Scan(&ok)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

func table(t testing.TB, s *model.Schema, schema, name string) *model.Table {
	t.Helper()
	for i := range s.Tables {
		if s.Tables[i].Schema == schema && s.Tables[i].Name == name {
			return &s.Tables[i]
		}
	}
	t.Fatalf("no table %s.%s; have %v", schema, name, names(s.Tables, func(x model.Table) string { return x.QName.String() }))
	return nil
}

func column(t testing.TB, tb *model.Table, name string) *model.Column {
	t.Helper()
	for i := range tb.Columns {
		if tb.Columns[i].Name == name {
			return &tb.Columns[i]
		}
	}
	t.Fatalf("table %s has no column %q", tb.QName, name)
	return nil
}

func constraint(t testing.TB, tb *model.Table, name string) *model.Constraint {
	t.Helper()
	for i := range tb.Constraints {
		if tb.Constraints[i].Name == name {
			return &tb.Constraints[i]
		}
	}
	t.Fatalf("table %s has no constraint %q; have %v", tb.QName, name,
		names(tb.Constraints, func(c model.Constraint) string { return c.Name }))
	return nil
}

func index(t testing.TB, list []model.Index, name string) *model.Index {
	t.Helper()
	for i := range list {
		if list[i].Name == name {
			return &list[i]
		}
	}
	t.Fatalf("no index %q; have %v", name, names(list, func(x model.Index) string { return x.Name }))
	return nil
}

func view(t testing.TB, s *model.Schema, schema, name string) *model.View {
	t.Helper()
	for i := range s.Views {
		if s.Views[i].Schema == schema && s.Views[i].Name == name {
			return &s.Views[i]
		}
	}
	t.Fatalf("no view %s.%s", schema, name)
	return nil
}

func names[T any](list []T, name func(T) string) []string {
	out := make([]string, len(list))
	for i, x := range list {
		out[i] = name(x)
	}
	return out
}

// eq fails the test when got and want differ, printing both as JSON.
func eq[T any](t testing.TB, what string, got, want T) {
	t.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if string(g) != string(w) {
		t.Errorf("%s:\n got %s\nwant %s", what, g, w)
	}
}

func ptr[T any](v T) *T { return &v }
