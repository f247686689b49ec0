package source

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/retortdb/retort/internal/devdb"
	"github.com/retortdb/retort/introspect"
	"github.com/retortdb/retort/migrate"
	"github.com/retortdb/retort/migrate/layout"
	"github.com/retortdb/retort/model"
)

// loadMigrations replays a migrations directory (in the loader's layout) to
// its heads on a scratch database and reads the result, without retort's own
// version tables.
func (l *run) loadMigrations(ctx context.Context, spec Spec) (_ *model.Schema, err error) {
	dir, err := layout.ReadDir(os.DirFS(spec.Path), ".", l.Layout)
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", spec, err)
	}
	if len(dir.Revisions()) > 0 && l.savesClusters() {
		if s, ok, err := l.replayOnOwnServer(ctx, spec, dir); ok {
			return s, err
		}
	}
	dev, err := l.devServer(ctx, spec)
	if err != nil {
		return nil, err
	}
	sc, err := dev.Scratch(ctx)
	if err != nil {
		return nil, fmt.Errorf("dev server: %w", err)
	}
	defer func() {
		if cerr := sc.Close(context.WithoutCancel(ctx)); cerr != nil && err == nil {
			err = fmt.Errorf("drop scratch database: %w", cerr)
		}
	}()
	return l.replayAndRead(ctx, spec, dev, sc, dir)
}

// replayAndRead replays dir, when it has revisions, on sc, a database of
// dev, and reads the result.
func (l *run) replayAndRead(ctx context.Context, spec Spec, dev *devdb.Dev, sc *devdb.Scratch, dir *migrate.Dir) (*model.Schema, error) {
	if len(dir.Revisions()) > 0 {
		// Migrations are as untrusted as any declared source: a pull
		// request may add one.
		tgt, err := l.target(ctx, dev, sc)
		if err != nil {
			return nil, err
		}
		begin := time.Now()
		if err := l.replay(ctx, tgt, dir); err != nil {
			return nil, fmt.Errorf("source %s: replay: %w", spec, err)
		}
		l.debugf("source %s: replayed in %v", spec, time.Since(begin).Round(time.Millisecond))
		if err := settle(ctx, sc); err != nil {
			return nil, fmt.Errorf("dev server: %w", err)
		}
	}
	s, err := introspect.InspectURL(ctx, sc.ConnString(), l.inspectOptions())
	if err != nil {
		return nil, fmt.Errorf("inspect %s: %w", spec, err)
	}
	return s, nil
}

// replay upgrades the database at t to the heads of dir.
func (l *run) replay(ctx context.Context, t target, dir *migrate.Dir) error {
	conn, err := pgx.Connect(ctx, t.url)
	if err != nil {
		return fmt.Errorf("connect to scratch database: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	opts := l.Migrate
	opts.Logf = nil // a replay is not the user's upgrade: no progress lines
	_, err = migrate.Upgrade(ctx, conn, dir, "heads", &opts)
	if err != nil && t.restricted && needsTrust(err) {
		return fmt.Errorf("%w; %s", err, trustHint)
	}
	return err
}

// inspectOptions are the Inspect options with retort's own tables left out.
func (l *Loader) inspectOptions() introspect.Options {
	o := l.Inspect
	schema := l.Migrate.VersionSchema
	if schema == "" {
		schema = migrate.DefaultVersionSchema
	}
	version, history := l.Migrate.VersionTable, l.Migrate.HistoryTable
	if version == "" {
		version = migrate.DefaultVersionTable
	}
	if history == "" {
		history = migrate.DefaultHistoryTable
	}
	progress := l.Migrate.ProgressTable
	if progress == "" {
		progress = migrate.DefaultProgressTable
	}
	for _, t := range []string{version, history, progress} {
		o.IgnoreTables = append(o.IgnoreTables, model.QName{Schema: schema, Name: t})
	}
	return o
}

// settle readies a scratch database that a load or a replay has filled for
// inspection: what its own role made becomes the admin's, and pg_class's
// statistics count what it holds (see [devdb.Scratch.AnalyzeCatalog]).
func settle(ctx context.Context, sc *devdb.Scratch) error {
	if err := sc.Reclaim(ctx); err != nil {
		return err
	}
	return sc.AnalyzeCatalog(ctx)
}
