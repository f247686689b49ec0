package introspect

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/retortdb/retort/model"
)

// connRecorder is an Options.Connect that remembers every connection it
// opens, so that a test can check they were all closed.
type connRecorder struct {
	cfg *pgx.ConnConfig
	err error // returned instead of connecting, when set
	// failFirst, when set, is returned by the first call alone.
	failFirst error

	mu      sync.Mutex
	conns   []*pgx.Conn
	refused int // calls that returned err or failFirst
}

func newConnRecorder(t testing.TB, url string) *connRecorder {
	t.Helper()
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	return &connRecorder{cfg: cfg}
}

func (r *connRecorder) connect(ctx context.Context) (*pgx.Conn, error) {
	r.mu.Lock()
	err := cmp.Or(r.err, r.failFirst)
	r.failFirst = nil
	if err != nil {
		r.refused++
	}
	r.mu.Unlock()
	if err != nil {
		return nil, err
	}
	c, err := pgx.ConnectConfig(ctx, r.cfg.Copy())
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.conns = append(r.conns, c)
	return c, nil
}

// open returns how many of the recorded connections are not closed, how
// many were opened and how many calls were refused.
func (r *connRecorder) open() (open, opened, refused int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range r.conns {
		if !c.IsClosed() {
			open++
		}
	}
	return open, len(r.conns), r.refused
}

// inspectOne inspects the database at url through one connection only.
func inspectOne(t testing.TB, url string) *model.Schema {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	s, err := Inspect(ctx, conn, Options{})
	if err != nil {
		t.Fatalf("Inspect on one connection: %v", err)
	}
	return s
}

// TestParallelMatchesOneConnection checks that reading the heavy catalogs on
// helper connections that share the snapshot gives the very model that one
// connection reads, for every kind fixture and a database of many tables,
// and that a helper that cannot connect or import the snapshot leaves its
// query to the inspecting connection with the same result.
func TestParallelMatchesOneConnection(t *testing.T) {
	t.Parallel()
	type fixture struct {
		name     string
		minMajor int
		sql      string
	}
	fixtures := []fixture{{name: "many tables", sql: manyTables(20)}}
	for _, tc := range kindCases {
		fixtures = append(fixtures, fixture{"kind " + tc.name, tc.minMajor, tc.sql})
	}
	modes := []struct {
		name     string
		helpers  func(t *testing.T, url string) *connRecorder
		fallback bool // the helpers must fail and their queries run on the main connection
	}{
		{"helpers", func(t *testing.T, url string) *connRecorder { return newConnRecorder(t, url) }, false},
		{"helpers cannot connect", func(t *testing.T, url string) *connRecorder {
			r := newConnRecorder(t, url)
			r.err = errors.New("too many connections")
			return r
		}, true},
		// The other helper's range and the inspecting connection's own are
		// read as usual.
		{"one helper cannot connect", func(t *testing.T, url string) *connRecorder {
			r := newConnRecorder(t, url)
			r.failFirst = errors.New("too many connections")
			return r
		}, true},
		// A snapshot cannot be imported into another database.
		{"helpers on another database", func(t *testing.T, _ string) *connRecorder {
			return newConnRecorder(t, load(t, ""))
		}, true},
	}
	for _, f := range fixtures {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			url := load(t, "")
			if major := serverMajor(t, url); major < f.minMajor {
				t.Skipf("needs PostgreSQL %d; the server is %d", f.minMajor, major)
			}
			apply(t, url, f.sql)
			want := inspectOne(t, url)
			for _, m := range modes {
				if m.fallback && !strings.HasPrefix(f.name, "many") {
					continue // the fallback is the one-connection path; once is enough
				}
				rec := m.helpers(t, url)
				var mu sync.Mutex
				var fellBack []string
				opts := Options{Connect: rec.connect, Debugf: func(format string, args ...any) {
					if line := fmt.Sprintf(format, args...); strings.Contains(line, "helper failed") {
						mu.Lock()
						fellBack = append(fellBack, line)
						mu.Unlock()
					}
				}}
				got, err := InspectURL(context.Background(), url, opts)
				if err != nil {
					t.Fatalf("%s: %v", m.name, err)
				}
				if !got.Equal(want) {
					eq(t, m.name+": model", got, want)
				}
				if m.fallback != (len(fellBack) > 0) {
					t.Errorf("%s: helper failures %q, want them: %v", m.name, fellBack, m.fallback)
				}
				open, opened, refused := rec.open()
				if open != 0 || opened+refused != prefetchHelpers {
					t.Errorf("%s: %d of %d helper connections left open (%d refused), want 0 of %d in all",
						m.name, open, opened, refused, prefetchHelpers)
				}
				// A helper that fails leaves each of its queries, and no
				// other, to the inspecting connection.
				if rec.err == nil && refused > 0 && len(fellBack) != refused*len(prefetchKinds) {
					t.Errorf("%s: %d queries read again, want %d:\n%q", m.name, len(fellBack), refused*len(prefetchKinds), fellBack)
				}
			}
		})
	}
}

