package acceptance

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sergi/go-diff/diffmatchpatch"

	"github.com/retortdb/retort/introspect"
	"github.com/retortdb/retort/model"
)

// psql runs psql on files against the database at url, stopping at the first
// error, with the psql variables the postgrest fixtures expect.
func psql(t testing.TB, url string, files ...string) {
	t.Helper()
	bin, err := exec.LookPath("psql")
	if err != nil {
		t.Fatalf("psql is needed to load real schemas as their authors do: %v", err)
	}
	dbname := dbName(t, url)
	for _, f := range files {
		cmd := exec.Command(bin, "-X", "-q", "-v", "ON_ERROR_STOP=1",
			"-v", "DBNAME="+dbname, "-v", "PGUSER=postgres", "-d", url, "-f", f)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			t.Fatalf("psql -f %s: %v\n%s", f, err, tail(out.String(), 3000))
		}
	}
}

// psqlTry applies SQL text through psql and returns its error instead of
// failing the test.
func psqlTry(t testing.TB, url, name, text string) error {
	t.Helper()
	bin, err := exec.LookPath("psql")
	if err != nil {
		return err
	}
	f := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(f, []byte(text), 0o644); err != nil {
		return err
	}
	cmd := exec.Command(bin, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", f)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%v: %s", err, tail(out.String(), 2000))
	}
	return nil
}

func inspectErr(url string) (*model.Schema, error) {
	s, err := introspect.InspectURL(context.Background(), url, introspect.Options{})
	if err != nil {
		return nil, fmt.Errorf("inspect: %w", err)
	}
	return s, nil
}

// psqlText applies SQL text through psql, as a user would apply inspect's output.
func psqlText(t testing.TB, url, name, text string) {
	t.Helper()
	f := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(f, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	psql(t, url, f)
}

func dbName(t testing.TB, url string) string {
	t.Helper()
	i := strings.LastIndex(url, "/")
	name := url[i+1:]
	if j := strings.IndexByte(name, '?'); j >= 0 {
		name = name[:j]
	}
	return name
}

func inspect(t testing.TB, url string) *model.Schema {
	t.Helper()
	s, err := introspect.InspectURL(context.Background(), url, introspect.Options{})
	if err != nil {
		t.Fatalf("inspect: %v", err)
	}
	return s
}

// schemaDiff explains how two normalized schemas differ, as a line diff of
// their JSON with a little context.
func schemaDiff(a, b *model.Schema) string {
	ja, _ := json.MarshalIndent(a, "", " ")
	jb, _ := json.MarshalIndent(b, "", " ")
	dmp := diffmatchpatch.New()
	ca, cb, lines := dmp.DiffLinesToChars(string(ja), string(jb))
	diffs := dmp.DiffCharsToLines(dmp.DiffMain(ca, cb, false), lines)
	var out strings.Builder
	for i, d := range diffs {
		text := strings.TrimSuffix(d.Text, "\n")
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			fmt.Fprintf(&out, "%s\n", prefix("+ ", text))
		case diffmatchpatch.DiffDelete:
			fmt.Fprintf(&out, "%s\n", prefix("- ", text))
		default:
			ls := strings.Split(text, "\n")
			if i > 0 && len(ls) > 0 {
				fmt.Fprintf(&out, "%s\n", prefix("  ", strings.Join(ls[:min(3, len(ls))], "\n")))
			}
			if i < len(diffs)-1 && len(ls) > 3 {
				out.WriteString("  …\n")
				fmt.Fprintf(&out, "%s\n", prefix("  ", strings.Join(ls[max(len(ls)-3, 3):], "\n")))
			}
		}
		if out.Len() > 20000 {
			out.WriteString("(diff cut)\n")
			break
		}
	}
	return out.String()
}

func prefix(p, text string) string {
	return p + strings.ReplaceAll(text, "\n", "\n"+p)
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

func countIndexes(s *model.Schema) int {
	n := 0
	for _, t := range s.Tables {
		n += len(t.Indexes)
	}
	return n
}
