package main

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/retortdb/retort/internal/devdb"
	"github.com/retortdb/retort/internal/devdb/devdbtest"
	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/migrate"
)

// server is the test binary's own PostgreSQL, for scripts that need a live
// database ($DATABASE_URL). The retort commands under test start their own
// embedded dev servers, as a user's would.
var server *devdb.Server

func TestMain(m *testing.M) {
	// Tests that need a real process (signals) run the test binary as retort.
	if os.Getenv("RETORT_TEST_RUN_MAIN") == "1" {
		os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	testscript.Main(withServer{m}, map[string]func(){
		"retort": func() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
	})
}

type withServer struct{ m *testing.M }

func (w withServer) Run() int {
	srv, err := devdb.Start(context.Background(), devdb.Options{Dir: devdbtest.MemDir()})
	if err != nil {
		fmt.Fprintln(os.Stderr, "start test server:", err)
		return 1
	}
	server = srv
	defer srv.Close()
	return w.m.Run()
}

var dbSeq atomic.Int64

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:  "testdata/script",
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){"genhistory": genHistory},
		Setup: func(env *testscript.Env) error {
			ctx := context.Background()
			name := fmt.Sprintf("script_%d", dbSeq.Add(1))
			conn, err := pgx.Connect(ctx, server.ConnString("postgres"))
			if err != nil {
				return err
			}
			defer conn.Close(ctx)
			if _, err := conn.Exec(ctx, "CREATE DATABASE "+sqlq.Ident(name)); err != nil {
				return err
			}
			env.Setenv("DATABASE_URL", server.ConnString(name))
			// testscript points TMPDIR at a 0700 directory of the work dir,
			// which the dev server's account cannot reach when tests run as
			// root; the dev server keeps its own private directory anyway.
			// On a memory file system, each retort command's embedded dev
			// server starts with about a quarter less CPU.
			env.Setenv("TMPDIR", cmp.Or(devdbtest.MemDir(), os.TempDir()))
			// testscript's HOME is /no-home; keep the real cache so that the
			// dev server starts from its cached initdb template.
			if cache, err := os.UserCacheDir(); err == nil {
				env.Setenv("XDG_CACHE_HOME", cache)
			}
			// Each script its own cache of loaded schemas, so that
			// what one script loads is never a hit in another.
			cache, err := os.MkdirTemp("", "retort-cache-")
			if err != nil {
				return err
			}
			env.Setenv("RETORT_CACHE_DIR", cache)
			env.Defer(func() { os.RemoveAll(cache) })
			env.Defer(func() {
				c, err := pgx.Connect(ctx, server.ConnString("postgres"))
				if err == nil {
					c.Exec(ctx, "DROP DATABASE "+sqlq.Ident(name)+" WITH (FORCE)")
					c.Close(ctx)
				}
			})
			return nil
		},
	})
}

