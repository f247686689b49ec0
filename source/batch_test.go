package source

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/retortdb/retort/internal/devdb/devdbtest"
	"github.com/retortdb/retort/internal/sharedtest"
	"github.com/retortdb/retort/introspect"
	"github.com/retortdb/retort/model/sqlddl"
)

// counting returns a dial wrapper for target.dial that counts the
// session's round trips in writes.
func counting(writes *atomic.Int64) func(pgconn.DialFunc) pgconn.DialFunc {
	return func(dial pgconn.DialFunc) pgconn.DialFunc { return devdbtest.CountWrites(dial, writes) }
}

// split splits text as the file name.sql, failing the test on error.
func split(t *testing.T, name, text string) []sqlddl.Statement {
	t.Helper()
	stmts, err := sqlddl.Split(name, []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return stmts
}

// A file of 500 statements costs a handful of round trips, not 500: runs
// of statements go to the server as one batch each.
func TestBatchRoundTrips(t *testing.T) {
	t.Parallel()
	var text strings.Builder
	for i := range 250 {
		fmt.Fprintf(&text, "CREATE TABLE t%d (id int PRIMARY KEY, note text);\nCOMMENT ON TABLE t%d IS 'table %d';\n", i, i, i)
	}
	stmts := split(t, "many", text.String())
	writes := new(atomic.Int64)
	if _, err := applyStatements(t.Context(), target{url: devdbtest.NewDatabase(t), dial: counting(writes)}, stmts); err != nil {
		t.Fatal(err)
	}
	// The startup message, a handful of batches and the end; one at a
	// time, it was 502.
	if got := writes.Load(); got > 12 {
		t.Errorf("%d statements took %d round trips, want at most 12", len(stmts), got)
	} else {
		t.Logf("%d statements took %d round trips", len(stmts), got)
	}
}

// Statements that fail in a batch (deferred until what they need exists,
// naming a role the server lacks, refused) and statements that must run
// alone give the same result, or the same error at the same place, as when
// every statement runs alone, and in a file written backwards the failed
// batches cost few round trips.
func TestBatchSameAsAlone(t *testing.T) {
	t.Parallel()
	pad := func(name string, n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "CREATE TABLE %s%d (id int);\nCREATE INDEX ON %s%d (id);\n", name, i, name, i)
		}
		return b.String()
	}
	tests := []struct {
		name, text string
	}{
		{"deferred", pad("a", 5) + "CREATE VIEW v AS SELECT * FROM later;\n" + pad("b", 5) +
			"CREATE TABLE later (x int);\n" + pad("c", 5)},
		{"deferred under its search_path", "CREATE SCHEMA s;\nSET search_path = s;\n" + pad("a", 3) +
			"CREATE VIEW v AS SELECT * FROM later;\n" + pad("b", 3) + "RESET search_path;\n" + pad("c", 3) +
			"CREATE TABLE s.later (x int);\n" + pad("d", 3)},
		{"missing roles", pad("a", 5) + "ALTER TABLE a1 OWNER TO ROLE_owner;\nGRANT SELECT ON a2 TO ROLE_reader;\n" + pad("b", 5)},
		{"concurrently", pad("a", 5) + "CREATE INDEX CONCURRENTLY a1_c ON a1 (id);\n" + pad("b", 3) +
			"DROP INDEX CONCURRENTLY a1_c;\n" + pad("c", 3)},
		{"new enum value", "CREATE TYPE mood AS ENUM ('happy');\n" + pad("a", 3) + "ALTER TYPE mood ADD VALUE 'sad';\n" +
			"CREATE TABLE m (x mood DEFAULT 'sad');\n" + pad("b", 3)},
		{"lock outside a block", pad("a", 3) + "LOCK TABLE a1;\n" + pad("b", 3)},
		{"set local outside a block", pad("a", 3) + "SET LOCAL search_path = nowhere;\n" + pad("b", 3)},
		{"own transaction block", pad("a", 3) + "BEGIN;\n" + pad("b", 3) + "CREATE VIEW v AS SELECT * FROM later;\n" +
			"CREATE TABLE later ();\nCOMMIT;\n" + pad("c", 3)},
		{"all at once", pad("a", 3) + "CREATE VIEW v AS SELECT * FROM later;\nALTER TABLE a1 OWNER TO ROLE_owner;\n" +
			"CREATE INDEX CONCURRENTLY a1_c ON a1 (id);\n" + pad("b", 3) + "CREATE TABLE later (x int);\n" + pad("c", 3)},
		{"error", pad("a", 5) + "CREATE TABLE b (\n  id int,\n  n int DEFAULT 'many'::int\n);\n" + pad("c", 5)},
		{"error after a deferred statement", pad("a", 3) + "CREATE VIEW v AS SELECT * FROM later;\n" + pad("b", 3) +
			"CREATE TABLE b (\n  id int,\n  n int DEFAULT 'many'::int\n);\n" + pad("c", 5)},
		{"syntax error", pad("a", 5) + "CREATE TABEL b (id int);\n" + pad("c", 5)},
		{"error without a position", pad("a", 5) + "CREATE INDEX a1_x ON a1 (id, nosuch);\n" + pad("c", 5)},
		{"error in a function body", pad("a", 5) + "CREATE FUNCTION f() RETURNS bigint LANGUAGE sql AS $$\n  SELECT count(*) FROM nowhere\n$$;\n" + pad("c", 5)},
		{"error for lack of rights", pad("a", 5) + "CREATE EVENT TRIGGER et ON ddl_command_start EXECUTE FUNCTION f();\n" + pad("c", 5)},
		{"unterminated block", pad("a", 3) + "BEGIN;\n" + pad("b", 3)},
		{"never resolved", pad("a", 3) + "CREATE VIEW v AS SELECT * FROM never;\n" + pad("b", 3)},
		{"backwards", reversedText(t, pad("a", 30)+"CREATE VIEW v1 AS SELECT * FROM a1;\nCREATE VIEW v2 AS SELECT * FROM v1;\n"+pad("b", 30))},
	}
	run := strconv.FormatInt(time.Now().UnixNano()%1e9, 36)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			type result struct {
				late   int
				err    string
				schema string
				trips  int64
			}
			apply := func(batch int) result {
				role := "batch_" + run + "_" + strconv.Itoa(batch) + "_"
				text := strings.ReplaceAll(tt.text, "ROLE_", role)
				dev := devdbtest.Dev(t)
				sc, err := dev.Scratch(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				url, err := sc.Applier(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				writes := new(atomic.Int64)
				tgt := target{url: url, roles: sc, restricted: true, batch: batch, dial: counting(writes)}
				var r result
				r.late, err = applyStatements(t.Context(), tgt, split(t, "f.sql", text))
				r.trips = writes.Load()
				if err != nil {
					r.err = err.Error()
					return r
				}
				if err := sc.Reclaim(t.Context()); err != nil {
					t.Fatal(err)
				}
				s, err := introspect.InspectURL(t.Context(), sc.ConnString(), introspect.Options{})
				if err != nil {
					t.Fatal(err)
				}
				b, err := json.MarshalIndent(s, "", " ")
				if err != nil {
					t.Fatal(err)
				}
				r.schema = strings.ReplaceAll(string(b), role, "ROLE_")
				return r
			}
			alone, batched := apply(1), apply(0)
			if batched.err != alone.err {
				t.Errorf("batched, error\n %s\nwant, as alone,\n %s", batched.err, alone.err)
			}
			if batched.late != alone.late {
				t.Errorf("batched, %d statements ran late, alone %d", batched.late, alone.late)
			}
			if batched.schema != alone.schema {
				t.Errorf("batched, the schema differs from the one applied alone:\n%s\nwant\n%s", batched.schema, alone.schema)
			}
			if alone.err == "" && alone.schema == "" {
				t.Fatal("nothing applied")
			}
			// Batches fail where statements fail, and the statements
			// after one that must run alone run alone for a while: at
			// worst a few more round trips than alone.
			if batched.trips > alone.trips+alone.trips/10+2 {
				t.Errorf("batched, %d round trips; alone %d", batched.trips, alone.trips)
			}
			t.Logf("round trips: %d batched, %d alone; error %q", batched.trips, alone.trips, alone.err)
		})
	}
}

