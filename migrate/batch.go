package migrate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/retortdb/retort/internal/pgbatch"
)

// A stepRun runs the units of one step.
type stepRun struct {
	o    Options
	step Step
	// restoreLock and restoreStmt put the session's lock_timeout and
	// statement_timeout back after a unit outside a transaction fails.
	restoreLock, restoreStmt string
	// logRan is told each statement of the revision that succeeded and how
	// long it, or the batch that ran it, took.
	logRan func(*Statement, time.Duration)
	// startedAt is the statement an earlier run's progress record says it
	// was running when it stopped, or -1 (see startedAt).
	startedAt int
	// leftInvalid holds the indexes, qualified, that a failed try of a
	// concurrent build of this run left invalid.
	leftInvalid map[string]bool
}

// runUnits runs the step's units, the first from statements of the step
// having run before; the error carries the failing statement, the count of
// statements committed outside a transaction and the invalid indexes the
// failing statement left. A unit that fails on its lock_timeout is tried
// again (see [Options.LockTries]) when that cannot run a committed
// statement twice. When a unit outside a transaction fails, the session's
// timeouts are put back, so that the connection is left as it was.
func (r *stepRun) runUnits(ctx context.Context, conn *pgx.Conn, units []unit, from int) *PartialError {
	committed := from
	tries := r.o.lockTries()
	for _, u := range units {
		for try := 1; ; try++ {
			pe, again := r.runUnit(ctx, conn, u, committed)
			if pe == nil {
				break
			}
			if !lockTimedOut(pe.Err) {
				return pe
			}
			pe.Tries = try
			if !again || try >= tries || conn.IsClosed() {
				return pe
			}
			if err := r.wait(ctx, pe, try, tries); err != nil {
				pe.Err = fmt.Errorf("%w; stopped before retry %d of %d: %w", pe.Err, try+1, tries, err)
				return pe
			}
		}
		if len(units) > 1 {
			committed = u.done
		}
	}
	return nil
}

// runUnit runs one unit; committed is how many of the step's statements
// are committed before it. again reports whether running the unit again
// after this failure cannot run a committed statement twice: a transaction
// rolls back whole, and a statement outside one that did not complete and
// left no invalid index behind, or left only the invalid index it builds
// (which the next try drops), can simply be run again.
func (r *stepRun) runUnit(ctx context.Context, conn *pgx.Conn, u unit, committed int) (pe *PartialError, again bool) {
	x := &unitRun{stepRun: r, conn: conn, tx: u.tx, done: u.done - countStatements(u.items)}
	var err error
	var invalid map[uint32]string
	if u.tx {
		err = pgx.BeginFunc(ctx, conn, func(pgx.Tx) error { return x.exec(ctx, u.items) })
		if errors.Is(err, errBatchSplit) {
			// Rolled back: the server split the batch differently from
			// retort's reading of the file. Run it as the file reads.
			r.o.Debugf("%s: the server read a batch of statements differently; running them one at a time", r.step.Revision.Filename)
			x = &unitRun{stepRun: r, conn: conn, tx: true, done: x.done, noBatch: true}
			err = pgx.BeginFunc(ctx, conn, func(pgx.Tx) error { return x.exec(ctx, u.items) })
		}
	} else if invalid, err = invalidIndexes(ctx, conn); err == nil {
		// A statement outside a transaction that fails can leave an
		// invalid index (a concurrent build): name the ones it left.
		var items []item
		if items, err = r.prepareBuild(ctx, conn, x, u); err == nil {
			err = x.exec(ctx, items)
		}
	}
	if err == nil {
		return nil, false
	}
	if x.ran {
		committed = u.done
	}
	pe = &PartialError{Statement: x.failed, Committed: committed, Err: err}
	if !u.tx && !conn.IsClosed() {
		// Best effort: the run has failed already.
		_, _ = conn.Exec(context.WithoutCancel(ctx), "SET lock_timeout = "+r.restoreLock+"; SET statement_timeout = "+r.restoreStmt, pgx.QueryExecModeSimpleProtocol)
		pe.Invalid = newInvalid(ctx, conn, invalid)
		if x.dropping && !slices.Contains(pe.Invalid, x.build) {
			// The drop before the build failed: the index is still there.
			pe.Invalid = append(pe.Invalid, x.build)
			slices.Sort(pe.Invalid)
		}
		if x.build != "" && slices.Equal(pe.Invalid, []string{x.build}) {
			pe.rebuilds = true
			if r.leftInvalid == nil {
				r.leftInvalid = map[string]bool{}
			}
			r.leftInvalid[x.build] = true
		}
	}
	return pe, u.tx || (!x.ran && (len(pe.Invalid) == 0 || pe.rebuilds))
}

