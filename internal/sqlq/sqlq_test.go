package sqlq

import "testing"

func TestQuoteIdent(t *testing.T) {
	tests := []struct{ in, want string }{
		{"users", "users"},
		{"user", `"user"`},
		{"Users", `"Users"`},
		{"a b", `"a b"`},
		{`we"ird`, `"we""ird"`},
		{"1abc", `"1abc"`},
		{"abc1$", "abc1$"},
		{"", `""`},
		{"café", `"café"`},
		{"select", `"select"`},
		{"name", "name"}, // unreserved keyword
		{"json_table", `"json_table"`},
	}
	for _, tt := range tests {
		if got := QuoteIdent(tt.in); got != tt.want {
			t.Errorf("QuoteIdent(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestQualified(t *testing.T) {
	if got, want := Qualified("public", "Order"), `public."Order"`; got != want {
		t.Errorf("Qualified = %s, want %s", got, want)
	}
	if got, want := Qualified("", "x"), "x"; got != want {
		t.Errorf("Qualified = %s, want %s", got, want)
	}
}

func TestLiteral(t *testing.T) {
	tests := []struct{ in, want string }{
		{"abc", "'abc'"},
		{"it's", "'it''s'"},
		{`a\b`, `E'a\\b'`},
		{`a\'b`, `E'a\\''b'`},
		{"", "''"},
	}
	for _, tt := range tests {
		if got := Literal(tt.in); got != tt.want {
			t.Errorf("Literal(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestDollarQuote(t *testing.T) {
	for _, tc := range []struct{ tag, body, want string }{
		{"retort", "BEGIN NULL; END", "$retort$BEGIN NULL; END$retort$"},
		{"retort", `SELECT "a$retort$b"`, `$retort1$SELECT "a$retort$b"$retort1$`},
		{"retort", "x$retort$ y$retort1$", "$retort2$x$retort$ y$retort1$$retort2$"},
		// A body that ends in the tag would close the constant one "$" early.
		{"retort", "x $retort", "$retort1$x $retort$retort1$"},
		{"", "a$$b", "$q$a$$b$q$"},
		{"", "a$q$b", "$q1$a$q$b$q1$"},
	} {
		if got := DollarQuote(tc.tag, tc.body); got != tc.want {
			t.Errorf("DollarQuote(%q, %q) = %q, want %q", tc.tag, tc.body, got, tc.want)
		}
	}
}