// genHistory is the script command "genhistory DIR N [broken]": it writes a
// linear history of N revisions into DIR, cycling through what teams do in
// migrations (tables, columns with defaults, indexes, enums, a function and
// a view on it, a foreign key, a rename), each with the down that undoes it.
// With "broken", the last revision's down leaves a column behind, so that
// verify has something to find.
func genHistory(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("genhistory does not fail")
	}
	if len(args) < 2 {
		ts.Fatalf("usage: genhistory DIR N [broken]")
	}
	dir := ts.MkAbs(args[0])
	n, err := strconv.Atoi(args[1])
	if err != nil || n < 1 {
		ts.Fatalf("genhistory: bad count %q", args[1])
	}
	broken := len(args) > 2 && args[2] == "broken"
	if err := os.MkdirAll(dir, 0o755); err != nil {
		ts.Fatalf("genhistory: %v", err)
	}
	stmts := func(sql ...string) []migrate.Statement {
		out := make([]migrate.Statement, len(sql))
		for i, s := range sql {
			out[i] = migrate.Statement{SQL: s}
		}
		return out
	}
	table := ""
	parent := ""
	created := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		rev := &migrate.Revision{
			ID:      fmt.Sprintf("%012x", 0xa00000000000+i),
			Message: fmt.Sprintf("step %d", i),
			Created: created.Add(time.Duration(i) * time.Minute),
		}
		if parent != "" {
			rev.Parents = []string{parent}
		}
		t := func(name string) string { return "public." + name }
		switch i % 7 {
		case 0:
			prev := table
			table = fmt.Sprintf("t%d", i)
			rev.Up = stmts(fmt.Sprintf("CREATE TABLE %s (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, note text)", t(table)))
			rev.Down = stmts("DROP TABLE " + t(table))
			if prev != "" {
				rev.Up = append(rev.Up, stmts(fmt.Sprintf("ALTER TABLE %s ADD COLUMN prev_id bigint REFERENCES %s", t(table), t(prev)))...)
			}
		case 1:
			rev.Up = stmts(fmt.Sprintf("ALTER TABLE %s ADD COLUMN c%d integer NOT NULL DEFAULT %d", t(table), i, i))
			rev.Down = stmts(fmt.Sprintf("ALTER TABLE %s DROP COLUMN c%d", t(table), i))
		case 2:
			rev.Up = stmts(fmt.Sprintf("CREATE INDEX ix%d ON %s (c%d DESC) WHERE note IS NOT NULL", i, t(table), i-1))
			rev.Down = stmts(fmt.Sprintf("DROP INDEX public.ix%d", i))
		case 3:
			rev.Up = stmts(fmt.Sprintf("CREATE TYPE public.e%d AS ENUM ('a', 'b')", i),
				fmt.Sprintf("ALTER TABLE %s ADD COLUMN s%d public.e%d DEFAULT 'a'", t(table), i, i))
			rev.Down = stmts(fmt.Sprintf("ALTER TABLE %s DROP COLUMN s%d", t(table), i), fmt.Sprintf("DROP TYPE public.e%d", i))
		case 4:
			rev.Up = stmts(fmt.Sprintf("CREATE FUNCTION public.f%d(x integer) RETURNS integer LANGUAGE plpgsql IMMUTABLE AS $$\nBEGIN\n  RETURN x + %d;\nEND;\n$$", i, i),
				fmt.Sprintf("CREATE VIEW public.v%d AS SELECT id, public.f%d(length(note)) AS f FROM %s", i, i, t(table)))
			rev.Down = stmts(fmt.Sprintf("DROP VIEW public.v%d", i), fmt.Sprintf("DROP FUNCTION public.f%d(integer)", i))
		case 5:
			rev.Up = stmts(fmt.Sprintf("ALTER TABLE %s RENAME COLUMN note TO remark", t(table)),
				fmt.Sprintf("COMMENT ON COLUMN %s.remark IS 'step %d''s remark'", t(table), i))
			rev.Down = stmts(fmt.Sprintf("COMMENT ON COLUMN %s.remark IS NULL", t(table)),
				fmt.Sprintf("ALTER TABLE %s RENAME COLUMN remark TO note", t(table)))
		case 6:
			rev.Up = stmts(fmt.Sprintf("ALTER TABLE %s ALTER COLUMN c%d TYPE bigint", t(table), i-5),
				fmt.Sprintf("INSERT INTO %s (remark) VALUES ('row %d')", t(table), i))
			rev.Down = stmts(fmt.Sprintf("DELETE FROM %s WHERE remark = 'row %d'", t(table), i),
				fmt.Sprintf("ALTER TABLE %s ALTER COLUMN c%d TYPE integer", t(table), i-5))
		}
		if broken && i == n-1 {
			rev.Up = append(rev.Up, stmts(fmt.Sprintf("ALTER TABLE %s ADD COLUMN forgotten text", t("t0")))...)
		}
		if _, err := migrate.WriteFile(dir, rev, migrate.NameOptions{}); err != nil {
			ts.Fatalf("genhistory: %v", err)
		}
		parent = rev.ID
	}
}