// reversedText returns the statements of text in reverse order.
func reversedText(t *testing.T, text string) string {
	t.Helper()
	stmts := split(t, "r.sql", text)
	var b strings.Builder
	for i := len(stmts) - 1; i >= 0; i-- {
		b.WriteString(stmts[i].Text + ";\n")
	}
	return b.String()
}

func TestBatchable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		sql  string
		want bool
	}{
		{"CREATE TABLE t (id int)", true},
		{"ALTER TABLE ONLY t ADD CONSTRAINT t_pkey PRIMARY KEY (id)", true},
		{"CREATE INDEX t_id ON t (id)", true},
		{"COMMENT ON TABLE t IS 'x'", true},
		{"CREATE INDEX CONCURRENTLY t_id ON t (id)", false},
		{"create index concurrently t_id on t (id)", false},
		{"DROP INDEX CONCURRENTLY t_id", false},
		{"REINDEX INDEX CONCURRENTLY t_id", false},
		{"ALTER TABLE p DETACH PARTITION c CONCURRENTLY", false},
		{"CREATE TEMP TABLE x (id int) ON COMMIT DROP", false},
		{"ALTER TYPE mood ADD VALUE 'sad'", false},
		{"SET search_path = s", false},
		{"SELECT pg_catalog.set_config('search_path', '', false)", false},
		{"BEGIN", false},
		{"LOCK TABLE t", false},
		{"INSERT INTO t VALUES (1)", false},
		{"VACUUM t", false},
		{"CREATE EXTENSION pg_trgm", false},
		{"CREATE TABLE t AS SELECT 1 AS id", false},
		{"DO $$ BEGIN END $$", false},
	}
	for _, tt := range tests {
		stmts := split(t, "b.sql", tt.sql)
		if len(stmts) != 1 {
			t.Fatalf("%q: %d statements", tt.sql, len(stmts))
		}
		if got := batchable(stmts[0]); got != tt.want {
			t.Errorf("batchable(%q) (%s) = %v, want %v", tt.sql, stmts[0].Kind, got, tt.want)
		}
	}
}

// BenchmarkApplyBatch applies GitLab's schema with batches of each size
// (1: every statement alone, as before batching), to choose maxBatch:
//
//	go test -run '^$' -bench BenchmarkApplyBatch -benchtime=1x ./source
func BenchmarkApplyBatch(b *testing.B) {
	path := sharedtest.Schema(b, "gitlab.sql")
	text, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	stmts, err := sqlddl.Split(path, text)
	if err != nil {
		b.Fatal(err)
	}
	sizes := []int{1, 16, 32, 64, 128, 256, 1024}
	if s := os.Getenv("RETORT_BENCH_BATCH"); s != "" {
		sizes = nil
		for f := range strings.SplitSeq(s, ",") {
			n, err := strconv.Atoi(f)
			if err != nil {
				b.Fatal(err)
			}
			sizes = append(sizes, n)
		}
	}
	for _, size := range sizes {
		b.Run(strconv.Itoa(size), func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				url := devdbtest.NewDatabase(b)
				writes := new(atomic.Int64)
				b.StartTimer()
				if _, err := applyStatements(b.Context(), target{url: url, batch: size, dial: counting(writes)}, stmts); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(writes.Load()), "trips/op")
			}
		})
	}
}
