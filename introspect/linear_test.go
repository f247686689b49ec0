package introspect

import (
	"encoding/json"
	"testing"

	"github.com/retortdb/retort/internal/devdb/devdbtest"
)

// TestUnsupportedIsLinear checks that the query counting unsupported
// objects reads pg_type once, not once per type, whatever join the planner
// picks. Just after a large schema is loaded, pg_type's statistics are still
// the template's and the planner chose a nested loop; the array-type test
// then scanned all of pg_type for each table's array type (610 ms on
// GitLab's schema, the slowest query of the inspection). The test forces
// nested loops and bounds the rows that join filters threw away.
func TestUnsupportedIsLinear(t *testing.T) {
	t.Parallel()
	url := load(t, manyTables(100))
	ctx := t.Context()
	conn := devdbtest.Connect(t, url)
	var types int
	var nsps []uint32
	err := conn.QueryRow(ctx, `SELECT (SELECT count(*) FROM pg_catalog.pg_type),
		(SELECT array_agg(oid) FROM pg_catalog.pg_namespace WHERE nspname = 'public')`).Scan(&types, &nsps)
	if err != nil {
		t.Fatal(err)
	}
	for _, set := range []string{"SET enable_hashjoin = off", "SET enable_mergejoin = off"} {
		if _, err := conn.Exec(ctx, set); err != nil {
			t.Fatal(err)
		}
	}
	q, err := querySQL("unsupported", serverMajor(t, url)*10000)
	if err != nil {
		t.Fatal(err)
	}
	var plan []byte
	if err := conn.QueryRow(ctx, "EXPLAIN (ANALYZE, FORMAT JSON) "+q, nsps, []uint32{}, true).Scan(&plan); err != nil {
		t.Fatal(err)
	}
	var doc []struct {
		Plan planNode `json:"Plan"`
	}
	if err := json.Unmarshal(plan, &doc); err != nil || len(doc) != 1 {
		t.Fatalf("EXPLAIN output: %v\n%s", err, plan)
	}
	if removed := doc[0].Plan.maxJoinFilterRemoved(); removed > types {
		t.Errorf("a join filter threw away %d rows, more than pg_type's %d: a scan per row", removed, types)
	}
}

// planNode is the part of an EXPLAIN (FORMAT JSON) node that the test reads.
type planNode struct {
	JoinFilterRemoved int        `json:"Rows Removed by Join Filter"`
	Plans             []planNode `json:"Plans"`
}

// maxJoinFilterRemoved returns the most rows any join filter in the tree
// threw away.
func (n planNode) maxJoinFilterRemoved() int {
	m := n.JoinFilterRemoved
	for _, c := range n.Plans {
		m = max(m, c.maxJoinFilterRemoved())
	}
	return m
}
