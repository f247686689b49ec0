package main

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/retortdb/retort/internal/devdb"
	"github.com/retortdb/retort/internal/devdb/devdbtest"
	"github.com/retortdb/retort/internal/sqlq"
)

// versionScripts are the scripts TestVersions runs on every major: the
// migrations workflow of a small project (revision, upgrade, downgrade,
// verify, check).
var versionScripts = []string{"testdata/script/migrations.txtar"}

// TestVersions runs the migrations workflow on every PostgreSQL major of
// devdbtest.TestedMajors that `scripts/setup --test` installed, with both
// the live database and retort's embedded dev server (RETORT_PG_BIN) of
// that major, as TestVersions/MAJOR/SCRIPT.
func TestVersions(t *testing.T) {
	devdbtest.ForEachMajor(t, func(t *testing.T, major int) {
		srv := devdbtest.Server(t)
		dir, err := devdb.VersionsDir()
		if err != nil {
			t.Fatal(err)
		}
		bin := devdb.VersionBinDir(dir, major)
		testscript.Run(t, testscript.Params{
			Files: versionScripts,
			Setup: func(env *testscript.Env) error {
				ctx := context.Background()
				name := fmt.Sprintf("script_v%d_%d", major, dbSeq.Add(1))
				conn, err := pgx.Connect(ctx, srv.ConnString("postgres"))
				if err != nil {
					return err
				}
				defer conn.Close(ctx)
				if _, err := conn.Exec(ctx, "CREATE DATABASE "+sqlq.Ident(name)); err != nil {
					return err
				}
				env.Setenv("DATABASE_URL", srv.ConnString(name))
				env.Setenv("RETORT_PG_BIN", bin)
				// As in TestScripts: a TMPDIR the dev server's account can
				// reach, the real template cache, a cache of loaded schemas
				// of the script's own.
				env.Setenv("TMPDIR", cmp.Or(devdbtest.MemDir(), os.TempDir()))
				if cache, err := os.UserCacheDir(); err == nil {
					env.Setenv("XDG_CACHE_HOME", cache)
				}
				cache, err := os.MkdirTemp("", "retort-cache-")
				if err != nil {
					return err
				}
				env.Setenv("RETORT_CACHE_DIR", cache)
				env.Defer(func() { os.RemoveAll(cache) })
				env.Defer(func() {
					c, err := pgx.Connect(ctx, srv.ConnString("postgres"))
					if err == nil {
						c.Exec(ctx, "DROP DATABASE "+sqlq.Ident(name)+" WITH (FORCE)")
						c.Close(ctx)
					}
				})
				return nil
			},
		})
	})
}
