package main

import (
	"io"
	"log/slog"
	"runtime/debug"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/retortdb/retort/internal/config"
	"github.com/retortdb/retort/internal/filter"
	"github.com/retortdb/retort/internal/progress"
	"github.com/retortdb/retort/introspect"
	"github.com/retortdb/retort/migrate"
	"github.com/retortdb/retort/migrate/layout"
	"github.com/retortdb/retort/source"
)

// version is set at build time with -ldflags "-X main.version=…"; otherwise
// it comes from the module's build information.
var version = ""

func versionString() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

// globals are the flags every command has.
type globals struct {
	// ignoreExtVersions is --ignore-extension-versions of diff, revision
	// and check.
	ignoreExtVersions bool
	devURL            string
	trusted           bool
	allowEmpty        bool
	configPath        string
	env               string
	stdout            io.Writer
	// stderr takes the "retort: …" lines commands print; they pass through
	// log at the level set by --log-level, -q, -v or log_level.
	stderr   io.Writer
	log      *slog.Logger
	level    slog.LevelVar
	logLevel string
	quiet    bool
	verbose  bool

	// noCache is --no-cache of diff, revision and check: declared
	// sources and migrations are loaded afresh, and not stored.
	noCache bool

	// flags are the flags of the command being run and stdin its input,
	// set before it runs (see use): a flag given wins over retort.yaml,
	// and only the flag set knows whether it was given.
	flags *pflag.FlagSet
	stdin io.Reader
}

// use records the command about to run.
func (g *globals) use(cmd *cobra.Command) {
	g.flags = cmd.Flags()
	g.stdin = cmd.InOrStdin()
}

// changed reports whether the running command's flag name was given.
func (g *globals) changed(name string) bool {
	return g.flags != nil && g.flags.Changed(name)
}

// settings loads retort.yaml and lets the global flags win over it.
func (g *globals) settings() (config.Settings, error) {
	path := g.configPath
	explicit := path != ""
	if !explicit {
		path = config.DefaultFile
	}
	s, err := config.Load(path, explicit, g.env)
	if err != nil {
		return s, err
	}
	if err := g.configLevel(s.LogLevel); err != nil {
		return s, err
	}
	if g.changed("dev-url") {
		s.DevURL = g.devURL
	}
	if g.changed("trusted") {
		s.DevTrusted = g.trusted
	}
	if s.DevURL, err = config.Expand("dev_url", s.DevURL); err != nil {
		return s, err
	}
	return s, nil
}

// loader builds a source loader from the settings; the caller must Close it.
func (g *globals) loader(s config.Settings, schemas, exclude []string) *source.Loader {
	if len(schemas) == 0 {
		schemas = s.Schemas
	}
	if len(exclude) == 0 {
		exclude = s.Exclude
	}
	// Patterns without a dot or glob name schemas the inspection need
	// not read; every pattern filters the loaded model (internal/filter).
	return &source.Loader{
		DevURL:     s.DevURL,
		Privileges: s.Privileges,
		Trusted:    s.DevTrusted,
		AllowEmpty: g.allowEmpty,
		Migrate:    migrate.Options{VersionSchema: s.VersionSchema, VersionTable: s.VersionTable, HistoryTable: migrate.DefaultHistoryTable},
		Layout:     layout.Layout(s.Layout),
		Inspect:    introspect.Options{Schemas: schemas, Exclude: filter.SchemaNames(exclude), Debugf: g.debugf},
		Include:    s.Include,
		Exclude:    exclude,
		Logf:       g.logf,
		Debugf:     g.debugf,
		Cache:      !g.noCache,
	}
}

// noCacheUsage is the help of --no-cache.
const noCacheUsage = "load declared sources and migrations afresh, without the cache of normalized schemas " +
	"($RETORT_CACHE_DIR, else retort/models in the user's cache directory)"

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	g := &globals{stdout: stdout}
	// Log lines and live bars share stderr: an Output erases a bar before
	// a line and draws it again after, and passes bytes through unchanged
	// when stderr is not a terminal.
	stderr = progress.NewOutput(stderr)
	g.log = slog.New(newLineHandler(stderr, &g.level))
	g.stderr = &logWriter{log: g.log, raw: stderr}
	root := &cobra.Command{
		Use:   "retort",
		Short: "Schema migrations for PostgreSQL, generated from a declared schema",
		Long: `retort compares a declared PostgreSQL schema (SQL, HCL, YAML or Go struct tags)
with what a database really has, and writes the difference as ordered,
reversible migration files that a person reviews and commits.

Declared schemas are normalized through a private PostgreSQL server that
retort starts by itself (the embedded dev server), so comparisons are between
PostgreSQL's own canonical texts.`,
		Example: `  # Print the schema of a live database as dependency-ordered DDL
  retort inspect postgres://app@localhost/app

  # Normalize a schema file through the embedded dev server and show the result
  retort inspect schema.sql --format json`,
		Version:       versionString(),
		SilenceUsage:  true,
		SilenceErrors: true,
		// The flags set the level before any command logs; retort.yaml's
		// log_level, read later, applies only when none was given.
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			g.use(cmd)
			_, err := g.flagLevel()
			return err
		},
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	pf := root.PersistentFlags()
	pf.StringVar(&g.devURL, "dev-url", "embedded", "dev server: embedded, none, or a postgres:// URL whose role may CREATE DATABASE")
	pf.BoolVar(&g.allowEmpty, "allow-empty", false, "accept a declared schema that declares no object besides schemas")
	pf.BoolVar(&g.trusted, "trusted", false, "apply declared sources and replayed migrations on the dev server as its superuser (only for sources you trust)")
	pf.StringVar(&g.configPath, "config", "", "config file (default ./retort.yaml when it exists)")
	pf.StringVar(&g.env, "env", "", "named environment of the config file")
	g.logFlags(root)
	root.AddCommand(newInspect(g), newDiff(g), newInit(g), newRevision(g),
		upgradeOrDowngrade(g, migrate.Up), upgradeOrDowngrade(g, migrate.Down),
		newCurrent(g), newHistory(g), newHeads(g), newMerge(g), newStamp(g), newCheck(g), newVerify(g),
		newShow(g), newBranches(g), newEdit(g), newEnsureVersion(g), newLint(g))
	return root
}
