package migrate

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// TestRunnerLogs checks what a run tells Logf (one progress line per step)
// and Debugf (each step's file and each statement with its duration).
func TestRunnerLogs(t *testing.T) {
	conn := newConn(t)
	r := &Revision{ID: "aaaa00000001", Message: "create t", Up: []Statement{
		{SQL: "-- hazard: x\nCREATE TABLE public.t (id int)"},
		{SQL: "INSERT INTO public.t\n  VALUES (1)"},
	}, Down: []Statement{{SQL: "DROP TABLE public.t"}}}
	d := memDir(t, r)
	var info, debug []string
	opts := &Options{
		Logf:   func(f string, a ...any) { info = append(info, fmt.Sprintf(f, a...)) },
		Debugf: func(f string, a ...any) { debug = append(debug, fmt.Sprintf(f, a...)) },
	}
	if _, err := Upgrade(t.Context(), conn, d, "heads", opts); err != nil {
		t.Fatal(err)
	}
	if want := []string{"up aaaa00000001, create t"}; strings.Join(info, "\n") != strings.Join(want, "\n") {
		t.Errorf("Logf got %q, want %q", info, want)
	}
	wantDebug := []*regexp.Regexp{
		regexp.MustCompile(`^up aaaa00000001: aaaa00000001\.sql$`),
		regexp.MustCompile(`^aaaa00000001\.sql:7: CREATE TABLE public\.t \(id int\) \([0-9.]+[µm]?s\)$`),
		regexp.MustCompile(`^aaaa00000001\.sql:9: INSERT INTO public\.t VALUES \(1\) \([0-9.]+[µm]?s\)$`),
	}
	if len(debug) != len(wantDebug) {
		t.Fatalf("Debugf got %q, want %d lines", debug, len(wantDebug))
	}
	for i, re := range wantDebug {
		if !re.MatchString(debug[i]) {
			t.Errorf("Debugf line %d = %q, want %v", i, debug[i], re)
		}
	}
}

func TestStatementSummary(t *testing.T) {
	long := "SELECT " + strings.Repeat("x, ", 60) + "y"
	for _, tc := range []struct{ in, want string }{
		{"-- hazard: data-loss\nDROP TABLE\n  public.t", "DROP TABLE public.t"},
		{"/* c */ SELECT 1", "SELECT 1"},
		{long, long[:119] + "…"},
	} {
		if got := statementSummary(tc.in); got != tc.want {
			t.Errorf("statementSummary(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
