package fixpoint

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/internal/devdb/devdbtest"
	"github.com/retortdb/retort/introspect"
	"github.com/retortdb/retort/model"
)

func TestMain(m *testing.M) { devdbtest.Main(m) }

// TestDefaultSpellings checks diff's list of defaults that mean the same
// value against PostgreSQL: a column of each type gets each spelling as its
// default, one row takes every default in one transaction (under a time
// zone far from UTC), and the spellings diff treats as equal must store one
// value and those it does not, as printed by introspect, must be a change.
func TestDefaultSpellings(t *testing.T) {
	tests := []struct {
		typ       string
		spellings []string
		same      []bool // whether diff may treat spelling i as spelling 0
	}{
		{"timestamp with time zone", []string{"now()", "CURRENT_TIMESTAMP", "transaction_timestamp()", "LOCALTIMESTAMP", "statement_timestamp()"},
			[]bool{true, true, true, false, false}},
		{"timestamp(3) with time zone", []string{"now()", "CURRENT_TIMESTAMP", "transaction_timestamp()"}, []bool{true, true, true}},
		{"timestamp without time zone", []string{"now()", "CURRENT_TIMESTAMP", "transaction_timestamp()", "LOCALTIMESTAMP", "CURRENT_TIMESTAMP(0)"},
			[]bool{true, true, true, true, false}},
		{"date", []string{"CURRENT_DATE", "now()", "CURRENT_TIMESTAMP", "transaction_timestamp()"}, []bool{true, true, true, true}},
		{"numeric", []string{"0", "0.00"}, []bool{true, false}},
	}
	for _, tt := range tests {
		t.Run(tt.typ, func(t *testing.T) {
			t.Parallel()
			url := devdbtest.NewDatabase(t)
			ctx := t.Context()
			conn, err := pgx.Connect(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close(context.WithoutCancel(ctx))
			cols := make([]string, len(tt.spellings))
			for i, s := range tt.spellings {
				cols[i] = fmt.Sprintf("c%d %s DEFAULT %s", i, tt.typ, s)
			}
			sql := "SET TIME ZONE 'Pacific/Chatham'; CREATE TABLE d (" + strings.Join(cols, ", ") + "); " +
				"BEGIN; SELECT pg_sleep(0.01); INSERT INTO d DEFAULT VALUES; COMMIT"
			if _, err := conn.Exec(ctx, sql); err != nil {
				t.Fatal(err)
			}
			s, err := introspect.InspectURL(ctx, url, introspect.Options{})
			if err != nil {
				t.Fatal(err)
			}
			table := s.Tables[0]
			for i, s := range tt.spellings {
				var equal bool
				q := fmt.Sprintf("SELECT c0::text = c%d::text FROM d", i)
				if err := conn.QueryRow(ctx, q).Scan(&equal); err != nil {
					t.Fatal(err)
				}
				if tt.same[i] && !equal {
					t.Errorf("DEFAULT %s stored another value than DEFAULT %s on %s", s, tt.spellings[0], tt.typ)
				}
				a, b := oneColumn(table.Columns[0]), oneColumn(table.Columns[i])
				cs, err := diff.Compare(a, b, diff.Options{})
				if err != nil {
					t.Fatal(err)
				}
				if got := len(cs) == 0; got != tt.same[i] {
					t.Errorf("DEFAULT %s (read back as %s) vs DEFAULT %s on %s: same = %v, want %v",
						s, table.Columns[i].Default, tt.spellings[0], tt.typ, got, tt.same[i])
				}
			}
		})
	}
}

// oneColumn is a schema of one table with column c, named c0.
func oneColumn(c model.Column) *model.Schema {
	c.Name = "c0"
	s := &model.Schema{Tables: []model.Table{{QName: model.QName{Schema: "public", Name: "d"}, Kind: model.TableOrdinary,
		Columns: []model.Column{c}}}}
	s.Normalize()
	return s
}
