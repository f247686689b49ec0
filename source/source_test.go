package source

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	dir := t.TempDir()
	sqlDir := filepath.Join(dir, "sqls")
	os.Mkdir(sqlDir, 0o755)
	os.WriteFile(filepath.Join(sqlDir, "a.sql"), nil, 0o644)
	mixed := filepath.Join(dir, "mixed")
	os.Mkdir(mixed, 0o755)
	os.WriteFile(filepath.Join(mixed, "a.sql"), nil, 0o644)
	os.WriteFile(filepath.Join(mixed, "b.hcl"), nil, 0o644)

	tests := []struct {
		src     string
		kind    Kind
		path    string
		wantErr string
	}{
		{src: "empty", kind: Empty},
		{src: "postgres://u:pw@h/db", kind: Database},
		{src: "postgresql://h/db", kind: Database},
		{src: "schema.sql", kind: SQLFiles, path: "schema.sql"},
		{src: "file://x/schema.SQL", kind: SQLFiles, path: "x/schema.SQL"},
		{src: "s.hcl", kind: HCLFiles, path: "s.hcl"},
		{src: "s.yml", kind: YAMLFiles, path: "s.yml"},
		{src: "go://./models/...", kind: GoPackages, path: "./models/..."},
		{src: "migrations://migrations", kind: Migrations, path: "migrations"},
		{src: sqlDir, kind: SQLFiles, path: sqlDir},
		{src: mixed, wantErr: "mixes schema formats"},
		{src: dir, wantErr: "holds no .sql"},
		{src: "ftp://x", wantErr: `unknown scheme "ftp"`},
		{src: "nonsense", wantErr: "not a database URL"},
		{src: "", wantErr: "empty source"},
	}
	for _, tt := range tests {
		spec, err := Parse(tt.src)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Parse(%q) error = %v, want %q", tt.src, err, tt.wantErr)
			}
			continue
		}
		if err != nil || spec.Kind != tt.kind || spec.Path != tt.path {
			t.Errorf("Parse(%q) = %+v, %v; want kind %d path %q", tt.src, spec, err, tt.kind, tt.path)
		}
	}
}

// TestSpecStringRedacts checks that a database source never prints its
// password, in any form pgx accepts (connstr's tests cover the forms).
func TestSpecStringRedacts(t *testing.T) {
	for _, in := range []string{
		"postgres://bob:s3cret@host/db",
		"postgres://bob@host/db?password=s3cret&sslmode=disable",
		"postgres://bob:s3cret@%zz/db",
	} {
		if strings.Contains(Spec{Kind: Database, Raw: in}.String(), "s3cret") {
			t.Errorf("Spec.String leaks the password of %q", in)
		}
	}
}

func TestLineCol(t *testing.T) {
	text := "CREATE TABLE ok (id int);\n\n    TABLEX oops;\nnaïve é x"
	tests := []struct{ pos, line, col int }{
		{1, 1, 1},
		{5, 1, 5},
		{27, 2, 1},
		{32, 3, 5},
		{53, 4, 9}, // counts characters, not bytes
	}
	for _, tt := range tests {
		if l, c := lineCol(text, tt.pos); l != tt.line || c != tt.col {
			t.Errorf("lineCol(%d) = %d:%d, want %d:%d", tt.pos, l, c, tt.line, tt.col)
		}
	}
}
