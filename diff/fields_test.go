package diff

import (
	"reflect"
	"slices"
	"testing"

	"github.com/retortdb/retort/model"
)

// An Alter names the fields that differ, by their JSON names, in the
// order the model declares them, and only those Options compare.
func TestFields(t *testing.T) {
	tests := []struct {
		name   string
		opts   Options
		change func(s *model.Schema)
		want   []string
	}{
		{"column type and default", Options{}, func(s *model.Schema) {
			c := &s.Tables[0].Columns[1]
			c.Default, c.Type = "'x'::text", "character varying(10)"
		}, []string{"type", "default"}},
		{"table comment, owner ignored", Options{}, func(s *model.Schema) {
			s.Tables[0].Comment, s.Tables[0].Owner = "people", "bob"
		}, []string{"comment"}},
		{"table owner compared", Options{Owners: true}, func(s *model.Schema) {
			s.Tables[0].Owner = "bob"
		}, []string{"owner"}},
		{"enum labels", Options{}, func(s *model.Schema) {
			s.Enums[0].Labels = append(s.Enums[0].Labels, "c")
		}, []string{"labels"}},
		{"index definition", Options{}, func(s *model.Schema) {
			ix := &s.Tables[0].Indexes[0]
			ix.Definition = "CREATE UNIQUE INDEX users_email ON public.users USING btree (email)"
			ix.Unique = true
		}, []string{"definition", "unique"}},
		{"constraint deferrable", Options{}, func(s *model.Schema) {
			s.Tables[0].Constraints[0].Deferrable = true
		}, []string{"deferrable"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			to := schemaA()
			tt.change(to)
			cs, err := Compare(schemaA(), to, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(cs) != 1 || cs[0].Op() != Alter {
				t.Fatalf("changes %s, want one alter", describe(cs))
			}
			if got := ChangedFields(cs[0]); !slices.Equal(got, tt.want) {
				t.Errorf("Fields = %q, want %q", got, tt.want)
			}
		})
	}
}

// CompareColumns has a bit for every property of a column: a field added
// to model.Column without one would be a change the planner never sees.
func TestCompareColumnsCoversEveryField(t *testing.T) {
	notCompared := map[string]bool{"Name": true, "Deps": true, "RenamedFrom": true}
	typ := reflect.TypeFor[model.Column]()
	seen := ColumnDelta(0)
	for i := range typ.NumField() {
		f := typ.Field(i)
		if notCompared[f.Name] {
			continue
		}
		var a, b model.Column
		setNonZero(t, reflect.ValueOf(&b).Elem().Field(i))
		d := CompareColumns(&a, &b)
		if d == 0 {
			t.Errorf("a change of Column.%s is not in CompareColumns' delta", f.Name)
			continue
		}
		if d&(d-1) != 0 {
			t.Errorf("a change of Column.%s sets more than one bit: %b", f.Name, d)
		}
		seen |= d
	}
	if all := ColumnInherited<<1 - 1; seen != all {
		t.Errorf("bits %b are set by no field", all&^seen)
	}
}

// setNonZero gives v a value other than its zero value.
func setNonZero(t *testing.T, v reflect.Value) {
	t.Helper()
	switch v.Kind() {
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
	default:
		t.Fatalf("no non-zero value for a %s", v.Type())
	}
}
