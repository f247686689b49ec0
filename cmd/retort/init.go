package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/retortdb/retort/internal/config"
	"github.com/retortdb/retort/migrate"
)

func newInit(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "init [DIR]",
		Short: "Write retort.yaml, migrations/ and a starter schema.sql",
		Long: `init writes retort.yaml (every key with a comment), a migrations directory
holding only .gitkeep (so that it survives a commit and a fresh clone) and a
starter schema.sql, in DIR (created when missing) or the current directory.
It refuses to overwrite anything that exists and writes no revision.`,
		Example: `  retort init
  retort init db`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runInit(cmd.Context(), g, args)
		},
	}
}

// runInit writes the starter files in args[0], or the current directory.
func runInit(_ context.Context, g *globals, args []string) error {
	dir := "."
	if len(args) == 1 {
		dir = args[0]
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("init: %w", err)
		}
	}
	files := []struct{ name, data string }{
		{config.DefaultFile, starterConfig}, {"schema.sql", starterSchema}, {filepath.Join("migrations", ".gitkeep"), ""},
		{migrate.DefaultTemplateFile, migrate.DefaultRevisionTemplate},
	}
	for _, name := range []string{config.DefaultFile, "schema.sql", "migrations", migrate.DefaultTemplateFile} {
		if _, err := os.Lstat(filepath.Join(dir, name)); err == nil {
			return fmt.Errorf("%s exists; init writes nothing over existing files", filepath.Join(dir, name))
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "migrations"), 0o755); err != nil {
		return err
	}
	for _, f := range files {
		if err := writeNew(filepath.Join(dir, f.name), f.data); err != nil {
			return err
		}
	}
	next := "next: edit schema.sql, then retort revision -m \"first\" --autogenerate"
	where := ""
	if dir != "." {
		where = " in " + dir
		next = "next: cd " + dir + ", edit schema.sql, then retort revision -m \"first\" --autogenerate"
	}
	fmt.Fprintf(g.stderr, "retort: wrote retort.yaml, schema.sql, %s and migrations/%s; %s\n", migrate.DefaultTemplateFile, where, next)
	return nil
}

// writeNew writes a file that must not exist yet.
func writeNew(name, data string) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

const starterConfig = `# retort.yaml: settings every retort command reads; flags win over them.
# ${VAR} is taken from the environment when the value is used.

# The live database that upgrade, downgrade, current, history, stamp and check use.
url: ${DATABASE_URL}
# The declared schema: a .sql/.hcl/.yaml file or directory, or go://./pkg/...
desired: schema.sql
# Where revision files live.
migrations: migrations
# Where declared schemas are normalized and migrations replayed:
# embedded (a private server retort starts), none, or a postgres:// URL.
dev_url: embedded
# Revision file names, with Alembic's tokens.
file_template: "%(year)d%(month).2d%(day).2d_%(hour).2d%(minute).2d%(second).2d_%(slug)s"
truncate_slug_length: 40
timezone: UTC
# retort's own tables (never part of a comparison).
version_table: retort_version
version_schema: public
# Only these schemas, or all but these (default: every non-system schema).
# schemas: [public]
# exclude: [audit]
# include and exclude also take globs on schema.name, for every kind of object.
# include: ["public.app_*"]
# File layout of the migrations directory, written and read back: native
# (retort's own files), or another tool's, so that it keeps running them:
# goose, golang-migrate, dbmate, flyway or atlas (see docs/layouts.md).
layout: native
# Set for every statement the runner applies. lock_timeout defaults to 2s
# (0 turns it off); set, it also bounds the wait for another run's lock.
# lock_timeout: 2s
# statement_timeout: 60s
# Compare owners and grants too.
privileges: false
# Plan changes to tables that exist so that no statement blocks their writes
# for longer than a catalog update: indexes built CONCURRENTLY, constraints
# added NOT VALID and validated apart, SET NOT NULL through a validated CHECK
# (docs/online.md). --online on diff, revision and check does the same.
online: true
# The template new revision files are made from (Go text/template; native
# layout): revision.sql.tmpl beside this file when it exists, or this file.
# revision_template: revision.sql.tmpl
# What stderr shows: error, warn, info or debug (flags: --log-level, -q, -v).
log_level: info
# Named environments override any key: retort --env prod upgrade
# envs:
#   prod:
#     url: ${PROD_DATABASE_URL}
`

const starterSchema = `-- The declared schema: edit it, then run
--   retort revision -m "describe the change" --autogenerate
CREATE TABLE items (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
`
