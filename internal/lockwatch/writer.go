package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// writeInterval is how often the writer starts an insert and an update.
const writeInterval = 5 * time.Millisecond

// Stats summarizes the latencies of a run's writes.
type Stats struct {
	Writes int           // writes that committed
	Errors int           // writes that failed
	Max    time.Duration // the longest write: how long the writer stalled at worst
	P99    time.Duration // the 99th percentile write
	Median time.Duration
	// Err is the first failed write's error, if one failed.
	Err error
}

// summarize computes the statistics of the latencies of committed writes
// (in any order).
func summarize(lat []time.Duration) Stats {
	s := Stats{Writes: len(lat)}
	if len(lat) == 0 {
		return s
	}
	sorted := slices.Clone(lat)
	slices.Sort(sorted)
	s.Max = sorted[len(sorted)-1]
	s.P99 = percentile(sorted, 99)
	s.Median = percentile(sorted, 50)
	return s
}

// percentile returns the p-th percentile of sorted by the nearest-rank
// method: the smallest value that at least p% of the values do not exceed.
func percentile(sorted []time.Duration, p int) time.Duration {
	rank := (p*len(sorted) + 99) / 100 // ceil(p/100 * n)
	return sorted[max(rank, 1)-1]
}

// A writer stands for an application: on a connection of its own, every
// writeInterval it inserts a row into the table and updates a random one of
// its first rows, each statement its own transaction, and records how long
// each took from send to commit.
type writer struct {
	conn   *pgx.Conn
	table  string // qualified
	rows   int    // ids 1..rows exist
	cancel context.CancelFunc
	done   chan struct{}

	mu    sync.Mutex
	lat   []time.Duration
	fails int
	err   error
}

// startWriter connects to url and starts writing to table (lw.t's shape),
// whose ids 1..rows exist and reference lw.parent's ids 1..rows.
func startWriter(ctx context.Context, url, table string, rows int) (*writer, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("writer: connect: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	w := &writer{conn: conn, table: table, rows: rows, cancel: cancel, done: make(chan struct{})}
	go w.loop(ctx)
	return w, nil
}

func (w *writer) loop(ctx context.Context) {
	defer close(w.done)
	insert := "INSERT INTO " + w.table + " (a, b, parent_id, note) VALUES ($1, $2, $3, 'writer')"
	update := "UPDATE " + w.table + " SET a = a + 1, note = 'updated' WHERE id = $1"
	tick := time.NewTicker(writeInterval)
	defer tick.Stop()
	for n := 1; ; n++ {
		// b stays unique and not null: the unique constraint and SET NOT
		// NULL operations need it to.
		w.write(ctx, insert, rand.IntN(1000), w.rows+n, 1+rand.IntN(w.rows))
		w.write(ctx, update, 1+rand.IntN(w.rows))
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// write runs one statement and records its latency, or its failure.
func (w *writer) write(ctx context.Context, sql string, args ...any) {
	start := time.Now()
	_, err := w.conn.Exec(ctx, sql, args...)
	took := time.Since(start)
	if ctx.Err() != nil {
		return // stopped mid-write: not a measurement
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if err != nil {
		w.fails++
		if w.err == nil {
			w.err = err
		}
		return
	}
	w.lat = append(w.lat, took)
}

// stop ends the writer, closes its connection and returns its statistics.
func (w *writer) stop(ctx context.Context) Stats {
	w.cancel()
	<-w.done
	_ = w.conn.Close(ctx)
	w.mu.Lock()
	defer w.mu.Unlock()
	s := summarize(w.lat)
	s.Errors, s.Err = w.fails, w.err
	return s
}
