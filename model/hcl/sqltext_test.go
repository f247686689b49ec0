package hcl_test

import (
	"strings"
	"testing"

	"github.com/retortdb/retort/model/hcl"
)

// attack is issue 11's text, which a hand scanner took for one expression:
// its COPY ran on the dev server and, with --dev-url none, on the target.
const attack = `a::name <> name'\\')) ; COPY (SELECT 1) TO PROGRAM $c$id > /tmp/x$c$ ; SELECT (1 --'`

// TestDeclaredSQLIsOneThing checks that every SQL text of an HCL file is
// exactly what its attribute claims, and is refused at its place otherwise.
func TestDeclaredSQLIsOneThing(t *testing.T) {
	table := func(body string) string {
		return "table \"t\" {\n  column \"a\" { type = int }\n" + body + "}\n"
	}
	tests := []struct{ name, src, want string }{
		{"check expr", table("  check \"c\" {\n    expr = \"" + attack + "\"\n  }\n"),
			`e.hcl:4:12: expr must be exactly one SQL expression: closes a parenthesis it did not open`},
		{"default", "table \"t\" {\n  column \"a\" {\n    type = text\n    default = sql(\"" + attack + "\")\n  }\n}\n",
			`e.hcl:4:15: default must be exactly one SQL expression: closes a parenthesis it did not open`},
		{"default in dollar quotes", "table \"t\" {\n  column \"a\" {\n    type = text\n    default = sql(\"$c$ ) $c$ ) ; COPY t TO PROGRAM 'id' ; SELECT ( $c$ ( $c$\")\n  }\n}\n",
			`e.hcl:4:15: default must be exactly one SQL expression: closes a parenthesis it did not open`},
		{"generated", "table \"t\" {\n  column \"a\" {\n    type = int\n    as = \"1) STORED, b int GENERATED ALWAYS AS (2\"\n  }\n}\n",
			`e.hcl:4:10: as must be exactly one SQL expression`},
		{"type adds a column", "table \"t\" {\n  column \"a\" { type = sql(\"int DEFAULT 1, b int\") }\n}\n",
			`e.hcl:2:23: sql() must be exactly one type name: syntax error at or near "1"`},
		{"type string adds a column", "table \"t\" {\n  column \"a\" { type = \"int, b int\" }\n}\n",
			`e.hcl:2:23: type must be exactly one type name`},
		{"type modifier string", "table \"t\" {\n  column \"a\" { type = varchar(\"1), b int, c varchar(2\") }\n}\n",
			`e.hcl:2:23: type must be exactly one type name`},
		{"index where", table("  index \"i\" {\n    columns = [column.a]\n    where = \"a > 0 -- )\"\n  }\n"),
			`e.hcl:5:13: where must be exactly one SQL expression: holds a comment`},
		{"index expr", table("  index \"i\" {\n    on { expr = \"a), (a\" }\n  }\n"),
			`e.hcl:4:17: expr must be exactly one SQL expression: closes a parenthesis it did not open`},
		{"constraint definition", table("  exclude \"x\" {\n    definition = \"EXCLUDE USING gist (a WITH =); DROP TABLE v\"\n  }\n"),
			`e.hcl:4:18: definition must be exactly one constraint`},
		{"function with a second statement", "function \"f\" {\n  definition = \"CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS 'SELECT 1'; COPY (SELECT 1) TO PROGRAM 'id'\"\n}\n",
			`e.hcl:2:16: definition must be exactly one CREATE FUNCTION statement: 2 statements, not one`},
		{"function of another name", "function \"f\" {\n  definition = \"CREATE FUNCTION public.g() RETURNS int LANGUAGE sql AS 'SELECT 1'\"\n}\n",
			`e.hcl:2:16: definition must be exactly one CREATE FUNCTION statement: creates FUNCTION public.g, not the declared public.f`},
		{"procedure as a function", "procedure \"p\" {\n  definition = \"CREATE FUNCTION public.p() RETURNS int LANGUAGE sql AS 'SELECT 1'\"\n}\n",
			`e.hcl:2:16: definition must be exactly one CREATE PROCEDURE statement: a CREATE FUNCTION statement, not CREATE PROCEDURE`},
		{"function args", "function \"f\" {\n  args = \"int) IS 'x'; DROP TABLE v; COMMENT ON FUNCTION f(int\"\n  definition = \"CREATE FUNCTION public.f(int) RETURNS int LANGUAGE sql AS 'SELECT 1'\"\n}\n",
			`e.hcl:2:10: args must be an argument list that stays inside its parentheses: closes a parenthesis it did not open`},
		{"atlas function body", "function \"f\" {\n  return = int\n  as = \"RETURN 1; COPY (SELECT 1) TO PROGRAM 'id'\"\n}\n",
			`e.hcl:3:8: as must be a body that keeps the function exactly one CREATE FUNCTION statement: 2 statements, not one`},
		{"trigger", table("") + "trigger \"tr\" {\n  on = table.t\n  definition = \"CREATE TRIGGER tr AFTER INSERT ON public.t FOR EACH ROW EXECUTE FUNCTION f(); DROP TABLE v\"\n}\n",
			`e.hcl:6:16: definition must be exactly one CREATE TRIGGER statement: 2 statements, not one`},
		{"atlas trigger function", table("") + "trigger \"tr\" {\n  on = table.t\n  after { insert = true }\n  for = ROW\n  execute { function = \"f(); DROP TABLE v; SELECT f\" }\n}\n",
			`e.hcl:4:1: when must be parts that make exactly one CREATE TRIGGER statement`},
		{"rule", table("") + "rule \"r\" {\n  on = table.t\n  definition = \"CREATE RULE r AS ON INSERT TO public.t DO INSTEAD NOTHING; DROP TABLE v\"\n}\n",
			`e.hcl:6:16: definition must be exactly one CREATE RULE statement: 2 statements, not one`},
		{"statistics", table("") + "statistics \"s\" {\n  on = table.t\n  definition = \"CREATE STATISTICS public.s ON a, b FROM public.t; DROP TABLE v\"\n}\n",
			`e.hcl:6:16: definition must be exactly one CREATE STATISTICS statement: 2 statements, not one`},
		{"statistics target", table("") + "statistics \"s\" {\n  on = table.t\n  definition = \"CREATE STATISTICS public.s ON a, b FROM public.t\"\n  target = 10001\n}\n",
			`e.hcl:7:12: target must be from 0 to 10000, or -1 for the default`},
		{"view", "view \"v\" {\n  as = \"SELECT 1; DROP TABLE t\"\n}\n",
			`e.hcl:2:8: as must be exactly one query (SELECT, VALUES or WITH … SELECT): 2 statements, not one`},
		{"policy", table("") + "policy \"p\" {\n  on = table.t\n  using = \"true) WITH CHECK (true\"\n}\n",
			`e.hcl:6:11: using must be exactly one SQL expression`},
	}
	for _, tt := range tests {
		_, err := hcl.Decode("e.hcl", []byte(tt.src))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s:\n got %v\nwant %s", tt.name, err, tt.want)
		}
	}
}
