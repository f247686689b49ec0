package main

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/retortdb/retort/internal/devdb"
	"github.com/retortdb/retort/internal/sqlq"
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
	srv, err := devdb.Start(context.Background(), devdb.Options{})
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
		Dir: "testdata/script",
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
			env.Setenv("TMPDIR", os.TempDir())
			// testscript's HOME is /no-home; keep the real cache so that the
			// dev server starts from its cached initdb template.
			if cache, err := os.UserCacheDir(); err == nil {
				env.Setenv("XDG_CACHE_HOME", cache)
			}
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
