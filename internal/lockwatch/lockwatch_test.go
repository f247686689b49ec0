package main

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/retortdb/retort/internal/devdb/devdbtest"
)

func TestMain(m *testing.M) { devdbtest.Main(m) }

func TestSummarize(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	// 1..200 ms in random order, and one stall.
	var lat []time.Duration
	for i := 1; i <= 200; i++ {
		lat = append(lat, time.Duration(i)*ms)
	}
	rand.Shuffle(len(lat), func(i, j int) { lat[i], lat[j] = lat[j], lat[i] })
	withStall := append([]time.Duration{3 * time.Second}, lat...)
	for _, tt := range []struct {
		name             string
		lat              []time.Duration
		max, p99, median time.Duration
		writes           int
	}{
		{"empty", nil, 0, 0, 0, 0},
		{"one", []time.Duration{7 * ms}, 7 * ms, 7 * ms, 7 * ms, 1},
		{"1 to 200 ms", lat, 200 * ms, 198 * ms, 100 * ms, 200},
		// One stall among 201 writes is the longest, not the 99th percentile.
		{"a stall", withStall, 3 * time.Second, 199 * ms, 101 * ms, 201},
	} {
		s := summarize(tt.lat)
		if s.Max != tt.max || s.P99 != tt.p99 || s.Median != tt.median || s.Writes != tt.writes {
			t.Errorf("%s: %+v, want max %v, p99 %v, median %v, %d writes", tt.name, s, tt.max, tt.p99, tt.median, tt.writes)
		}
	}
}

// A plain ALTER TABLE … ADD CHECK behind a transaction that read the table
// for a second queues its ACCESS EXCLUSIVE request, and every write queues
// behind it: the writer stalls for about that second (less than the
// lock_timeout, so the plan's first try gets the lock), then goes on.
func TestBlockedPlanStallsWriter(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	url := devdbtest.NewDatabase(t)
	const rows = 2000
	if err := (bench{}).exec(ctx, url, loadSQL(rows)...); err != nil {
		t.Fatal(err)
	}
	var check op
	for _, o := range ops {
		if o.name == blockedOp {
			check = o
		}
	}
	const hold = time.Second
	var logs []string
	res, err := scenario{op: check, hold: hold}.run(ctx, url, rows, func(f string, args ...any) {
		logs = append(logs, f)
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Err != nil || res.Mismatch != "" {
		t.Fatalf("upgrade: %v; the database differs: %q", res.Err, res.Mismatch)
	}
	if res.Writer.Max < hold*7/10 || res.Writer.Max > 2500*time.Millisecond {
		t.Errorf("longest write %v, want about %v, at most the lock_timeout", res.Writer.Max, hold)
	}
	if res.Upgrade < hold*8/10 || res.Retries != 0 {
		t.Errorf("upgrade took %v with %d retries, want about %v and none (logs %q)", res.Upgrade, res.Retries, hold, logs)
	}
	if res.Writer.Writes < 50 || res.Writer.Errors != 0 {
		t.Errorf("writer: %+v, want some writes and no failures", res.Writer)
	}
	if res.Statements != 1 || !strings.Contains(res.Mode, "plain, behind a 1s reader") {
		t.Errorf("result %+v", res)
	}
}
