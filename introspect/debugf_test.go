package introspect

import (
	"fmt"
	"regexp"
	"testing"
)

// TestDebugfTimesQueries checks that Options.Debugf is told each catalog
// query's kind, rows and time.
func TestDebugfTimesQueries(t *testing.T) {
	url := load(t, "CREATE TABLE public.a (id int); CREATE TABLE public.b (id int);")
	var lines []string
	opts := Options{Debugf: func(f string, a ...any) { lines = append(lines, fmt.Sprintf(f, a...)) }}
	if _, err := InspectURL(t.Context(), url, opts); err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`^introspect [a-z ]+: \d+ rows in [0-9.]+[µm]?s$`)
	tables := false
	for _, l := range lines {
		if !re.MatchString(l) {
			t.Errorf("line %q does not match %v", l, re)
		}
		tables = tables || regexp.MustCompile(`^introspect tables: 2 rows in `).MatchString(l)
	}
	if len(lines) < 20 || !tables {
		t.Errorf("got %d lines, want one per catalog query, tables with 2 rows:\n%q", len(lines), lines)
	}
}
