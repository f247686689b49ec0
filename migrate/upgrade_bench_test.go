package migrate_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/retortdb/retort/internal/devdb/devdbtest"
	"github.com/retortdb/retort/internal/sharedtest"
	"github.com/retortdb/retort/migrate"
)

// gitlabDir returns a migrations directory of one revision whose up creates
// GitLab's schema (its db/structure.sql, 1,401 tables, from the shared
// real-schema corpus).
func gitlabDir(b *testing.B) fstest.MapFS {
	b.Helper()
	src, err := os.ReadFile(sharedtest.Schema(b, "gitlab.sql"))
	if err != nil {
		b.Fatal(err)
	}
	rev := fmt.Sprintf("-- retort:revision aaaa00000001\n-- retort:message gitlab\n\n-- retort:up\n\n%s\n-- retort:down\n\nSELECT 1;\n", src)
	return fstest.MapFS{"migrations/aaaa00000001_gitlab.sql": {Data: []byte(rev)}}
}

// gitlabRuns counts the iterations of BenchmarkUpgradeGitLab over all its
// runs (-count), so that the order of the contestants alternates.
var gitlabRuns int

// BenchmarkUpgradeGitLab upgrades an empty database with a revision that
// creates GitLab's schema: ns/op is what `retort upgrade` does after it
// starts (read and parse the directory, connect, run). psql-ns is `psql -f`
// of the same revision's `upgrade --sql` script into another empty database,
// run in the same iteration so that a loaded machine weighs on both alike;
// x-psql is their ratio (the target is ≤ 1.1). When $RETORT_BENCH_BIN names
// a retort binary, cli-ns is that binary's whole `retort upgrade` of the
// same directory into a third database, and x-psql-cli its ratio to psql.
func BenchmarkUpgradeGitLab(b *testing.B) {
	psql, err := exec.LookPath("psql")
	if err != nil {
		b.Skip("psql is not on PATH: the benchmark compares upgrade with psql -f of the same script")
	}
	fsys := gitlabDir(b)
	dir, err := migrate.ReadDir(fsys, "migrations")
	if err != nil {
		b.Fatal(err)
	}
	script, err := migrate.Script(dir, "", "head", migrate.Up, nil)
	if err != nil {
		b.Fatal(err)
	}
	file := filepath.Join(b.TempDir(), "upgrade.sql")
	if err := os.WriteFile(file, []byte(script), 0o600); err != nil {
		b.Fatal(err)
	}
	bin := os.Getenv("RETORT_BENCH_BIN")
	work := b.TempDir()
	if bin != "" {
		if err := os.MkdirAll(filepath.Join(work, "migrations"), 0o700); err != nil {
			b.Fatal(err)
		}
		for name, f := range fsys {
			if err := os.WriteFile(filepath.Join(work, name), f.Data, 0o600); err != nil {
				b.Fatal(err)
			}
		}
	}
	ctx := context.Background()
	var retort, viaPsql, cli time.Duration
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		gitlabRuns++
		i := gitlabRuns
		urlR, urlP := devdbtest.NewDatabase(b), devdbtest.NewDatabase(b)
		if bin != "" {
			urlC := devdbtest.NewDatabase(b)
			cmd := exec.Command(bin, "upgrade", "--url", urlC)
			cmd.Dir = work
			start := time.Now()
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("retort upgrade: %v\n%s", err, out)
			}
			cli += time.Since(start)
		}
		runPsql := func() {
			start := time.Now()
			out, err := exec.Command(psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-o", os.DevNull, "-f", file, "-d", urlP).CombinedOutput()
			if err != nil {
				b.Fatalf("psql -f: %v\n%s", err, out)
			}
			viaPsql += time.Since(start)
		}
		// Alternate which goes first, so that neither always runs on a
		// server the other has just warmed or loaded.
		if i%2 == 1 {
			runPsql()
		}
		b.StartTimer()
		start := time.Now()
		if err := upgradeAt(ctx, fsys, urlR); err != nil {
			b.Fatal(err)
		}
		retort += time.Since(start)
		b.StopTimer()
		if i%2 == 0 {
			runPsql()
		}
	}
	b.ReportMetric(float64(viaPsql.Nanoseconds())/float64(b.N), "psql-ns")
	b.ReportMetric(float64(retort)/float64(viaPsql), "x-psql")
	if bin != "" {
		b.ReportMetric(float64(cli.Nanoseconds())/float64(b.N), "cli-ns")
		b.ReportMetric(float64(cli)/float64(viaPsql), "x-psql-cli")
	}
}

// upgradeAt does what `retort upgrade` does once it has started: read the
// directory, connect and upgrade to head.
func upgradeAt(ctx context.Context, fsys fstest.MapFS, url string) error {
	dir, err := migrate.ReadDir(fsys, "migrations")
	if err != nil {
		return err
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = migrate.Upgrade(ctx, conn, dir, "head", nil)
	return err
}
