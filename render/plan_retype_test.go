package render_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/retortdb/retort/internal/devdb/devdbtest"
	"github.com/retortdb/retort/render"
)

// TestPlanRetypeKeepsValues changes a column's type on a real server with
// a row in it: a value that does not fit the new type fails the up script
// and stays as it was; a value that fits comes through unchanged, and the
// down script brings it back as before, without a check (it widens back).
func TestPlanRetypeKeepsValues(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		pre      string // run on both sides first
		from, to string
		bad      string // a value that does not fit, or "" for none
		good     string // a value that fits
		want     string // good's text after up, if not good's own
		guard    bool   // the up script checks the values first
	}{
		{name: "varchar_narrow", from: "varchar(300)", to: "varchar(255)", bad: "repeat('x', 300)", good: "'abc'", guard: true},
		{name: "varchar_trailing_spaces", from: "varchar(300)", to: "varchar(255)", bad: "'ab' || repeat(' ', 298)", good: "'ab  '", guard: true},
		{name: "text_to_varchar", from: "text", to: "varchar(3)", bad: "'abcd'", good: "'abc'", guard: true},
		{name: "char_narrow", from: "char(5)", to: "char(3)", bad: "'abcd'", good: "'ab'"},
		{name: "char_widen", from: "char(3)", to: "char(5)", good: "'ab'"},
		{name: "numeric_scale", from: "numeric(10,3)", to: "numeric(10,2)", bad: "1.235", good: "1.230", want: "1.23", guard: true},
		{name: "numeric_precision", from: "numeric(10,2)", to: "numeric(5,2)", bad: "12345.67", good: "123.45"},
		{name: "numeric_to_integer", from: "numeric(10,2)", to: "integer", bad: "1.5", good: "2.00", want: "2", guard: true},
		{name: "double_to_real", from: "double precision", to: "real", bad: "0.1", good: "0.5", guard: true},
		{name: "bigint_to_integer", from: "bigint", to: "integer", bad: "3000000000", good: "7"},
		{name: "bit_widen", from: "bit(4)", to: "bit(8)", bad: "B'1010'", good: "NULL"},
		{name: "bit_narrow", from: "bit(8)", to: "bit(4)", bad: "B'10101010'", good: "NULL"},
		{name: "varbit_narrow", from: "varbit(8)", to: "varbit(4)", bad: "B'101010'", good: "B'101'"},
		{name: "bit_to_varbit", from: "bit(8)", to: "varbit(4)", bad: "B'10101010'", good: "NULL"},
		{name: "timestamp_precision", from: "timestamp", to: "timestamp(0)", bad: "'2024-01-01 12:00:00.5'", good: "'2024-01-01 12:00:01'", guard: true},
		{name: "timestamptz_precision", from: "timestamptz(6)", to: "timestamptz(3)", bad: "'2024-01-01 12:00:00.1234+00'", good: "'2024-01-01 12:00:00.123+00'", guard: true},
		{name: "time_precision", from: "time(6)", to: "time(0)", bad: "'12:00:00.7'", good: "'12:00:00'", guard: true},
		{name: "timestamp_to_date", from: "timestamp", to: "date", bad: "'2024-01-01 12:00'", good: "'2024-01-01'", want: "2024-01-01", guard: true},
		{name: "interval_precision", from: "interval", to: "interval(0)", bad: "'1.5 seconds'", good: "'1 second'", guard: true},
		{name: "interval_fields", from: "interval", to: "interval year", bad: "'1 year 2 mons'", good: "'2 years'", guard: true},
		{name: "varchar_array", from: "varchar(5)[]", to: "varchar(3)[]", bad: "'{abcde}'", good: "'{abc}'", guard: true},
		{name: "numeric_array", from: "numeric(10,3)[]", to: "numeric(10,2)[]", bad: "'{1.235}'", good: "'{1.23}'", want: "{1.23}", guard: true},
		{name: "bpchar_array", from: "char(5)[]", to: "char(3)[]", bad: "'{abcd}'", good: "'{ab}'", want: "{\"ab \"}"},
		{name: "to_domain_varchar", pre: "CREATE DOMAIN public.d3 AS varchar(3);", from: "varchar(5)", to: "public.d3", bad: "'abcde'", good: "'abc'", guard: true},
		{name: "to_domain_numeric", pre: "CREATE DOMAIN public.dn AS numeric(10,2);", from: "numeric(10,3)", to: "public.dn", bad: "1.235", good: "1.23", want: "1.23", guard: true},
		{name: "from_domain_numeric", pre: "CREATE DOMAIN public.dn AS numeric(10,3);", from: "public.dn", to: "numeric(10,2)", bad: "1.235", good: "1.230", want: "1.23", guard: true},
		{name: "enum_to_varchar", pre: "CREATE TYPE public.e AS ENUM ('abcde', 'ab');", from: "public.e", to: "varchar(3)", bad: "'abcde'", good: "'ab'", guard: true},
		{name: "text_to_numeric", from: "text", to: "numeric(5,2)", bad: "'1.234'", good: "'1.23'", guard: true},
		{name: "text_to_char", from: "text", to: "char(3)", bad: "'abcd'", good: "'abc'"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			toConn := inspectConn(t, devdbtest.NewDatabase(t))
			execConn(t, toConn, tc.pre+"CREATE TABLE public.t (id int, c "+tc.to+");")
			to := inspectWith(t, toConn)
			values := []struct {
				value string
				fits  bool
			}{{tc.good, true}}
			if tc.bad != "" {
				values = append(values, struct {
					value string
					fits  bool
				}{tc.bad, false})
			}
			for _, v := range values {
				url := devdbtest.NewDatabase(t)
				conn := inspectConn(t, url)
				execConn(t, conn, tc.pre+"CREATE TABLE public.t (id int, c "+tc.from+"); INSERT INTO public.t VALUES (1, "+v.value+");")
				before := columnText(t, conn)
				plan, err := render.NewPlan(inspectWith(t, conn), to, render.PlanOptions{})
				if err != nil {
					t.Fatal(err)
				}
				up, down := plan.UpSQL(), plan.DownSQL()
				if got := strings.Contains(up, "DO $retort$"); got != tc.guard {
					t.Errorf("up checks the values first: %v, want %v\n%s", got, tc.guard, up)
				}
				if strings.Contains(down, "DO $retort") {
					t.Errorf("down, which widens back, checks the values:\n%s", down)
				}
				err = psqlScript(url, up)
				after := columnText(t, conn)
				if !v.fits {
					if err == nil {
						t.Fatalf("up applies with %s, which does not fit %s: %q became %q\n%s", v.value, tc.to, before, after, up)
					}
					if after != before {
						t.Errorf("up failed, yet the value changed: %q became %q", before, after)
					}
					continue
				}
				if err != nil {
					t.Fatalf("up fails with %s, which fits %s: %v\n%s", v.value, tc.to, err, up)
				}
				want := before
				if tc.want != "" {
					want = tc.want
				}
				if after != want {
					t.Errorf("after up, the value is %q, want %q\n%s", after, want, up)
				}
				if err := psqlScript(url, down); err != nil {
					t.Fatalf("down fails: %v\n%s", err, down)
				}
				if back := columnText(t, conn); back != before {
					t.Errorf("after down, the value is %q, want %q\n%s", back, before, down)
				}
			}
		})
	}
}

// columnText is the text of public.t's column c in its one row, or
// "<null>".
func columnText(t *testing.T, conn *pgx.Conn) string {
	t.Helper()
	var s *string
	if err := conn.QueryRow(t.Context(), "SELECT c::text FROM public.t").Scan(&s); err != nil && !errors.Is(err, pgx.ErrNoRows) {
		t.Fatal(err)
	}
	if s == nil {
		return "<null>"
	}
	return *s
}
