package gotag

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/retortdb/retort/model"
)

// loadSource writes one Go file, m.go, into a new directory and loads it.
func loadSource(t *testing.T, src string) (*model.Schema, error) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "m.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return Load(dir, ".")
}

func mustLoad(t *testing.T, src string) *model.Schema {
	t.Helper()
	s, err := loadSource(t, src)
	if err != nil {
		t.Fatalf("Load: %v\n%s", err, src)
	}
	return s
}

func table(t *testing.T, s *model.Schema, name string) *model.Table {
	t.Helper()
	for i := range s.Tables {
		if s.Tables[i].Name == name {
			return &s.Tables[i]
		}
	}
	t.Fatalf("no table %s in %v", name, s.Tables)
	return nil
}

func column(t *testing.T, tb *model.Table, name string) model.Column {
	t.Helper()
	for _, c := range tb.Columns {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no column %s in table %s", name, tb.Name)
	return model.Column{}
}

func constraint(t *testing.T, tb *model.Table, name string) model.Constraint {
	t.Helper()
	for _, c := range tb.Constraints {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no constraint %s in table %s: %v", name, tb.Name, tb.Constraints)
	return model.Constraint{}
}

// TestGoTypes checks the PostgreSQL type and nullability that retort's
// grammar gives each Go type.
func TestGoTypes(t *testing.T) {
	types := []struct {
		goType, pg string
		notNull    bool
	}{
		{"int64", "bigint", true}, {"int", "bigint", true}, {"int32", "integer", true}, {"int16", "smallint", true},
		{"int8", "smallint", true}, {"uint8", "smallint", true}, {"byte", "smallint", true}, {"rune", "integer", true},
		{"uint16", "integer", true}, {"uint32", "bigint", true}, {"uint64", "bigint", true},
		{"string", "text", true}, {"bool", "boolean", true},
		{"float64", "double precision", true}, {"float32", "real", true},
		{"time.Time", "timestamp with time zone", true}, {"*time.Time", "timestamp with time zone", false},
		{"[]byte", "bytea", false}, {"[16]byte", "bytea", true}, {"json.RawMessage", "jsonb", false},
		{"*string", "text", false}, {"**int64", "bigint", false},
		{"sql.NullString", "text", false}, {"sql.NullInt64", "bigint", false}, {"sql.NullInt32", "integer", false},
		{"sql.NullInt16", "smallint", false}, {"sql.NullByte", "smallint", false}, {"sql.NullFloat64", "double precision", false},
		{"sql.NullBool", "boolean", false}, {"sql.NullTime", "timestamp with time zone", false},
		{"sql.Null[int32]", "integer", false}, {"sql.Null[string]", "text", false},
		{"uuid.UUID", "uuid", true}, {"uuid.NullUUID", "uuid", false}, {"pgtype.UUID", "uuid", false},
		{"pgtype.Text", "text", false}, {"pgtype.Int8", "bigint", false}, {"pgtype.Numeric", "numeric", false},
		{"pgtype.Timestamptz", "timestamp with time zone", false}, {"pgtype.Date", "date", false},
		{"decimal.Decimal", "numeric", true}, {"decimal.NullDecimal", "numeric", false},
		{"netip.Addr", "inet", true}, {"netip.Prefix", "cidr", true}, {"net.IP", "inet", false},
		{"[]string", "text[]", false}, {"[]int64", "bigint[]", false}, {"[][]string", "text[]", false},
		{"[]uuid.UUID", "uuid[]", false}, {"[]time.Time", "timestamp with time zone[]", false},
		{"map[string]any", "jsonb", false}, {"UserID", "bigint", true}, {"Tags", "text[]", false},
		{"Status", "public.status", true}, {"*Status", "public.status", false}, {"[]Status", "public.status[]", false},
		{"Plain", "text", true}, {"gorm.DeletedAt", "timestamp with time zone", false},
	}
	var b strings.Builder
	b.WriteString(`package m

import (
	"database/sql"
	"encoding/json"
	"net"
	"net/netip"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/shopspring/decimal"
	"gorm.io/gorm"
)

type UserID int64
type Tags []string
type Plain string
type Status string

const StatusNew Status = "new"

var _ = []any{sql.ErrNoRows, json.Marshal, net.IPv4len, netip.Addr{}, time.Now, uuid.New, pgtype.Int8{}, decimal.Zero, gorm.ErrRecordNotFound}

type T struct {
	_ struct{} ` + "`retort:\"table:t\"`" + `
`)
	for i, tt := range types {
		b.WriteString("\tF" + strings.Repeat("x", i) + " " + tt.goType + " `retort:\"c" + string(rune('a'+i%26)) + strings.Repeat("z", i/26) + "\"`\n")
	}
	b.WriteString("}\n")
	s := mustLoad(t, b.String())
	tb := table(t, s, "t")
	for i, tt := range types {
		c := tb.Columns[i]
		if c.Type != tt.pg || c.NotNull != tt.notNull {
			t.Errorf("%s: got %s (not null %v), want %s (not null %v)", tt.goType, c.Type, c.NotNull, tt.pg, tt.notNull)
		}
	}
	if len(s.Enums) != 1 || s.Enums[0].Name != "status" || !slices.Equal(s.Enums[0].Labels, []string{"new"}) {
		t.Errorf("enums = %+v", s.Enums)
	}
}

func TestUnmappedTypes(t *testing.T) {
	for _, typ := range []string{"struct{ A int }", "any", "func()", "chan int", "complex128", "other.Thing", "Inner"} {
		_, err := loadSource(t, "package m\n\nimport \"example.com/other\"\n\nvar _ other.X\n\ntype Inner struct{ A int }\n\ntype T struct {\n\t_ struct{} `retort:\"table:t\"`\n\tF "+typ+"\n}\n")
		if err == nil || !strings.Contains(err.Error(), "m.go:11:2: field F: no PostgreSQL type") {
			t.Errorf("%s: error %v", typ, err)
		}
		if _, err := loadSource(t, "package m\n\nimport \"example.com/other\"\n\nvar _ other.X\n\ntype Inner struct{ A int }\n\ntype T struct {\n\t_ struct{} `retort:\"table:t\"`\n\tF "+typ+" `retort:\",type:jsonb\"`\n}\n"); err != nil {
			t.Errorf("%s with type: %v", typ, err)
		}
	}
}
