package migrate

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// DefaultLockTries is how many times a unit that failed on its lock_timeout
// is tried in all when [Options.LockTries] is zero.
const DefaultLockTries = 3

// firstRetryWait is the wait before the first retry; each later one waits
// twice as long as the one before, up to maxRetryWait.
const (
	firstRetryWait = 500 * time.Millisecond
	maxRetryWait   = 30 * time.Second
)

// lockTries returns how many times a unit is tried in all.
func (o Options) lockTries() int {
	switch {
	case o.LockTries == 0:
		return DefaultLockTries
	case o.LockTries < 0:
		return 1
	}
	return o.LockTries
}

// lockTimedOut reports whether err is PostgreSQL's lock_not_available: a
// lock_timeout that ran out, or a NOWAIT lock that was taken.
func lockTimedOut(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "55P03"
}

// retryWait returns how long to wait before try number next (2 or more):
// doubling from firstRetryWait, with up to a tenth more at random so that
// runners blocked by one lock do not all come back at once.
func retryWait(next int) time.Duration {
	d := firstRetryWait
	for i := 2; i < next && d < maxRetryWait; i++ {
		d *= 2
	}
	d = min(d, maxRetryWait)
	return d + rand.N(d/10+1)
}

// wait logs that the unit that failed with pe is tried again and waits
// before it, or returns ctx's error when ctx ends first.
func (r *stepRun) wait(ctx context.Context, pe *PartialError, try, tries int) error {
	d := retryWait(try + 1)
	where := "updating retort's own tables"
	if pe.Statement != nil {
		where = fmt.Sprintf("at %s:%d", r.step.Revision.Filename, pe.Statement.Line)
	}
	r.o.Logf("retry %d of %d in %v: %s %s ran into its lock timeout %s; another session holds a lock it needs",
		try+1, tries, d.Round(10*time.Millisecond), r.step.Direction, r.step.Revision.ID, where)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-t.C:
		return nil
	}
}
