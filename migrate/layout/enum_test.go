package layout

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/retortdb/retort/migrate"
)

// TestAddValueWarning: since PostgreSQL 12 ALTER TYPE … ADD VALUE runs in a
// transaction; a tool that sends a block as one query fails only when the
// block uses the new value after adding it.
func TestAddValueWarning(t *testing.T) {
	add := migrate.Statement{SQL: "-- hazard: non-transactional: runs alone\nALTER TYPE public.status ADD VALUE 'blocked' AFTER 'active'", NoTransaction: true}
	tests := []struct {
		name string
		up   []migrate.Statement
		want string // "" for no warning
	}{
		{"value not used", []migrate.Statement{add, {SQL: "ALTER TABLE public.t ADD COLUMN c int"}}, ""},
		{"used before it is added", []migrate.Statement{{SQL: "SELECT 'blocked'"}, add}, ""},
		{"used after", []migrate.Statement{add, {SQL: "UPDATE public.t SET s = 'blocked' WHERE s = 'active'"}}, "value that \"ALTER TYPE public.status ADD VALUE 'blocked' AFTER 'active'\" adds cannot be used before it commits"},
		{"IF NOT EXISTS, used", []migrate.Statement{{SQL: "ALTER TYPE s ADD VALUE IF NOT EXISTS 'it''s'"}, {SQL: "SELECT 'it''s'::s"}}, "cannot be used before it commits"},
		{"other statements still warn", []migrate.Statement{add, {SQL: "CREATE INDEX CONCURRENTLY i ON t (a)"}}, "where \"CREATE INDEX CONCURRENTLY i ON t (a)\" fails"},
	}
	for _, l := range []Layout{GolangMigrate, Dbmate} {
		for _, tt := range tests {
			t.Run(fmt.Sprint(l, "/", tt.name), func(t *testing.T) {
				rev := &migrate.Revision{Message: "status", Created: time.Now(), Up: tt.up}
				var warnings []string
				warnf := func(f string, a ...any) { warnings = append(warnings, fmt.Sprintf(f, a...)) }
				if _, err := Write(t.TempDir(), l, rev, Options{Warnf: warnf}); err != nil {
					t.Fatal(err)
				}
				switch {
				case tt.want == "" && len(warnings) > 0:
					t.Errorf("warnings %q, want none", warnings)
				case tt.want != "" && (len(warnings) != 1 || !strings.Contains(warnings[0], tt.want)):
					t.Errorf("warnings %q, want one containing %q", warnings, tt.want)
				}
			})
		}
	}
}
