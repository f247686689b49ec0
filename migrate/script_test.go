package migrate

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/retortdb/retort/internal/devdb/devdbtest"
)

func TestScriptAppliesUnderPsql(t *testing.T) {
	t.Parallel()
	psql, err := exec.LookPath("psql")
	if err != nil {
		t.Skip("no psql")
	}
	ctx := t.Context()
	nonTx := tableRev("dddd01 aaaa01")
	nonTx.Up = append(nonTx.Up, Statement{SQL: "CREATE INDEX CONCURRENTLY i_dddd01 ON public.t_dddd01 (id)"},
		Statement{SQL: "SELECT 1 -- a comment at the end"})
	nonTx.Down = []Statement{{SQL: "DROP INDEX CONCURRENTLY public.i_dddd01", LockTimeout: time.Second}, {SQL: "DROP TABLE public.t_dddd01"}}
	timed := tableRev("bbbb02 bbbb01")
	timed.Up[0].StatementTimeout = 5 * time.Second
	d := memDir(t, tableRev("aaaa01"), tableRev("bbbb01 aaaa01"), timed, nonTx,
		tableRev("mmmm01 bbbb02 dddd01"), tableRev("eeee01"))
	opts := &Options{LockTimeout: 3 * time.Second}

	runPsql := func(url, script string) { t.Helper(); psqlRun(t, psql, url, script) }
	for _, tt := range []struct{ from, to string }{{"", "heads"}, {"", "mmmm01"}, {"bbbb02", "dddd01"}} {
		online, offline := newConn(t), devdbtest.NewDatabase(t)
		offConn := devdbtest.Connect(t, offline)
		if tt.from != "" {
			script, err := Script(d, "", tt.from, Up, opts)
			if err != nil {
				t.Fatal(err)
			}
			runPsql(offline, script)
			if _, err := Upgrade(ctx, online, d, tt.from, opts); err != nil {
				t.Fatal(err)
			}
		}
		script, err := Script(d, tt.from, tt.to, Up, opts)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Count(script, "BEGIN;") != strings.Count(script, "COMMIT;") || !strings.Contains(script, "SET LOCAL lock_timeout = '3000ms'") {
			t.Errorf("script:\n%s", script)
		}
		runPsql(offline, script)
		if _, err := Upgrade(ctx, online, d, tt.to, opts); err != nil {
			t.Fatal(err)
		}
		on, off := currentOf(t, online, opts), currentOf(t, offConn, opts)
		if !slices.Equal(on, off) || len(on) == 0 {
			t.Errorf("%s:%s: version table %v offline, %v online", tt.from, tt.to, off, on)
		}
		if a, b := tables(t, online), tables(t, offConn); !slices.Equal(a, b) {
			t.Errorf("%s:%s: tables %v offline, %v online", tt.from, tt.to, b, a)
		}
		// And back down to base, offline.
		down, err := Script(d, strings.Join(off, " "), "base", Down, opts)
		if len(off) > 1 {
			down, err = Script(d, "heads", "base", Down, opts)
			if tt.to != "heads" {
				continue
			}
		}
		if err != nil {
			t.Fatal(err)
		}
		runPsql(offline, down)
		if off := currentOf(t, offConn, opts); len(off) != 0 {
			t.Errorf("after the down script: %v", off)
		}
		if got := tables(t, offConn); !slices.Equal(got, []string{"retort_history", "retort_progress", "retort_version"}) {
			t.Errorf("tables after the down script: %v", got)
		}
	}
	if _, err := Script(d, "", "base", Down, nil); err == nil {
		t.Error("offline downgrade without FROM: no error")
	}
}

func psqlRun(t *testing.T, psql, url, script string) {
	t.Helper()
	f := filepath.Join(t.TempDir(), "script.sql")
	if err := os.WriteFile(f, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.CommandContext(t.Context(), psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", f).CombinedOutput()
	if err != nil {
		t.Fatalf("psql: %v\n%s\n--- script:\n%s", err, out, script)
	}
}

func TestScriptLinear(t *testing.T) {
	t.Parallel()
	psql, err := exec.LookPath("psql")
	if err != nil {
		t.Skip("no psql")
	}
	d := linearDir(t)
	url := devdbtest.NewDatabase(t)
	conn := devdbtest.Connect(t, url)
	up, err := Script(d, "base", "head", Up, &Options{StatementTimeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	psqlRun(t, psql, url, up)
	wantCurrent(t, conn, "3f2a9c1b7d4e")
	var n int
	if err := conn.QueryRow(t.Context(), "SELECT public.user_count()").Scan(&n); err != nil || n != 1 {
		t.Errorf("user_count() = %d, %v", n, err)
	}
	// The history the script wrote satisfies the runner's checksum check.
	if steps, err := Upgrade(t.Context(), conn, d, "head", nil); err != nil || len(steps) != 0 {
		t.Errorf("upgrade after the script: %v, %v", steps, err)
	}
	down, err := Script(d, "head", "1a2b", Down, nil)
	if err != nil {
		t.Fatal(err)
	}
	psqlRun(t, psql, url, down)
	wantCurrent(t, conn, "1a2b3c4d5e6f")
	if _, err := Downgrade(t.Context(), conn, d, "base", nil); err != nil {
		t.Fatal(err)
	}
}