// TestParallelQueryCountIsConstant checks that with helper connections the
// queries of all connections together are as many for 60 tables as for 3.
func TestParallelQueryCountIsConstant(t *testing.T) {
	t.Parallel()
	count := func(n int) int64 {
		url := load(t, manyTables(n))
		tracer := &countingTracer{}
		rec := newConnRecorder(t, url)
		rec.cfg.Tracer = tracer
		conn, err := pgx.ConnectConfig(context.Background(), rec.cfg.Copy())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(context.Background())
		s, err := Inspect(context.Background(), conn, Options{Connect: rec.connect})
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "tables", len(s.Tables), n)
		if _, opened, _ := rec.open(); opened != prefetchHelpers {
			t.Errorf("%d helper connections, want %d", opened, prefetchHelpers)
		}
		return tracer.n.Load()
	}
	small, large := count(3), count(60)
	if small != large {
		t.Errorf("Inspect with helpers sent %d queries for 3 tables and %d for 60", small, large)
	}
	t.Logf("%d queries", small)
}

// TestCancelClosesEveryConnection cancels an inspection at different points
// (before the helpers have the snapshot, while they read, while the
// inspecting connection waits for them) and checks that Inspect returns the
// cancellation and that no connection, the inspecting one or a helper, is
// left open, on the client or on the server.
func TestCancelClosesEveryConnection(t *testing.T) {
	t.Parallel()
	url := load(t, manyTables(30))
	monitor, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer monitor.Close(context.Background())
	// The kinds after whose query the context is cancelled.
	for _, after := range []string{"members", "namespaces", "types", "columns", "indexes"} {
		t.Run(after, func(t *testing.T) {
			rec := newConnRecorder(t, url)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			opts := Options{Connect: rec.connect, Debugf: func(format string, args ...any) {
				if strings.HasPrefix(fmt.Sprintf(format, args...), "introspect "+after+":") {
					cancel()
				}
			}}
			_, err := InspectURL(ctx, url, opts)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("Inspect returned %v, want context.Canceled", err)
			}
			if open, opened, _ := rec.open(); open != 0 {
				t.Errorf("%d of %d helper connections left open", open, opened)
			}
			// A backend ends shortly after its client goes.
			var backends int
			for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
				err := monitor.QueryRow(context.Background(), `SELECT count(*) FROM pg_stat_activity
					WHERE datname = current_database() AND pid <> pg_backend_pid()`).Scan(&backends)
				if err != nil {
					t.Fatal(err)
				}
				if backends == 0 {
					break
				}
			}
			if backends != 0 {
				t.Errorf("%d backends still connected to the database", backends)
			}
		})
	}
}

// TestPrefetchedBlocks checks that values stored in prefetched blocks come
// back as they went in: NULL as nil, an empty value as empty but not nil,
// values that fill a block exactly, overflow it or exceed a block's size, and
// that a block is let go once it is read.
func TestPrefetchedBlocks(t *testing.T) {
	t.Parallel()
	fill := func(n int, c byte) []byte { return bytes.Repeat([]byte{c}, n) }
	cases := []struct {
		name   string
		values [][]byte
	}{
		{"null and empty", [][]byte{nil, {}, []byte("x"), nil}},
		{"block filled exactly", [][]byte{fill(blockSize-binary.MaxVarintLen32, 'a'), []byte("next")}},
		{"value larger than a block", [][]byte{[]byte("a"), fill(3*blockSize, 'b'), nil, []byte("c")}},
		{"many blocks", slices.Repeat([][]byte{fill(1000, 'd'), nil, fill(129, 'e')}, 200)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var r prefetched
			for _, v := range tc.values {
				r.put(v)
			}
			blocks := len(r.blocks)
			for i, want := range tc.values {
				got, err := r.next()
				if err != nil {
					t.Fatalf("value %d: %v", i, err)
				}
				if (got == nil) != (want == nil) || !bytes.Equal(got, want) {
					t.Fatalf("value %d: got %q (nil %v), want %q (nil %v)", i, got, got == nil, want, want == nil)
				}
			}
			if len(r.blocks) > 1 {
				t.Errorf("%d of %d blocks still held after reading them all", len(r.blocks), blocks)
			}
			if _, err := r.next(); err == nil {
				t.Error("reading past the last value: no error")
			}
		})
	}
}

