// Package verify proves that a migrations directory's revisions undo
// themselves: each revision's down, run right after its up, restores the
// schema the database had before that up.
//
// It is the work of `retort verify`, and usable from an application's own
// tests with a [migrate.Dir] read from an [io/fs.FS]:
//
//	err := verify.Run(ctx, conn, dir, verify.Options{})
//	var re *verify.RevisionError
//	if errors.As(err, &re) {
//		// re.Revision is the first revision that failed, re.Step how.
//	}
//
// The database must be a scratch one: Run applies and undoes every revision
// on it and leaves it at the directory's heads.
package verify

import (
	"cmp"
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/introspect"
	"github.com/retortdb/retort/migrate"
	"github.com/retortdb/retort/model"
)

// Options configure [Run]. The zero value verifies with the runner's
// defaults.
type Options struct {
	// Migrate are the runner's options: the version and history tables,
	// timeouts, logging. Their tables are never part of a comparison.
	Migrate migrate.Options
	// Inspect are the options of each inspection of the database; the
	// runner's own tables are added to its IgnoreTables.
	Inspect introspect.Options
	// OK, when set, is called after each revision whose down restored the
	// state before its up, once it is applied again.
	OK func(rev *migrate.Revision)
}

// A Step is the part of a revision's verification that failed.
type Step int

// The steps of a revision's verification, in the order they run.
const (
	// StepInspect is an inspection of the database, before the up or
	// after the down.
	StepInspect Step = iota + 1
	// StepUp is the revision's up.
	StepUp
	// StepDown is the revision's down, right after its up.
	StepDown
	// StepRestore is the comparison of the state after the down with the
	// state before the up: the down did not undo the up.
	StepRestore
	// StepUpAgain is the revision's up once more, on which the next
	// revision builds.
	StepUpAgain
)

// String names the step as error messages do.
func (s Step) String() string {
	switch s {
	case StepInspect:
		return "inspect"
	case StepUp:
		return "up"
	case StepDown:
		return "down"
	case StepRestore:
		return "restore"
	case StepUpAgain:
		return "up again"
	}
	return fmt.Sprintf("Step(%d)", int(s))
}

// A RevisionError names the revision whose verification failed, and how.
type RevisionError struct {
	// Revision is the revision that failed.
	Revision *migrate.Revision
	// Step is what failed.
	Step Step
	// Changes, for StepRestore, are what the down left different from
	// the state before the up: from the state after the down to the one
	// before the up.
	Changes []diff.Change
	// Err is the cause of any other step's failure, or of a comparison
	// that could not be made.
	Err error
}

func (e *RevisionError) Error() string {
	if e.Step == StepRestore && e.Err == nil {
		what := make([]string, 0, len(e.Changes))
		for _, c := range e.Changes {
			what = append(what, c.Op().String()+" "+c.Ref().String())
		}
		return fmt.Sprintf("revision %s (%s): down does not restore the state before up: %s",
			e.Revision.ID, e.Revision.Filename, strings.Join(what, "; "))
	}
	return fmt.Sprintf("verify %s: %s: %v", e.Revision.ID, e.Step, e.Err)
}

// Unwrap returns the cause of the failure; nil for a down that does not
// restore the state before its up.
func (e *RevisionError) Unwrap() error { return e.Err }

// Run replays every revision of dir on conn, base to heads: up, inspect,
// down, inspect, compare, then up again before the next. It stops at the
// first revision whose down does not restore the state before its up, or
// that fails to run, with a [*RevisionError]. conn must be a scratch
// database, empty but for what the revisions expect to find; Run leaves it
// at the directory's heads.
func Run(ctx context.Context, conn *pgx.Conn, dir *migrate.Dir, opts Options) error {
	steps, err := dir.UpgradeSteps(nil, "heads")
	if err != nil {
		return err
	}
	iopts := inspectOptions(opts)
	mopts := opts.Migrate
	for _, step := range steps {
		rev := step.Revision
		fail := func(s Step, err error) error { return &RevisionError{Revision: rev, Step: s, Err: err} }
		before, err := introspect.Inspect(ctx, conn, iopts)
		if err != nil {
			return fail(StepInspect, err)
		}
		if _, err := migrate.Upgrade(ctx, conn, dir, rev.ID, &mopts); err != nil {
			return fail(StepUp, err)
		}
		if _, err := migrate.Downgrade(ctx, conn, dir, "-1", &mopts); err != nil {
			return fail(StepDown, err)
		}
		after, err := introspect.Inspect(ctx, conn, iopts)
		if err != nil {
			return fail(StepInspect, err)
		}
		cs, err := diff.Compare(after, before, diff.Options{})
		if err != nil {
			return fail(StepRestore, fmt.Errorf("compare: %w", err))
		}
		if len(cs) > 0 {
			return &RevisionError{Revision: rev, Step: StepRestore, Changes: cs}
		}
		if _, err := migrate.Upgrade(ctx, conn, dir, rev.ID, &mopts); err != nil {
			return fail(StepUpAgain, err)
		}
		if opts.OK != nil {
			opts.OK(rev)
		}
	}
	return nil
}

// Inspect reads the schema of conn as [Run] compares it: without the
// runner's own tables. After Run, it is the schema at the directory's
// heads.
func Inspect(ctx context.Context, conn *pgx.Conn, opts Options) (*model.Schema, error) {
	s, err := introspect.Inspect(ctx, conn, inspectOptions(opts))
	if err != nil {
		return nil, fmt.Errorf("verify: inspect: %w", err)
	}
	return s, nil
}

// inspectOptions are opts.Inspect with the runner's tables (version,
// history, progress) ignored: they change with every step.
func inspectOptions(opts Options) introspect.Options {
	o := opts.Inspect
	m := opts.Migrate
	schema := cmp.Or(m.VersionSchema, migrate.DefaultVersionSchema)
	o.IgnoreTables = append(append([]model.QName(nil), o.IgnoreTables...),
		model.QName{Schema: schema, Name: cmp.Or(m.VersionTable, migrate.DefaultVersionTable)},
		model.QName{Schema: schema, Name: cmp.Or(m.HistoryTable, migrate.DefaultHistoryTable)},
		model.QName{Schema: schema, Name: cmp.Or(m.ProgressTable, migrate.DefaultProgressTable)})
	return o
}
