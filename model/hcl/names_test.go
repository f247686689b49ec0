package hcl_test

import (
	"strings"
	"testing"

	"github.com/retortdb/retort/model/hcl"
)

// TestDeclaredNamesAreNames checks that the names and result types an HCL
// file writes into DDL (function results, aggregate support functions and
// sort operators, cast, event trigger and trigger functions, range
// functions and operator classes, collations, index keys, wrapper handlers)
// are read by PostgreSQL's grammar and refused at their place when they
// would close the text around them.
func TestDeclaredNamesAreNames(t *testing.T) {
	const copyProgram = "COPY (SELECT 1) TO PROGRAM 'id'"
	agg := func(attr, val string) string {
		return "aggregate \"s\" {\n  args  = \"integer\"\n  sfunc = \"int4pl\"\n  stype = integer\n  " + attr + " = \"" + val + "\"\n}\n"
	}
	escape := func(s string) string { return strings.ReplaceAll(s, `"`, `\"`) }
	table := "table \"t\" {\n  column \"a\" { type = text }\n"
	tests := []struct{ name, src, want string }{
		{"function returns", "function \"f\" {\n  returns = \"int LANGUAGE sql AS 'SELECT 1'; " + copyProgram + "; --\"\n" +
			"  definition = \"CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS 'SELECT 1'\"\n}\n",
			`e.hcl:2:13: returns must be exactly one result type (a type, SETOF a type or TABLE (…)): holds a ; (a second statement)`},
		{"function returns with a clause", "function \"f\" {\n  returns = \"int STRICT\"\n" +
			"  definition = \"CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS 'SELECT 1'\"\n}\n",
			`e.hcl:2:13: returns must be exactly one result type`},
		{"aggregate sfunc", agg("initcond", "0") + "aggregate \"x\" {\n  sfunc = \"int4pl, STYPE = int); " + copyProgram + "; CREATE AGGREGATE y (SFUNC = int4pl\"\n  stype = integer\n}\n",
			`e.hcl:8:11: sfunc must be a function name (NAME or SCHEMA.NAME): closes a parenthesis it did not open`},
		{"aggregate sfunc with arguments", "aggregate \"x\" {\n  sfunc = \"int4pl(int, int)\"\n  stype = integer\n}\n",
			`e.hcl:2:11: sfunc must be a function name (NAME or SCHEMA.NAME): a name followed by arguments`},
		{"aggregate sortop", agg("sortop", "<); "+copyProgram+"; SELECT (1"),
			`e.hcl:5:12: sortop must be an operator`},
		{"range canonical", "range \"r\" {\n  subtype = int\n  canonical = \"f); " + copyProgram + "; SELECT (1\"\n}\n",
			`e.hcl:3:15: canonical must be a function name (NAME or SCHEMA.NAME)`},
		{"range subtype_diff", "range \"r\" {\n  subtype = int\n  subtype_diff = \"f -- \"\n}\n",
			`e.hcl:3:18: subtype_diff must be a function name (NAME or SCHEMA.NAME): holds a comment`},
		{"range subtype_opclass", "range \"r\" {\n  subtype = int\n  subtype_opclass = \"int4_ops); " + copyProgram + "; SELECT (1\"\n}\n",
			`e.hcl:3:21: subtype_opclass must be a name (NAME or SCHEMA.NAME)`},
		{"range collate", "range \"r\" {\n  subtype = text\n  collate = \"" + escape(`"C"); `+copyProgram+`; SELECT ("x`) + "\"\n}\n",
			`e.hcl:3:13: collate must be a name (NAME or SCHEMA.NAME)`},
		{"cast function", "cast {\n  source = int\n  target = text\n  function = \"f(int) AS IMPLICIT; " + copyProgram + "; SELECT f(int)\"\n}\n",
			`e.hcl:4:14: function must be a function with its argument types (NAME(TYPE, …)): holds a ; (a second statement)`},
		{"cast function without arguments", "cast {\n  source = int\n  target = text\n  function = \"f\"\n}\n",
			`e.hcl:4:14: function must be a function with its argument types (NAME(TYPE, …)): no argument types`},
		{"event trigger function", "event_trigger \"e\" {\n  event = \"ddl_command_start\"\n  function = \"f(); " + copyProgram + "; SELECT f\"\n}\n",
			`e.hcl:3:14: function must be a function name (NAME or SCHEMA.NAME)`},
		{"atlas trigger function", table + "}\ntrigger \"tr\" {\n  on = table.t\n  after { insert = true }\n  for = ROW\n  execute { function = \"f(); DROP TABLE v; SELECT f\" }\n}\n",
			`e.hcl:8:24: function must be a function name (NAME or SCHEMA.NAME)`},
		{"wrapper handler", "foreign_data_wrapper \"w\" {\n  handler = \"h; " + copyProgram + "\"\n}\n",
			`e.hcl:2:13: handler must be a function name (NAME or SCHEMA.NAME)`},
		{"wrapper validator", "foreign_data_wrapper \"w\" {\n  validator = \"v OPTIONS (a 'b')\"\n}\n",
			`e.hcl:2:15: validator must be a function name (NAME or SCHEMA.NAME)`},
		{"column collate", "table \"t\" {\n  column \"a\" {\n    type = text\n    collate = \"" + escape(`"C" NOT NULL, b int DEFAULT 1`) + "\"\n  }\n}\n",
			`e.hcl:4:15: collate must be a name (NAME or SCHEMA.NAME)`},
		{"domain collate", "domain \"d\" {\n  type = text\n  collate = \"public.x; " + copyProgram + "\"\n}\n",
			`e.hcl:3:13: collate must be a name (NAME or SCHEMA.NAME)`},
		{"composite field collate", "composite \"c\" {\n  field \"a\" {\n    type = text\n    collate = \"public.c, b int\"\n  }\n}\n",
			`e.hcl:4:15: collate must be a name (NAME or SCHEMA.NAME)`},
		{"index key collate", table + "  index \"i\" {\n    on {\n      column = column.a\n      collate = \"" + escape(`"C")); `+copyProgram+`; SELECT (("x`) + "\"\n    }\n  }\n}\n",
			`e.hcl:6:17: collate must be a name (NAME or SCHEMA.NAME)`},
		{"index key ops", table + "  index \"i\" {\n    on {\n      column = column.a\n      ops = \"text_ops); " + copyProgram + "; SELECT (1\"\n    }\n  }\n}\n",
			`e.hcl:6:13: ops must be a name (NAME or SCHEMA.NAME)`},
		{"index keys", table + "  index \"i\" {\n    keys = [\"a\", \"a); " + copyProgram + "; SELECT (1\"]\n  }\n}\n",
			`e.hcl:4:18: keys must be exactly one index key: closes a parenthesis it did not open`},
		{"index option", table + "  index \"i\" {\n    columns = [column.a]\n    options = [\"fillfactor\"]\n  }\n}\n",
			`e.hcl:5:16: options must be key=value (the value is written as a string literal): no =`},
	}
	for _, tt := range tests {
		_, err := hcl.Decode("e.hcl", []byte(tt.src))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s:\n got %v\nwant %s", tt.name, err, tt.want)
		}
	}
}

