package migrate

import (
	"testing"
)

// TestParseMarkerInsideText checks that a line reading "-- retort:down" or
// "-- retort:up" inside a string, a quoted name, a dollar-quoted body or a
// block comment is text of its statement, not a section marker: a comment
// or a name from the schema may hold one.
func TestParseMarkerInsideText(t *testing.T) {
	tests := []struct{ name, sql string }{
		{"string", "COMMENT ON TABLE public.t IS 'a\n-- retort:down\nDROP TABLE public.victim; --'"},
		{"identifier", "ALTER TABLE public.t ADD COLUMN \"c\n-- retort:down\n\" text"},
		{"dollar", "CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS $$\n-- retort:up\nSELECT 1\n$$"},
		{"block comment", "SELECT 1 /*\n-- retort:down\n*/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Revision{ID: "aaaa00000001", Up: []Statement{{SQL: tt.sql}}, Down: []Statement{{SQL: tt.sql}}}
			data := Format(r)
			got, err := Parse("m.sql", data)
			if err != nil {
				t.Fatalf("%v\n%s", err, data)
			}
			if len(got.Up) != 1 || got.Up[0].SQL != tt.sql || len(got.Down) != 1 || got.Down[0].SQL != tt.sql {
				t.Errorf("read back up %+v down %+v, want %q in each\n%s", got.Up, got.Down, tt.sql, data)
			}
		})
	}
}
