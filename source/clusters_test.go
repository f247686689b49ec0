package source

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/retortdb/retort/model"
)

// savingCache returns a cache dir in which any migrations directory's
// replay saves its cluster: the statement bound is lifted for the test, and
// the dir holds an entry of an earlier run, as a cache must for clusters
// to be saved in it.
func savingCache(t *testing.T) string {
	t.Helper()
	saved := clusterStatements
	clusterStatements = 0
	t.Cleanup(func() { clusterStatements = saved })
	dir := t.TempDir()
	earlier := filepath.Join(dir, "earlier.bin")
	if err := os.WriteFile(earlier, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(earlier, processStart.Add(-time.Hour), processStart.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestSavedClusterReplaysOnlyNewRevisions replays a migrations directory as
// it grows and changes. Each load must apply only the revisions after the
// longest run of first revisions that a saved cluster holds, and must read
// what a replay from nothing reads, including what depends on the rows the
// earlier revisions left.
func TestSavedClusterReplaysOnlyNewRevisions(t *testing.T) {
	cacheDir := savingCache(t)
	migrations := filepath.Join(t.TempDir(), "migrations")
	src := "migrations://" + migrations
	create := "CREATE TABLE t (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v text)"
	// Creates a table only when t holds exactly two rows: the rows of
	// the earlier revisions must be in the saved cluster.
	dependsOnRows := `DO $$ BEGIN
  IF (SELECT count(*) FROM t) = 2 THEN CREATE TABLE saw_two (); END IF;
END $$`
	// Without the cache, every load replays everything on the one dev
	// server.
	fresh := &Loader{DevURL: "embedded", Logf: t.Logf}
	t.Cleanup(func() { fresh.Close() })
	load := func(want string) *model.Schema {
		t.Helper()
		d := &debugLog{}
		debugf := func(format string, args ...any) {
			t.Logf(format, args...)
			d.debugf(format, args...)
		}
		l := &Loader{DevURL: "embedded", Logf: t.Logf, Debugf: debugf, Cache: true, CacheDir: cacheDir}
		defer l.Close()
		s, err := l.Load(t.Context(), src)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range d.lines {
			if strings.Contains(line, "\n") {
				t.Errorf("a debug line is more than one line: %q", line)
			}
		}
		if d.count(want) != 1 {
			t.Fatalf("the load did not say %q", want)
		}
		full, err := fresh.Load(t.Context(), src)
		if err != nil {
			t.Fatal(err)
		}
		if !s.Equal(full) {
			t.Errorf("after %q: the schema differs from a replay from nothing", want)
		}
		return s
	}
	rewrite := func(ups ...string) {
		t.Helper()
		if err := os.RemoveAll(migrations); err != nil {
			t.Fatal(err)
		}
		writeMigrations(t, migrations, ups...)
	}
	hasTable := func(s *model.Schema, name string) bool {
		for _, tb := range s.Tables {
			if tb.QName == (model.QName{Schema: "public", Name: name}) {
				return true
			}
		}
		return false
	}

	rewrite(create, "INSERT INTO t (v) VALUES ('a'), ('b')")
	load("replaying 2 of 2 revisions")

	rewrite(create, "INSERT INTO t (v) VALUES ('a'), ('b')", dependsOnRows)
	if s := load("replaying 1 of 3 revisions"); !hasTable(s, "saw_two") {
		t.Errorf("the new revision did not see the rows of the saved cluster")
	}

	// A changed revision changes the key of every cluster after it: no
	// cluster holds the changed second revision.
	rewrite(create, "INSERT INTO t (v) VALUES ('a'), ('b'), ('c')", dependsOnRows)
	if s := load("replaying 3 of 3 revisions"); hasTable(s, "saw_two") {
		t.Errorf("the second revision's change did not reach the third")
	}

	// Going back finds the cluster saved before the change.
	rewrite(create, "INSERT INTO t (v) VALUES ('a'), ('b')", dependsOnRows, "CREATE TABLE u ()")
	load("replaying 1 of 4 revisions")

	// A damaged cluster is removed and the replay starts from nothing.
	store, err := (&Loader{CacheDir: cacheDir}).clusters()
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(store.Dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		os.Remove(filepath.Join(store.Dir, e.Name(), "global", "pg_control"))
	}
	rewrite(create, "INSERT INTO t (v) VALUES ('a'), ('b')", dependsOnRows, "CREATE TABLE u ()", "CREATE TABLE w ()")
	load("replaying 5 of 5 revisions")
}

// TestCacheOutlivesRuns saves clusters only in a cache that holds an entry
// from before this process: a CI job's fresh cache never reuses one.
func TestCacheOutlivesRuns(t *testing.T) {
	dir := t.TempDir()
	l := &Loader{CacheDir: dir}
	if l.cacheOutlivesRuns() {
		t.Errorf("an empty cache outlived a run")
	}
	for _, c := range []struct {
		name string
		age  time.Duration
		want bool
	}{
		{"new.bin", -time.Second, false}, // written by this run
		{".tmp-old", time.Hour, false},   // a copy being written
		{"old.bin", time.Hour, true},     // an earlier run's
	} {
		p := filepath.Join(dir, c.name)
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		when := processStart.Add(-c.age)
		if err := os.Chtimes(p, when, when); err != nil {
			t.Fatal(err)
		}
		if got := l.cacheOutlivesRuns(); got != c.want {
			t.Errorf("with %s: cacheOutlivesRuns = %v, want %v", c.name, got, c.want)
		}
	}
}

// TestSavedClusterCancelled cancels a load while it replays on a server of
// its own, after starting from a saved cluster: the server and its dir go,
// the saved cluster stays as it was, and no partial cluster is left.
func TestSavedClusterCancelled(t *testing.T) {
	cacheDir := savingCache(t)
	migrations := filepath.Join(t.TempDir(), "migrations")
	src := "migrations://" + migrations
	writeMigrations(t, migrations, "CREATE TABLE t (id int)")
	l := &Loader{DevURL: "embedded", Logf: t.Logf, Cache: true, CacheDir: cacheDir}
	if _, err := l.Load(t.Context(), src); err != nil {
		t.Fatal(err)
	}
	l.Close()
	store, err := l.clusters()
	if err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadDir(store.Dir)
	if err != nil || len(before) != 1 {
		t.Fatalf("saved clusters: %v, %v; want one", before, err)
	}
	servers := serverDirs(t)

	if err := os.RemoveAll(migrations); err != nil {
		t.Fatal(err)
	}
	writeMigrations(t, migrations, "CREATE TABLE t (id int)", "SELECT pg_catalog.pg_sleep(30)")
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
	defer cancel()
	d := &debugLog{}
	l = &Loader{DevURL: "embedded", Logf: t.Logf, Debugf: d.debugf, Cache: true, CacheDir: cacheDir}
	_, err = l.Load(ctx, src)
	l.Close()
	if err == nil {
		t.Fatal("the cancelled load succeeded")
	}
	if d.count("replayed in") != 0 {
		t.Errorf("the cancelled replay said it ended")
	}
	after, err := os.ReadDir(store.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != 1 || after[0].Name() != before[0].Name() {
		t.Errorf("saved clusters after the cancelled load: %v, want %v", after, before)
	}
	for dir := range serverDirs(t) {
		if !servers[dir] {
			t.Errorf("the cancelled load left %s", dir)
		}
	}
}

// serverDirs returns the dirs of the embedded servers that this process
// started, by the owner file that devdb writes in each: other packages'
// tests start servers of their own at the same time.
func serverDirs(t *testing.T) map[string]bool {
	t.Helper()
	matches, err := filepath.Glob(filepath.Join(os.TempDir(), "retort-dev-*"))
	if err != nil {
		t.Fatal(err)
	}
	dirs := map[string]bool{}
	for _, m := range matches {
		b, err := os.ReadFile(filepath.Join(m, "owner.pid"))
		if f := strings.Fields(string(b)); err == nil && len(f) > 0 && f[0] == strconv.Itoa(os.Getpid()) {
			dirs[m] = true
		}
	}
	return dirs
}
