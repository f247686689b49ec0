package diff

import (
	"fmt"
	"strings"
	"testing"

	"github.com/retortdb/retort/model"
)

func schemaA() *model.Schema {
	s := &model.Schema{
		Namespaces: []model.Namespace{{Name: "public", Owner: "postgres"}},
		Enums:      []model.Enum{{QName: model.QName{Schema: "public", Name: "mood"}, Labels: []string{"a", "b"}}},
		Tables: []model.Table{{
			QName: model.QName{Schema: "public", Name: "users"}, Kind: model.TableOrdinary, Owner: "alice",
			Columns:     []model.Column{{Name: "id", Type: "integer", NotNull: true}, {Name: "email", Type: "text"}},
			Constraints: []model.Constraint{{Name: "users_pkey", Type: model.PrimaryKey, Definition: "PRIMARY KEY (id)", Columns: []string{"id"}}},
			Indexes:     []model.Index{{Name: "users_email", Definition: "CREATE INDEX users_email ON public.users USING btree (email)", Method: "btree", Keys: []string{"email"}}},
		}},
	}
	s.Normalize()
	return s
}

func describe(cs []Change) string {
	var b strings.Builder
	for _, c := range cs {
		fmt.Fprintf(&b, "%s %s;", c.Op(), c.Ref())
	}
	return b.String()
}

func TestCompareSameIsEmpty(t *testing.T) {
	cs, err := Compare(schemaA(), schemaA(), Options{Owners: true, Privileges: true})
	if err != nil || len(cs) != 0 {
		t.Fatalf("Compare(x, x) = %s, %v; want nothing", describe(cs), err)
	}
}

func TestCompare(t *testing.T) {
	tests := []struct {
		name   string
		opts   Options
		change func(s *model.Schema)
		want   string
	}{
		{"add column", Options{}, func(s *model.Schema) {
			s.Tables[0].Columns = append(s.Tables[0].Columns, model.Column{Name: "age", Type: "integer"})
		}, "create column public.users.age;"},
		{"drop column", Options{}, func(s *model.Schema) {
			s.Tables[0].Columns = s.Tables[0].Columns[:1]
		}, "drop column public.users.email;"},
		{"alter column type", Options{}, func(s *model.Schema) {
			s.Tables[0].Columns[1].Type = "character varying(10)"
		}, "alter column public.users.email;"},
		{"column deps alone are no change", Options{}, func(s *model.Schema) {
			s.Tables[0].Columns[1].Deps = []model.ObjectRef{{Kind: model.KindType, Schema: "public", Name: "x"}}
		}, ""},
		{"owner ignored by default", Options{}, func(s *model.Schema) {
			s.Tables[0].Owner = "bob"
		}, ""},
		{"owner compared when asked", Options{Owners: true}, func(s *model.Schema) {
			s.Tables[0].Owner = "bob"
		}, "alter table public.users;"},
		{"enum labels", Options{}, func(s *model.Schema) {
			s.Enums[0].Labels = append(s.Enums[0].Labels, "c")
		}, "alter type public.mood;"},
		{"drop and create table", Options{}, func(s *model.Schema) {
			s.Tables[0].Name = "people"
		}, "drop table public.users;create table public.people;"},
		{"rename table by hint", Options{Renames: []RenameHint{{Kind: model.KindTable,
			From: model.QName{Schema: "public", Name: "users"}, To: model.QName{Schema: "public", Name: "people"}}}},
			func(s *model.Schema) { s.Tables[0].Name = "people" },
			"rename table public.people;"},
		{"rename column by hint", Options{Renames: []RenameHint{{Kind: KindColumn, Table: model.QName{Schema: "public", Name: "users"},
			From: model.QName{Name: "email"}, To: model.QName{Name: "mail"}}}},
			func(s *model.Schema) { s.Tables[0].Columns[1].Name = "mail" },
			"rename column public.users.mail;"},
		{"constraint definition", Options{}, func(s *model.Schema) {
			s.Tables[0].Constraints[0].Definition = "PRIMARY KEY (id, email)"
		}, "alter constraint public.users.users_pkey;"},
		{"index dropped", Options{}, func(s *model.Schema) {
			s.Tables[0].Indexes = nil
		}, "drop index public.users.users_email;"},
		{"partitioning is drop and create", Options{}, func(s *model.Schema) {
			s.Tables[0].Kind = model.TablePartitioned
			s.Tables[0].PartitionKey = "RANGE (id)"
		}, "drop table public.users;create table public.users;"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			to := schemaA()
			tt.change(to)
			to.Normalize()
			cs, err := Compare(schemaA(), to, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := describe(cs); got != tt.want {
				t.Errorf("changes = %q, want %q", got, tt.want)
			}
			// Every change holds what its inverse needs.
			for _, c := range cs {
				checkSides(t, c)
			}
		})
	}
}

