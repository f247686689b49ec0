package codec

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/retortdb/retort/model"
)

func TestNames(t *testing.T) {
	tests := []struct {
		text  string
		parts []string
	}{
		{"public.users", []string{"public", "users"}},
		{"Users", []string{"Users"}},
		{`"my.schema"."t ""x"""`, []string{"my.schema", `t "x"`}},
		{"تست.table one", []string{"تست", "table one"}},
	}
	for _, tt := range tests {
		got, ok := SplitName(tt.text)
		if !ok || !slices.Equal(got, tt.parts) {
			t.Errorf("SplitName(%q) = %q, %v", tt.text, got, ok)
		}
		back, _ := SplitName(JoinName(tt.parts...))
		if !slices.Equal(back, tt.parts) {
			t.Errorf("JoinName(%q) = %q does not split back", tt.parts, JoinName(tt.parts...))
		}
	}
	for _, bad := range []string{"", ".", "a.", `"a`, `"a"b`, "a..b"} {
		if got, ok := SplitName(bad); ok {
			t.Errorf("SplitName(%q) = %q, want an error", bad, got)
		}
	}
}

func TestDeps(t *testing.T) {
	refs := []model.ObjectRef{
		{Kind: model.KindTable, Schema: "public", Name: "users"},
		{Kind: model.KindFunction, Schema: "public", Name: "f", Args: "a integer, b numeric(10,2)"},
		{Kind: model.KindFunction, Schema: "public", Name: "g"},
		{Kind: model.KindConstraint, Schema: "public", Table: "t", Name: "t_pkey"},
		{Kind: model.KindMaterializedView, Schema: "app", Name: "m.v"},
		{Kind: model.KindExtension, Name: "btree_gist"},
		{Kind: model.KindEventTrigger, Name: "et"},
	}
	for _, r := range refs {
		s, ok := FormatDep(r)
		if !ok {
			t.Errorf("FormatDep(%v) not exact: %q", r, s)
			continue
		}
		if back, ok := ParseDep(s); !ok || back != r {
			t.Errorf("ParseDep(%q) = %v, %v", s, back, ok)
		}
	}
	if _, ok := FormatDep(model.ObjectRef{Kind: model.KindIndex, Schema: "public", Name: "i"}); ok {
		t.Error("an index without its table has no string form")
	}
}

func TestKeys(t *testing.T) {
	for _, key := range []string{
		"id", `"tenantId"`, "lower(email) DESC NULLS LAST", "name text_pattern_ops", "((a + 1))",
		`name COLLATE "C" DESC`, "additional_metadata jsonb_path_ops", "public.f(a, b)",
	} {
		k, ok := parseKey(key)
		if !ok || k.text() != key {
			t.Errorf("parseKey(%q) = %+v, %v", key, k, ok)
		}
	}
	for _, key := range []string{"a + 1", "", "x DESC NULLS SOMETIMES"} {
		if k, ok := parseKey(key); ok {
			t.Errorf("parseKey(%q) = %+v, want false", key, k)
		}
	}
}

func TestTexts(t *testing.T) {
	for _, e := range []string{"a > 0", "(a = 'x;y')", "E'it\\'s' = b", `"weird--name" IS NULL`, "x[1] = 2"} {
		if err := exprCheck(e); err != nil {
			t.Errorf("exprCheck(%q) = %v", e, err)
		}
	}
	for _, e := range []string{"", "a > (0", "a = 'x", "true); DROP TABLE t; --", "a -- b", "a /* b */"} {
		if exprCheck(e) == nil {
			t.Errorf("exprCheck(%q) = nil, want an error", e)
		}
	}
	for in, want := range map[string]string{
		"timestamptz": "timestamp with time zone", "varchar(20)": "character varying(20)", "int[]": "integer[]",
		"numeric(10, 2)": "numeric(10,2)", "citext": "citext", `public."Type"`: `public."Type"`,
	} {
		if got := canonicalType(in); got != want {
			t.Errorf("canonicalType(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"in_progress": "in_progress", "(a = 1)": "(a = 1)", "a = 1": "(a = 1)", "f(x)": "f(x)", "NOT x": "(NOT x)",
	} {
		if got := predicateText(in); got != want {
			t.Errorf("predicateText(%q) = %q, want %q", in, got, want)
		}
	}
	if got := makeObjectName("a_very_long_table_name_that_goes_on_and_on_and_on_and_on_forever", "col", "idx"); got != "a_very_long_table_name_that_goes_on_and_on_and_on_and_o_col_idx" || len(got) > 63 {
		t.Errorf("makeObjectName = %q (%d)", got, len(got))
	}
}

// TestDecodeFiles checks that every file is read and parsed before any is
// decoded, so that the problems of all of them are reported together.
func TestDecodeFiles(t *testing.T) {
	dir := t.TempDir()
	good, bad := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	for _, p := range []string{good, bad} {
		if err := os.WriteFile(p, []byte(filepath.Base(p)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	parse := func(name string, src []byte) (*Body, error) {
		if string(src) == "b" {
			return nil, &Error{Pos: Pos{File: name, Line: 1, Col: 1}, Msg: "bad"}
		}
		return &Body{Pos: Pos{File: name, Line: 1, Col: 1}}, nil
	}
	_, err := DecodeFiles([]string{good, bad, filepath.Join(dir, "missing")}, parse)
	if err == nil || !strings.Contains(err.Error(), bad+":1:1: bad") || !strings.Contains(err.Error(), "read schema file") {
		t.Errorf("error = %v", err)
	}
	s, err := DecodeFiles([]string{good}, parse)
	if err != nil || s == nil {
		t.Errorf("one good file: %v, %v", s, err)
	}
}
