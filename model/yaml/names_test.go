package yaml_test

import (
	"strings"
	"testing"

	"github.com/retortdb/retort/model/yaml"
)

// TestDeclaredNamesAreNames checks that the names and result types a YAML
// file writes into DDL are read by PostgreSQL's grammar and refused at
// their place when they would close the text around them.
func TestDeclaredNamesAreNames(t *testing.T) {
	const copyProgram = "COPY (SELECT 1) TO PROGRAM ''id''"
	agg := func(key, val string) string {
		return "aggregates:\n  - name: s\n    args: integer\n    sfunc: int4pl\n    stype: integer\n    " + key + ": '" + val + "'\n"
	}
	table := "tables:\n  - name: t\n    columns: {a: {type: text}}\n"
	tests := []struct{ name, src, want string }{
		{"function returns", "functions:\n  - name: f\n    returns: 'int LANGUAGE sql AS ''SELECT 1''; " + copyProgram + "; --'\n" +
			"    definition: CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS 'SELECT 1'\n",
			`e.yaml:3:14: returns must be exactly one result type (a type, SETOF a type or TABLE (…)): holds a ; (a second statement)`},
		{"aggregate sfunc", "aggregates:\n  - name: s\n    sfunc: 'int4pl, STYPE = int); " + copyProgram + "; CREATE AGGREGATE y (SFUNC = int4pl'\n    stype: integer\n",
			`e.yaml:3:12: sfunc must be a function name (NAME or SCHEMA.NAME): closes a parenthesis it did not open`},
		{"aggregate finalfunc", agg("finalfunc", "f); "+copyProgram+"; SELECT (1"),
			`e.yaml:6:16: finalfunc must be a function name (NAME or SCHEMA.NAME)`},
		{"aggregate combinefunc", agg("combinefunc", "f -- x"),
			`e.yaml:6:18: combinefunc must be a function name (NAME or SCHEMA.NAME): holds a comment`},
		{"aggregate serialfunc", agg("serialfunc", "f; "+copyProgram),
			`e.yaml:6:17: serialfunc must be a function name (NAME or SCHEMA.NAME)`},
		{"aggregate deserialfunc", agg("deserialfunc", "f; "+copyProgram),
			`e.yaml:6:19: deserialfunc must be a function name (NAME or SCHEMA.NAME)`},
		{"aggregate msfunc", agg("msfunc", "f; "+copyProgram),
			`e.yaml:6:13: msfunc must be a function name (NAME or SCHEMA.NAME)`},
		{"aggregate minvfunc", agg("minvfunc", "f; "+copyProgram),
			`e.yaml:6:15: minvfunc must be a function name (NAME or SCHEMA.NAME)`},
		{"aggregate mfinalfunc", agg("mfinalfunc", "f; "+copyProgram),
			`e.yaml:6:17: mfinalfunc must be a function name (NAME or SCHEMA.NAME)`},
		{"aggregate sortop", agg("sortop", "<); "+copyProgram+"; SELECT (1"),
			`e.yaml:6:13: sortop must be an operator`},
		{"range canonical", "ranges:\n  - name: r\n    subtype: int\n    canonical: 'f; " + copyProgram + "'\n",
			`e.yaml:4:16: canonical must be a function name (NAME or SCHEMA.NAME)`},
		{"range subtype_opclass", "ranges:\n  - name: r\n    subtype: int\n    subtype_opclass: 'int4_ops); " + copyProgram + "; SELECT (1'\n",
			`e.yaml:4:22: subtype_opclass must be a name (NAME or SCHEMA.NAME)`},
		{"cast function", "casts:\n  - source: int\n    target: text\n    function: 'f(int) AS IMPLICIT; " + copyProgram + "; SELECT f(int)'\n",
			`e.yaml:4:15: function must be a function with its argument types (NAME(TYPE, …)): holds a ; (a second statement)`},
		{"event trigger function", "event_triggers:\n  - name: e\n    event: ddl_command_start\n    function: 'f(); " + copyProgram + "; SELECT f'\n",
			`e.yaml:4:15: function must be a function name (NAME or SCHEMA.NAME)`},
		{"wrapper handler", "foreign_data_wrappers:\n  - name: w\n    handler: 'h; " + copyProgram + "'\n",
			`e.yaml:3:14: handler must be a function name (NAME or SCHEMA.NAME)`},
		{"column collate", "tables:\n  - name: t\n    columns:\n      a: {type: text, collate: '\"C\" NOT NULL, b int DEFAULT 1'}\n",
			`e.yaml:4:32: collate must be a name (NAME or SCHEMA.NAME)`},
		{"domain collate", "domains:\n  - name: d\n    type: text\n    collate: 'public.x; " + copyProgram + "'\n",
			`e.yaml:4:14: collate must be a name (NAME or SCHEMA.NAME)`},
		{"index key collate", table + "    indexes:\n      - name: i\n        on:\n          - column: a\n            collate: '\"C\")); " + copyProgram + "; SELECT ((\"x'\n",
			`e.yaml:8:22: collate must be a name (NAME or SCHEMA.NAME)`},
		{"index key ops", table + "    indexes:\n      - name: i\n        on:\n          - column: a\n            ops: 'text_ops); " + copyProgram + "; SELECT (1'\n",
			`e.yaml:8:18: ops must be a name (NAME or SCHEMA.NAME)`},
		{"index keys", table + "    indexes:\n      - name: i\n        keys: [a, 'a); " + copyProgram + "; SELECT (1']\n",
			`e.yaml:6:19: keys must be exactly one index key: closes a parenthesis it did not open`},
		{"server option", "servers:\n  - name: s\n    wrapper: w\n    options: [host]\n",
			`e.yaml:4:15: options must be key=value (the value is written as a string literal): no =`},
	}
	for _, tt := range tests {
		_, err := yaml.Decode("e.yaml", []byte(tt.src))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s:\n got %v\nwant %s", tt.name, err, tt.want)
		}
	}
}
