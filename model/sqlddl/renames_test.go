package sqlddl

import (
	"reflect"
	"strings"
	"testing"
)

func TestRenameHints(t *testing.T) {
	src := `CREATE TABLE keep (id int);

-- retort:renamed_from users
CREATE TABLE app.people (
    id bigint PRIMARY KEY,
    -- retort:renamed_from nickname
    handle text,
    -- a plain comment
    -- retort:renamed_from "Old Name"
    "New Name" text, -- retort:renamed_from "not a hint" is only this text's comment
    -- retort:renamed_from Mail
    email text,
    CONSTRAINT people_ok CHECK (id > 0)
);
`
	stmts, err := Split("s.sql", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	got, err := RenameHints("s.sql", []byte(src), stmts)
	if err != nil {
		t.Fatal(err)
	}
	want := []RenameHint{
		{Schema: "app", Table: "people", From: "users", File: "s.sql", Line: 3, Col: 1},
		{Schema: "app", Table: "people", Column: "handle", From: "nickname", File: "s.sql", Line: 6, Col: 5},
		{Schema: "app", Table: "people", Column: "New Name", From: "Old Name", File: "s.sql", Line: 9, Col: 5},
		{Schema: "app", Table: "people", Column: "email", From: "mail", File: "s.sql", Line: 11, Col: 5},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("RenameHints =\n%+v\nwant\n%+v", got, want)
	}
}

func TestRenameHintsMisplaced(t *testing.T) {
	for _, tt := range []struct{ name, src, want string }{
		{"above an index", "-- retort:renamed_from x\nCREATE INDEX i ON t (a);", "s.sql:1:1: -- retort:renamed_from: must stand on the line above a CREATE TABLE"},
		{"at the end", "CREATE TABLE t (a int);\n-- retort:renamed_from x\n", "s.sql:2:1"},
		{"above a constraint", "CREATE TABLE t (\n  a int,\n  -- retort:renamed_from x\n  CONSTRAINT c CHECK (a > 0)\n);", "s.sql:3:3: -- retort:renamed_from: inside CREATE TABLE it must stand above a column definition"},
		{"inside a default", "CREATE TABLE t (\n  a int DEFAULT (\n  -- retort:renamed_from x\n  1)\n);", "s.sql:3:3"},
		{"no name", "-- retort:renamed_from\nCREATE TABLE t (a int);", "want the former name"},
		{"two names", "-- retort:renamed_from a b\nCREATE TABLE t (a int);", "want the former name"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			stmts, err := Split("s.sql", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			_, err = RenameHints("s.sql", []byte(tt.src), stmts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}
