package sqlddl

import (
	"reflect"
	"testing"
)

func TestSummarize(t *testing.T) {
	cases := []struct {
		sql   string
		check func(s Summary) bool
	}{
		{"CREATE INDEX CONCURRENTLY i ON s.t (a)", func(s Summary) bool {
			return s.Kind == "IndexStmt" && s.Concurrently && s.Table == Name{"s", "t"}
		}},
		{"CREATE INDEX i ON t (a)", func(s Summary) bool { return !s.Concurrently && s.Table.Name == "t" }},
		{"ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES u (id) NOT VALID", func(s Summary) bool {
			c := s.Alters[0].Constraint
			return s.Alters[0].Action == "add-constraint" && c.Type == "foreign-key" && c.NotValid && reflect.DeepEqual(c.Columns, []string{"a"})
		}},
		{"ALTER TABLE t ADD COLUMN u uuid NOT NULL DEFAULT public.gen_random_uuid()", func(s Summary) bool {
			a := s.Alters[0].Added
			return a.Name == "u" && a.NotNull && a.HasDefault && reflect.DeepEqual(a.DefaultFuncs, []string{"gen_random_uuid"})
		}},
		{"ALTER TABLE t ALTER COLUMN a TYPE varchar(20)[] USING a::text", func(s Summary) bool {
			a := s.Alters[0]
			return a.Action == "alter-type" && a.Using && a.Type.Name == "varchar" && a.Type.Array &&
				reflect.DeepEqual(a.Type.Mods, []int{20}) && a.Type.Text == "character varying(20)[]"
		}},
		{"ALTER TABLE t ALTER a SET NOT NULL, ALTER b DROP DEFAULT", func(s Summary) bool {
			return s.Alters[0].Action == "set-not-null" && s.Alters[0].Column == "a" && s.Alters[1].Action == "drop-default"
		}},
		{"ALTER TABLE t RENAME COLUMN a TO b", func(s Summary) bool {
			return *s.Rename == RenameSummary{Object: "column", From: "a", NewName: "b"}
		}},
		{"ALTER TABLE s.t RENAME TO u", func(s Summary) bool {
			return *s.Rename == RenameSummary{Object: "table", From: "t", NewName: "u"}
		}},
		{"DROP TABLE a, s.b", func(s Summary) bool {
			return s.Drop.Object == "table" && reflect.DeepEqual(s.Drop.Names, []Name{{"", "a"}, {"s", "b"}})
		}},
		{"DROP INDEX CONCURRENTLY i", func(s Summary) bool { return s.Drop.Object == "index" && s.Concurrently }},
		{"ALTER TYPE s.mood ADD VALUE 'x'", func(s Summary) bool { return s.EnumValue == "x" && s.EnumType == Name{"s", "mood"} }},
		{"ALTER TYPE mood RENAME VALUE 'x' TO 'y'", func(s Summary) bool { return s.EnumValue == "" }},
		{"VACUUM (FULL) t", func(s Summary) bool { return s.VacuumFull && s.Table.Name == "t" }},
		{"VACUUM t", func(s Summary) bool { return !s.VacuumFull }},
		{"REINDEX (CONCURRENTLY) TABLE t", func(s Summary) bool { return s.Concurrently }},
		{"TRUNCATE a, b", func(s Summary) bool { return len(s.Truncated) == 2 }},
		{"SET LOCAL lock_timeout = '2s'", func(s Summary) bool {
			return s.Setting == "lock_timeout" && s.SettingValue == "2s" && s.SettingLocal
		}},
		{"START TRANSACTION", func(s Summary) bool { return s.Transaction == "begin" }},
		{"CREATE TABLE t (id serial PRIMARY KEY, at timestamp, UNIQUE (at))", func(s Summary) bool {
			return len(s.Columns) == 2 && s.Columns[0].PrimaryKey && s.Columns[0].Type.Name == "serial" &&
				s.Columns[1].Type.Name == "timestamp" && s.Constraints[0].Type == "unique"
		}},
		{"INSERT INTO t VALUES ('a', 'b')", func(s Summary) bool { return reflect.DeepEqual(s.Strings, []string{"a", "b"}) }},
	}
	for _, c := range cases {
		s, err := Summarize(c.sql)
		if err != nil {
			t.Errorf("%s: %v", c.sql, err)
			continue
		}
		if !c.check(s) {
			t.Errorf("%s: unexpected summary %+v", c.sql, s)
		}
	}
	if _, err := Summarize("SELECT 1; SELECT 2"); err == nil {
		t.Error("two statements: no error")
	}
	if _, err := Summarize("CREATE TABEL t ()"); err == nil {
		t.Error("a syntax error: no error")
	}
}
