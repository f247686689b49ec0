package gotag

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/retortdb/retort/internal/devdb/devdbtest"
	"github.com/retortdb/retort/internal/fixpoint"
	"github.com/retortdb/retort/internal/nestedmod"
	"github.com/retortdb/retort/introspect"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render"
)

func TestMain(m *testing.M) { devdbtest.Main(m) }

// ormDir is the nested module whose models GORM and bun migrate.
const ormDir = "testdata/orms"

// buildORMProgram builds testdata/orms/cmd/ormmigrate, which runs GORM's
// and bun's own migrations.
func buildORMProgram(t *testing.T) string {
	t.Helper()
	return nestedmod.Build(t, ormDir, "./cmd/ormmigrate", "the GORM/bun program")
}

// TestORMsAgree runs GORM's AutoMigrate and bun's CreateTable on the
// testdata models in one database, applies retort's reading of the same
// source in another, and compares what PostgreSQL holds in each.
func TestORMsAgree(t *testing.T) {
	bin := buildORMProgram(t)
	for _, lib := range []string{"gorm", "bun"} {
		t.Run(lib, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			a, b := devdbtest.NewDatabase(t), devdbtest.NewDatabase(t)

			cmd := exec.CommandContext(ctx, bin, lib)
			cmd.Env = append(os.Environ(), "ORMCHECK_DSN="+a)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%s migration: %v\n%s", lib, err, out)
			}

			declared, err := Load(ormDir, "./"+lib+"models")
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			ddl, err := render.SchemaSQL(declared, render.Options{Comments: true})
			if err != nil {
				t.Fatalf("render: %v", err)
			}
			conn, err := pgx.Connect(ctx, b)
			if err != nil {
				t.Fatal(err)
			}
			_, err = conn.PgConn().Exec(ctx, ddl).ReadAll()
			conn.Close(ctx)
			if err != nil {
				t.Fatalf("applying retort's DDL: %v\n%s", err, ddl)
			}

			got := inspect(t, b)
			want := inspect(t, a)
			if n := len(want.Tables); n < 5 {
				t.Fatalf("%s created %d tables; the models declare more", lib, n)
			}
			if !got.Equal(want) {
				t.Errorf("retort's reading of %smodels differs from what %s creates:\n%s\nDDL:\n%s", lib, lib, schemaDiff(want, got), ddl)
			}

			// inspect --format go: what Write makes of the database reads
			// back into the same database.
			src, err := Write(want, "models")
			if err != nil {
				t.Fatalf("Write: %v", err)
			}
			again, url := applyGoAt(t, src)
			// Compared at PostgreSQL's fixpoint, as retort check compares
			// (issue 13): the check: texts Write copies from the database
			// read back re-spelled once applied again.
			if _, err := fixpoint.Reconcile(ctx, url, again, want); err != nil {
				t.Fatal(err)
			}
			if !again.Equal(want) {
				t.Errorf("Write then Load of the %s database differs from it:\n%s\nsource:\n%s", lib, schemaDiff(want, again), src)
			}
		})
	}
}

// applyGo loads Go source, applies the schema it declares to a new
// database, grants included, and reads it back.
func applyGo(t *testing.T, src []byte) *model.Schema {
	t.Helper()
	s, _ := applyGoAt(t, src)
	return s
}

// applyGoAt is applyGo that also returns the database's URL.
func applyGoAt(t *testing.T, src []byte) (*model.Schema, string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "models.go"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Load(dir, ".")
	if err != nil {
		t.Fatalf("Load of written source: %v\n%s", err, src)
	}
	ddl, err := render.SchemaSQL(s, render.Options{Comments: true, Privileges: true})
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	url := devdbtest.NewDatabase(t)
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(t.Context())
	if _, err := conn.PgConn().Exec(t.Context(), ddl).ReadAll(); err != nil {
		t.Fatalf("applying: %v\n%s", err, ddl)
	}
	return inspect(t, url), url
}

// inspect reads a database back. Nothing is cleared: both databases are
// created by the same role, so even owners and grants must agree.
func inspect(t *testing.T, url string) *model.Schema {
	t.Helper()
	s, err := introspect.InspectURL(t.Context(), url, introspect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Normalize()
	return s
}

// schemaDiff shows the lines of two schemas' JSON that differ.
func schemaDiff(want, got *model.Schema) string {
	w, _ := json.MarshalIndent(want, "", "  ")
	g, _ := json.MarshalIndent(got, "", "  ")
	wl, gl := strings.Split(string(w), "\n"), strings.Split(string(g), "\n")
	var b strings.Builder
	i, j := 0, 0
	for i < len(wl) || j < len(gl) {
		switch {
		case i < len(wl) && j < len(gl) && wl[i] == gl[j]:
			i++
			j++
		case j < len(gl) && (i >= len(wl) || !contains(wl[i:], gl[j])):
			b.WriteString("+ " + gl[j] + "\n")
			j++
		default:
			b.WriteString("- " + wl[i] + "\n")
			i++
		}
	}
	return b.String()
}

func contains(lines []string, s string) bool {
	for _, l := range lines {
		if l == s {
			return true
		}
	}
	return false
}
