// Package bench holds measurements of whole retort processes, run by hand:
//
//	RETORT_BENCH_CACHE=1 go test -count=1 -run TestCacheFigures -v ./internal/bench
//
// They are not timed tests: they print figures, each next to its
// reference from the same run, and fail only when a command fails.
// RETORT_BENCH_CACHE=disk puts retort's cache on the disk while its dev
// server's data stays in memory, so that saved clusters are copied.
package bench

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/retortdb/retort/internal/devdb/devdbtest"
	"github.com/retortdb/retort/internal/sharedtest"
	"github.com/retortdb/retort/migrate"
	"github.com/retortdb/retort/model/sqlddl"
)

func TestMain(m *testing.M) { devdbtest.Main(m) }

// TestCacheFigures measures check and revision --autogenerate on a
// GitLab-size project (GitLab's structure.sql as schema.sql, and the same
// schema cut into 20 revisions), against one psql -f of schema.sql into an
// empty database (issue 15's targets).
func TestCacheFigures(t *testing.T) {
	if os.Getenv("RETORT_BENCH_CACHE") == "" {
		t.Skip("set RETORT_BENCH_CACHE=1 to measure")
	}
	schema := sharedtest.Schema(t, "gitlab.sql")
	text, err := os.ReadFile(schema)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "retort")
	build := exec.Command("go", "build", "-o", bin, "github.com/retortdb/retort/cmd/retort")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	proj := filepath.Join(dir, "proj")
	writeProject(t, proj, text, 20)

	// The reference: psql -f schema.sql into an empty database.
	url := devdbtest.NewDatabase(t)
	psql := measure(t, "", nil, "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", schema)

	cache, env := filepath.Join(dir, "cache"), []string{}
	if mem := devdbtest.MemDir(); mem != "" {
		// The reference's server keeps its data there: retort's dev
		// server does too, or file creation on the disk (each relation is
		// a file) would be measured against memory. The cache goes on
		// the same file system, as it is where TMPDIR and the home dir
		// share one: a saved cluster is then moved, not copied.
		// RETORT_BENCH_CACHE=disk keeps it on the disk instead.
		if os.Getenv("RETORT_BENCH_CACHE") != "disk" {
			tmp, err := os.MkdirTemp(mem, "bench-cache-")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.RemoveAll(tmp) })
			cache = tmp
		}
		env = append(env, "TMPDIR="+mem)
	}
	env = append(env, "RETORT_CACHE_DIR="+cache)
	retort := func(args ...string) time.Duration { return measure(t, proj, env, bin, args...) }
	noCache := retort("check", "--no-cache", "--trusted")
	cold := retort("check", "--trusted")
	warm := retort("check", "--trusted")
	addColumn := func(name string) {
		f, err := os.OpenFile(filepath.Join(proj, "schema.sql"), os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(f, "\nALTER TABLE public.projects ADD COLUMN %s text;\n", name)
		f.Close()
	}
	addColumn("bench_note")
	rev := retort("revision", "-m", "add a column", "--autogenerate", "--trusted")

	// The next check replays the migrations with the new revision. The
	// cache has outlived a run now, so that check saves the replayed
	// cluster; after one more revision, the check after it starts from
	// that cluster and replays only the newest revision.
	firstAfter := retort("check", "--trusted", "-v")
	addColumn("bench_note2")
	retort("revision", "-m", "add another column", "--autogenerate", "--trusted")
	fromCluster := retort("check", "--trusted", "-v")

	ratio := func(d time.Duration) string { return fmt.Sprintf("%.2f×", d.Seconds()/psql.Seconds()) }
	t.Logf("psql -f schema.sql (reference)            %8.2fs", psql.Seconds())
	t.Logf("check --no-cache (both loads at once)     %8.2fs  %s", noCache.Seconds(), ratio(noCache))
	t.Logf("check, cache cold                         %8.2fs  %s", cold.Seconds(), ratio(cold))
	t.Logf("check, cache warm, nothing changed        %8.2fs  %s", warm.Seconds(), ratio(warm))
	t.Logf("revision --autogenerate, one column added %8.2fs  %s", rev.Seconds(), ratio(rev))
	t.Logf("check after it, 21 revisions replayed     %8.2fs  %s", firstAfter.Seconds(), ratio(firstAfter))
	t.Logf("check after one more, from saved cluster  %8.2fs  %s", fromCluster.Seconds(), ratio(fromCluster))
	t.Logf("saved clusters: %s", clustersSize(t, filepath.Join(cache, "clusters")))
}

// clustersSize says how many saved clusters dir holds and their size.
func clustersSize(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var bytes int64
	err = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		fi, err := d.Info()
		bytes += fi.Size()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%d, %.0f MB together", len(entries), float64(bytes)/1e6)
}

// writeProject writes a retort project in dir: schema.sql is text, and the
// migrations directory holds text's statements cut into n revisions.
func writeProject(t *testing.T, dir string, text []byte, n int) {
	t.Helper()
	mig := filepath.Join(dir, "migrations")
	if err := os.MkdirAll(mig, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "schema.sql"), text, 0o644); err != nil {
		t.Fatal(err)
	}
	yaml := "migrations: migrations\ndesired: schema.sql\n"
	if err := os.WriteFile(filepath.Join(dir, "retort.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	stmts, err := sqlddl.Split("schema.sql", text)
	if err != nil {
		t.Fatal(err)
	}
	parent := ""
	for i := range n {
		part := stmts[i*len(stmts)/n : (i+1)*len(stmts)/n]
		rev := &migrate.Revision{ID: fmt.Sprintf("%012x", 0xc00000000000+i), Message: fmt.Sprintf("part %d", i),
			Created: time.Date(2026, 1, 1, 0, i, 0, 0, time.UTC)}
		for _, s := range part {
			rev.Up = append(rev.Up, migrate.Statement{SQL: s.Text})
		}
		if parent != "" {
			rev.Parents = []string{parent}
		}
		if _, err := migrate.WriteFile(mig, rev, migrate.NameOptions{}); err != nil {
			t.Fatal(err)
		}
		parent = rev.ID
	}
}

// measure runs a command to its end and returns how long it took; exit
// status 2 (changes found) is not a failure.
func measure(t *testing.T, dir string, env []string, name string, args ...string) time.Duration {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	if ee, ok := err.(*exec.ExitError); err != nil && !(ok && ee.ExitCode() == 2) {
		t.Fatalf("%s %v: %v\n%s", name, args, err, tail(out.String()))
	}
	t.Logf("%s %v: %.2fs, exit %v; %s", filepath.Base(name), args, d.Seconds(), err, tail(out.String()))
	return d
}

func tail(s string) string {
	if len(s) > 400 {
		return "…" + s[len(s)-400:]
	}
	return s
}
