package diff

import (
	"errors"
	"testing"

	"github.com/retortdb/retort/model"
)

func TestCheckServerNotNull(t *testing.T) {
	q := model.QName{Schema: "public", Name: "t"}
	tests := []struct {
		name  string
		col   model.Column
		major int
		want  string // the feature needing 18, or "" for none
	}{
		{"plain on 13", model.Column{Name: "c", NotNull: true}, 13, ""},
		{"named on 17", model.Column{Name: "c", NotNull: true, NotNullName: "c_nn"}, 17, "a named NOT NULL constraint (c_nn)"},
		{"not valid on 16", model.Column{Name: "c", NotNull: true, NotNullNotValid: true}, 16, "a NOT VALID NOT NULL constraint"},
		{"no inherit on 15", model.Column{Name: "c", NotNull: true, NotNullNoInherit: true}, 15, "a NO INHERIT NOT NULL constraint"},
		{"named on 18", model.Column{Name: "c", NotNull: true, NotNullName: "c_nn", NotNullNotValid: true}, 18, ""},
		{"unknown server", model.Column{Name: "c", NotNull: true, NotNullName: "c_nn"}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkServer([]Change{&ColumnChange{Table: q, Operation: Create, To: &tt.col}}, tt.major)
			var old *ServerTooOldError
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.want == "":
			case !errors.As(err, &old):
				t.Fatalf("want a *ServerTooOldError, got %v", err)
			case len(old.Needs) != 1 || old.Needs[0].Major != 18 || old.Needs[0].Feature != tt.want:
				t.Fatalf("needs = %+v, want %q (18)", old.Needs, tt.want)
			}
		})
	}
}

// TestCheckServerStatistics: statistics on expressions need PostgreSQL 14;
// on plain columns they do not, whatever the names or kinds hold.
func TestCheckServerStatistics(t *testing.T) {
	for _, tt := range []struct {
		def   string
		major int
		want  bool
	}{
		{"CREATE STATISTICS public.s ON a, b FROM public.t", 13, false},
		{"CREATE STATISTICS public.s ON (lower(a)), b FROM public.t", 13, true},
		{"CREATE STATISTICS public.s ON a, (b + 1) FROM public.t", 13, true},
		{"CREATE STATISTICS public.s (ndistinct) ON a, b FROM public.t", 13, false},
		{"CREATE STATISTICS public.\"s ON (x)\" ON a, b FROM public.t", 13, false},
		{"CREATE STATISTICS public.s ON (lower(a)), b FROM public.t", 14, false},
	} {
		st := model.Statistics{QName: model.QName{Schema: "public", Name: "s"}, Definition: tt.def}
		err := checkServer([]Change{&ObjectChange[model.Statistics]{Operation: Create, To: &st}}, tt.major)
		var old *ServerTooOldError
		if got := errors.As(err, &old); got != tt.want {
			t.Errorf("%s on %d: error %v, want one: %v", tt.def, tt.major, err, tt.want)
		} else if got && (old.Needs[0].Major != 14 || old.Needs[0].Feature != "statistics on expressions") {
			t.Errorf("%s: needs %+v", tt.def, old.Needs)
		}
	}
}
