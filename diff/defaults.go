package diff

import "strings"

// sameValueDefaults lists, per column type as format_type prints it (without
// a precision), the default expressions that PostgreSQL evaluates to the same
// value, as pg_get_expr prints each: the start time of the current
// transaction, in the column's type. Defaults that spell one of them compare
// equal; every other difference of a default stays a change, even one of
// text only ("0" and "0.00" store different numerics). docs/defaults.md lists
// them; TestDefaultSpellings in internal/fixpoint checks on PostgreSQL that
// each list evaluates to one value and is printed so.
//
// LOCALTIMESTAMP is not among the timestamptz spellings: it goes through the
// session's local time, which is ambiguous for an hour each autumn where
// clocks go back. statement_timestamp() and clock_timestamp() are other
// times.
var sameValueDefaults = map[string][]string{
	"timestamp with time zone":    {"now()", "CURRENT_TIMESTAMP", "transaction_timestamp()"},
	"timestamp without time zone": {"now()", "CURRENT_TIMESTAMP", "transaction_timestamp()", "LOCALTIMESTAMP"},
	"date":                        {"now()", "CURRENT_TIMESTAMP", "transaction_timestamp()", "CURRENT_DATE"},
}

// canonicalDefault returns the default that stands for every spelling of
// def's value on a column of type typ: the first of its list, or def itself.
func canonicalDefault(typ, def string) string {
	if def == "" {
		return def
	}
	list := sameValueDefaults[withoutPrecision(typ)]
	for _, d := range list {
		if d == def {
			return list[0]
		}
	}
	return def
}

// withoutPrecision drops the precision of a timestamp type, "timestamp(3)
// with time zone": rounding to it happens alike for every spelling.
func withoutPrecision(typ string) string {
	open := strings.IndexByte(typ, '(')
	if open < 0 {
		return typ
	}
	shut := strings.IndexByte(typ[open:], ')')
	if shut < 0 {
		return typ
	}
	return typ[:open] + typ[open+shut+1:]
}
