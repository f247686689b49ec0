package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/migrate"
)

// TestInterruptLeavesNothing runs retort on a schema file that keeps the dev
// server busy, interrupts it as Ctrl-C would, and checks that it exits 1 and
// that the embedded server's directories are gone.
func TestInterruptLeavesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a dev server")
	}
	// A directory of our own, reachable by the server's account, so that
	// other tests' dev servers do not show up here.
	tmp, err := os.MkdirTemp("", "retort-sigint-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	if err := os.Chmod(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	schema := filepath.Join(t.TempDir(), "slow.sql")
	if err := os.WriteFile(schema, []byte("CREATE TABLE t (id int);\nSELECT pg_sleep(60);\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "inspect", schema)
	cmd.Env = append(os.Environ(), "RETORT_TEST_RUN_MAIN=1", "TMPDIR="+tmp)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until the server is up and the file is being applied: its data
	// directory exists in tmp.
	waitFor(t, cmd, &stderr, "dev server never started", func() bool {
		m, _ := filepath.Glob(filepath.Join(tmp, "retort-dev-*"))
		return len(m) > 0
	})
	time.Sleep(1500 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != exitError {
		t.Errorf("exit = %v, want code %d; stderr: %s", err, exitError, stderr.String())
	}
	if !strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("stderr lacks 'interrupted': %s", stderr.String())
	}
	left, _ := filepath.Glob(filepath.Join(tmp, "*"))
	if len(left) > 0 {
		t.Errorf("left behind after Ctrl-C: %v", left)
	}
}

// waitFor polls ready until it holds, for at most 30 s; if it never does,
// it kills cmd and fails with what, and cmd's stderr.
func waitFor(t *testing.T, cmd *exec.Cmd, stderr *bytes.Buffer, what string, ready func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !ready(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("%s; stderr: %s", what, stderr.String())
		}
	}
}

// TestKilledUpgradeLeavesLastGoodRevision kills `retort upgrade` (SIGKILL:
// no chance to clean up) while a revision runs, and checks that the
// database and its version table are consistent: at the last revision that
// completed, with nothing of the killed one, and that a later upgrade
// finishes the job.
func TestKilledUpgradeLeavesLastGoodRevision(t *testing.T) {
	if testing.Short() {
		t.Skip("needs the test server")
	}
	ctx := t.Context()
	name := fmt.Sprintf("killed_%d", dbSeq.Add(1))
	admin, err := pgx.Connect(ctx, server.ConnString("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+sqlq.Ident(name)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.Exec(context.Background(), "DROP DATABASE "+sqlq.Ident(name)+" WITH (FORCE)")
	})
	url := server.ConnString(name)

	dir := t.TempDir()
	migrations := filepath.Join(dir, "migrations")
	if err := os.Mkdir(migrations, 0o755); err != nil {
		t.Fatal(err)
	}
	writeRev := func(id, parent, sleep string) {
		rev := &migrate.Revision{ID: id, Message: "step " + id, Created: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
			Up:   []migrate.Statement{{SQL: "CREATE TABLE public.t_" + id + " (id int)"}},
			Down: []migrate.Statement{{SQL: "DROP TABLE public.t_" + id}}}
		if parent != "" {
			rev.Parents = []string{parent}
		}
		if sleep != "" {
			rev.Up = append(rev.Up, migrate.Statement{SQL: "SELECT pg_sleep(" + sleep + ")"})
		}
		if err := os.WriteFile(filepath.Join(migrations, id+".sql"), migrate.Format(rev), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeRev("aaaa00000001", "", "")
	writeRev("bbbb00000002", "aaaa00000001", "60")

	cmd := exec.Command(os.Args[0], "upgrade", "--url", url)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "RETORT_TEST_RUN_MAIN=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill it while the second revision sleeps, its table created but not
	// committed.
	waitFor(t, cmd, &stderr, "the second revision never ran", func() bool {
		var n int
		if err := admin.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = $1 AND pid <> pg_backend_pid() AND query LIKE '%SELECT pg_sleep(60)%'`, name).Scan(&n); err != nil {
			cmd.Process.Kill()
			t.Fatal(err)
		}
		return n > 0
	})
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	// The server notices a dead client only when it next talks to it; end
	// the orphaned session as it eventually would.
	if _, err := admin.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, name); err != nil {
		t.Fatal(err)
	}

	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var version string
	if err := conn.QueryRow(ctx, "SELECT string_agg(version_num, ',') FROM public.retort_version").Scan(&version); err != nil {
		t.Fatal(err)
	}
	if version != "aaaa00000001" {
		t.Errorf("version table = %q, want aaaa00000001", version)
	}
	var tables []string
	rows, err := conn.Query(ctx, "SELECT relname FROM pg_class WHERE relname LIKE 't\\_%' ORDER BY 1")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		rows.Scan(&s)
		tables = append(tables, s)
	}
	if strings.Join(tables, ",") != "t_aaaa00000001" {
		t.Errorf("tables after the kill = %v, want only t_aaaa00000001", tables)
	}

	// The killed revision was never applied, so it may still be edited; the
	// next upgrade applies it.
	writeRev("bbbb00000002", "aaaa00000001", "0")
	again := exec.Command(os.Args[0], "upgrade", "--url", url)
	again.Dir = dir
	again.Env = append(os.Environ(), "RETORT_TEST_RUN_MAIN=1")
	if out, err := again.CombinedOutput(); err != nil {
		t.Fatalf("upgrade after the kill: %v\n%s", err, out)
	}
	if err := conn.QueryRow(ctx, "SELECT string_agg(version_num, ',') FROM public.retort_version").Scan(&version); err != nil {
		t.Fatal(err)
	}
	if version != "bbbb00000002" {
		t.Errorf("version table after the second upgrade = %q, want bbbb00000002", version)
	}
}
