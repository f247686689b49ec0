package gotag

import (
	"strings"
	"testing"
)

// TestTagNamesAreNames checks that the names of Go struct tags written into
// DDL (collations, index INCLUDE columns, GORM's index COLLATE) are names,
// and are refused at their tag when they would close the text around them.
func TestTagNamesAreNames(t *testing.T) {
	retort := func(tag string) string {
		return "package m\n\ntype T struct {\n\t_ struct{} `retort:\"table:t\"`\n\tA string `retort:\"" + tag + "\"`\n}\n"
	}
	tests := []struct{ name, src, want string }{
		{"retort collate", retort(`,collate:public.c; COPY (SELECT 1) TO PROGRAM 'id'; --`),
			"m.go:5:2: column a: collate must be a collation name (NAME or SCHEMA.NAME): holds a ; (a second statement)"},
		{"retort quoted collate", retort(`,collate:\"C\" NOT NULL`),
			"m.go:5:2: column a: collate must be a collation name (NAME or SCHEMA.NAME)"},
		{"retort include", retort(`,index:i(include:(a); COPY (SELECT 1) TO PROGRAM 'id'; --)`),
			"index i: include needs column names"},
		{"gorm index collate", "package m\n\ntype T struct {\n\tID int `gorm:\"primaryKey\"`\n\tA string `gorm:\"index:i,collate:C\\\") ; COPY (SELECT 1) TO PROGRAM 'id' ; SELECT (\\\"x\"`\n}\n",
			"index i: key must be exactly one column or expression"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadSource(t, tt.src)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error:\n%v\nwant it to hold:\n%s", err, tt.want)
			}
		})
	}
	// Names as PostgreSQL prints them still load.
	mustLoad(t, retort(`,collate:C,index:i(include:(a))`))
	mustLoad(t, retort(`,collate:pg_catalog.\"C\"`))
}
