package source

import (
	"context"

	"github.com/retortdb/retort/internal/devdb"
	"github.com/retortdb/retort/internal/fixpoint"
	"github.com/retortdb/retort/model"
)

// probe is the scratch database of the declared source loaded last, kept
// open until Close so that expressions can be compared at PostgreSQL's
// fixpoint in the context that declares them (see [Loader.Reconcile]).
type probe struct {
	sc     *devdb.Scratch
	schema *model.Schema // what the declared source read as; nil until Load returns it
}

// keepProbe keeps sc, into which a declared source was just applied, in
// place of the previous probe, which is dropped.
func (l *Loader) keepProbe(ctx context.Context, sc *devdb.Scratch) error {
	old := l.probe
	l.probe = &probe{sc: sc}
	if old != nil {
		return old.sc.Close(context.WithoutCancel(ctx))
	}
	return nil
}

// Reconcile compares a and b at PostgreSQL's fixpoint when one of them is
// the declared schema this Loader loaded last: expressions of the other one
// that differ only in how PostgreSQL spells them (see [fixpoint.Reconcile])
// are given the declared texts, so that a plan between them leaves them
// alone. It returns how many objects it changed. When neither is declared
// (two live databases, a migrations directory and a database) it does
// nothing: both sides were read back from PostgreSQL alike.
func (l *Loader) Reconcile(ctx context.Context, a, b *model.Schema) (int, error) {
	p := l.probe
	switch {
	case p == nil || p.schema == nil || a == b:
		return 0, nil
	case b == p.schema:
		return fixpoint.Reconcile(ctx, p.sc.ConnString(), b, a)
	case a == p.schema:
		return fixpoint.Reconcile(ctx, p.sc.ConnString(), a, b)
	}
	return 0, nil
}
