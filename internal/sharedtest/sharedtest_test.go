package sharedtest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recorder is a testing.TB that records how a test would end instead of
// ending it.
type recorder struct {
	testing.TB
	ended []string
}

type ended struct{}

func (r *recorder) Helper() {}

func (r *recorder) Fatalf(format string, args ...any) {
	r.ended = append(r.ended, "fail: "+fmt.Sprintf(format, args...))
	panic(ended{})
}

func (r *recorder) Skipf(format string, args ...any) {
	r.ended = append(r.ended, "skip: "+fmt.Sprintf(format, args...))
	panic(ended{})
}

// call runs f as a test would and returns what it gave and how it ended.
func (r *recorder) call(f func(testing.TB) string) (got string) {
	defer func() {
		if v := recover(); v != nil && v != (ended{}) {
			panic(v)
		}
	}()
	return f(r)
}

// TestMissing checks, in a module whose ../shared has a schemas/ but no
// corpus/, that the schemas are found and that the missing corpus fails
// the first test that asks for it, with what belongs there, and skips the
// others.
func TestMissing(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"repo/pkg", "shared/schemas"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"repo/go.mod", "shared/schemas/a.sql"} {
		if err := os.WriteFile(filepath.Join(root, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(filepath.Join(root, "repo", "pkg"))
	clear(reported)
	t.Cleanup(func() { clear(reported) })

	r := &recorder{TB: t}
	if got, want := r.call(func(t testing.TB) string { return Schema(t, "a.sql") }), filepath.Join(root, "shared", "schemas", "a.sql"); got != want {
		t.Errorf("Schema(a.sql) = %q, want %q", got, want)
	}
	if len(r.ended) != 0 {
		t.Fatalf("Schema(a.sql) ended the test: %q", r.ended)
	}
	r.call(func(t testing.TB) string { return Schema(t, "b.sql") })
	r.call(Corpus)
	r.call(Corpus)
	if len(r.ended) != 3 {
		t.Fatalf("ended %d times, want 3: %q", len(r.ended), r.ended)
	}
	if !strings.HasPrefix(r.ended[0], "fail: real schema missing") {
		t.Errorf("a missing schema file: %q", r.ended[0])
	}
	for _, want := range []string{"fail: ../shared/corpus is missing", "beside this repository", "schemas/", "corpus/psqldef", "README.md"} {
		if !strings.Contains(r.ended[1], want) {
			t.Errorf("the first test without ../shared/corpus ends with %q, which lacks %q", r.ended[1], want)
		}
	}
	if !strings.HasPrefix(r.ended[2], "skip: ") {
		t.Errorf("the second test without ../shared/corpus ends with %q, want a skip", r.ended[2])
	}
}
