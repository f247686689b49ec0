package hcl_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/model/hcl"
)

// decodeTable decodes a file with one table t in schema public and returns
// it.
func decodeTable(t *testing.T, body string) (*model.Schema, *model.Table) {
	t.Helper()
	src := "schema \"public\" {}\ntable \"t\" {\n  schema = schema.public\n" + body + "\n}\n"
	s, err := hcl.Decode("t.hcl", []byte(src))
	if err != nil {
		t.Fatalf("decode:\n%v\n%s", err, src)
	}
	for i := range s.Tables {
		if s.Tables[i].Name == "t" {
			return s, &s.Tables[i]
		}
	}
	t.Fatal("no table t")
	return nil, nil
}

func column(t *testing.T, tb *model.Table, name string) model.Column {
	t.Helper()
	for _, c := range tb.Columns {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no column %s", name)
	return model.Column{}
}

func TestDecodeTypes(t *testing.T) {
	tests := []struct{ expr, want string }{
		{"int", "integer"},
		{"integer", "integer"},
		{"bigint", "bigint"},
		{"int8", "bigint"},
		{"smallint", "smallint"},
		{"bool", "boolean"},
		{"text", "text"},
		{"varchar(255)", "character varying(255)"},
		{"character_varying(255)", "character varying(255)"},
		{"varchar", "character varying"},
		{"char(2)", "character(2)"},
		{"numeric(10,2)", "numeric(10,2)"},
		{"decimal(10, 2)", "numeric(10,2)"},
		{"timestamptz", "timestamp with time zone"},
		{"timestamp", "timestamp without time zone"},
		{"timestamp(3)", "timestamp(3) without time zone"},
		{"timestamptz(6)", "timestamp(6) with time zone"},
		{"time_with_time_zone", "time with time zone"},
		{"double_precision", "double precision"},
		{"float8", "double precision"},
		{"varbit(8)", "bit varying(8)"},
		{"uuid", "uuid"},
		{"jsonb", "jsonb"},
		{"citext", "citext"},
		{`sql("int4range")`, "int4range"},
		{`sql("text[]")`, "text[]"},
		{`sql("interval year to month")`, "interval year to month"},
		{`"character varying(20)[]"`, "character varying(20)[]"},
		{"enum.mood", "public.mood"},
		{"enum.public.mood", "public.mood"},
		{"domain.Positive", `public."Positive"`},
	}
	for _, tt := range tests {
		src := `schema "public" {}
enum "mood" { values = ["a"] }
domain "Positive" { type = integer }
table "t" {
  column "c" { type = ` + tt.expr + ` }
}`
		s, err := hcl.Decode("t.hcl", []byte(src))
		if err != nil {
			t.Errorf("type = %s: %v", tt.expr, err)
			continue
		}
		if got := s.Tables[0].Columns[0].Type; got != tt.want {
			t.Errorf("type = %s: got %q, want %q", tt.expr, got, tt.want)
		}
	}
}

func TestDecodeColumns(t *testing.T) {
	_, tb := decodeTable(t, `
  column "a" { type = int }
  column "b" {
    type = varchar(20)
    null = true
    default = "it's"
  }
  column "c" {
    type = numeric(10,2)
    default = -1.5
  }
  column "d" {
    type = timestamptz
    default = sql("now()")
  }
  column "e" {
    type = bool
    default = false
  }
  column "f" {
    type = bigint
    identity {
      generated = ALWAYS
      start = 5
      increment = -1
      max_value = 10
    }
  }
  column "g" {
    type = int
    identity {}
  }
  column "h" {
    type = int
    as = "a * 2"
  }
  column "i" {
    type = int
    as {
      expr = "a + 1"
      type = VIRTUAL
    }
    comment = "generated"
    collate = "C"
  }
  column "j" {
    type    = text
    collate = "public.german"
  }`)
	check := func(name string, want model.Column) {
		t.Helper()
		got := column(t, tb, name)
		got.Name = ""
		if !reflectEqual(got, want) {
			t.Errorf("column %s:\n got %+v\nwant %+v", name, got, want)
		}
	}
	check("a", model.Column{Type: "integer", NotNull: true})
	check("b", model.Column{Type: "character varying(20)", Default: "'it''s'::character varying"})
	check("c", model.Column{Type: "numeric(10,2)", NotNull: true, Default: "'-1.5'::numeric"})
	check("d", model.Column{Type: "timestamp with time zone", NotNull: true, Default: "now()"})
	check("e", model.Column{Type: "boolean", NotNull: true, Default: "false"})
	check("f", model.Column{Type: "bigint", NotNull: true, Identity: "a", IdentitySequence: &model.SequenceOptions{
		Type: "bigint", Start: 5, Increment: -1, Min: -9223372036854775808, Max: 10, Cache: 1}})
	check("g", model.Column{Type: "integer", NotNull: true, Identity: "d", IdentitySequence: &model.SequenceOptions{
		Type: "integer", Start: 1, Increment: 1, Min: 1, Max: 2147483647, Cache: 1}})
	check("h", model.Column{Type: "integer", NotNull: true, Generated: "a * 2", GeneratedKind: "s"})
	check("i", model.Column{Type: "integer", NotNull: true, Generated: "a + 1", GeneratedKind: "v", Comment: "generated", Collation: `"C"`})
	check("j", model.Column{Type: "text", NotNull: true, Collation: "public.german"})
}

func TestDecodeKeysAndIndexes(t *testing.T) {
	_, tb := decodeTable(t, `
  column "id" { type = int }
  column "name" { type = text }
  column "p" {
    type = int
    null = true
  }
  primary_key {
    columns = [column.id]
  }
  unique "t_name_key" {
    columns = [column.name]
    include = [column.p]
    nulls_distinct = false
  }
  foreign_key "t_p_fkey" {
    columns     = [column.p]
    ref_columns = [column.id]
    on_update   = NO_ACTION
    on_delete   = SET_NULL
    match       = FULL
    deferrable  = true
  }
  check "t_p_check" {
    expr = "p > 0"
  }
  index "t_lower" {
    unique = true
    on {
      expr = "lower(name)"
      desc = true
    }
    on {
      column = column.p
      nulls  = FIRST
      ops    = int4_ops
    }
    where = "p IS NOT NULL"
    type  = BTREE
  }
  index "t_gin" {
    type    = GIN
    on {
      expr = "name || 'x'"
      ops  = gin_trgm_ops
    }
  }`)
	defs := map[string]string{}
	for _, c := range tb.Constraints {
		defs[c.Name] = c.Definition
	}
	for _, ix := range tb.Indexes {
		defs[ix.Name] = ix.Definition
	}
	want := map[string]string{
		"t_pkey":     "PRIMARY KEY (id)",
		"t_name_key": "UNIQUE NULLS NOT DISTINCT (name) INCLUDE (p)",
		"t_p_fkey":   "FOREIGN KEY (p) REFERENCES public.t(id) MATCH FULL ON DELETE SET NULL DEFERRABLE",
		"t_p_check":  "CHECK (p > 0)",
		"t_lower":    "CREATE UNIQUE INDEX t_lower ON public.t USING btree (lower(name) DESC, p int4_ops NULLS FIRST) WHERE (p IS NOT NULL)",
		"t_gin":      "CREATE INDEX t_gin ON public.t USING gin ((name || 'x') gin_trgm_ops)",
	}
	for name, def := range want {
		if defs[name] != def {
			t.Errorf("%s:\n got %q\nwant %q", name, defs[name], def)
		}
	}
}

func TestDecodePartitionsAndInheritance(t *testing.T) {
	src := `
table "parent" {
  column "id" { type = int }
  column "at" { type = date }
  column "note" {
    type = text
    null = true
  }
  partition {
    type    = RANGE
    columns = [column.at]
  }
}
table "p2024" {
  partition_of = table.parent
  bound        = "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')"
  index "p2024_note" {
    columns = [column.note]
  }
}
table "byexpr" {
  column "a" { type = int }
  column "b" { type = text }
  partition {
    type = LIST
    by {
      expr = "lower(b)"
    }
    by {
      expr = "a + 1"
    }
  }
}
table "base" {
  column "id" { type = int }
}
table "child" {
  inherits = [table.base]
  column "extra" { type = int }
}`
	s, err := hcl.Decode("p.hcl", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	tables := map[string]model.Table{}
	for _, tb := range s.Tables {
		tables[tb.Name] = tb
	}
	if got := tables["parent"]; got.Kind != model.TablePartitioned || got.PartitionKey != "RANGE (at)" {
		t.Errorf("parent: kind %q key %q", got.Kind, got.PartitionKey)
	}
	p := tables["p2024"]
	if p.PartitionOf == nil || p.PartitionOf.Name != "parent" || len(p.Columns) != 3 || !p.Columns[2].Inherited {
		t.Errorf("p2024: %+v", p)
	}
	if got := tables["byexpr"].PartitionKey; got != "LIST (lower(b), (a + 1))" {
		t.Errorf("byexpr key = %q", got)
	}
	var names []string
	for _, c := range tables["child"].Columns {
		names = append(names, c.Name)
	}
	if !slices.Equal(names, []string{"id", "extra"}) || !tables["child"].Columns[0].Inherited {
		t.Errorf("child columns: %v", tables["child"].Columns)
	}
}

func TestDecodeOtherKinds(t *testing.T) {
	src := `
schema "public" {}
schema "app" {
  comment = "app"
  owner   = "postgres"
  grant {
    to         = PUBLIC
    privileges = [USAGE]
  }
}
enum "status" {
  schema = schema.app
  values = ["a", "b"]
}
table "app" "t" {
  schema       = schema.app
  renamed_from = "old_t"
  column "s" {
    type         = enum.status
    default      = "a"
    renamed_from = "old_s"
  }
}
table "public" "t" {
  column "id" { type = int }
}
sequence "seq" {
  schema   = schema.app
  owned_by = table.app.t.column.s
}
view "v" {
  schema     = schema.app
  as         = "SELECT s FROM app.t"
  depends_on = [table.app.t]
}
policy "p" {
  on    = table.app.t
  for   = SELECT
  to    = ["postgres"]
  using = "true"
}`
	s, err := hcl.Decode("o.hcl", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var tb *model.Table
	for i := range s.Tables {
		if s.Tables[i].Schema == "app" {
			tb = &s.Tables[i]
		}
	}
	if tb == nil || tb.RenamedFrom != "old_t" || tb.Columns[0].RenamedFrom != "old_s" || tb.Columns[0].Default != "'a'::app.status" {
		t.Errorf("table app.t: %+v", tb)
	}
	if q := s.Sequences[0]; q.OwnedBy == nil || q.OwnedBy.Table.Schema != "app" || q.Max != 9223372036854775807 {
		t.Errorf("sequence: %+v", q)
	}
	if v := s.Views[0]; len(v.Deps) != 1 || v.Deps[0] != (model.ObjectRef{Kind: model.KindTable, Schema: "app", Name: "t"}) {
		t.Errorf("view deps: %+v", v.Deps)
	}
	if p := s.Policies[0]; p.Command != "SELECT" || !p.Permissive || p.Table.Schema != "app" {
		t.Errorf("policy: %+v", p)
	}
	if g := s.Namespaces[0].Grants; len(g) != 1 || g[0] != (model.Grant{Privilege: "USAGE"}) {
		t.Errorf("grants: %+v", g)
	}
}

// TestDecodeDefaultPrivileges reads default_privileges blocks: without a
// schema, for every schema; on in any case, ROUTINES for FUNCTIONS; a
// schema named by reference or by name.
func TestDecodeDefaultPrivileges(t *testing.T) {
	src := `
schema "app" {}
default_privileges {
  role = "owner"
  on   = routines
  grant {
    to         = "owner"
    privileges = [EXECUTE]
  }
}
default_privileges {
  role = "owner"
  on   = TYPES
}
default_privileges {
  role   = "owner"
  schema = schema.app
  on     = "tables"
  grant {
    to         = "reader"
    privileges = [SELECT, INSERT]
    grantable  = true
  }
  grant {
    to         = PUBLIC
    privileges = [SELECT]
  }
}
default_privileges {
  role   = "other"
  schema = "app"
  on     = SEQUENCES
  grant {
    to         = "reader"
    privileges = [USAGE]
  }
}`
	s, err := hcl.Decode("d.hcl", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []model.DefaultPrivileges{
		{Role: "other", Schema: "app", ObjectType: "S", Grants: []model.Grant{{Grantee: "reader", Privilege: "USAGE"}}},
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
	text, err := hcl.Encode(s)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"default_privileges {\n  role = \"owner\"\n  on   = FUNCTIONS\n", "  schema = schema.app\n  on     = TABLES\n"} {
		if !strings.Contains(string(text), line) {
			t.Errorf("encoded text lacks %q:\n%s", line, text)
		}
	}
	back, err := hcl.Decode("e.hcl", text)
	if err != nil || !back.Equal(s) {
		t.Errorf("encoded text does not read back: %v\n%s", err, text)
	}
}

// TestPartitionGetsParentKeys checks that a partition that declares no
// copy of its parent's keys and indexes gets them as PostgreSQL makes
// them, attached to the parent's.
func TestPartitionGetsParentKeys(t *testing.T) {
	src := `
table "events" {
  column "id" { type = bigint }
  column "at" { type = timestamp }
  primary_key { columns = [column.id, column.at] }
  index "events_at" {
    on {
      expr = "date_trunc('month', at)"
    }
  }
  partition {
    type    = RANGE
    columns = [column.at]
  }
}
table "events_2024_with_a_name_long_enough_to_be_cut_when_suffixed" {
  partition_of = table.events
  bound        = "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')"
}`
	s, err := hcl.Decode("p.hcl", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	p := s.Tables[1]
	if len(p.Constraints) != 1 || len(p.Indexes) != 1 {
		t.Fatalf("partition: %+v", p)
	}
	if c := p.Constraints[0]; c.Name != "events_2024_with_a_name_long_enough_to_be_cut_when_suffixe_pkey" ||
		c.ParentIndex == nil || c.ParentIndex.Name != "events_pkey" {
		t.Errorf("key: %+v", c)
	}
	if ix := p.Indexes[0]; ix.Name != "events_2024_with_a_name_long_enough_to_be_cut_wh_date_trunc_idx" ||
		ix.ParentIndex == nil || ix.ParentIndex.Name != "events_at" {
		t.Errorf("index: %+v", ix)
	}
}

// TestDecodeErrors checks that every kind of bad input is reported at its
// place, with the text it is about.
func TestDecodeErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"unknown attribute", "table \"t\" {\n  column \"a\" {\n    type = int\n    typo = 1\n  }\n}",
			`e.hcl:4:5: unknown attribute "typo" in column a: typo = 1`},
		{"unknown block", "table \"t\" {\n  colum \"a\" {}\n}",
			`e.hcl:2:3: unknown block "colum" in table public.t: colum "a"`},
		{"unknown top-level block", "tabel \"t\" {}", `e.hcl:1:1: unknown block "tabel" in a schema file: tabel "t"`},
		{"unknown column", "table \"t\" {\n  column \"a\" { type = int }\n  primary_key {\n    columns = [column.nope]\n  }\n}",
			`e.hcl:4:16: table public.t has no column "nope": column.nope`},
		{"unknown table", "table \"t\" {\n  column \"a\" { type = int }\n  foreign_key \"f\" {\n    columns = [column.a]\n    ref_columns = [table.x.column.y]\n  }\n}",
			`e.hcl:5:20: unknown table x: table.x.column.y`},
		{"unknown column of other table", "table \"u\" {\n  column \"id\" { type = int }\n}\ntable \"t\" {\n  column \"a\" { type = int }\n  foreign_key \"f\" {\n    columns = [column.a]\n    ref_columns = [table.u.column.y]\n  }\n}",
			`e.hcl:8:20: table public.u has no column "y": table.u.column.y`},
		{"duplicate table", "table \"t\" {\n  column \"a\" { type = int }\n}\ntable \"t\" {\n  column \"a\" { type = int }\n}",
			`e.hcl:4:1: table public.t is declared twice (first at e.hcl:1:1): table "t"`},
		{"duplicate column", "table \"t\" {\n  column \"a\" { type = int }\n  column \"a\" { type = text }\n}",
			`e.hcl:3:3: column "a" is declared twice in table public.t: column "a"`},
		{"duplicate index", "table \"t\" {\n  column \"a\" { type = int }\n  index \"i\" { columns = [column.a] }\n  index \"i\" { columns = [column.a] }\n}",
			`e.hcl:4:3: index "i" is declared twice in table public.t: index "i"`},
		{"duplicate enum value", "enum \"e\" {\n  values = [\"x\", \"x\"]\n}",
			`e.hcl:2:18: enum value "x" appears twice: "x"`},
		{"fk to non-unique columns", "table \"u\" {\n  column \"id\" { type = int }\n  column \"n\" { type = int }\n  primary_key { columns = [column.id] }\n}\ntable \"t\" {\n  column \"a\" { type = int }\n  foreign_key \"f\" {\n    columns = [column.a]\n    ref_columns = [table.u.column.n]\n  }\n}",
			`e.hcl:10:19: foreign key "f" references (n) of table public.u, which is not its primary key or a unique constraint: [table.u.column.n]`},
		{"fk without primary key", "table \"u\" {\n  column \"id\" { type = int }\n}\ntable \"t\" {\n  column \"a\" { type = int }\n  foreign_key \"f\" {\n    columns = [column.a]\n    ref_table = table.u\n  }\n}",
			`e.hcl:6:3: foreign key "f": table public.u has no primary key; give ref_columns: foreign_key "f"`},
		{"type does not parse", "table \"t\" {\n  column \"a\" { type = sql(\"varchar(\") }\n}",
			`e.hcl:2:23: sql() must be exactly one type name: leaves a parenthesis open: sql("varchar(")`},
		{"type string does not parse", "table \"t\" {\n  column \"a\" { type = \"int; DROP TABLE x\" }\n}",
			`e.hcl:2:23: type must be exactly one type name: holds a ; (a second statement): "int; DROP TABLE x"`},
		{"type reference to nothing", "table \"t\" {\n  column \"a\" { type = enum.nope }\n}",
			`e.hcl:2:23: unknown enum nope: enum.nope`},
		{"type modifier", "table \"t\" {\n  column \"a\" { type = varchar(true) }\n}",
			`e.hcl:2:23: type modifier: want a number or a word, got a boolean: varchar(true)`},
		{"unknown schema", "table \"t\" {\n  schema = schema.nope\n  column \"a\" { type = int }\n}\nschema \"public\" {}",
			`e.hcl:2:12: unknown schema "nope": schema.nope`},
		{"wrong kind of value", "table \"t\" {\n  column \"a\" {\n    type = int\n    null = \"yes\"\n  }\n}",
			`e.hcl:4:12: null: want true or false, got a string: "yes"`},
		{"bad keyword", "table \"t\" {\n  column \"a\" { type = int }\n  column \"b\" { type = int }\n  primary_key { columns = [column.a] }\n  foreign_key \"f\" {\n    columns = [column.b]\n    ref_columns = [column.a]\n    on_delete = EXPLODE\n  }\n}",
			`e.hcl:8:17: on_delete: want one of CASCADE, NO_ACTION, RESTRICT, SET_DEFAULT, SET_NULL: EXPLODE`},
		{"expression", "table \"t\" {\n  column \"a\" {\n    type = int\n    default = 1 + 2\n  }\n}",
			`e.hcl:4:15: expressions are not supported here; write SQL as sql("…"): 1 + 2`},
		{"template", "table \"t\" {\n  comment = \"a ${x}\"\n  column \"a\" { type = int }\n}",
			`e.hcl:2:18: templates (${…} and %{…}) are not supported but for ${KIND.NAME.name}; write $${ for a literal ${: x`},
		{"syntax", "table \"t\" {\n  column \"a\" {\n", `e.hcl:2:14: Unclosed configuration block`},
		{"missing type", "table \"t\" {\n  column \"a\" {}\n}", `e.hcl:2:3: column "a" needs a type: column "a"`},
		{"partition bound without parent", "table \"t\" {\n  bound = \"DEFAULT\"\n  column \"a\" { type = int }\n}",
			`e.hcl:2:3: bound is for partitions: set partition_of too: bound = "DEFAULT"`},
		{"trigger on nothing", "trigger \"tr\" {\n  on = table.nope\n  definition = \"CREATE TRIGGER tr AFTER INSERT ON public.nope FOR EACH ROW EXECUTE FUNCTION f()\"\n}",
			`e.hcl:2:8: unknown table nope: table.nope`},
		{"overload without args", "function \"f\" {\n  definition = \"CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS 'SELECT 1'\"\n}\nfunction \"f\" {\n  definition = \"CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS 'SELECT 2'\"\n}",
			`e.hcl:4:1: function public.f() is declared twice (first at e.hcl:1:1); overloads need args: function "f"`},
		{"default privileges on an unknown kind", "default_privileges {\n  role = \"r\"\n  on   = views\n}",
			`e.hcl:3:10: on: want one of FUNCTIONS, ROUTINES, SCHEMAS, SEQUENCES, TABLES, TYPES: views`},
		{"default privileges with a label", "default_privileges \"r\" {\n  on = TABLES\n}",
			`e.hcl:1:1: default_privileges takes no name: give the role as role = "r": default_privileges "r"`},
		{"default privileges without a role", "default_privileges {\n  on = TABLES\n}",
			`e.hcl:1:1: default_privileges needs role (the role whose new objects get them): default_privileges`},
		{"default privileges with a role that is not a string", "default_privileges {\n  role = PUBLIC\n  on   = TABLES\n}",
			`e.hcl:2:10: role: want a role name (a non-empty string), got a reference: PUBLIC`},
		{"default privileges without on", "default_privileges {\n  role = \"r\"\n}",
			`e.hcl:1:1: default_privileges needs on (TABLES, SEQUENCES, FUNCTIONS, TYPES or SCHEMAS): default_privileges`},
		{"default privileges with an unknown attribute", "default_privileges {\n  role = \"r\"\n  on   = TABLES\n  to   = \"x\"\n}",
			`e.hcl:4:3: unknown attribute "to" in default_privileges: to   = "x"`},
		{"default privileges in an unknown schema", "default_privileges {\n  role   = \"r\"\n  schema = schema.nope\n  on     = TABLES\n  grant {\n    to = \"x\"\n    privileges = [SELECT]\n  }\n}",
			`e.hcl:3:12: unknown schema "nope": schema.nope`},
		{"default privileges on schemas in a schema", "default_privileges {\n  role   = \"r\"\n  schema = schema.public\n  on     = SCHEMAS\n  grant {\n    to = \"x\"\n    privileges = [USAGE]\n  }\n}",
			`e.hcl:3:3: default privileges on SCHEMAS are for every schema: leave schema out: schema = schema.public`},
		{"default privileges in a schema granting nothing", "default_privileges {\n  role   = \"r\"\n  schema = schema.public\n  on     = TABLES\n}",
			`e.hcl:1:1: default_privileges in schema public grants nothing: give grant blocks, or leave the block out: default_privileges`},
		{"default privileges that objects of the kind do not have", "default_privileges {\n  role = \"r\"\n  on   = FUNCTIONS\n  grant {\n    to = \"x\"\n    privileges = [EXECUTE, SELECT]\n  }\n}",
			`e.hcl:6:28: privileges: SELECT cannot be granted on FUNCTIONS (only EXECUTE): SELECT`},
		{"default privileges twice", "default_privileges {\n  role = \"r\"\n  on   = TABLES\n}\ndefault_privileges {\n  role = \"r\"\n  on   = tables\n}",
			`e.hcl:5:1: default privileges of role r on TABLES in every schema are declared twice (first at e.hcl:1:1): default_privileges`},
		{"default privileges grant without privileges", "default_privileges {\n  role = \"r\"\n  on   = TABLES\n  grant { to = \"x\" }\n}",
			`e.hcl:4:3: grant needs privileges: grant`},
	}
	for _, tt := range tests {
		_, err := hcl.Decode("e.hcl", []byte(tt.src))
		if err == nil {
			t.Errorf("%s: no error", tt.name)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s:\n got %v\nwant %s", tt.name, err, tt.want)
		}
	}
}
