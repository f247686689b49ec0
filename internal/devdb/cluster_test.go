package devdb

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestSaveAndStartFrom saves a cluster with a kept database in it and
// starts two servers from it: each gets what was saved (rows, a sequence's
// position, a role, the restricted applier) and nothing the first server
// had open besides, and what one of them changes does not reach the saved
// cluster.
func TestSaveAndStartFrom(t *testing.T) {
	ctx := t.Context()
	clusters := &Clusters{Dir: t.TempDir(), Debugf: t.Logf}
	const key, db = "k1", "kept"

	first, err := Open(ctx, "embedded", Options{Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	kept, err := first.Database(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if used, err := kept.CreateRole(ctx, "app_owner"); err != nil || !used {
		t.Fatalf("CreateRole = %v, %v", used, err)
	}
	applier, err := kept.Applier(ctx)
	if err != nil {
		t.Fatal(err)
	}
	conn := connect(t, applier)
	for _, sql := range []string{
		"CREATE TABLE t (id serial PRIMARY KEY, v text)",
		"INSERT INTO t (v) VALUES ('a'), ('b')",
	} {
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	conn.Close(ctx)
	other, err := first.Scratch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Save(ctx, clusters.Path(key)); err != nil {
		t.Fatal(err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if !clusters.Use(key) {
		t.Fatal("the saved cluster is not found")
	}

	for round := range 2 {
		dev, err := Open(ctx, "embedded", Options{Logf: t.Logf, From: clusters.Path(key)})
		if err != nil {
			t.Fatal(err)
		}
		sc, err := dev.Database(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		applier, err := sc.Applier(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conn := connect(t, applier)
		var rows int
		var next int64
		var super bool
		var user string
		err = conn.QueryRow(ctx, `SELECT (SELECT count(*) FROM t), nextval('t_id_seq'),
			(SELECT rolsuper FROM pg_roles WHERE rolname = current_user), current_user`).Scan(&rows, &next, &super, &user)
		if err != nil {
			t.Fatal(err)
		}
		if rows != 2 || next != 3 || super || user != standInRole {
			t.Errorf("round %d: rows %d, nextval %d, superuser %v, user %s; want 2, 3, false, %s",
				round, rows, next, super, user, standInRole)
		}
		admin := connect(t, sc.ConnString())
		if databaseExists(t, admin, other.Name()) {
			t.Errorf("round %d: the scratch database open at the save was saved too", round)
		}
		var role bool
		if err := admin.QueryRow(ctx, "SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_owner')").Scan(&role); err != nil {
			t.Fatal(err)
		}
		if !role {
			t.Errorf("round %d: the role made before the save is gone", round)
		}
		// Changes on this server stay on it.
		if _, err := conn.Exec(ctx, "INSERT INTO t (v) VALUES ('c')"); err != nil {
			t.Fatal(err)
		}
		conn.Close(ctx)
		admin.Close(ctx)
		if err := dev.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestStartFromMissingCluster fails, rather than starting an empty server,
// and leaves no server dir behind.
func TestStartFromMissingCluster(t *testing.T) {
	before := ownDirs(t)
	_, err := Start(t.Context(), Options{From: filepath.Join(t.TempDir(), "absent")})
	if err == nil || !strings.Contains(err.Error(), "not a data dir") {
		t.Fatalf("Start from a missing cluster: %v", err)
	}
	for _, d := range ownDirs(t) {
		if !slices.Contains(before, d) {
			t.Errorf("left behind %s", d)
		}
	}
}

// TestClustersEvict keeps the saved clusters within MaxBytes by removing the
// least recently used, never the one just saved, and removes the partial
// copies of writers that are gone.
func TestClustersEvict(t *testing.T) {
	dir := t.TempDir()
	c := &Clusters{Dir: dir, MaxBytes: 250, Debugf: t.Logf}
	now := time.Now()
	mkCluster := func(name string, size int, age time.Duration) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Join(p, "base"), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(p, "PG_VERSION"), []byte("15\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(p, "base", "1"), make([]byte, size-3), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, now.Add(-age), now.Add(-age)); err != nil {
			t.Fatal(err)
		}
	}
	mkCluster("oldest", 100, 3*time.Hour)
	mkCluster("old", 100, 2*time.Hour)
	mkCluster("new", 100, time.Hour)
	// A copy by a writer that is gone, and one by this live process.
	mkCluster(".x"+templateTempInfix+"999999999-1-ab", 10, time.Minute)
	live := ".y" + templateTempInfix + strconv.Itoa(os.Getpid()) + "-" + processStartTime(os.Getpid()) + "-cd"
	mkCluster(live, 10, time.Minute)

	c.Evict("oldest")
	var got []string
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		got = append(got, e.Name())
	}
	want := []string{live, "new", "oldest"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("after Evict: %q, want %q", got, want)
	}
	if !c.Use("new") || c.Use("old") {
		t.Errorf("Use: want only the complete clusters left")
	}
}
