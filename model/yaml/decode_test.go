package yaml_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/retortdb/retort/internal/codectest"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/model/yaml"
)

func TestDecodeFile(t *testing.T) {
	s, err := yaml.DecodeFiles([]string{"testdata/schema.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Tables) != 2 || len(s.Views) != 1 || len(s.Enums) != 1 {
		t.Fatalf("%d tables, %d views, %d enums", len(s.Tables), len(s.Views), len(s.Enums))
	}
	posts, users := s.Tables[0], s.Tables[1]
	if got := users.Columns[2].Default; got != "'active'::public.status" {
		t.Errorf("users.status default = %q", got)
	}
	if got := users.Columns[3].Default; got != "now()" {
		t.Errorf("users.created_at default = %q", got)
	}
	if c := users.Columns[0]; c.Identity != "a" || !c.NotNull || c.Type != "bigint" {
		t.Errorf("users.id = %+v", c)
	}
	if c := posts.Columns[2]; c.Name != "body" || c.NotNull {
		t.Errorf("posts.body = %+v", c)
	}
	var fk model.Constraint
	for _, c := range posts.Constraints {
		if c.Type == model.ForeignKey {
			fk = c
		}
	}
	if fk.Definition != "FOREIGN KEY (author_id) REFERENCES public.users(id) ON DELETE CASCADE" {
		t.Errorf("fk = %q", fk.Definition)
	}
	wantIx := "CREATE INDEX users_lower_email ON public.users USING btree (lower((email)::text) DESC) WHERE (status = 'active')"
	if users.Indexes[1].Definition != wantIx {
		t.Errorf("index = %q", users.Indexes[1].Definition)
	}
	if v := s.Views[0]; v.Definition != "SELECT id, email FROM public.users WHERE status = 'active'" || len(v.Deps) != 1 {
		t.Errorf("view = %+v", v)
	}
}

func TestDecodeAnchors(t *testing.T) {
	src := `
tables:
  - name: a
    columns:
      - &id {name: id, type: bigint}
  - name: b
    columns:
      - *id
`
	s, err := yaml.Decode("a.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Tables) != 2 || s.Tables[1].Columns[0].Name != "id" {
		t.Errorf("tables: %+v", s.Tables)
	}
}

// TestDecodeDefaultPrivileges reads default_privileges entries: the role
// and the object type as attributes, grants as in any object.
func TestDecodeDefaultPrivileges(t *testing.T) {
	src := `
schemas:
  - name: app
default_privileges:
  - role: owner
    on: functions
    grants:
      - {to: owner, privileges: [EXECUTE]}
  - {role: owner, on: TYPES}
  - role: owner
    schema: app
    on: TABLES
    grants:
      - to: reader
        privileges: [SELECT, INSERT]
        grantable: true
      - {to: PUBLIC, privileges: [SELECT]}
`
	s, err := yaml.Decode("d.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []model.DefaultPrivileges{
		{Role: "owner", ObjectType: "T"},
		{Role: "owner", ObjectType: "f", Grants: []model.Grant{{Grantee: "owner", Privilege: "EXECUTE"}}},
		{Role: "owner", Schema: "app", ObjectType: "r", Grants: []model.Grant{
			{Grantee: "", Privilege: "SELECT"},
			{Grantee: "reader", Privilege: "INSERT", Grantable: true},
			{Grantee: "reader", Privilege: "SELECT", Grantable: true},
		}},
	}
	if !reflect.DeepEqual(s.DefaultPrivileges, want) {
		t.Errorf("default privileges:\n got %+v\nwant %+v", s.DefaultPrivileges, want)
	}
	text, err := yaml.Encode(s)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(text), "default_privileges:\n  - role: owner\n    on: TYPES\n  - role: owner\n    on: FUNCTIONS\n    grants:\n") {
		t.Errorf("encoded text:\n%s", text)
	}
	back, err := yaml.Decode("e.yaml", text)
	if err != nil || !back.Equal(s) {
		t.Errorf("encoded text does not read back: %v\n%s", err, text)
	}
}

