package sqlddl

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/retortdb/retort/internal/sharedtest"
)

// schemaFiles lists the real schemas of ../shared/schemas.
func schemaFiles(t *testing.T) []string {
	t.Helper()
	dir := sharedtest.Schemas(t)
	files, _ := filepath.Glob(filepath.Join(dir, "*.sql"))
	if len(files) == 0 {
		t.Fatalf("%s holds no .sql files", dir)
	}
	return files
}

// TestSplitRealSchemas checks Split against pg_query's parser on real
// schemas: where the whole file parses, both find the same statements.
func TestSplitRealSchemas(t *testing.T) {
	for _, f := range schemaFiles(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			stmts, err := Split(f, src)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%d statements in %v", len(stmts), time.Since(start).Round(time.Millisecond))
			for _, s := range stmts {
				if s.ParseErr != nil {
					t.Logf("not parsed: %v", s.ParseErr)
				}
			}
			tree, err := pg_query.Parse(string(src))
			if err != nil {
				t.Logf("pg_query does not parse the whole file (%v); boundaries not compared", err)
				return
			}
			// Compare where statements end: pg_query's locations include
			// the comments before a statement, which Split leaves out.
			var want []int
			for _, raw := range tree.Stmts {
				end := int(raw.StmtLocation + raw.StmtLen)
				if raw.StmtLen == 0 {
					end = len(src)
				}
				stmt := string(src[raw.StmtLocation:end])
				want = append(want, int(raw.StmtLocation)+len(strings.TrimRight(stmt, " \t\r\n")))
			}
			if len(stmts) != len(want) {
				t.Fatalf("Split found %d statements, pg_query %d", len(stmts), len(want))
			}
			for i, s := range stmts {
				if end := s.Offset + len(s.Text); end != want[i] {
					t.Fatalf("statement %d ends at %d, pg_query's at %d:\n%s", i, end, want[i], s.Text)
				}
			}
		})
	}
}

func BenchmarkSplitGitLab(b *testing.B) {
	src, err := os.ReadFile(sharedtest.Schema(b, "gitlab.sql"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := Split("gitlab.sql", src); err != nil {
			b.Fatal(err)
		}
	}
}
