package migrate

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/retortdb/retort/internal/devdb/devdbtest"
)

// An upgrade blocked behind a transaction that holds a lock on its table
// gives up after the default lock_timeout, instead of queueing an ACCESS
// EXCLUSIVE request that blocks every reader; with lock_timeout off it waits.
func TestStatementLockTimeout(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name     string
		opts     *Options
		stmt     time.Duration // the statement's own -- retort:lock_timeout
		release  time.Duration // the blocking transaction ends after this
		wantErr  bool
		min, max time.Duration // how long the upgrade takes
	}{
		// The default lock_timeout; retries are TestLockRetries'.
		{"default", &Options{LockTries: -1}, 0, 8 * time.Second, true, 1500 * time.Millisecond, 6 * time.Second},
		{"off", &Options{LockTimeout: NoLockTimeout}, 0, 3 * time.Second, false, 2500 * time.Millisecond, 30 * time.Second},
		// "-- retort:lock_timeout 0" turns the default off for its statement.
		{"directive off", nil, -1, 3 * time.Second, false, 2500 * time.Millisecond, 30 * time.Second},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			url := devdbtest.NewDatabase(t)
			conn, blocker := devdbtest.Connect(t, url), devdbtest.Connect(t, url)
			a := tableRev("aaaa01")
			b := rev("bbbb01 aaaa01")
			b.Up = []Statement{{SQL: "ALTER TABLE public.t_aaaa01 ADD COLUMN x int", LockTimeout: tt.stmt}}
			b.Down = []Statement{{SQL: "ALTER TABLE public.t_aaaa01 DROP COLUMN x"}}
			d := memDir(t, a, b)
			if _, err := Upgrade(ctx, conn, d, "aaaa01", tt.opts); err != nil {
				t.Fatal(err)
			}
			// A long transaction that has read the table.
			tx, err := blocker.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tx.Exec(ctx, "SELECT count(*) FROM public.t_aaaa01"); err != nil {
				t.Fatal(err)
			}
			released := make(chan error, 1)
			go func() {
				time.Sleep(tt.release)
				released <- tx.Rollback(ctx)
			}()
			start := time.Now()
			_, err = Upgrade(ctx, conn, d, "head", tt.opts)
			took := time.Since(start)
			if rerr := <-released; rerr != nil {
				t.Fatal(rerr)
			}
			if took < tt.min || took > tt.max {
				t.Errorf("upgrade took %v, want %v to %v (err %v)", took, tt.min, tt.max, err)
			}
			if !tt.wantErr {
				if err != nil {
					t.Fatal(err)
				}
				wantCurrent(t, conn, "bbbb01")
				return
			}
			var pgErr *pgconn.PgError
			var pe *PartialError
			if !errors.As(err, &pgErr) || pgErr.Code != "55P03" || !errors.As(err, &pe) {
				t.Fatalf("error %v, want a PartialError with lock_not_available", err)
			}
			for _, w := range []string{"up bbbb01 failed at bbbb01.sql:", "lock timeout", "another session holds a lock the statement needs"} {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("message %q lacks %q", err, w)
				}
			}
			wantCurrent(t, conn, "aaaa01")
			var hist int
			if err := conn.QueryRow(ctx, "SELECT count(*) FROM public.retort_history WHERE revision = 'bbbb01'").Scan(&hist); err != nil || hist != 0 {
				t.Errorf("history rows of bbbb01: %d, %v", hist, err)
			}
		})
	}
}

// The wait for another run's advisory lock is bounded only by an explicit
// lock_timeout: by default a second upgrade waits for the first however
// long it takes.
func TestMigrationLockTimeout(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name     string
		opts     *Options
		release  time.Duration // the other run releases the lock after this
		wantErr  string
		min, max time.Duration
	}{
		{"explicit 1s", &Options{LockTimeout: time.Second}, 5 * time.Second, "another run holds it; gave up after lock_timeout 1s", 800 * time.Millisecond, 3 * time.Second},
		{"default", nil, DefaultLockTimeout + 1500*time.Millisecond, "", DefaultLockTimeout + time.Second, 30 * time.Second},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			url := devdbtest.NewDatabase(t)
			holder, runner := devdbtest.Connect(t, url), devdbtest.Connect(t, url)
			key := tt.opts.withDefaults().lockKey()
			if _, err := holder.Exec(ctx, "SELECT pg_advisory_lock($1)", key); err != nil {
				t.Fatal(err)
			}
			released := make(chan error, 1)
			go func() {
				time.Sleep(tt.release)
				_, err := holder.Exec(ctx, "SELECT pg_advisory_unlock($1)", key)
				released <- err
			}()
			start := time.Now()
			_, err := Upgrade(ctx, runner, linearDir(t), "head", tt.opts)
			took := time.Since(start)
			if rerr := <-released; rerr != nil {
				t.Fatal(rerr)
			}
			if took < tt.min || took > tt.max {
				t.Errorf("upgrade took %v, want %v to %v (err %v)", took, tt.min, tt.max, err)
			}
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				wantCurrent(t, runner, "3f2a9c1b7d4e")
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want %q", err, tt.wantErr)
			}
			wantCurrent(t, runner)
			// The transaction that took the lock set lock_timeout locally.
			var lt string
			if err := runner.QueryRow(ctx, "SELECT current_setting('lock_timeout')").Scan(&lt); err != nil || lt != "0" {
				t.Errorf("session lock_timeout %q after the run, want 0 (%v)", lt, err)
			}
		})
	}
}

func TestLockTimeoutOptions(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in             time.Duration
		stmt, advisory time.Duration
	}{
		{0, DefaultLockTimeout, 0},
		{NoLockTimeout, 0, 0},
		{-5 * time.Second, 0, 0},
		{time.Second, time.Second, time.Second},
	} {
		o := (&Options{LockTimeout: tt.in}).withDefaults()
		if got := o.statementLockTimeout(); got != tt.stmt {
			t.Errorf("LockTimeout %v: statements get %v, want %v", tt.in, got, tt.stmt)
		}
		if got := o.migrationLockTimeout(); got != tt.advisory {
			t.Errorf("LockTimeout %v: the migration lock wait gets %v, want %v", tt.in, got, tt.advisory)
		}
		if err := o.Validate(); err != nil {
			t.Errorf("LockTimeout %v: %v", tt.in, err)
		}
	}
	// The default reaches every statement, offline too.
	script, err := Script(linearDir(t), "", "head", Up, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(script, "lock_timeout = '2000ms'"); n < 3 {
		t.Errorf("the script sets the default lock_timeout %d times:\n%s", n, script)
	}
}