// TestDeclaredNamesLoad checks that names written as PostgreSQL prints
// them still load, kept or quoted as regproc and the catalogs print them.
func TestDeclaredNamesLoad(t *testing.T) {
	src := `aggregate "s" {
  args        = "integer"
  sfunc       = "Public.\"My Sum\""
  stype       = integer
  finalfunc   = "int4"
  combinefunc = "-"
  sortop      = ">(integer,integer)"
  initcond    = "0'); DROP TABLE v; --"
}
range "r" {
  subtype         = text
  subtype_opclass = "text_ops"
  collate         = "pg_catalog.\"C\""
  subtype_diff    = "public.diff"
}
cast {
  source   = int
  target   = text
  function = "public.f(integer)"
}
event_trigger "e" {
  event    = "ddl_command_start"
  function = "public.on_ddl()"
}
function "f" {
  returns    = "TABLE(a integer)"
  definition = "CREATE FUNCTION public.f() RETURNS TABLE(a integer) LANGUAGE sql AS 'SELECT 1'"
}
`
	s, err := hcl.Decode("ok.hcl", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	a := s.Aggregates[0]
	if a.SFunc != `public."My Sum"` || a.FinalFunc != "int4" || a.CombineFunc != "-" || a.SortOp != ">(integer,integer)" {
		t.Errorf("aggregate = %+v", a)
	}
	r := s.RangeTypes[0]
	if r.SubtypeOpClass != "text_ops" || r.Collation != `pg_catalog."C"` || r.SubtypeDiff != "public.diff" {
		t.Errorf("range = %+v", r)
	}
	if f := s.Casts[0].Function; f != "public.f(integer)" {
		t.Errorf("cast function = %q", f)
	}
	if f := s.EventTriggers[0].Function; f != "public.on_ddl" {
		t.Errorf("event trigger function = %q", f)
	}
	if f := s.Functions[0].Result; f != "TABLE(a integer)" {
		t.Errorf("function result = %q", f)
	}
}
