package source

import (
	"context"
	"fmt"
	"sync"

	"github.com/retortdb/retort/internal/connstr"
	"github.com/retortdb/retort/internal/devdb"
	"github.com/retortdb/retort/introspect"
	"github.com/retortdb/retort/model"
)

// run is one load of one source. Loads of the two sides of a comparison
// may run at once (see [Loader.LoadPair]), so what a load makes that the
// Loader keeps (the scratch database of a declared source, which becomes
// the probe) and what it says (notes) are held here until the load is
// done, and handed to the Loader in the order the sources were given.
type run struct {
	*Loader
	spec Spec
	// kept is the scratch database a declared source was applied to, kept
	// as the probe (see [Loader.Reconcile]); ddl is the DDL that was
	// applied to it when retort rendered it (HCL, YAML, Go).
	kept *devdb.Scratch
	ddl  string
	// reapply, on a cache hit, applies the declared source to a new
	// scratch database, should the probe be needed.
	reapply func(context.Context, target) error
	// notes are the load's log lines, said when it is done (and kept with
	// a cached schema, to be said again on a hit).
	notes []string
	// files are the contents of the SQL files read for the cache key,
	// which the load then applies, so that both see the same bytes.
	files map[string][]byte
}

func (l *Loader) newRun(spec Spec) *run { return &run{Loader: l, spec: spec} }

// logf records a note of the load.
func (l *run) logf(format string, args ...any) {
	l.notes = append(l.notes, fmt.Sprintf(format, args...))
}

// load reads the run's source, unfiltered and unchecked.
func (l *run) load(ctx context.Context) (*model.Schema, error) {
	spec := l.spec
	switch spec.Kind {
	case Database:
		s, err := introspect.InspectURL(ctx, spec.Raw, l.inspectOptions())
		if err != nil {
			return nil, fmt.Errorf("inspect %s: %w", spec, connstr.RedactError(err, spec.Raw))
		}
		return s, nil
	case Empty:
		return l.onScratch(ctx, spec)
	case Migrations:
		return l.loadMigrations(ctx, spec)
	case SQLFiles:
		return l.loadSQL(ctx, spec)
	case HCLFiles:
		return l.loadHCL(ctx, spec)
	case YAMLFiles:
		return l.loadYAML(ctx, spec)
	case GoPackages:
		return l.loadGo(ctx, spec)
	}
	return nil, fmt.Errorf("source %s: unknown kind", spec)
}

// declaredKind reports whether k is a declared schema: SQL, HCL, YAML or Go.
func declaredKind(k Kind) bool {
	return k == SQLFiles || k == HCLFiles || k == YAMLFiles || k == GoPackages
}

// finish hands a load's result to the Loader: its notes are said, a
// declared source's scratch database (or the means to make it again)
// becomes the probe, and the schema is checked and filtered.
func (l *Loader) finish(ctx context.Context, r *run, s *model.Schema, err error) (*model.Schema, error) {
	for _, n := range r.notes {
		l.logf("%s", n)
	}
	if err != nil {
		return nil, err
	}
	if r.kept != nil || r.reapply != nil {
		if err := l.keepProbe(ctx, &probe{sc: r.kept, reapply: r.reapply, spec: r.spec, schema: s}); err != nil {
			return nil, err
		}
	}
	if declaredKind(r.spec.Kind) {
		if err := l.checkDeclares(r.spec, s); err != nil {
			return nil, err
		}
	}
	if err := l.filter(r.spec, s); err != nil {
		return nil, err
	}
	return s, nil
}

// discard drops what a load kept that nobody will use.
func (r *run) discard(ctx context.Context) {
	if r.kept != nil {
		r.kept.Close(context.WithoutCancel(ctx))
		r.kept = nil
	}
}

// LoadPair loads a and b as two calls of [Loader.Load] in that order
// would, and returns the same schemas and the same error (a's when both
// fail; with a's schema when only b fails, so that the caller can tell),
// but at once, on two scratch databases of the one dev server:
// revision --autogenerate and check need the migrations head and the
// declared schema, and neither waits for the other. Notes are said in
// the order of the sources, and when both are declared sources b's
// becomes the probe, as it would be loaded last.
func (l *Loader) LoadPair(ctx context.Context, a, b string) (*model.Schema, *model.Schema, error) {
	specA, err := Parse(a)
	if err != nil {
		return nil, nil, err
	}
	if err := l.checkPatterns(); err != nil {
		return nil, nil, err
	}
	specB, err := Parse(b)
	if err != nil {
		// Load(a) would have run first, and its errors come first.
		sa, aerr := l.Load(ctx, a)
		if aerr != nil {
			return nil, nil, aerr
		}
		return sa, nil, err
	}
	defer l.serializeLogs()()

	ra, rb := l.newRun(specA), l.newRun(specB)
	var sa, sb *model.Schema
	var errA, errB error
	// b is not worth finishing once a fails: a's error is the one
	// returned.
	ctxB, cancelB := context.WithCancel(ctx)
	defer cancelB()
	var wg sync.WaitGroup
	wg.Go(func() {
		sb, errB = rb.loadCached(ctxB)
	})
	sa, errA = ra.loadCached(ctx)
	if errA != nil {
		cancelB()
	}
	wg.Wait()

	sa, errA = l.finish(ctx, ra, sa, errA)
	if errA != nil {
		rb.discard(ctx)
		return nil, nil, errA
	}
	sb, errB = l.finish(ctx, rb, sb, errB)
	if errB != nil {
		return sa, nil, errB
	}
	return sa, sb, nil
}

// serializeLogs makes the Loader's loggers, which loads running at once
// share, take turns, and returns what puts the caller's back.
func (l *Loader) serializeLogs() (restore func()) {
	var mu sync.Mutex
	locked := func(f func(string, ...any)) func(string, ...any) {
		if f == nil {
			return nil
		}
		return func(format string, args ...any) {
			mu.Lock()
			defer mu.Unlock()
			f(format, args...)
		}
	}
	logf, debugf, inspectDebugf, migrateDebugf := l.Logf, l.Debugf, l.Inspect.Debugf, l.Migrate.Debugf
	l.Logf, l.Debugf, l.Inspect.Debugf, l.Migrate.Debugf = locked(logf), locked(debugf), locked(inspectDebugf), locked(migrateDebugf)
	return func() {
		l.Logf, l.Debugf, l.Inspect.Debugf, l.Migrate.Debugf = logf, debugf, inspectDebugf, migrateDebugf
	}
}

// debugf says detail on the Loader's debug log.
func (l *Loader) debugf(format string, args ...any) {
	if l.Debugf != nil {
		l.Debugf(format, args...)
	}
}