// TestDecodeErrors checks that bad input is reported at its place, with
// the text it is about.
func TestDecodeErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"unknown key", "tables:\n  - name: t\n    columns:\n      - name: a\n        type: int\n        typo: 1\n",
			`e.yaml:6:9: unknown attribute "typo" in column a: typo`},
		{"unknown kind", "tabels:\n  - name: t\n", `e.yaml:1:1: unknown attribute "tabels" in a schema file: tabels`},
		{"unknown column", "tables:\n  - name: t\n    columns:\n      - {name: a, type: int}\n    primary_key:\n      columns: [nope]\n",
			`e.yaml:6:17: table public.t has no column "nope": nope`},
		{"unknown table", "tables:\n  - name: t\n    columns:\n      - {name: a, type: int}\n    foreign_keys:\n      - name: f\n        columns: [a]\n        ref_table: x\n        ref_columns: [id]\n",
			`e.yaml:8:20: unknown table x: x`},
		{"duplicate column", "tables:\n  - name: t\n    columns:\n      - {name: a, type: int}\n      - {name: a, type: text}\n",
			`e.yaml:5:16: column "a" is declared twice in table public.t: a`},
		{"duplicate table", "tables:\n  - name: t\n    columns: [{name: a, type: int}]\n  - name: t\n    columns: [{name: a, type: int}]\n",
			`e.yaml:4:11: table public.t is declared twice (first at e.yaml:2:11): t`},
		{"fk to non-unique", "tables:\n  - name: u\n    columns: [{name: id, type: int}, {name: n, type: int}]\n    primary_key: {columns: [id]}\n  - name: t\n    columns: [{name: a, type: int}]\n    foreign_keys:\n      - name: f\n        columns: [a]\n        ref_table: u\n        ref_columns: [n]\n",
			`e.yaml:11:22: foreign key "f" references (n) of table public.u, which is not its primary key or a unique constraint`},
		{"type does not parse", "tables:\n  - name: t\n    columns:\n      - {name: a, type: \"varchar(\"}\n",
			`e.yaml:4:25: type must be exactly one type name: leaves a parenthesis open: varchar(`},
		{"syntax", "tables:\n  - name: t\n   columns: [\n", `e.yaml:`},
		{"not a map", "- a\n- b\n", `e.yaml:1:1: want a map of object kinds (tables, enums, …)`},
		{"two documents", "enums: []\n---\ntables: []\n", `a schema file holds one YAML document`},
		{"merge key", "tables:\n  - name: t\n    <<: {comment: x}\n", `merge keys (<<) are not supported`},
		{"unknown alias", "tables:\n  - *nope\n", `e.yaml:2:5`},
		{"wrong kind", "tables:\n  - name: t\n    columns:\n      - {name: a, type: int, null: maybe}\n",
			`e.yaml:4:36: null: want true or false, got a string: maybe`},
		{"default privileges on an unknown kind", "default_privileges:\n  - role: r\n    on: views\n",
			`e.yaml:3:9: on: want one of FUNCTIONS, ROUTINES, SCHEMAS, SEQUENCES, TABLES, TYPES: views`},
		{"default privileges without a role", "default_privileges:\n  - on: TABLES\n",
			`e.yaml:2:5: default_privileges needs role (the role whose new objects get them)`},
		{"default privileges with an unknown attribute", "default_privileges:\n  - role: r\n    on: TABLES\n    name: x\n",
			`e.yaml:4:5: unknown attribute "name" in default_privileges: name`},
		{"default privileges in an unknown schema", "default_privileges:\n  - role: r\n    schema: nope\n    on: TABLES\n    grants: [{to: x, privileges: [SELECT]}]\n",
			`e.yaml:3:13: unknown schema "nope": nope`},
		{"default privileges twice", "default_privileges:\n  - {role: r, on: TABLES}\n  - {role: r, on: TABLES}\n",
			`e.yaml:3:5: default privileges of role r on TABLES in every schema are declared twice (first at e.yaml:2:5)`},
	}
	for _, tt := range tests {
		_, err := yaml.Decode("e.yaml", []byte(tt.src))
		if err == nil {
			t.Errorf("%s: no error", tt.name)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s:\n got %v\nwant %s", tt.name, err, tt.want)
		}
	}
}

// TestFileLoads loads the YAML file through the dev server.
func TestFileLoads(t *testing.T) {
	t.Parallel()
	s, err := codectest.Load(t.Context(), t, "testdata/schema.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Tables) != 2 || len(s.Views) != 1 {
		t.Errorf("%d tables, %d views", len(s.Tables), len(s.Views))
	}
}
