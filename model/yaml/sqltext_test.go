package yaml_test

import (
	"strings"
	"testing"

	"github.com/retortdb/retort/model/yaml"
)

// attack is issue 11's text, which a hand scanner took for one expression:
// its COPY ran on the dev server and, with --dev-url none, on the target.
const attack = `a::name <> name'\')) ; COPY (SELECT 1) TO PROGRAM $c$id > /tmp/x$c$ ; SELECT (1 --'`

// TestDeclaredSQLIsOneThing checks that every SQL text of a YAML file is
// exactly what its key claims, and is refused at its place otherwise.
func TestDeclaredSQLIsOneThing(t *testing.T) {
	quoted := strings.ReplaceAll(attack, `'`, `''`)
	tests := []struct{ name, src, want string }{
		{"check expr", "tables:\n  - name: t\n    columns: {a: {type: int}}\n    checks:\n      - name: c\n        expr: '" + quoted + "'\n",
			`e.yaml:6:15: expr must be exactly one SQL expression: closes a parenthesis it did not open`},
		{"default", "tables:\n  - name: t\n    columns:\n      a:\n        type: text\n        default: {sql: '" + quoted + "'}\n",
			`e.yaml:6:18: default must be exactly one SQL expression: closes a parenthesis it did not open`},
		{"type adds a column", "tables:\n  - name: t\n    columns:\n      a: {type: 'int DEFAULT 1, b int'}\n",
			`e.yaml:4:17: type must be exactly one type name`},
		{"function with a second statement", "functions:\n  - name: f\n    definition: \"CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS 'SELECT 1'; COPY (SELECT 1) TO PROGRAM 'id'\"\n",
			`e.yaml:3:17: definition must be exactly one CREATE FUNCTION statement: 2 statements, not one`},
		{"trigger with a second statement", "tables:\n  - name: t\n    columns: {a: {type: int}}\ntriggers:\n  - name: tr\n    on: t\n    definition: CREATE TRIGGER tr AFTER INSERT ON public.t FOR EACH ROW EXECUTE FUNCTION f(); DROP TABLE v\n",
			`e.yaml:7:17: definition must be exactly one CREATE TRIGGER statement: 2 statements, not one`},
	}
	for _, tt := range tests {
		_, err := yaml.Decode("e.yaml", []byte(tt.src))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s:\n got %v\nwant %s", tt.name, err, tt.want)
		}
	}
}
