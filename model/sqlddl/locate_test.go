package sqlddl

import "testing"

func TestLocate(t *testing.T) {
	tests := []struct {
		text, name string
		line, col  int // 0 when not found
	}{
		{"CREATE INDEX i ON t (id, nosuch)", "nosuch", 1, 26},
		{"CREATE INDEX i ON t (id,\n  NoSuch)", "nosuch", 2, 3},
		{`CREATE INDEX i ON t (id, "NoSuch")`, "NoSuch", 1, 26},
		{"CREATE INDEX i ON t (id, NoSuch)", "NoSuch", 0, 0},
		{"ALTER TABLE a ADD FOREIGN KEY (b) REFERENCES s.table_b (id)", "s.table_b", 1, 48},
		{"CREATE VIEW v AS SELECT 't', /* t */ * FROM t -- t", "t", 1, 45},
		{"CREATE VIEW vé AS SELECT * FROM t", "t", 1, 33},
		{`CREATE TABLE "a""b" ()`, `a"b`, 1, 14},
		{"CREATE TABLE t (name text)", "name", 1, 17},
		{"CREATE TABLE t ()", "x", 0, 0},
		{"SELECT 'unterminated", "x", 0, 0},
	}
	for _, tt := range tests {
		s := Statement{Text: tt.text, Line: 1, Col: 1}
		line, col, ok := s.Locate(tt.name)
		if ok != (tt.line > 0) || line != tt.line || col != tt.col {
			t.Errorf("Locate(%q) in %q = %d:%d %v, want %d:%d", tt.name, tt.text, line, col, ok, tt.line, tt.col)
		}
	}
}
