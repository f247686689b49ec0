package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/spf13/cobra"

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
func (g *globals) ensureMigrationsDir(cmd *cobra.Command) error {
	s, err := g.settings(cmd)
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

// liveURL returns the database URL of --url, or url in retort.yaml.
func liveURL(cmd *cobra.Command, s config.Settings, flag string) (string, error) {
	if cmd.Flags().Changed("url") {
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

// liveConn connects to the live database: --url, or url in retort.yaml.
// The caller closes the connection.
func (st *setup) liveConn(cmd *cobra.Command, flag string) (*pgx.Conn, error) {
	u, err := liveURL(cmd, st.s, flag)
	if err != nil {
		return nil, err
	}
	return connect(cmd.Context(), u)
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

func (g *globals) migrations(cmd *cobra.Command) (*setup, error) {
	s, err := g.settings(cmd)
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
	if f := cmd.Flags().Lookup("layout"); f != nil && f.Changed {
		s.Layout = f.Value.String()
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

func newCurrent(g *globals) *cobra.Command {
	var url string
	cmd := &cobra.Command{
		Use:   "current",
		Short: "Print the revisions the database is at",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := g.migrations(cmd)
			if err != nil {
				return err
			}
			conn, err := st.liveConn(cmd, url)
			if err != nil {
				return err
			}
			defer conn.Close(context.WithoutCancel(cmd.Context()))
			cur, err := migrate.Current(cmd.Context(), conn, &st.opts)
			if err != nil {
				return err
			}
			heads := st.dir.Heads()
			var unknown []string
			for _, id := range cur {
				line := id
				if slices.Contains(heads, id) {
					line += " (head)"
				}
				if st.dir.Revision(id) == nil {
					unknown = append(unknown, id)
				}
				fmt.Fprintln(g.stdout, line)
			}
			if len(unknown) > 0 {
				// Printed all the same: it is what the version table says.
				return &migrate.UnknownRevisionError{IDs: unknown}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&url, "url", "", "the live database (default: url in retort.yaml)")
	return cmd
}

func newHeads(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "heads",
		Short: "Print the head revisions of the migrations directory",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := g.migrations(cmd)
			if err != nil {
				return err
			}
			for _, id := range st.dir.Heads() {
				r := st.dir.Revision(id)
				fmt.Fprintf(g.stdout, "%s (head)%s\n", id, labels(r))
			}
			return nil
		},
	}
}

func labels(r *migrate.Revision) string {
	if len(r.BranchLabels) == 0 {
		return ""
	}
	return " (" + strings.Join(r.BranchLabels, ", ") + ")"
}

func newHistory(g *globals) *cobra.Command {
	var (
		url      string
		indicate bool
		revRange string
	)
	cmd := &cobra.Command{
		Use:   "history",
		Short: "List revisions, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := g.migrations(cmd)
			if err != nil {
				return err
			}
			var cur []string
			needsCurrent := false
			for _, side := range strings.SplitN(revRange, ":", 2) {
				side = strings.TrimSpace(side)
				needsCurrent = needsCurrent || side == "current" || strings.HasPrefix(side, "+") || strings.HasPrefix(side, "-")
			}
			if indicate || needsCurrent {
				conn, err := st.liveConn(cmd, url)
				if err != nil {
					return err
				}
				cur, err = migrate.Current(cmd.Context(), conn, &st.opts)
				conn.Close(context.WithoutCancel(cmd.Context()))
				if err != nil {
					return err
				}
			}
			heads := st.dir.Heads()
			revs := st.dir.Revisions()
			if revRange != "" {
				if revs, err = historyRange(st.dir, revRange, cur); err != nil {
					return err
				}
			}
			for i := len(revs) - 1; i >= 0; i-- {
				r := revs[i]
				parents := "<base>"
				if len(r.Parents) > 0 {
					parents = strings.Join(r.Parents, ", ")
				}
				line := fmt.Sprintf("%s -> %s", parents, r.ID)
				var marks []string
				if slices.Contains(heads, r.ID) {
					marks = append(marks, "head")
				}
				if slices.Contains(cur, r.ID) {
					marks = append(marks, "current")
				}
				if len(r.Parents) > 1 {
					marks = append(marks, "mergepoint")
				}
				if len(marks) > 0 {
					line += " (" + strings.Join(marks, ") (") + ")"
				}
				fmt.Fprintf(g.stdout, "%s, %s\n", line, r.Message)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&url, "url", "", "the live database, for --indicate-current")
	cmd.Flags().BoolVarP(&indicate, "indicate-current", "i", false, "mark the revisions the database is at")
	cmd.Flags().StringVarP(&revRange, "rev-range", "r", "", "only the revisions FROM:TO, both included (either side may be empty, base, heads, an id, current, ±N)")
	return cmd
}

// historyRange resolves history's -r FROM:TO: each side as upgrade targets
// are resolved ("current" is the database's revisions), an empty FROM
// meaning base and an empty TO every head.
func historyRange(d *migrate.Dir, spec string, cur []string) ([]*migrate.Revision, error) {
	fromSpec, toSpec, ok := strings.Cut(spec, ":")
	if !ok {
		return nil, fmt.Errorf("--rev-range %q: want FROM:TO (either side may be empty)", spec)
	}
	resolve := func(s string) ([]string, error) {
		switch s = strings.TrimSpace(s); s {
		case "":
			return nil, nil
		case "current":
			return cur, nil
		}
		ids, err := d.Resolve(s, cur)
		if err != nil {
			return nil, fmt.Errorf("--rev-range %q: %w", spec, err)
		}
		return ids, nil
	}
	from, err := resolve(fromSpec)
	if err != nil {
		return nil, err
	}
	to, err := resolve(toSpec)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(toSpec) == "current" && len(to) == 0 {
		return nil, nil // the database is at base: nothing up to it
	}
	return d.Between(from, to), nil
}

// upgradeOrDowngrade runs or prints the steps towards target.
func upgradeOrDowngrade(g *globals, direction migrate.Direction) *cobra.Command {
	var (
		url                  string
		sql, ignoreChecksums bool
	)
	use, short := "upgrade [TARGET]", "Upgrade the database to TARGET (default heads)"
	args := cobra.MaximumNArgs(1)
	example := `  retort upgrade
  retort upgrade +1
  retort upgrade 1a2b3c4d
  retort upgrade --sql base:head > upgrade.sql`
	if direction == migrate.Down {
		use, short, args = "downgrade TARGET", "Downgrade the database to TARGET", cobra.ExactArgs(1)
		example = `  retort downgrade -1
  retort downgrade 1a2b3c4d
  retort downgrade base
  retort downgrade --sql head:base > downgrade.sql`
	}
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Long: short + `.

TARGET is head, heads, base, +N or -N (relative to the current revisions),
REV+N, a revision id or a unique prefix of one (at least 4 characters), or a
branch label (LABEL@head). --sql prints the script instead of running it,
without connecting; FROM:TO gives its range.`,
		Example: example,
		Args:    args,
		RunE: func(cmd *cobra.Command, args []string) error {
			target := "heads"
			if len(args) == 1 {
				target = args[0]
			}
			st, err := g.migrations(cmd)
			if err != nil {
				return err
			}
			if sql {
				from, to, ok := migrate.SplitRange(target)
				if !ok {
					from, to = "", target
					if direction == migrate.Down {
						return errors.New("downgrade --sql needs a range FROM:TO, e.g. head:base")
					}
				}
				script, err := migrate.Script(st.dir, from, to, direction, &st.opts)
				if err != nil {
					return err
				}
				fmt.Fprint(g.stdout, script)
				return nil
			}
			conn, err := st.liveConn(cmd, url)
			if err != nil {
				return err
			}
			defer conn.Close(context.WithoutCancel(cmd.Context()))
			run := migrate.Upgrade
			if direction == migrate.Down {
				run = migrate.Downgrade
			}
			st.opts.IgnoreChecksums = ignoreChecksums
			// The runner logs each step as it starts (st.opts.Logf).
			steps, err := run(cmd.Context(), conn, st.dir, target, &st.opts)
			if err != nil {
				return checksumHint(err)
			}
			if len(steps) == 0 {
				fmt.Fprintln(g.stderr, "retort: nothing to do")
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&url, "url", "", "the live database (default: url in retort.yaml)")
	cmd.Flags().BoolVar(&sql, "sql", false, "print the script instead of running it (no connection)")
	cmd.Flags().BoolVar(&ignoreChecksums, "ignore-checksums", false, "run even though applied revision files were edited since (this once; stamp --rehash records the edits)")
	return cmd
}

// checksumHint adds the ways out to a refusal over an edited revision: the
// library's message cannot name the command's flags.
func checksumHint(err error) error {
	var ce *migrate.ChecksumError
	if !errors.As(err, &ce) {
		return err
	}
	return fmt.Errorf("%w; or, once the edit is reviewed, record it with retort stamp --rehash %s, or run this once with --ignore-checksums", err, ce.Revision)
}

func newStamp(g *globals) *cobra.Command {
	var (
		url           string
		purge, rehash bool
	)
	cmd := &cobra.Command{
		Use:   "stamp REV... | stamp --rehash [REV...]",
		Short: "Set the version table to REV without running migrations",
		Long: `stamp sets the version table to REV without running migrations, as
Alembic's stamp does. --purge empties the version table first.

--rehash changes no revision: it records the current checksums of applied
revision files that were edited after they were applied (all of them, or the
REVs named), once a reviewer has accepted the edits, so that upgrade and
downgrade run again. It prints each revision whose checksum it recorded.`,
		Example: `  retort stamp head
  retort stamp --purge base
  retort stamp --rehash            # accept every reviewed edit
  retort stamp --rehash 1a2b3c4d`,
		Args: func(cmd *cobra.Command, args []string) error {
			if rehash {
				return nil
			}
			return cobra.MinimumNArgs(1)(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if rehash && purge {
				return errors.New("stamp: --rehash and --purge do not go together")
			}
			st, err := g.migrations(cmd)
			if err != nil {
				return err
			}
			conn, err := st.liveConn(cmd, url)
			if err != nil {
				return err
			}
			defer conn.Close(context.WithoutCancel(cmd.Context()))
			if rehash {
				ids, err := migrate.Rehash(cmd.Context(), conn, st.dir, args, &st.opts)
				if err != nil {
					return err
				}
				for _, id := range ids {
					fmt.Fprintln(g.stdout, id)
				}
				if len(ids) == 0 {
					fmt.Fprintln(g.stderr, "retort: no applied revision file changed; nothing to rehash")
				}
				return nil
			}
			heads, err := migrate.Stamp(cmd.Context(), conn, st.dir, args, purge, &st.opts)
			if err != nil {
				return err
			}
			fmt.Fprintf(g.stderr, "retort: stamped %s\n", strings.Join(heads, ", "))
			return nil
		},
	}
	cmd.Flags().StringVar(&url, "url", "", "the live database (default: url in retort.yaml)")
	cmd.Flags().BoolVar(&purge, "purge", false, "empty the version table first")
	cmd.Flags().BoolVar(&rehash, "rehash", false, "record the checksums of edited applied revisions (all, or the REVs named)")
	return cmd
}

func newMerge(g *globals) *cobra.Command {
	var (
		message string
		revID   string
	)
	cmd := &cobra.Command{
		Use:   "merge REV... -m MSG",
		Short: "Write a revision that merges several heads",
		Args:  cobra.ArbitraryArgs, // fewer than two is said below, in words
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := g.migrations(cmd)
			if err != nil {
				return err
			}
			if message == "" {
				return errors.New("merge needs -m MSG")
			}
			if st.layout != layout.Native {
				return fmt.Errorf("the %s layout keeps a linear history, which has nothing to merge; merges need the native layout", st.layout)
			}
			if len(args) == 1 && args[0] == "heads" {
				args = st.dir.Heads()
			}
			switch len(args) {
			case 0:
				return errors.New("merge needs at least two revisions to merge (or heads), got none")
			case 1:
				return fmt.Errorf("merge needs at least two revisions to merge (or heads), got only %s", args[0])
			}
			rev, err := migrate.NewRevision(st.dir, revID, message, args)
			if err != nil {
				return err
			}
			return writeRevision(g, st, rev, "")
		},
	}
	cmd.Flags().StringVarP(&message, "message", "m", "", "the revision's message")
	cmd.Flags().StringVar(&revID, "rev-id", "", "the revision id (default: 12 random hex digits)")
	return cmd
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
