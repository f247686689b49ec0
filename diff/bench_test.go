package diff

import (
	"fmt"
	"testing"

	"github.com/retortdb/retort/model"
)

// synthetic builds n tables of 10 columns, a primary key, two indexes and a
// foreign key to the previous table, like the introspection benchmark's
// database.
func synthetic(n int) *model.Schema {
	s := &model.Schema{Namespaces: []model.Namespace{{Name: "public"}}}
	for i := range n {
		name := fmt.Sprintf("t%05d", i)
		t := model.Table{QName: model.QName{Schema: "public", Name: name}, Kind: model.TableOrdinary}
		for c := range 10 {
			t.Columns = append(t.Columns, model.Column{Name: fmt.Sprintf("c%d", c), Type: "integer", NotNull: c == 0})
		}
		t.Constraints = []model.Constraint{{Name: name + "_pkey", Type: model.PrimaryKey, Definition: "PRIMARY KEY (c0)", Columns: []string{"c0"}}}
		if i > 0 {
			ref := model.QName{Schema: "public", Name: fmt.Sprintf("t%05d", i-1)}
			t.Constraints = append(t.Constraints, model.Constraint{Name: name + "_fk", Type: model.ForeignKey,
				Definition: "FOREIGN KEY (c1) REFERENCES public." + ref.Name + "(c0)", Columns: []string{"c1"}, RefTable: &ref, RefColumns: []string{"c0"}})
		}
		for k := 1; k <= 2; k++ {
			ix := fmt.Sprintf("%s_c%d_idx", name, k)
			t.Indexes = append(t.Indexes, model.Index{Name: ix, Method: "btree", Keys: []string{fmt.Sprintf("c%d", k)},
				Definition: fmt.Sprintf("CREATE INDEX %s ON public.%s USING btree (c%d)", ix, name, k)})
		}
		s.Tables = append(s.Tables, t)
	}
	s.Normalize()
	return s
}

// BenchmarkCompare diffs two models of n tables that differ in one column of
// every tenth table; ns/op should grow linearly with n.
func BenchmarkCompare(b *testing.B) {
	for _, n := range []int{500, 5000} {
		from, to := synthetic(n), synthetic(n)
		for i := 0; i < n; i += 10 {
			to.Tables[i].Columns[5].Type = "bigint"
		}
		b.Run(fmt.Sprintf("tables=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				cs, err := Compare(from, to, Options{})
				if err != nil || len(cs) != n/10 {
					b.Fatalf("got %d changes, %v", len(cs), err)
				}
			}
		})
	}
}
