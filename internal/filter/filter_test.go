package filter

import (
	"slices"
	"strings"
	"testing"

	"github.com/retortdb/retort/model"
)

// sample holds one object of most kinds, in schemas public and audit.
func sample() *model.Schema {
	q := func(s, n string) model.QName { return model.QName{Schema: s, Name: n} }
	return &model.Schema{
		Namespaces: []model.Namespace{{Name: "audit"}, {Name: "public"}},
		Extensions: []model.Extension{{Name: "hstore", Schema: "public"}},
		Enums:      []model.Enum{{QName: q("public", "mood")}},
		Sequences: []model.Sequence{
			{QName: q("public", "goose_db_version_id_seq"), OwnedBy: &model.ColumnRef{Table: q("public", "goose_db_version"), Column: "id"}},
			{QName: q("public", "counter")},
		},
		Tables: []model.Table{
			{QName: q("audit", "events")},
			{QName: q("public", "goose_db_version")},
			{QName: q("public", "users")},
			{QName: q("public", "logs")},
			{QName: q("public", "logs_2024"), PartitionOf: &model.QName{Schema: "public", Name: "logs"}},
		},
		Views:             []model.View{{QName: q("public", "active_users")}},
		Functions:         []model.Function{{QName: q("audit", "touch")}},
		Triggers:          []model.Trigger{{Table: q("public", "goose_db_version"), Name: "t1"}, {Table: q("public", "users"), Name: "t2"}},
		Policies:          []model.Policy{{Table: q("public", "logs_2024"), Name: "p"}},
		Statistics:        []model.Statistics{{QName: q("audit", "logs_stats"), Table: q("public", "logs")}, {QName: q("public", "users_stats"), Table: q("public", "users")}},
		EventTriggers:     []model.EventTrigger{{Name: "audit"}},
		Servers:           []model.ForeignServer{{Name: "remote", Wrapper: "postgres_fdw"}},
		UserMappings:      []model.UserMapping{{Server: "remote", User: "app"}},
		DefaultPrivileges: []model.DefaultPrivileges{{Role: "app", Schema: "audit", ObjectType: "r"}, {Role: "app", ObjectType: "r"}},
	}
}

// names lists every object left, by kind and name, for comparison.
func names(s *model.Schema) []string {
	var out []string
	for _, n := range s.Namespaces {
		out = append(out, "schema "+n.Name)
	}
	for _, e := range s.Extensions {
		out = append(out, "extension "+e.Name)
	}
	for _, e := range s.Enums {
		out = append(out, "enum "+e.QName.String())
	}
	for _, x := range s.Sequences {
		out = append(out, "sequence "+x.QName.String())
	}
	for _, t := range s.Tables {
		out = append(out, "table "+t.QName.String())
	}
	for _, v := range s.Views {
		out = append(out, "view "+v.QName.String())
	}
	for _, f := range s.Functions {
		out = append(out, "function "+f.QName.String())
	}
	for _, t := range s.Triggers {
		out = append(out, "trigger "+t.Name)
	}
	for _, p := range s.Policies {
		out = append(out, "policy "+p.Name)
	}
	for _, x := range s.Statistics {
		out = append(out, "statistics "+x.QName.String())
	}
	for _, e := range s.EventTriggers {
		out = append(out, "event trigger "+e.Name)
	}
	for _, v := range s.Servers {
		out = append(out, "server "+v.Name)
	}
	for _, m := range s.UserMappings {
		out = append(out, "user mapping "+m.User)
	}
	for _, d := range s.DefaultPrivileges {
		out = append(out, "default privileges "+d.Schema)
	}
	return out
}

func TestApply(t *testing.T) {
	all := names(sample())
	without := func(drop ...string) []string {
		return slices.DeleteFunc(slices.Clone(all), func(n string) bool { return slices.Contains(drop, n) })
	}
	tests := []struct {
		name             string
		include, exclude []string
		want             []string
	}{
		{"nothing", nil, nil, all},
		{"exclude a schema", nil, []string{"audit"}, without("schema audit", "table audit.events", "function audit.touch",
			"statistics audit.logs_stats", "event trigger audit", "default privileges audit")},
		{"exclude a glob on schema.name takes owned sequences and triggers", nil, []string{"public.goose_*"},
			without("table public.goose_db_version", "sequence public.goose_db_version_id_seq", "trigger t1")},
		{"partitions and their policies go with the parent", nil, []string{"public.logs"},
			without("table public.logs", "table public.logs_2024", "policy p", "statistics audit.logs_stats")},
		{"every kind matches schema.name", nil, []string{"public.mood", "public.active_*", "public.counter", "public.hstore"},
			without("enum public.mood", "view public.active_users", "sequence public.counter", "extension hstore")},
		{"include one table", []string{"public.users"}, nil,
			[]string{"schema public", "table public.users", "trigger t2", "statistics public.users_stats", "default privileges "}},
		{"include a schema", []string{"audit"}, nil,
			[]string{"schema audit", "table audit.events", "function audit.touch", "event trigger audit", "default privileges audit",
				"default privileges "}},
		{"include and exclude", []string{"public"}, []string{"public.logs*", "public.goose_*"},
			[]string{"schema public", "extension hstore", "enum public.mood", "sequence public.counter", "table public.users",
				"view public.active_users", "trigger t2", "statistics public.users_stats", "default privileges "}},
		{"servers go with their name, user mappings with the server", nil, []string{"rem*"},
			without("server remote", "user mapping app")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := New(tt.include, tt.exclude)
			if err != nil {
				t.Fatal(err)
			}
			s := sample()
			f.Apply(s)
			if got := names(s); !slices.Equal(got, tt.want) {
				t.Errorf("left:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
		})
	}
}

func TestNewErrors(t *testing.T) {
	for _, tt := range []struct {
		include, exclude []string
		want             string
	}{
		{exclude: []string{"public.[a"}, want: `exclude "public.[a": syntax error in pattern`},
		{include: []string{"["}, want: `include "[": syntax error in pattern`},
		{include: []string{""}, want: "include: empty pattern"},
		{exclude: []string{".users"}, want: "want a schema name or schema.name"},
		{exclude: []string{"public."}, want: "want a schema name or schema.name"},
	} {
		_, err := New(tt.include, tt.exclude)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("New(%q, %q) = %v, want an error with %q", tt.include, tt.exclude, err, tt.want)
		}
	}
}

func TestSchemaNames(t *testing.T) {
	got := SchemaNames([]string{"audit", "public.goose_*", "tmp_*", "x[12]", "app"})
	if want := []string{"audit", "app"}; !slices.Equal(got, want) {
		t.Errorf("SchemaNames = %q, want %q", got, want)
	}
}

func TestDeclares(t *testing.T) {
	s := sample()
	for schema, want := range map[string]bool{"public": true, "audit": true, "app": false} {
		if got := Declares(s, schema); got != want {
			t.Errorf("Declares(%s) = %v, want %v", schema, got, want)
		}
	}
	only := &model.Schema{Tables: []model.Table{{QName: model.QName{Schema: "app", Name: "t"}}}}
	if Declares(only, "public") {
		t.Error("a schema with only app.t declares public")
	}
}
