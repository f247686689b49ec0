package migrate

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/retortdb/retort/internal/devdb/devdbtest"
)

func TestAdvisoryLockSerializesUpgrades(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	url := devdbtest.NewDatabase(t)
	holder, runner := devdbtest.Connect(t, url), devdbtest.Connect(t, url)
	d := linearDir(t)
	opts := &Options{VersionTable: "app_version"}

	// Another runner holds the lock: Upgrade waits for it.
	if _, err := holder.Exec(ctx, "SELECT pg_advisory_lock($1)", opts.withDefaults().lockKey()); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := Upgrade(ctx, runner, d, "head", opts)
		done <- err
	}()
	waiting := false
	for range 500 {
		var n int
		err := holder.QueryRow(ctx, `SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid)
			WHERE l.locktype = 'advisory' AND NOT l.granted AND a.datname = current_database()`).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			waiting = true
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	select {
	case err := <-done:
		t.Fatalf("Upgrade finished while the lock was held: %v", err)
	default:
	}
	if !waiting {
		t.Fatal("Upgrade is not waiting on the advisory lock")
	}
	if cur := currentOf(t, holder, opts); len(cur) != 0 {
		t.Fatalf("version table %v while the lock was held", cur)
	}
	if _, err := holder.Exec(ctx, "SELECT pg_advisory_unlock($1)", opts.withDefaults().lockKey()); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if cur := currentOf(t, holder, opts); !slices.Equal(cur, []string{"3f2a9c1b7d4e"}) {
		t.Fatalf("version table %v", cur)
	}

	// Two upgrades at once: one applies everything, the other nothing.
	url2 := devdbtest.NewDatabase(t)
	slow := tableRev("aaaa01")
	slow.Up = append(slow.Up, Statement{SQL: "SELECT pg_sleep(0.5)"})
	d2 := memDir(t, slow, tableRev("bbbb01 aaaa01"))
	errs := make(chan error, 2)
	counts := make(chan int, 2)
	for range 2 {
		c := devdbtest.Connect(t, url2)
		go func() {
			steps, err := Upgrade(ctx, c, d2, "head", nil)
			counts <- len(steps)
			errs <- err
		}()
	}
	total := 0
	for range 2 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
		total += <-counts
	}
	if total != 2 {
		t.Errorf("%d steps applied by two concurrent upgrades, want 2", total)
	}
	// The lock is released: a third run takes it at once.
	if _, err := Downgrade(ctx, holder, d, "base", opts); err != nil {
		t.Fatal(err)
	}
}

