package devdb

import (
	"fmt"
	"strings"
	"testing"
)

// TestAnalyzeCatalog: after a load, pg_class's statistics count the
// relations the load made, so that the introspection's queries are planned
// for them; before, they hold the template's few hundred.
func TestAnalyzeCatalog(t *testing.T) {
	dev := NewDev(start(t, Options{}))
	sc, err := dev.Scratch(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close(t.Context())
	conn := connect(t, sc.ConnString())
	var b strings.Builder
	for i := range 600 {
		fmt.Fprintf(&b, "CREATE TABLE t%d (id int PRIMARY KEY);\n", i)
	}
	if _, err := conn.Exec(t.Context(), b.String()); err != nil {
		t.Fatal(err)
	}
	estimate := func() (est float64, actual int) {
		t.Helper()
		err := conn.QueryRow(t.Context(), `SELECT reltuples, (SELECT count(*) FROM pg_catalog.pg_class)
			FROM pg_catalog.pg_class WHERE oid = 'pg_catalog.pg_class'::regclass`).Scan(&est, &actual)
		if err != nil {
			t.Fatal(err)
		}
		return est, actual
	}
	// Each table brings a table, an index and a row type's worth of rows.
	if est, actual := estimate(); est >= float64(actual)/2 {
		t.Fatalf("before: pg_class estimated at %.0f rows of %d: the test's load no longer leaves it stale", est, actual)
	}
	if err := sc.AnalyzeCatalog(t.Context()); err != nil {
		t.Fatal(err)
	}
	if est, actual := estimate(); est < float64(actual)*0.9 {
		t.Errorf("after AnalyzeCatalog: pg_class estimated at %.0f rows of %d", est, actual)
	}
}
