package render_test

import (
	"fmt"
	"testing"

	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render"
)

func bigSchema(n int) *model.Schema {
	s := &model.Schema{Namespaces: []model.Namespace{{Name: "public"}}}
	for i := range n {
		name := fmt.Sprintf("t%05d", i)
		t := model.Table{QName: q("public", name), Kind: model.TableOrdinary}
		for c := range 10 {
			t.Columns = append(t.Columns, model.Column{Name: fmt.Sprintf("c%d", c), Type: "integer"})
		}
		t.Constraints = append(t.Constraints, model.Constraint{Name: name + "_pkey", Type: model.PrimaryKey, Definition: "PRIMARY KEY (c0)"})
		for k := range 2 {
			other := fmt.Sprintf("t%05d", (i*7+k*13)%n)
			t.Constraints = append(t.Constraints, model.Constraint{Name: fmt.Sprintf("%s_fk%d", name, k), Type: model.ForeignKey,
				Definition: "FOREIGN KEY (c1) REFERENCES public." + other + "(c0)", RefTable: qp("public", other),
				Deps: []model.ObjectRef{{Kind: model.KindConstraint, Schema: "public", Table: other, Name: other + "_pkey"}, ref(model.KindTable, "public", other)}})
		}
		for k := range 3 {
			t.Indexes = append(t.Indexes, model.Index{Name: fmt.Sprintf("%s_i%d", name, k),
				Definition: fmt.Sprintf("CREATE INDEX %s_i%d ON public.%s USING btree (c%d)", name, k, name, k+2)})
		}
		s.Tables = append(s.Tables, t)
	}
	return s
}

func BenchmarkSchemaSQL(b *testing.B) {
	s := bigSchema(5000)
	for b.Loop() {
		if _, err := render.SchemaSQL(s, render.Options{Comments: true}); err != nil {
			b.Fatal(err)
		}
	}
}