// A unitRun is one try of one unit.
type unitRun struct {
	*stepRun
	conn     *pgx.Conn
	tx       bool
	noBatch  bool       // run every item by itself
	done     int        // statements of the step that have run
	failed   *Statement // the statement that failed, if one did
	ran      bool       // a statement outside a transaction committed
	build    string     // the index the unit builds concurrently, qualified, if it does
	dropping bool       // the drop of an invalid index named build, before the build, has not completed
}

// errBatchSplit reports a batch whose results do not match its items one
// to one.
var errBatchSplit = errors.New("the server split a batch of statements differently")

// exec runs items: in a transaction, runs of them as one batch each, so
// that a revision of thousands of statements costs a few round trips, not
// thousands; a statement with its own timeouts (and the SETs around it)
// and anything outside a transaction one at a time.
func (x *unitRun) exec(ctx context.Context, items []item) error {
	for i := 0; i < len(items); {
		j := i + 1
		if x.tx && !x.noBatch && !items[i].alone {
			for j < len(items) && !items[j].alone {
				j++
			}
		}
		var err error
		if j-i == 1 {
			err = x.single(ctx, items[i])
		} else {
			err = x.batch(ctx, items[i:j])
		}
		if err != nil {
			return err
		}
		i = j
	}
	return nil
}

// single runs one item by itself.
func (x *unitRun) single(ctx context.Context, it item) error {
	start := time.Now()
	tag, err := x.conn.Exec(ctx, it.sql, pgx.QueryExecModeSimpleProtocol)
	if err != nil {
		if it.stmt != nil {
			x.failed = it.stmt
		}
		return err
	}
	if it.stmt != nil {
		x.logRan(it.stmt, time.Since(start))
		x.ran = x.ran || !x.tx
		x.progress(1)
	}
	return checkOne(it, tag)
}

// batch runs items as one simple-protocol query, which the server runs
// statement by statement, stopping at the first error; each statement's
// result comes back in order, so the count of results before the error
// names the statement that failed. A syntax error stops the batch before
// any of it runs; its position names the statement.
func (x *unitRun) batch(ctx context.Context, items []item) error {
	start := time.Now()
	tags, failed, err := execBatch(ctx, x.conn.PgConn(), items)
	took := time.Since(start)
	if err == nil && len(tags) != len(items) {
		return errBatchSplit
	}
	n := 0
	for k, tag := range tags[:min(len(tags), len(items))] {
		if it := items[k]; it.stmt != nil {
			x.logRan(it.stmt, took)
			n++
		}
		if err := checkOne(items[k], tag); err != nil {
			return err
		}
	}
	if err != nil {
		if failed < len(items) && items[failed].stmt != nil {
			x.failed = items[failed].stmt
		}
		return err
	}
	x.progress(n)
	return nil
}

// execBatch sends items as one query (see [pgbatch.Exec]).
func execBatch(ctx context.Context, pg *pgconn.PgConn, items []item) (tags []pgconn.CommandTag, failed int, err error) {
	stmts := make([]string, len(items))
	for i, it := range items {
		stmts[i] = it.sql
	}
	return pgbatch.Exec(ctx, pg, stmts)
}

// checkOne checks that a version-table change that must touch one row did.
func checkOne(it item, tag pgconn.CommandTag) error {
	if it.one && tag.RowsAffected() != 1 {
		return fmt.Errorf("version table update %q changed %d rows, want 1: was it changed by hand?", it.sql, tag.RowsAffected())
	}
	return nil
}

// progress counts n more statements of the step as run and tells
// Options.Progress.
func (x *unitRun) progress(n int) {
	x.done += n
	if x.o.Progress != nil && n > 0 {
		x.o.Progress(x.step, x.done, len(x.step.statements()))
	}
}

// countStatements counts the items that are statements of the revision.
func countStatements(items []item) int {
	n := 0
	for _, it := range items {
		if it.stmt != nil {
			n++
		}
	}
	return n
}
