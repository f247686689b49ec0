package model

import (
	"reflect"
	"testing"
)

// TestClearPrivileges fills every Owner and Grants field the model has, of
// every kind, with reflection (so that a kind added later is covered
// without this test knowing it), and checks that ClearPrivileges leaves
// none set, removes default privileges and keeps the rest.
func TestClearPrivileges(t *testing.T) {
	var s Schema
	n := fillPrivileges(reflect.ValueOf(&s).Elem())
	if n < 30 {
		t.Fatalf("filled %d owner and grant fields; the model has more", n)
	}
	if len(s.DefaultPrivileges) == 0 || len(s.Tables) == 0 || s.Tables[0].Name == "" {
		t.Fatal("fillPrivileges did not fill the schema")
	}
	s.ClearPrivileges()
	for _, path := range setPrivileges(reflect.ValueOf(s), "Schema") {
		t.Errorf("%s is still set", path)
	}
	if len(s.DefaultPrivileges) != 0 {
		t.Errorf("default privileges kept: %v", s.DefaultPrivileges)
	}
	if len(s.Tables) != 1 || s.Tables[0].Name != "x" || len(s.Tables[0].Columns) != 1 {
		t.Errorf("ClearPrivileges changed more than privileges: %+v", s.Tables)
	}
}

// fillPrivileges gives every slice of structs under v one element, every
// string field a value ("x"; Owner too) and every Grants field a grant, and
// returns how many Owner and Grants fields it set.
func fillPrivileges(v reflect.Value) int {
	n := 0
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			f, sf := v.Field(i), v.Type().Field(i)
			if !sf.IsExported() {
				continue
			}
			switch {
			case sf.Name == "Grants" && f.Type() == reflect.TypeFor[[]Grant]():
				f.Set(reflect.ValueOf([]Grant{{Grantee: "alice", Privilege: "SELECT"}}))
				n++
			case f.Kind() == reflect.String:
				f.SetString("x")
				if sf.Name == "Owner" {
					n++
				}
			default:
				n += fillPrivileges(f)
			}
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Struct && v.Len() == 0 {
			v.Set(reflect.MakeSlice(v.Type(), 1, 1))
			n += fillPrivileges(v.Index(0))
		}
	}
	return n
}

// setPrivileges lists the Owner and Grants fields under v that are set.
func setPrivileges(v reflect.Value, path string) []string {
	var out []string
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			f, sf := v.Field(i), v.Type().Field(i)
			if !sf.IsExported() || sf.Name == "DefaultPrivileges" {
				continue
			}
			p := path + "." + sf.Name
			switch {
			case sf.Name == "Grants" && f.Len() > 0, sf.Name == "Owner" && f.Kind() == reflect.String && f.String() != "":
				out = append(out, p)
			default:
				out = append(out, setPrivileges(f, p)...)
			}
		}
	case reflect.Slice:
		for i := range v.Len() {
			out = append(out, setPrivileges(v.Index(i), path)...)
		}
	}
	return out
}
