package source

import (
	"context"
	"fmt"

	"github.com/retortdb/retort/internal/devdb"
	"github.com/retortdb/retort/internal/fixpoint"
	"github.com/retortdb/retort/model"
)

// probe is the scratch database of the declared source loaded last, kept
// open until Close so that expressions can be compared at PostgreSQL's
// fixpoint in the context that declares them (see [Loader.Reconcile]).
// When the source's schema came from the cache there is none yet: reapply
// makes it, only when an expression needs it.
type probe struct {
	sc      *devdb.Scratch
	reapply func(context.Context, target) error
	spec    Spec
	schema  *model.Schema // what the declared source read as
}

// keepProbe makes p the probe in place of the previous one, whose scratch
// database is dropped.
func (l *Loader) keepProbe(ctx context.Context, p *probe) error {
	l.mu.Lock()
	old := l.probe
	l.probe = p
	l.mu.Unlock()
	if old != nil && old.sc != nil {
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
	l.mu.Lock()
	p := l.probe
	l.mu.Unlock()
	url := func(ctx context.Context) (string, error) { return l.probeURL(ctx, p) }
	switch {
	case p == nil || p.schema == nil || a == b:
		return 0, nil
	case b == p.schema:
		return fixpoint.ReconcileLazy(ctx, url, b, a)
	case a == p.schema:
		return fixpoint.ReconcileLazy(ctx, url, a, b)
	}
	return 0, nil
}

// probeURL returns the URL of p's scratch database, applying the declared
// source to a new one first when its schema came from the cache.
func (l *Loader) probeURL(ctx context.Context, p *probe) (_ string, err error) {
	if p.sc != nil {
		return p.sc.ConnString(), nil
	}
	dev, err := l.devServer(ctx, p.spec)
	if err != nil {
		return "", err
	}
	sc, err := dev.Scratch(ctx)
	if err != nil {
		return "", fmt.Errorf("dev server: %w", err)
	}
	defer func() {
		if err != nil {
			sc.Close(context.WithoutCancel(ctx))
		}
	}()
	tgt, err := l.target(ctx, dev, sc)
	if err != nil {
		return "", err
	}
	l.debugf("source %s: applied again for the fixpoint probe, as its schema came from the cache", p.spec)
	if err := p.reapply(ctx, tgt); err != nil {
		return "", err
	}
	if err := sc.Reclaim(ctx); err != nil {
		return "", fmt.Errorf("dev server: %w", err)
	}
	p.sc = sc
	return sc.ConnString(), nil
}
