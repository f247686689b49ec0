package diff

import (
	"fmt"
	"strings"
	"testing"

	"github.com/retortdb/retort/model"
)

func TestPossibleRenames(t *testing.T) {
	cols := func(spec ...string) []model.Column {
		var out []model.Column
		for _, s := range spec {
			name, typ, _ := strings.Cut(s, " ")
			out = append(out, model.Column{Name: name, Type: typ})
		}
		return out
	}
	table := func(name string, c ...string) model.Table {
		return model.Table{QName: model.QName{Schema: "public", Name: name}, Kind: model.TableOrdinary, Columns: cols(c...)}
	}
	tests := []struct {
		name     string
		from, to []model.Table
		want     string
	}{
		{"column of the same type",
			[]model.Table{table("users", "id integer", "name text")},
			[]model.Table{table("users", "id integer", "full_name text")},
			"public.users.name=full_name (same type text);"},
		{"column of another type is not a look-alike",
			[]model.Table{table("users", "id integer", "name text")},
			[]model.Table{table("users", "id integer", "full_name character varying(10)")},
			""},
		{"two drops of one type are ambiguous",
			[]model.Table{table("users", "id integer", "a text", "b text")},
			[]model.Table{table("users", "id integer", "c text")},
			""},
		{"pairs are found per type",
			[]model.Table{table("users", "id integer", "a text", "n integer")},
			[]model.Table{table("users", "id integer", "b text", "m integer")},
			"public.users.a=b (same type text);public.users.n=m (same type integer);"},
		{"table with the same columns",
			[]model.Table{table("users", "id integer", "name text")},
			[]model.Table{table("people", "name text", "id integer")},
			"public.users=people (same columns);"},
		{"table with most columns in common",
			[]model.Table{table("users", "id integer", "name text", "email text")},
			[]model.Table{table("people", "id integer", "name text", "email text", "age integer")},
			"public.users=people (most columns in common);"},
		{"table with little in common",
			[]model.Table{table("users", "id integer", "name text", "email text")},
			[]model.Table{table("orders", "id integer", "total numeric")},
			""},
		{"two equal candidates are ambiguous",
			[]model.Table{table("users", "id integer", "name text")},
			[]model.Table{table("people", "id integer", "name text"), table("persons", "id integer", "name text")},
			""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from := &model.Schema{Namespaces: []model.Namespace{{Name: "public"}}, Tables: tt.from}
			to := &model.Schema{Namespaces: []model.Namespace{{Name: "public"}}, Tables: tt.to}
			from.Normalize()
			to.Normalize()
			cs, err := Compare(from, to, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var got strings.Builder
			for _, p := range PossibleRenames(cs) {
				fmt.Fprintf(&got, "%s (%s);", p.Hint(), p.Why)
				h, err := ParseRename(p.Hint())
				if err != nil {
					t.Errorf("hint %q does not parse: %v", p.Hint(), err)
					continue
				}
				// The hint must turn the drop and create into a rename.
				cs2, err := Compare(from, to, Options{Renames: []RenameHint{h}})
				if err != nil {
					t.Fatal(err)
				}
				if n := countOp(cs2, Rename); n != 1 {
					t.Errorf("with --rename %s: %d renames in %s", p.Hint(), n, describe(cs2))
				}
			}
			if got.String() != tt.want {
				t.Errorf("PossibleRenames = %q, want %q", got.String(), tt.want)
			}
		})
	}
}

func countOp(cs []Change, op Op) int {
	n := 0
	for _, c := range cs {
		if c.Op() == op {
			n++
		}
	}
	return n
}
