package introspect

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// benchTables writes tables lo..hi-1 of the benchmark schema: ten columns, a
// primary key, a foreign key to the previous table and two more indexes each.
func benchTables(lo, hi int) string {
	var b strings.Builder
	for i := lo; i < hi; i++ {
		ref := ""
		if i > 0 {
			ref = fmt.Sprintf(" REFERENCES t%d (id)", i-1)
		}
		fmt.Fprintf(&b, `CREATE TABLE t%[1]d (
	id bigint PRIMARY KEY, ref bigint%[2]s, c1 int NOT NULL DEFAULT 0, c2 text, c3 varchar(100),
	c4 timestamptz DEFAULT now(), c5 numeric(10,2), c6 boolean, c7 jsonb, c8 uuid);
CREATE INDEX t%[1]d_c1 ON t%[1]d (c1);
CREATE INDEX t%[1]d_c3_c4 ON t%[1]d (c3, c4 DESC);
`, i, ref)
	}
	return b.String()
}

// BenchmarkInspect5000 inspects a database of 5,000 tables again and again on
// one connection: ns/op is the steady state, with the backend's catalog caches
// warm. It also reports, each the best of three runs through a new
// connection: cold-ns, InspectURL as retort runs it (with helper
// connections); cold1-ns, Inspect reading everything through its one
// connection; floor-ns, the column, constraint and index queries alone in
// one transaction, their rows read and dropped; and pg_dump-ns, how long
// `pg_dump --schema-only` takes on the same database, when pg_dump is on PATH.
func BenchmarkInspect5000(b *testing.B) {
	const n = 5000
	url := load(b, "")
	build5000(b, url)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)

	type metric struct {
		value float64
		unit  string
	}
	var metrics []metric
	// The cold figures are the best of three, each through a new connection
	// (a new backend, its catalog caches empty), interleaved so that a
	// loaded machine weighs on each alike.
	best := map[string]time.Duration{}
	for range 3 {
		for _, m := range []struct {
			unit string
			run  func() error
		}{
			{"floor-ns", func() error { return catalogFloor(ctx, url) }},
			{"cold1-ns", func() error {
				c, err := pgx.Connect(ctx, url)
				if err != nil {
					return err
				}
				defer c.Close(ctx)
				_, err = Inspect(ctx, c, Options{})
				return err
			}},
			{"cold-ns", func() error { _, err := InspectURL(ctx, url, Options{}); return err }},
		} {
			start := time.Now()
			if err := m.run(); err != nil {
				b.Fatalf("%s: %v", m.unit, err)
			}
			if d, ok := best[m.unit]; !ok || time.Since(start) < d {
				best[m.unit] = time.Since(start)
			}
		}
	}
	for _, unit := range []string{"floor-ns", "cold1-ns", "cold-ns"} {
		metrics = append(metrics, metric{float64(best[unit].Nanoseconds()), unit})
	}
	if pgDump, err := exec.LookPath("pg_dump"); err == nil {
		best := time.Duration(1<<63 - 1)
		for range 3 {
			start := time.Now()
			out, err := exec.Command(pgDump, "--schema-only", "-f", os.DevNull, "-d", url).CombinedOutput()
			if err != nil {
				b.Logf("pg_dump: %v: %s", err, out)
				best = 0
				break
			}
			best = min(best, time.Since(start))
		}
		if best > 0 {
			metrics = append(metrics, metric{float64(best.Nanoseconds()), "pg_dump-ns"})
		}
	}
	// The loop measures the steady state: warm the connection's caches first.
	if _, err := Inspect(ctx, conn, Options{}); err != nil {
		b.Fatal(err)
	}

	b.ReportAllocs()
	for b.Loop() {
		s, err := Inspect(ctx, conn, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if len(s.Tables) != n {
			b.Fatalf("%d tables", len(s.Tables))
		}
	}
	// After the loop: b.Loop resets the timer, and with it earlier metrics.
	for _, m := range metrics {
		b.ReportMetric(m.value, m.unit)
	}
}

// build5000 creates the 5,000 tables of benchTables in the database at url
// and leaves it settled (vacuumed and analyzed).
func build5000(b *testing.B, url string) {
	b.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	// In batches: one transaction holding the locks of 5,000 new tables
	// would overflow the lock table.
	const n = 5000
	for lo := 0; lo < n; lo += 250 {
		if _, err := conn.Exec(ctx, benchTables(lo, min(lo+250, n))); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := conn.Exec(ctx, "VACUUM ANALYZE"); err != nil {
		b.Fatal(err)
	}
}

// catalogFloor runs the three catalog queries that an inspection of many
// tables spends its time in, on a new connection as one inspection would,
// reading their rows and doing nothing with them: the least a one-connection
// inspection can take.
func catalogFloor(ctx context.Context, url string) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(ctx) }()
	var version int
	if err := tx.QueryRow(ctx, sessionSQL).Scan(nil, nil, nil, nil, nil, nil, &version); err != nil {
		return err
	}
	var nsps []uint32
	if err := tx.QueryRow(ctx, "SELECT array_agg(oid) FROM pg_catalog.pg_namespace WHERE nspname = 'public'").Scan(&nsps); err != nil {
		return err
	}
	for _, name := range []string{"columns", "constraints", "indexes"} {
		sql, err := querySQL(name, version)
		if err != nil {
			return err
		}
		rows, err := tx.Query(ctx, sql, nsps)
		if err != nil {
			return err
		}
		for rows.Next() {
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}
