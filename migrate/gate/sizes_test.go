package gate

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/retortdb/retort/internal/devdb/devdbtest"
)

// TestEstimate: pg_class's estimates, read in one query, tell the tables
// that hold rows (a partitioned table by its partitions'); the rest are
// left to the exact query.
func TestEstimate(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	conn, err := pgx.Connect(ctx, devdbtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	for _, sql := range []string{
		`CREATE TABLE analyzed (id int); INSERT INTO analyzed VALUES (1); ANALYZE analyzed`,
		`CREATE TABLE fresh (id int); INSERT INTO fresh VALUES (1)`,
		`CREATE TABLE empty (id int)`,
		`CREATE TABLE parted (id int) PARTITION BY RANGE (id); CREATE TABLE parted_1 PARTITION OF parted FOR VALUES FROM (0) TO (10);
		 INSERT INTO parted VALUES (1); ANALYZE parted_1`,
		`CREATE SCHEMA "S"; CREATE TABLE "S"."Odd ""name""" (id int); INSERT INTO "S"."Odd ""name""" VALUES (1); ANALYZE "S"."Odd ""name"""`,
	} {
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	z := &sizer{known: map[tableKey]size{}}
	keys := []tableKey{{"public", "analyzed"}, {"public", "fresh"}, {"public", "empty"}, {"public", "parted"}, {"public", "missing"}, {"S", `Odd "name"`}}
	if err := z.estimate(ctx, conn, keys); err != nil {
		t.Fatal(err)
	}
	want := []size{sizeRows, sizeUnknown, sizeUnknown, sizeRows, sizeAbsent, sizeRows}
	for i, k := range keys {
		if z.known[k] != want[i] {
			t.Errorf("estimate of %s: %d, want %d", k, z.known[k], want[i])
		}
	}
	for k, want := range map[tableKey]size{{"public", "fresh"}: sizeRows, {"public", "empty"}: sizeEmpty} {
		if got := z.exact(ctx, conn, k); got != want {
			t.Errorf("exact of %s: %d, want %d", k, got, want)
		}
	}
}
