package diff

import "testing"

// TestDefaultSpellings compares a column's default written one way with the
// same column's default written another: equal when PostgreSQL evaluates
// both to the same value for the column's type, a change otherwise.
func TestDefaultSpellings(t *testing.T) {
	tests := []struct {
		typ, from, to string
		same          bool
	}{
		{"timestamp with time zone", "now()", "CURRENT_TIMESTAMP", true},
		{"timestamp with time zone", "CURRENT_TIMESTAMP", "now()", true},
		{"timestamp with time zone", "now()", "transaction_timestamp()", true},
		{"timestamp with time zone", "transaction_timestamp()", "CURRENT_TIMESTAMP", true},
		{"timestamp(3) with time zone", "now()", "CURRENT_TIMESTAMP", true},
		{"timestamp with time zone", "now()", "LOCALTIMESTAMP", false},
		{"timestamp with time zone", "now()", "statement_timestamp()", false},
		{"timestamp with time zone", "now()", "clock_timestamp()", false},
		{"timestamp with time zone", "now()", "CURRENT_TIMESTAMP(0)", false},
		{"timestamp with time zone", "now()", "", false},
		{"timestamp without time zone", "now()", "LOCALTIMESTAMP", true},
		{"timestamp without time zone", "CURRENT_TIMESTAMP", "LOCALTIMESTAMP", true},
		{"timestamp without time zone", "transaction_timestamp()", "now()", true},
		{"timestamp(0) without time zone", "LOCALTIMESTAMP", "now()", true},
		{"timestamp without time zone", "LOCALTIMESTAMP", "LOCALTIMESTAMP(3)", false},
		{"date", "CURRENT_DATE", "now()", true},
		{"date", "CURRENT_DATE", "CURRENT_TIMESTAMP", true},
		{"date", "CURRENT_DATE", "transaction_timestamp()", true},
		{"date", "CURRENT_DATE", "LOCALTIMESTAMP", false},
		{"text", "now()", "CURRENT_TIMESTAMP", false},
		{"numeric", "0", "0.00", false},
		{"numeric(10,2)", "0", "0.00", false},
		{"time without time zone", "LOCALTIME", "CURRENT_TIME", false},
	}
	for _, tt := range tests {
		t.Run(tt.typ+"/"+tt.from+"/"+tt.to, func(t *testing.T) {
			from, to := schemaA(), schemaA()
			from.Tables[0].Columns[1].Type, from.Tables[0].Columns[1].Default = tt.typ, tt.from
			to.Tables[0].Columns[1].Type, to.Tables[0].Columns[1].Default = tt.typ, tt.to
			cs, err := Compare(from, to, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := len(cs) == 0; got != tt.same {
				t.Errorf("DEFAULT %s vs DEFAULT %s on %s: changes %q; want same = %v", tt.from, tt.to, tt.typ, describe(cs), tt.same)
			}
		})
	}
}
