package migrate

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// DefaultLockTimeout is the lock_timeout every statement of a revision runs
// under when [Options.LockTimeout] is zero. A statement that waits longer for
// a lock fails instead of queueing: a queued ACCESS EXCLUSIVE request blocks
// every later reader of the table for as long as it waits.
const DefaultLockTimeout = 2 * time.Second

// NoLockTimeout, as [Options.LockTimeout], turns the runner's lock_timeout
// off: statements wait for their locks as the session's own lock_timeout
// allows (normally forever). Any negative value does the same.
const NoLockTimeout time.Duration = -1

// statementLockTimeout is the lock_timeout set for a revision's statements;
// zero sets none.
func (o Options) statementLockTimeout() time.Duration {
	switch {
	case o.LockTimeout == 0:
		return DefaultLockTimeout
	case o.LockTimeout < 0:
		return 0
	}
	return o.LockTimeout
}

// migrationLockTimeout bounds the wait for the advisory lock. Only an
// explicit LockTimeout does: by default a second runner waits for the first
// to finish, however long its revisions take.
func (o Options) migrationLockTimeout() time.Duration {
	return max(o.LockTimeout, 0)
}

// pinned are the session settings revisions are written for, set for the
// whole run and in [Script]'s output. Rendered statements qualify every
// name, and hand-written ones name objects as a session with the usual
// search_path reads them, in public: pinning it keeps their meaning the
// same on any database and role, and the same in a replay on the dev
// server as on the target. Literals such as 'a\b' mean what they say only
// with standard_conforming_strings on.
// The values are SQL text, as render's script header writes them.
var pinned = []struct{ name, value string }{
	{"client_encoding", "'UTF8'"},
	{"standard_conforming_strings", "on"},
	{"search_path", "public"},
}

// pinnedSQL returns the SET commands of pinned, one per line.
func pinnedSQL() string {
	var b strings.Builder
	for _, p := range pinned {
		fmt.Fprintf(&b, "SET %s = %s;\n", p.name, p.value)
	}
	return b.String()
}

// pin sets the pinned settings on conn and returns the function that puts
// the session's own values back, so that an application's connection is
// left as it was.
func pin(ctx context.Context, conn *pgx.Conn) (func() error, error) {
	old := make([]string, len(pinned))
	for i, p := range pinned {
		if err := conn.QueryRow(ctx, "SELECT pg_catalog.current_setting($1)", p.name).Scan(&old[i]); err != nil {
			return nil, fmt.Errorf("read session setting %s: %w", p.name, err)
		}
	}
	if _, err := conn.Exec(ctx, pinnedSQL(), pgx.QueryExecModeSimpleProtocol); err != nil {
		return nil, fmt.Errorf("set session settings: %w", err)
	}
	return func() error {
		if conn.IsClosed() {
			return nil
		}
		for i, p := range pinned {
			// Restore even when ctx is done: the connection may be reused.
			_, err := conn.Exec(context.WithoutCancel(ctx), "SELECT pg_catalog.set_config($1, $2, false)", p.name, old[i])
			if err != nil {
				return fmt.Errorf("restore session setting %s: %w", p.name, err)
			}
		}
		return nil
	}, nil
}

// lockSQL returns what [Script] writes to take the advisory lock: what
// [lock] runs.
func lockSQL(o Options) string {
	take := fmt.Sprintf("SELECT pg_catalog.pg_advisory_lock(%d);\n", o.lockKey())
	if t := o.migrationLockTimeout(); t > 0 {
		return "BEGIN;\nSET LOCAL lock_timeout = " + timeoutValue(t) + ";\n" + take + "COMMIT;\n"
	}
	return take
}

// locked validates opts and runs fn with them and their defaults under
// the migration lock (see lock), which it releases whatever fn returns.
func locked(ctx context.Context, conn *pgx.Conn, opts *Options, fn func(o Options) error) (err error) {
	if err := opts.Validate(); err != nil {
		return err
	}
	o := opts.withDefaults()
	unlock, err := lock(ctx, conn, o)
	if err != nil {
		return err
	}
	defer func() {
		if uerr := unlock(); uerr != nil && err == nil {
			err = uerr
		}
	}()
	return fn(o)
}

// lock takes the session advisory lock on conn, waiting for it as long as
// ctx and an explicit lock_timeout allow, and returns the function that
// releases it.
func lock(ctx context.Context, conn *pgx.Conn, o Options) (func() error, error) {
	take := func(ctx context.Context, db interface {
		Exec(context.Context, string, ...any) (pgconn.CommandTag, error)
	}) error {
		_, err := db.Exec(ctx, "SELECT pg_catalog.pg_advisory_lock($1)", o.lockKey())
		return err
	}
	var err error
	if t := o.migrationLockTimeout(); t > 0 {
		// SET LOCAL leaves the session's own lock_timeout untouched; the
		// session-level lock outlives the transaction that takes it.
		err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, "SET LOCAL lock_timeout = "+timeoutValue(t)); err != nil {
				return err
			}
			return take(ctx, tx)
		})
	} else {
		err = take(ctx, conn)
	}
	if err != nil {
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "55P03" {
			return nil, fmt.Errorf("wait for the migration lock on %s: another run holds it; gave up after lock_timeout %v: %w", o.versionTable(), o.migrationLockTimeout(), err)
		}
		return nil, fmt.Errorf("wait for the migration lock on %s: %w", o.versionTable(), err)
	}
	return func() error {
		// Unlock even when ctx is done: the session keeps the lock otherwise.
		if _, err := conn.Exec(context.WithoutCancel(ctx), "SELECT pg_catalog.pg_advisory_unlock($1)", o.lockKey()); err != nil && !conn.IsClosed() {
			return fmt.Errorf("release the migration lock: %w", err)
		}
		return nil
	}, nil
}
