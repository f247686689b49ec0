package diff

import (
	"reflect"
	"strings"
	"sync"
)

// fieldsOf returns the JSON names of the fields in which a and b, two
// stripped values of one model struct type, differ, in the order the type
// declares them. Comparing field by field is what reflect.DeepEqual does
// for the whole value; it runs only for values already found unequal.
func fieldsOf(a, b any) []string {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	names := jsonNames(va.Type())
	var out []string
	for i, name := range names {
		if name == "" {
			continue
		}
		if !reflect.DeepEqual(va.Field(i).Interface(), vb.Field(i).Interface()) {
			out = append(out, name)
		}
	}
	return out
}

// jsonNamesCache holds jsonNames' answer per type.
var jsonNamesCache sync.Map // reflect.Type → []string

// jsonNames returns the JSON name of each field of struct type t, as the
// model's json tags give it; "" for a field JSON leaves out (a hint such as
// RenamedFrom). An embedded struct (model.QName) is named by its own
// fields' names joined with "/", as it stands for the object's name.
func jsonNames(t reflect.Type) []string {
	if v, ok := jsonNamesCache.Load(t); ok {
		return v.([]string)
	}
	names := make([]string, t.NumField())
	for i := range names {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case tag == "-":
		case tag != "":
			names[i] = tag
		case f.Anonymous && f.Type.Kind() == reflect.Struct:
			names[i] = strings.Join(nonEmpty(jsonNames(f.Type)), "/")
		default:
			names[i] = f.Name
		}
	}
	v, _ := jsonNamesCache.LoadOrStore(t, names)
	return v.([]string)
}

func nonEmpty(s []string) []string {
	var out []string
	for _, x := range s {
		if x != "" {
			out = append(out, x)
		}
	}
	return out
}

// ChangedFields returns the Fields of c, whatever its type: for an Alter,
// the JSON names of the properties that differ; nil otherwise.
func ChangedFields(c Change) []string {
	if f, ok := c.(interface{ changedFields() []string }); ok {
		return f.changedFields()
	}
	return nil
}

func (c *ObjectChange[T]) changedFields() []string  { return c.Fields }
func (c *TableChange) changedFields() []string      { return c.Fields }
func (c *ColumnChange) changedFields() []string     { return c.Fields }
func (c *ConstraintChange) changedFields() []string { return c.Fields }
func (c *IndexChange) changedFields() []string      { return c.Fields }
