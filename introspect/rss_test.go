package introspect

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// timeCmd is GNU time, which measures a command's peak resident set.
const timeCmd = "/usr/bin/time"

// BenchmarkInspectRSS5000 measures memory as a user sees it: the peak
// resident set of a whole `retort inspect --format json` process (the
// binary built from this tree) on the 5,000-table database of
// BenchmarkInspect5000, next to that of `pg_dump --schema-only` on the same
// database when pg_dump is on PATH. Each is run three times; rss-MB and
// pg_dump-rss-MB are the largest of the three, and every run is logged
// (go test -v). The figures are GNU time's, its -v's "Maximum resident set
// size" (see maxRSS for why not this process's own wait).
//
//	go test -run '^$' -bench InspectRSS5000 -benchtime 1x -v ./introspect
func BenchmarkInspectRSS5000(b *testing.B) {
	if _, err := os.Stat(timeCmd); err != nil {
		b.Skipf("needs GNU time: %v", err)
	}
	url := load(b, "")
	build5000(b, url)
	dir := b.TempDir()
	retort := filepath.Join(dir, "retort")
	if out, err := exec.Command("go", "build", "-o", retort, "github.com/retortdb/retort/cmd/retort").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	type run struct {
		unit string
		argv []string
	}
	runs := []run{{"rss-MB", []string{retort, "inspect", url, "--format", "json"}}}
	if pgDump, err := exec.LookPath("pg_dump"); err == nil {
		runs = append(runs, run{"pg_dump-rss-MB", []string{pgDump, "--schema-only", "-d", url}})
	}
	peak := map[string]float64{}
	for range b.N {
		for range 3 {
			for _, r := range runs {
				mb, err := maxRSS(dir, r.argv)
				if err != nil {
					b.Fatalf("%s: %v", r.argv[0], err)
				}
				b.Logf("%s: %.1f MB", r.unit, mb)
				peak[r.unit] = max(peak[r.unit], mb)
			}
		}
	}
	for _, r := range runs {
		b.ReportMetric(peak[r.unit], r.unit)
	}
}

// maxRSS runs argv in dir under /usr/bin/time, its output thrown away, and
// returns its peak resident set size in MB. Not from this process's own
// wait: Go starts children with vfork, and Linux counts the parent's
// resident set, large after an inspection of 5,000 tables, in the child's
// peak; time forks from a small process.
func maxRSS(dir string, argv []string) (float64, error) {
	report := filepath.Join(dir, "rss")
	cmd := exec.Command(timeCmd, append([]string{"-f", "%M", "-o", report}, argv...)...)
	cmd.Dir = dir
	devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return 0, err
	}
	defer devNull.Close()
	// stdout is written to /dev/null as a file, not through a pipe, so that
	// nothing in this process buffers it.
	cmd.Stdout = devNull
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return 0, err
	}
	out, err := os.ReadFile(report)
	if err != nil {
		return 0, err
	}
	kb, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil {
		return 0, fmt.Errorf("%s: %q: %w", timeCmd, out, err)
	}
	return float64(kb) / 1024, nil
}
