package gotag

import (
	"strings"
	"testing"
)

// TestDeclaredSQLIsOneThing checks that the SQL texts of Go struct tags
// (types, defaults, generated columns, checks, constraints, index keys
// and predicates), in every dialect, are exactly what they claim to be, and
// are refused at their tag otherwise.
func TestDeclaredSQLIsOneThing(t *testing.T) {
	retort := func(tag string) string {
		return "package m\n\ntype T struct {\n\t_ struct{} `retort:\"table:t\"`\n\tA int `retort:\"" + tag + "\"`\n}\n"
	}
	tests := []struct{ name, src, want string }{
		{"retort type", retort(",type:int DEFAULT 1 NOT NULL"),
			"m.go:5:2: column a: type must be exactly one type name"},
		{"retort default", retort(",default:$c$ ( $c$ ) ; DROP TABLE v ; SELECT ( $c$ ) $c$"),
			"m.go:5:2: column a: default must be exactly one SQL expression"},
		{"retort default with a comment", retort(",default:1 -- x"),
			"m.go:5:2: column a: default must be exactly one SQL expression: holds a comment"},
		{"retort generated", retort(",generated:a + 1 AS b"),
			"m.go:5:2: column a: generated must be exactly one SQL expression"},
		{"retort check", retort(",check:(a > 0 -- )"),
			"m.go:5:18: constraint t_a_check must be exactly one constraint: holds a comment"},
		{"retort index where", retort(",index:i(where:(a > 0) -- )"),
			"m.go:5:18: index i: where must be exactly one SQL expression"},
		{"gorm type", "package m\n\ntype T struct {\n\tID int `gorm:\"primaryKey\"`\n\tA int `gorm:\"type:int DEFAULT 1, b int\"`\n}\n",
			"m.go:5:2: column a: type must be exactly one type name"},
		{"gorm default", "package m\n\ntype T struct {\n\tID int `gorm:\"primaryKey\"`\n\tA string `gorm:\"default:now()) , b int DEFAULT (1\"`\n}\n",
			"m.go:5:2: column a: default must be exactly one SQL expression"},
		{"bun type", "package m\n\nimport \"github.com/uptrace/bun\"\n\ntype T struct {\n\tbun.BaseModel\n\tID int64 `bun:\",pk\"`\n\tA int `bun:\"type:int DEFAULT 1 NOT NULL\"`\n}\n",
			"m.go:8:2: column a: type must be exactly one type name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadSource(t, tt.src)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error:\n%v\nwant it to hold:\n%s", err, tt.want)
			}
		})
	}
	// What is one thing still loads.
	mustLoad(t, retort(",type:varchar(20),default:'x''y',check:(a > 0),index:i(where:(a <> 'b'))"))
}
