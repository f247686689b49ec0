package ddl

import (
	"testing"
)

func TestStatisticsUses(t *testing.T) {
	for _, tc := range []struct {
		def  string
		cols []string
		want bool
	}{
		{"CREATE STATISTICS public.s ON a, b FROM public.t", []string{"b"}, true},
		{"CREATE STATISTICS public.s ON a, b FROM public.t", []string{"c"}, false},
		{"CREATE STATISTICS public.s ON a, b FROM public.t", []string{"t"}, false},
		{"CREATE STATISTICS public.s ON a, b FROM public.t", []string{"s"}, false},
		{`CREATE STATISTICS public.s (mcv) ON "Odd ""x""", b FROM public.t`, []string{`Odd "x"`}, true},
		{"CREATE STATISTICS public.s ON c, lower(d) FROM public.t", []string{"d"}, true},
		{"CREATE STATISTICS public.s ON c, (d || 'e'::text) FROM public.t", []string{"e"}, false},
		{"CREATE STATISTICS public.s ON c, (d || 'e'::text) FROM public.t", []string{"text"}, true}, // a false match costs a rebuild only
		{"CREATE STATISTICS public.s ON c, d FROM public.\"FROM x\"", []string{"x"}, false},
	} {
		cols := map[string]bool{}
		for _, c := range tc.cols {
			cols[c] = true
		}
		if got := StatisticsUses(tc.def, cols); got != tc.want {
			t.Errorf("statisticsUses(%q, %v) = %v, want %v", tc.def, tc.cols, got, tc.want)
		}
	}
}
