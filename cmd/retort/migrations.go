package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/internal/config"
	"github.com/retortdb/retort/internal/connstr"
	"github.com/retortdb/retort/migrate"
	"github.com/retortdb/retort/migrate/layout"
)

// migrateOptions turns the settings into the runner's options.
func migrateOptions(s config.Settings, logf func(string, ...any)) (migrate.Options, error) {
	o := migrate.Options{VersionSchema: s.VersionSchema, VersionTable: s.VersionTable, Logf: logf}
	for _, d := range []struct {
		key, v string
		dst    *time.Duration
	}{{"lock_timeout", s.LockTimeout, &o.LockTimeout}, {"statement_timeout", s.StatementTimeout, &o.StatementTimeout}} {
		if d.v == "" {
			continue
		}
		v, err := time.ParseDuration(d.v)
		if err != nil || v < 0 {
			return o, fmt.Errorf("%s %q: want a duration such as 5s", d.key, d.v)
		}
		*d.dst = v
	}
	if s.LockTimeout != "" && o.LockTimeout == 0 {
		// An explicit 0 turns lock_timeout off; unset keeps the default.
		o.LockTimeout = migrate.NoLockTimeout
	}
	return o, o.Validate()
}

// readDir reads the migrations directory of the settings, in layout l.
func readDir(s config.Settings, l layout.Layout) (*migrate.Dir, error) {
	if fi, err := os.Stat(s.Migrations); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("no migrations directory %q; run retort init, or set migrations in retort.yaml", s.Migrations)
	}
	d, err := layout.ReadDir(os.DirFS(s.Migrations), ".", l)
	if err != nil {
		if l != layout.Native {
			// A file of the wrong layout fails to parse; say which was assumed.
			return nil, fmt.Errorf("migrations %s (read as the %s layout): %w", s.Migrations, l, err)
		}
		return nil, fmt.Errorf("migrations %s: %w", s.Migrations, err)
	}
	return d, nil
}

// ensureMigrationsDir creates the migrations directory of the settings
// when it is missing, saying so: a new revision needs somewhere to go.
func (g *globals) ensureMigrationsDir() error {
	s, err := g.settings()
	if err != nil {
		return err
	}
	if _, err := os.Lstat(s.Migrations); !errors.Is(err, fs.ErrNotExist) {
		return nil // there, or an error readDir reports
	}
	if err := os.MkdirAll(s.Migrations, 0o755); err != nil {
		return fmt.Errorf("create the migrations directory: %w", err)
	}
	fmt.Fprintf(g.stderr, "retort: created the migrations directory %s\n", s.Migrations)
	return nil
}

// count returns n and the noun, plural unless n is 1: "1 revision",
// "2 revisions".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// liveURL returns the database URL of --url, whose value is flag, or url
// in retort.yaml.
func (g *globals) liveURL(s config.Settings, flag string) (string, error) {
	if g.changed("url") {
		return flag, nil
	}
	u, err := config.Expand("url", s.URL)
	if err != nil {
		return "", fmt.Errorf("no database: give --url or set url in retort.yaml (%w)", err)
	}
	if u == "" {
		return "", errors.New("no database: give --url or set url in retort.yaml")
	}
	return u, nil
}

func connect(ctx context.Context, url string) (*pgx.Conn, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", connstr.Redact(url), connstr.RedactError(err, url))
	}
	return conn, nil
}

// liveConn connects to the live database: --url, whose value is flag, or
// url in retort.yaml. The caller closes the connection.
func (g *globals) liveConn(ctx context.Context, st *setup, flag string) (*pgx.Conn, error) {
	u, err := g.liveURL(st.s, flag)
	if err != nil {
		return nil, err
	}
	return connect(ctx, u)
}

// setup gathers what every migrations command needs.
type setup struct {
	s      config.Settings
	opts   migrate.Options
	dir    *migrate.Dir
	layout layout.Layout // the directory's layout: --layout, else layout in retort.yaml
	// renames are the --rename hints of revision and check.
	renames []diff.RenameHint
}

// migrations reads the settings, the runner's options and the migrations
// directory, in --layout when the command has it and it was given.
func (g *globals) migrations() (*setup, error) {
	s, err := g.settings()
	if err != nil {
		return nil, err
	}
	opts, err := migrateOptions(s, g.logf)
	if err != nil {
		return nil, err
	}
	opts.Debugf = g.debugf
	// A command's --layout wins over retort.yaml, and it applies to reading
	// the directory too: a revision is written after the migrations that
	// are there, in the same layout.
	if g.changed("layout") {
		s.Layout = g.flags.Lookup("layout").Value.String()
	}
	l, err := layout.Parse(s.Layout)
	if err != nil {
		return nil, err
	}
	dir, err := readDir(s, l)
	if err != nil {
		return nil, err
	}
	return &setup{s: s, opts: opts, dir: dir, layout: l}, nil
}

// writeRevision writes rev in the directory's layout and prints the paths
// of the files written, one a line. version, for a layout other than
// native, is the version to give it (--rev-id) instead of the time.
func writeRevision(g *globals, st *setup, rev *migrate.Revision, version string) error {
	paths, err := layout.Write(st.s.Migrations, st.layout, rev, layout.Options{
		Name: migrate.NameOptions{
			FileTemplate: st.s.FileTemplate, TruncateSlugLength: st.s.TruncateSlugLength, Timezone: st.s.Timezone,
		},
		Version: version,
		Warnf: func(format string, args ...any) {
			fmt.Fprintf(g.stderr, "retort: warning: "+format+"\n", args...)
		},
	})
	if err != nil {
		return err
	}
	for _, p := range paths {
		fmt.Fprintln(g.stdout, filepath.Join(st.s.Migrations, filepath.Base(p)))
	}
	return nil
}