func checkSides(t *testing.T, c Change) {
	t.Helper()
	var from, to bool
	switch c := c.(type) {
	case *TableChange:
		from, to = c.From != nil, c.To != nil
	case *ColumnChange:
		from, to = c.From != nil, c.To != nil
	case *ConstraintChange:
		from, to = c.From != nil, c.To != nil
	case *IndexChange:
		from, to = c.From != nil, c.To != nil
	case *ObjectChange[model.Enum]:
		from, to = c.From != nil, c.To != nil
	default:
		return
	}
	want := map[Op][2]bool{Create: {false, true}, Drop: {true, false}, Alter: {true, true}, Rename: {true, true}}[c.Op()]
	if from != want[0] || to != want[1] {
		t.Errorf("%s %s: From set %v, To set %v", c.Op(), c.Ref(), from, to)
	}
}

func TestRenameHintErrors(t *testing.T) {
	_, err := Compare(schemaA(), schemaA(), Options{Renames: []RenameHint{{Kind: model.KindTable,
		From: model.QName{Schema: "public", Name: "nope"}, To: model.QName{Schema: "public", Name: "users"}}}})
	if err == nil || !strings.Contains(err.Error(), "no table public.nope in the source") {
		t.Errorf("err = %v", err)
	}
}

func TestParseRename(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"users=people", "table public.users -> public.people"},
		{"app.users=people", "table app.users -> app.people"},
		{"app.users=archive.people", "table app.users -> archive.people"},
		{"app.users.email=mail", "column app.users: email -> mail"},
		{"nope", "error"},
		{"a.b.c=d.e", "error"},
	}
	for _, tt := range tests {
		r, err := ParseRename(tt.in)
		got := "error"
		if err == nil {
			if r.Kind == KindColumn {
				got = fmt.Sprintf("column %s: %s -> %s", r.Table, r.From.Name, r.To.Name)
			} else {
				got = fmt.Sprintf("table %s -> %s", r.From, r.To)
			}
		}
		if got != tt.want {
			t.Errorf("ParseRename(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestCompareExtensionVersions(t *testing.T) {
	ext := func(v string) *model.Schema {
		s := &model.Schema{Extensions: []model.Extension{{Name: "pg_trgm", Schema: "public", Version: v}}}
		s.Normalize()
		return s
	}
	cs, err := Compare(ext("1.5"), ext("1.6"), Options{})
	if err != nil || describe(cs) != "alter extension pg_trgm;" {
		t.Errorf("versions compared: %s, %v", describe(cs), err)
	}
	cs, err = Compare(ext("1.5"), ext("1.6"), Options{IgnoreExtensionVersions: true})
	if err != nil || len(cs) != 0 {
		t.Errorf("IgnoreExtensionVersions: %s, %v", describe(cs), err)
	}
}

func TestCompareDefaultPrivileges(t *testing.T) {
	dp := func(privs ...string) *model.Schema {
		s := &model.Schema{DefaultPrivileges: []model.DefaultPrivileges{{Role: "app", Schema: "public", ObjectType: "r"}}}
		for _, p := range privs {
			s.DefaultPrivileges[0].Grants = append(s.DefaultPrivileges[0].Grants, model.Grant{Grantee: "reader", Privilege: p})
		}
		s.Normalize()
		return s
	}
	cs, err := Compare(dp("SELECT"), dp("SELECT", "INSERT"), Options{})
	if err != nil || len(cs) != 0 {
		t.Errorf("compared without Privileges: %s, %v", describe(cs), err)
	}
	cs, err = Compare(dp("SELECT"), dp("SELECT", "INSERT"), Options{Privileges: true})
	if err != nil || describe(cs) != "alter default privileges public.app;" {
		t.Errorf("with Privileges: %s, %v", describe(cs), err)
	}
}
