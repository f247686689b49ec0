package migrate

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// rev makes a revision for graph tests; spec is "id parents... [@label] [>dep]".
func rev(spec string) *Revision {
	f := strings.Fields(spec)
	r := &Revision{ID: f[0], Filename: f[0] + ".sql", Created: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	for _, x := range f[1:] {
		switch x[0] {
		case '@':
			r.BranchLabels = append(r.BranchLabels, x[1:])
		case '>':
			r.DependsOn = append(r.DependsOn, x[1:])
		default:
			r.Parents = append(r.Parents, x)
		}
	}
	return r
}

func graph(t *testing.T, specs ...string) *Dir {
	t.Helper()
	var revs []*Revision
	for _, s := range specs {
		revs = append(revs, rev(s))
	}
	d, err := NewDir(revs)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// The graph of the branching tests, after Alembic's test_version_traversal:
//
//	a1 ── a2 ── a3 ─┬─ b1 ── b2 ─┬─ m1 ── c1
//	                └─ d1 ── d2 ─┘
//	e1 (@other) ── e2 (depends on a2)
func branchy(t *testing.T) *Dir {
	return graph(t,
		"aaaa01", "aaaa02 aaaa01", "aaaa03 aaaa02",
		"bbbb01 aaaa03 @bee", "bbbb02 bbbb01",
		"dddd01 aaaa03 @dee", "dddd02 dddd01",
		"mmmm01 bbbb02 dddd02", "cccc01 mmmm01",
		"eeee01 @other", "eeee02 eeee01 >aaaa02",
	)
}

func ids(steps []Step) []string {
	var out []string
	for _, s := range steps {
		out = append(out, s.Revision.ID)
	}
	return out
}

func TestResolve(t *testing.T) {
	d := branchy(t)
	tests := []struct {
		target  string
		current []string
		want    []string
		err     string
	}{
		{"base", nil, nil, ""},
		{"heads", nil, []string{"cccc01", "eeee02"}, ""},
		{"head", nil, nil, "several heads (cccc01, eeee02)"},
		{"bee@head", nil, []string{"cccc01"}, ""},
		{"other@head", nil, []string{"eeee02"}, ""},
		{"bee", nil, []string{"bbbb01"}, ""},
		{"mmmm01", nil, []string{"mmmm01"}, ""},
		{"mmmm", nil, []string{"mmmm01"}, ""},
		{"bbbb", nil, nil, "revision prefix \"bbbb\" is ambiguous: bbbb01, bbbb02"},
		{"cc", nil, nil, "at least 4 characters"},
		{"zzzz", nil, nil, "no revision or branch label \"zzzz\""},
		{"+1", nil, nil, "ambiguous walk, base has several children (aaaa01, eeee01)"},
		{"+2", []string{"aaaa01"}, []string{"aaaa03"}, ""},
		{"+1", []string{"aaaa03"}, nil, "ambiguous walk, aaaa03 has several children (bbbb01, dddd01)"},
		{"-1", []string{"aaaa03"}, []string{"aaaa02"}, ""},
		{"-3", []string{"aaaa03"}, nil, ""},
		{"-4", []string{"aaaa03"}, nil, "walks past base"},
		{"-1", []string{"mmmm01"}, nil, "mmmm01 is a merge of bbbb02, dddd02"},
		{"-1", []string{"bbbb02", "dddd02"}, nil, "several heads"},
		{"bbbb02-1", []string{"bbbb02", "dddd02"}, []string{"bbbb01"}, ""},
		{"dee@-1", []string{"bbbb02", "dddd02"}, []string{"dddd01"}, ""},
		{"bee@+1", []string{"bbbb01", "dddd02"}, []string{"bbbb02"}, ""},
		{"aaaa01+2", nil, []string{"aaaa03"}, ""},
		{"+1", []string{"cccc01"}, nil, "walks past the head cccc01"},
		{"head", []string{"ffff01"}, nil, "does not have"},
	}
	for _, tt := range tests {
		got, err := d.Resolve(tt.target, tt.current)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("Resolve(%q, %v) = %v, %v; want error %q", tt.target, tt.current, got, err, tt.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Resolve(%q, %v) = %v, %v; want %v", tt.target, tt.current, got, err, tt.want)
		}
	}
}

// simulate runs steps through versionOps from heads and returns the heads
// after them.
func simulate(t *testing.T, d *Dir, heads []string, steps []Step) []string {
	t.Helper()
	for _, s := range steps {
		var err error
		_, heads, err = d.versionOps(heads, s)
		if err != nil {
			t.Fatal(err)
		}
	}
	return heads
}

func TestTraversal(t *testing.T) {
	d := branchy(t)
	tests := []struct {
		name      string
		dir       Direction
		current   []string
		target    string
		steps     []string
		wantHeads []string
	}{
		{"upgrade linear", Up, nil, "aaaa03", []string{"aaaa01", "aaaa02", "aaaa03"}, []string{"aaaa03"}},
		{"upgrade one branch", Up, []string{"aaaa03"}, "bbbb02", []string{"bbbb01", "bbbb02"}, []string{"bbbb02"}},
		{"second branch adds a head", Up, []string{"bbbb02"}, "dddd02", []string{"dddd01", "dddd02"}, []string{"bbbb02", "dddd02"}},
		{"merge folds two heads", Up, []string{"bbbb02", "dddd02"}, "cccc01", []string{"mmmm01", "cccc01"}, []string{"cccc01"}},
		{"merge from one branch", Up, []string{"bbbb02"}, "mmmm01", []string{"dddd01", "dddd02", "mmmm01"}, []string{"mmmm01"}},
		{"heads from base", Up, nil, "heads", []string{"aaaa01", "aaaa02", "aaaa03", "bbbb01", "bbbb02", "dddd01", "dddd02", "eeee01", "eeee02", "mmmm01", "cccc01"}, []string{"cccc01", "eeee02"}},
		{"depends_on pulls its dependency", Up, nil, "eeee02", []string{"aaaa01", "aaaa02", "eeee01", "eeee02"}, []string{"eeee02"}},
		{"dependency row folded", Up, []string{"aaaa02", "eeee01"}, "eeee02", []string{"eeee02"}, []string{"eeee02"}},
		{"downgrade -1", Down, []string{"aaaa03"}, "-1", []string{"aaaa03"}, []string{"aaaa02"}},
		{"downgrade base", Down, []string{"aaaa03"}, "base", []string{"aaaa03", "aaaa02", "aaaa01"}, nil},
		{"unmerge restores two heads", Down, []string{"cccc01"}, "bbbb02", []string{"cccc01", "mmmm01"}, []string{"bbbb02", "dddd02"}},
		{"unmerge to both parents", Down, []string{"mmmm01"}, "mmmm01-1", nil, nil},
		{"downgrade one branch keeps the other", Down, []string{"bbbb02", "dddd02"}, "aaaa03", []string{"dddd02", "dddd01", "bbbb02", "bbbb01"}, []string{"aaaa03"}},
		{"downgrade a branch point", Down, []string{"bbbb02", "dddd02"}, "dddd01", []string{"dddd02"}, []string{"bbbb02", "dddd01"}},
		{"downgrade takes dependents", Down, []string{"aaaa03", "eeee02"}, "aaaa01", []string{"eeee02", "aaaa03", "aaaa02"}, []string{"aaaa01", "eeee01"}},
		{"downgrade whole branch", Down, []string{"bbbb01", "dddd01"}, "aaaa03", []string{"dddd01", "bbbb01"}, []string{"aaaa03"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var steps []Step
			var err error
			if tt.dir == Up {
				steps, err = d.UpgradeSteps(tt.current, tt.target)
			} else {
				steps, err = d.DowngradeSteps(tt.current, tt.target)
			}
			if strings.HasPrefix(tt.name, "unmerge to both") {
				if err == nil || !strings.Contains(err.Error(), "merge") {
					t.Errorf("want an ambiguous-walk error, got %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(steps); !reflect.DeepEqual(got, tt.steps) {
				t.Errorf("steps %v, want %v", got, tt.steps)
			}
			if got := simulate(t, d, tt.current, steps); !slices.Equal(got, tt.wantHeads) {
				t.Errorf("heads after %v, want %v", got, tt.wantHeads)
			}
		})
	}
	if _, err := d.DowngradeSteps([]string{"bbbb02"}, "dddd01"); err == nil || !strings.Contains(err.Error(), "not applied") {
		t.Errorf("downgrade to an unapplied revision: %v", err)
	}
}

func TestGraphErrors(t *testing.T) {
	tests := []struct {
		specs []string
		want  string
	}{
		{[]string{"aaaa01", "aaaa01"}, "two files have revision id aaaa01 (aaaa01.sql, aaaa01.sql)"},
		{[]string{"aaaa01", "bbbb01 zzzz01"}, "revision bbbb01 names unknown parent zzzz01 (bbbb01.sql)"},
		{[]string{"aaaa01 cccc01", "bbbb01 aaaa01", "cccc01 bbbb01", "dddd01"}, "the revisions form a cycle (aaaa01.sql, bbbb01.sql, cccc01.sql)"},
		{[]string{"aaaa01 >nope"}, "depends on unknown revision nope"},
		{[]string{"aaaa01 @x", "bbbb01 @x"}, "two revisions have branch label \"x\""},
		{[]string{"aaaa01 aaaa01"}, "its own parent"},
	}
	for _, tt := range tests {
		var revs []*Revision
		for _, s := range tt.specs {
			revs = append(revs, rev(s))
		}
		_, err := NewDir(revs)
		var ge *GraphError
		if !errors.As(err, &ge) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("NewDir(%v): %v, want %q", tt.specs, err, tt.want)
		}
	}
}

func TestStampHeads(t *testing.T) {
	d := branchy(t)
	tests := []struct {
		cur, revs, want []string
	}{
		{nil, []string{"head"}, nil}, // error case checked below
		{nil, []string{"aaaa02"}, []string{"aaaa02"}},
		{[]string{"aaaa02"}, []string{"bbbb01"}, []string{"bbbb01"}},
		{[]string{"bbbb02", "eeee01"}, []string{"aaaa03"}, []string{"aaaa03", "eeee01"}},
		{[]string{"bbbb02", "dddd01"}, []string{"dddd02"}, []string{"bbbb02", "dddd02"}},
		{[]string{"cccc01", "eeee01"}, []string{"base"}, nil},
		{nil, []string{"heads"}, []string{"cccc01", "eeee02"}},
		{nil, []string{"aaaa01", "aaaa03"}, []string{"aaaa03"}},
	}
	for i, tt := range tests {
		got, err := d.stampHeads(tt.cur, tt.revs)
		if i == 0 {
			if err == nil {
				t.Errorf("stamp head with two heads: no error")
			}
			continue
		}
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("stamp %v over %v = %v, %v; want %v", tt.revs, tt.cur, got, err, tt.want)
		}
	}
}

func TestOptionsValidate(t *testing.T) {
	for _, o := range []*Options{
		{StatementTimeout: -time.Second},
		{VersionTable: strings.Repeat("v", 64)},
		{ProgressTable: strings.Repeat("p", 64)},
		{VersionTable: "same", HistoryTable: "same"},
		{HistoryTable: "same", ProgressTable: "same"},
		{VersionTable: DefaultProgressTable},
	} {
		if err := o.Validate(); err == nil {
			t.Errorf("Validate(%+v): no error", o)
		}
		if _, err := Script(branchy(t), "", "heads", Up, o); err == nil {
			t.Errorf("Script with %+v: no error", o)
		}
	}
	var nilOpts *Options
	if err := nilOpts.Validate(); err != nil {
		t.Error(err)
	}
}

func TestBetween(t *testing.T) {
	d := branchy(t)
	revIDs := func(rs []*Revision) string {
		var out []string
		for _, r := range rs {
			out = append(out, r.ID)
		}
		slices.Sort(out)
		return strings.Join(out, " ")
	}
	tests := []struct {
		from, to []string
		want     string
	}{
		{nil, []string{"aaaa02"}, "aaaa01 aaaa02"},
		{[]string{"aaaa03"}, []string{"mmmm01"}, "aaaa03 bbbb01 bbbb02 dddd01 dddd02 mmmm01"},
		{[]string{"bbbb02"}, nil, "bbbb02 cccc01 mmmm01"},
		// e2 depends on a2: it follows a2 as much as its parent.
		{[]string{"aaaa02"}, []string{"eeee02"}, "aaaa02 eeee02"},
		{[]string{"dddd02"}, []string{"bbbb02"}, ""},
	}
	for _, tt := range tests {
		if got := revIDs(d.Between(tt.from, tt.to)); got != tt.want {
			t.Errorf("Between(%v, %v) = %q, want %q", tt.from, tt.to, got, tt.want)
		}
	}
}
