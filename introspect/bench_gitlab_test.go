package introspect

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/retortdb/retort/internal/sharedtest"
)

// BenchmarkInspectGitLab inspects GitLab's schema (db/structure.sql, 1,401
// tables, from the shared real-schema corpus) through a new connection, as a
// retort command does: ns/op is InspectURL. pg_dump-ns is `pg_dump
// --schema-only` of the same database, run in the same iterations so that a
// loaded machine weighs on both alike, and x-pg_dump how many times faster
// the inspection is (issue 15's target: 3 or more).
func BenchmarkInspectGitLab(b *testing.B) {
	psql, err := exec.LookPath("psql")
	if err != nil {
		b.Skip("psql is not on PATH: the benchmark loads GitLab's schema with psql -f")
	}
	pgDump, err := exec.LookPath("pg_dump")
	if err != nil {
		b.Skip("pg_dump is not on PATH: the benchmark compares the inspection with it")
	}
	url := load(b, "")
	out, err := exec.Command(psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-o", os.DevNull,
		"-f", sharedtest.Schema(b, "gitlab.sql"), "-d", url).CombinedOutput()
	if err != nil {
		b.Fatalf("psql -f gitlab.sql: %v\n%s", err, out)
	}
	apply(b, url, "VACUUM ANALYZE")
	ctx := context.Background()
	var dump time.Duration
	for b.Loop() {
		s, err := InspectURL(ctx, url, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if len(s.Tables) < 1400 {
			b.Fatalf("%d tables", len(s.Tables))
		}
		b.StopTimer()
		start := time.Now()
		if out, err := exec.Command(pgDump, "--schema-only", "-f", os.DevNull, "-d", url).CombinedOutput(); err != nil {
			b.Fatalf("pg_dump: %v\n%s", err, out)
		}
		dump += time.Since(start)
		b.StartTimer()
	}
	b.ReportMetric(float64(dump.Nanoseconds())/float64(b.N), "pg_dump-ns")
	b.ReportMetric(float64(dump.Nanoseconds())/float64(b.Elapsed().Nanoseconds()), "x-pg_dump")
}
