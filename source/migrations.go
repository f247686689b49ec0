package source

import (
	"context"
	"fmt"
	"os"

	"github.com/jackc/pgx/v5"

	"github.com/retortdb/retort/introspect"
	"github.com/retortdb/retort/migrate"
	"github.com/retortdb/retort/migrate/layout"
	"github.com/retortdb/retort/model"
)

// loadMigrations replays a migrations directory (in the loader's layout) to
// its heads on a scratch database and reads the result, without retort's own
// version tables.
func (l *Loader) loadMigrations(ctx context.Context, spec Spec) (_ *model.Schema, err error) {
	dir, err := layout.ReadDir(os.DirFS(spec.Path), ".", l.Layout)
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", spec, err)
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
	conn, err := pgx.Connect(ctx, sc.ConnString())
	if err != nil {
		return nil, fmt.Errorf("connect to scratch database: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if len(dir.Revisions()) > 0 {
		opts := l.Migrate
		opts.Logf = nil // a replay is not the user's upgrade: no progress lines
		if _, err := migrate.Upgrade(ctx, conn, dir, "heads", &opts); err != nil {
			return nil, fmt.Errorf("source %s: replay: %w", spec, err)
		}
	}
	s, err := introspect.Inspect(ctx, conn, l.inspectOptions())
	if err != nil {
		return nil, fmt.Errorf("inspect %s: %w", spec, err)
	}
	return s, nil
}

// inspectOptions are the Inspect options with retort's own tables left out.
func (l *Loader) inspectOptions() introspect.Options {
	o := l.Inspect
	schema := l.Migrate.VersionSchema
	if schema == "" {
		schema = "public"
	}
	version, history := l.Migrate.VersionTable, l.Migrate.HistoryTable
	if version == "" {
		version = "retort_version"
	}
	if history == "" {
		history = "retort_history"
	}
	for _, t := range []string{version, history} {
		o.IgnoreTables = append(o.IgnoreTables, model.QName{Schema: schema, Name: t})
	}
	return o
}