func TestTimeouts(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	url := devdbtest.NewDatabase(t)
	conn, blocker := devdbtest.Connect(t, url), devdbtest.Connect(t, url)
	a := tableRev("aaaa01")
	d := memDir(t, a)
	if _, err := Upgrade(ctx, conn, d, "head", nil); err != nil {
		t.Fatal(err)
	}
	tx, err := blocker.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, "LOCK TABLE public.t_aaaa01"); err != nil {
		t.Fatal(err)
	}
	b := rev("bbbb01 aaaa01")
	b.Up = []Statement{{SQL: "ALTER TABLE public.t_aaaa01 ADD COLUMN x int"}}
	b.Down = []Statement{{SQL: "ALTER TABLE public.t_aaaa01 DROP COLUMN x"}}

	code := func(err error) string {
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) {
			return pgErr.Code
		}
		return ""
	}
	start := time.Now()
	_, err = Upgrade(ctx, conn, memDir(t, a, b), "head", &Options{LockTimeout: 200 * time.Millisecond})
	if code(err) != "55P03" || time.Since(start) > 5*time.Second {
		t.Errorf("option lock_timeout: %v after %v, want lock_not_available", err, time.Since(start))
	}
	b.Up[0].LockTimeout = 100 * time.Millisecond
	_, err = Upgrade(ctx, conn, memDir(t, a, b), "head", &Options{LockTimeout: time.Hour})
	if code(err) != "55P03" {
		t.Errorf("directive lock_timeout: %v, want lock_not_available", err)
	}
	tx.Rollback(ctx)

	c := rev("cccc01 aaaa01")
	c.Up = []Statement{{SQL: "SELECT pg_sleep(0.3)", StatementTimeout: 50 * time.Millisecond}}
	_, err = Upgrade(ctx, conn, memDir(t, a, c), "head", nil)
	if code(err) != "57014" {
		t.Errorf("directive statement_timeout: %v, want query_canceled", err)
	}
	// The directive holds for its statement only: the next one runs under
	// the option again.
	c.Up = append(c.Up, Statement{SQL: "SELECT pg_sleep(0.3)"})
	c.Up[0] = Statement{SQL: "SELECT pg_sleep(0.3)", StatementTimeout: time.Minute}
	_, err = Upgrade(ctx, conn, memDir(t, a, c), "head", &Options{StatementTimeout: 100 * time.Millisecond})
	var pe *PartialError
	if code(err) != "57014" || !errors.As(err, &pe) || pe.Statement == nil {
		t.Errorf("option statement_timeout after a directive: %v", err)
	}
	if pe != nil && pe.Statement.StatementTimeout != 0 {
		t.Errorf("the statement with the longer directive failed, not the next one")
	}
	var setting string
	if err := conn.QueryRow(ctx, "SELECT current_setting('statement_timeout')").Scan(&setting); err != nil || setting != "0" {
		t.Errorf("session statement_timeout %q after the run, want 0", setting)
	}
	wantCurrent(t, conn, "aaaa01")
}

func TestVersionTableChecks(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	conn := newConn(t)
	a, b := tableRev("aaaa01"), tableRev("bbbb01 aaaa01")
	d := memDir(t, a, b)
	opts := &Options{VersionSchema: "Retort Meta", VersionTable: "Version", HistoryTable: "History"}
	if _, err := Upgrade(ctx, conn, d, "aaaa01", opts); err != nil {
		t.Fatal(err)
	}
	if cur := currentOf(t, conn, opts); !slices.Equal(cur, []string{"aaaa01"}) {
		t.Fatalf("current %v", cur)
	}
	// An edited applied file is refused, unless told otherwise.
	a.Up = append(a.Up, Statement{SQL: "SELECT 1"})
	_, err := Upgrade(ctx, conn, memDir(t, a, b), "head", opts)
	var ce *ChecksumError
	if !errors.As(err, &ce) || ce.Revision != "aaaa01" {
		t.Fatalf("edited file: %v, want a ChecksumError", err)
	}
	edited := *opts
	edited.IgnoreChecksums = true
	if _, err := Upgrade(ctx, conn, memDir(t, a, b), "head", &edited); err != nil {
		t.Fatal(err)
	}
	// A version table naming a revision the directory lacks.
	if _, err := conn.Exec(ctx, `UPDATE "Retort Meta"."Version" SET version_num = 'ffff01'`); err != nil {
		t.Fatal(err)
	}
	_, err = Upgrade(ctx, conn, d, "head", opts)
	var ue *UnknownRevisionError
	if !errors.As(err, &ue) || !slices.Equal(ue.IDs, []string{"ffff01"}) {
		t.Fatalf("unknown revision: %v", err)
	}
	if _, err := Downgrade(ctx, conn, d, "base", opts); !errors.As(err, &ue) {
		t.Fatalf("unknown revision on downgrade: %v", err)
	}
	// Stamp: without purge the unknown row is an error; with it, it goes.
	if _, err := Stamp(ctx, conn, d, []string{"aaaa01"}, false, opts); !errors.As(err, &ue) {
		t.Fatalf("stamp over an unknown revision: %v", err)
	}
	heads, err := Stamp(ctx, conn, d, []string{"bbbb01"}, true, opts)
	if err != nil || !slices.Equal(heads, []string{"bbbb01"}) {
		t.Fatalf("stamp --purge: %v, %v", heads, err)
	}
	if cur := currentOf(t, conn, opts); !slices.Equal(cur, []string{"bbbb01"}) {
		t.Fatalf("current after stamp %v", cur)
	}
	if _, err := Stamp(ctx, conn, d, []string{"base"}, false, opts); err != nil {
		t.Fatal(err)
	}
	if cur := currentOf(t, conn, opts); len(cur) != 0 {
		t.Fatalf("current after stamp base %v", cur)
	}
	var stamps int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM "Retort Meta"."History" WHERE direction = 'stamp'`).Scan(&stamps); err != nil || stamps != 1 {
		t.Errorf("stamp history rows %d, %v", stamps, err)
	}
}

// A runner killed mid-revision (its backend terminated, as when the
// process or the connection dies) leaves the database at the last good
// revision, with nothing of the killed one.
func TestKilledMidRevision(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	url := devdbtest.NewDatabase(t)
	conn, killer := devdbtest.Connect(t, url), devdbtest.Connect(t, url)
	slow := tableRev("bbbb01 aaaa01")
	slow.Up = append(slow.Up, Statement{SQL: "SELECT pg_sleep(30)"})
	d := memDir(t, tableRev("aaaa01"), slow)
	done := make(chan error, 1)
	go func() {
		_, err := Upgrade(ctx, conn, d, "head", nil)
		done <- err
	}()
	killed := false
	for range 500 {
		var n int
		err := killer.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE '%SELECT pg_sleep(30)%'`).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			killed = true
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !killed {
		t.Fatal("the slow statement never ran")
	}
	err := <-done
	var pe *PartialError
	if !errors.As(err, &pe) || pe.Failed.Revision.ID != "bbbb01" || len(pe.Applied) != 1 {
		t.Fatalf("error %v, want a PartialError at bbbb01", err)
	}
	wantCurrent(t, killer, "aaaa01")
	if got := tables(t, killer); slices.Contains(got, "t_bbbb01") {
		t.Errorf("the killed revision's table exists: %v", got)
	}
	// The lock died with the session: the next run proceeds.
	slow.Up = slow.Up[:1]
	if _, err := Upgrade(ctx, killer, memDir(t, tableRev("aaaa01"), slow), "head", nil); err != nil {
		t.Fatal(err)
	}
	wantCurrent(t, killer, "bbbb01")
}

