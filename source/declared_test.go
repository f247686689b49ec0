package source

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/retortdb/retort/internal/devdb/devdbtest"
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
			path := filepath.Join(t.TempDir(), name)
			if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			s, err := l.Load(t.Context(), path)
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
