package sqltext

import "testing"

func TestDDLPieces(t *testing.T) {
	action := func(code string) string {
		w, ok := Action(code)
		if !ok {
			return "unknown"
		}
		return w
	}
	tests := []struct{ got, want string }{
		{KeyText(true, []string{"a", "B"}, nil, true), `PRIMARY KEY (a, "B")`},
		{KeyText(false, []string{"a"}, []string{"user"}, false), `UNIQUE (a) INCLUDE ("user")`},
		{KeyText(false, []string{"a"}, nil, true), `UNIQUE NULLS NOT DISTINCT (a)`},
		{ForeignKeyHead([]string{"owner id"}, "public", "Users"), `FOREIGN KEY ("owner id") REFERENCES public."Users"`},
		{MatchText("f") + MatchText("p") + MatchText("s") + MatchText(""), " MATCH FULL MATCH PARTIAL"},
		{action("") + "|" + action("a") + "|" + action("r") + "|" + action("c") + "|" + action("n") + "|" + action("d") + "|" + action("x"),
			"||RESTRICT|CASCADE|SET NULL|SET DEFAULT|unknown"},
		{Deferral(true, true) + "|" + Deferral(true, false) + "|" + Deferral(false, true) + "|" + Deferral(false, false),
			" DEFERRABLE INITIALLY DEFERRED| DEFERRABLE| INITIALLY DEFERRED|"},
		{OptionKey("toast.autovacuum_enabled") + " " + OptionKey("Fill"), `toast.autovacuum_enabled "Fill"`},
		{Index{Name: "i", Schema: "s", Table: "t", Keys: []string{"a", "lower(b)"}}.String(), `CREATE INDEX i ON s.t (a, lower(b))`},
		{Index{Name: "I", Unique: true, Only: true, Schema: "s", Table: "t", Method: "btree", Keys: []string{"a"},
			Include: []string{"b"}, NullsNotDistinct: true, With: "fillfactor='70'", Tablespace: "fast", Predicate: "(a > 0)"}.String(),
			`CREATE UNIQUE INDEX "I" ON ONLY s.t USING btree (a) INCLUDE (b) NULLS NOT DISTINCT WITH (fillfactor='70') TABLESPACE fast WHERE (a > 0)`},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%d: got  %s\nwant %s", i, tt.got, tt.want)
		}
	}
}