func TestLockWaitHonorsContext(t *testing.T) {
	t.Parallel()
	url := devdbtest.NewDatabase(t)
	holder, runner := devdbtest.Connect(t, url), devdbtest.Connect(t, url)
	if _, err := holder.Exec(t.Context(), "SELECT pg_advisory_lock($1)", (&Options{}).withDefaults().lockKey()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := Upgrade(ctx, runner, linearDir(t), "head", nil)
	if err == nil || !strings.Contains(err.Error(), "migration lock") || time.Since(start) > 10*time.Second {
		t.Fatalf("Upgrade under a held lock: %v after %v", err, time.Since(start))
	}
}

func TestFailedNonTransactionalRestoresTimeouts(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	conn := newConn(t)
	if _, err := conn.Exec(ctx, "SET statement_timeout = '42s'"); err != nil {
		t.Fatal(err)
	}
	r := rev("aaaa01")
	r.Up = []Statement{{SQL: "VACUUM public.nope", StatementTimeout: time.Second}}
	if _, err := Upgrade(ctx, conn, memDir(t, r), "head", &Options{LockTimeout: time.Second}); err == nil {
		t.Fatal("VACUUM of a missing table succeeded")
	}
	var lockT, stmtT string
	if err := conn.QueryRow(ctx, "SELECT current_setting('lock_timeout'), current_setting('statement_timeout')").Scan(&lockT, &stmtT); err != nil {
		t.Fatal(err)
	}
	if lockT != "0" || stmtT != "42s" {
		t.Errorf("session timeouts after the failure: lock %s, statement %s; want 0, 42s", lockT, stmtT)
	}
}