// TestProgressCountsEveryRow checks that Options.Progress is told of every
// catalog row once, as many as the queries report reading, in batches of
// at most progressEvery, whether the helpers read their share or not.
func TestProgressCountsEveryRow(t *testing.T) {
	t.Parallel()
	url := load(t, manyTables(100))
	rowsRE := regexp.MustCompile(`^introspect [a-z ]+: (\d+) rows in `)
	for _, helpers := range []bool{true, false} {
		var (
			mu             sync.Mutex
			reported, read int
			calls, full    int
		)
		opts := Options{
			Progress: func(n int) {
				mu.Lock()
				defer mu.Unlock()
				if n <= 0 || n > progressEvery {
					t.Errorf("helpers %v: Progress(%d), want 1 to %d", helpers, n, progressEvery)
				}
				reported += n
				calls++
				if n == progressEvery {
					full++
				}
			},
			Debugf: func(format string, args ...any) {
				mu.Lock()
				defer mu.Unlock()
				if m := rowsRE.FindStringSubmatch(fmt.Sprintf(format, args...)); m != nil {
					n, _ := strconv.Atoi(m[1])
					read += n
				}
			},
		}
		var err error
		if helpers {
			_, err = InspectURL(context.Background(), url, opts)
		} else {
			conn, cerr := pgx.Connect(context.Background(), url)
			if cerr != nil {
				t.Fatal(cerr)
			}
			_, err = Inspect(context.Background(), conn, opts)
			conn.Close(context.Background())
		}
		if err != nil {
			t.Fatalf("helpers %v: %v", helpers, err)
		}
		if reported != read || read == 0 {
			t.Errorf("helpers %v: Progress told of %d rows, the queries read %d", helpers, reported, read)
		}
		if full == 0 || calls > read/progressEvery+25 {
			t.Errorf("helpers %v: %d calls (%d full batches) for %d rows: not batched", helpers, calls, full, read)
		}
	}
}

// TestRangesShareTheRelations checks that every connection of an inspection
// reads a part of the columns, constraints and indexes: the helpers' ranges
// and the inspecting connection's own are none of them empty, and together
// they read what one connection reads.
func TestRangesShareTheRelations(t *testing.T) {
	t.Parallel()
	url := load(t, manyTables(30))
	want := inspectOne(t, url)
	var mu sync.Mutex
	rows := map[string][]int{}
	re := regexp.MustCompile(`^introspect (columns|constraints|indexes): (\d+) rows in `)
	opts := Options{Connect: newConnRecorder(t, url).connect, Debugf: func(format string, args ...any) {
		if m := re.FindStringSubmatch(fmt.Sprintf(format, args...)); m != nil {
			n, _ := strconv.Atoi(m[2])
			mu.Lock()
			rows[m[1]] = append(rows[m[1]], n)
			mu.Unlock()
		}
	}}
	got, err := InspectURL(t.Context(), url, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Equal(want) {
		eq(t, "model", got, want)
	}
	for _, kind := range prefetchKinds {
		if len(rows[kind]) != prefetchParts || slices.Contains(rows[kind], 0) {
			t.Errorf("%s: rows per part %v, want %d parts, none empty", kind, rows[kind], prefetchParts)
		}
	}
}

// TestOIDRanges checks that the ranges cover every oid once, in order, with
// the cuts where rangesSQL put them.
func TestOIDRanges(t *testing.T) {
	const top = math.MaxUint32
	cases := []struct {
		cuts []uint32
		want [prefetchParts]oidRange
	}{
		{nil, [prefetchParts]oidRange{{0, top}, {1, 0}, {1, 0}}},
		{[]uint32{16400}, [prefetchParts]oidRange{{0, top}, {1, 0}, {1, 0}}}, // not as many cuts as asked for
		{[]uint32{16400, 20000}, [prefetchParts]oidRange{{0, 16399}, {16400, 19999}, {20000, top}}},
		{[]uint32{16400, 16400}, [prefetchParts]oidRange{{0, 16399}, {16400, 16399}, {16400, top}}},
	}
	for _, c := range cases {
		if got := oidRanges(c.cuts); got != c.want {
			t.Errorf("oidRanges(%v) = %v, want %v", c.cuts, got, c.want)
		}
	}
}
