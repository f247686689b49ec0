package sqlddl

import (
	"strings"
	"testing"
)

func TestCanonical(t *testing.T) {
	tests := []struct{ a, b string }{
		{"CREATE TABLE t (a INTEGER NOT NULL, b varchar(3) default 'x')", "create table t(\n  a int not null, -- a\n  b character varying(3) DEFAULT ('x'))"},
		{"now()", "NOW( )"},
		{"CURRENT_TIMESTAMP", "current_timestamp"},
		{"(a > 0) AND (b < 3)", "a>0 and b<3"},
		{"lower(email)", "LOWER ( email )"},
		{"SELECT 1; SELECT 2", "select 1;\nselect 2;"},
	}
	for _, tt := range tests {
		a, err := Canonical(tt.a)
		if err != nil {
			t.Errorf("Canonical(%q): %v", tt.a, err)
			continue
		}
		b, err := Canonical(tt.b)
		if err != nil {
			t.Errorf("Canonical(%q): %v", tt.b, err)
			continue
		}
		if a != b {
			t.Errorf("Canonical(%q) = %q\nCanonical(%q) = %q", tt.a, a, tt.b, b)
		}
	}
	if got, _ := Canonical("A  >  0"); got != "a > 0" {
		t.Errorf("Canonical(A > 0) = %q", got)
	}
	for _, bad := range []string{"", "1) FROM t WHERE (true", "a, b", "1 AS x", "CREATE TABLE (", "1; DROP TABLE t", "'unterminated", "x\x00", "$0", "a = $00", "$2147483648"} {
		if got, err := Canonical(bad); err == nil {
			t.Errorf("Canonical(%q) = %q, want an error", bad, got)
		}
	}
}

func TestCanonicalType(t *testing.T) {
	tests := []struct{ in, want string }{
		{"int", "integer"},
		{"INT4", "integer"},
		{"integer", "integer"},
		{"bigint", "bigint"},
		{"serial8", "serial8"},
		{"varchar(255)", "character varying(255)"},
		{"character varying", "character varying"},
		{"char", "character(1)"},
		{"char(3)", "character(3)"},
		{"bpchar", "bpchar"},
		{`"char"`, `"char"`},
		{"bit", "bit(1)"},
		{`"bit"`, `"bit"`},
		{"decimal(10, 2)", "numeric(10,2)"},
		{"float", "double precision"},
		{"float(10)", "real"},
		{"timestamptz", "timestamp with time zone"},
		{"timestamp(3) with time zone", "timestamp(3) with time zone"},
		{"time", "time without time zone"},
		{"bool", "boolean"},
		{"int[][]", "integer[]"},
		{"text ARRAY", "text[]"},
		{"bit varying(5)", "bit varying(5)"},
		{"interval hour to minute", "interval hour to minute"},
		{"public.status", "public.status"},
		{`"Weird"`, `"Weird"`},
	}
	for _, tt := range tests {
		got, err := CanonicalType(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("CanonicalType(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "int FROM t", "setof int", "t.c%TYPE", "1", "a(!0)", "numeric(1 + 2)"} {
		if got, err := CanonicalType(bad); err == nil {
			t.Errorf("CanonicalType(%q) = %q, want an error", bad, got)
		} else if !strings.HasPrefix(err.Error(), "canonical type") {
			t.Errorf("CanonicalType(%q) error %q lacks context", bad, err)
		}
	}
}
