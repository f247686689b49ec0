package gate

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// size is what the gate knows of a table's rows when it runs.
type size int

const (
	sizeUnknown size = iota // the estimates say nothing: ask
	sizeRows
	sizeEmpty
	sizeAbsent // no such table: an earlier statement of the run makes it, or the statement fails
	sizeUntold // the exact query failed or timed out: counts as rows
)

// existsTimeout bounds the exact query that tells whether a table whose
// estimates say nothing holds rows, and the wait for its lock: the gate
// must not stall the run, nor queue behind a long transaction.
const existsTimeout = "1s"

// sizer tells, per table, whether it holds rows.
type sizer struct {
	known map[tableKey]size
}

// estimateSQL reads pg_class's estimates of every table at once: a table
// has rows when it (or, partitioned, one of its partitions) has a
// positive reltuples or relpages. The names are quoted, and to_regclass
// resolves them as the runner's statements will (search_path public).
const estimateSQL = `SELECT n.ord, c.oid IS NOT NULL,
	COALESCE(c.reltuples > 0 OR c.relpages > 0 OR EXISTS (SELECT FROM pg_catalog.pg_partition_tree(c.oid) AS t
		JOIN pg_catalog.pg_class AS k ON k.oid = t.relid WHERE k.reltuples > 0 OR k.relpages > 0), false)
FROM unnest($1::text[]) WITH ORDINALITY AS n(name, ord)
LEFT JOIN pg_catalog.pg_class AS c ON c.oid = pg_catalog.to_regclass(n.name)
ORDER BY n.ord`

// estimate reads the estimates of tables in one query.
func (z *sizer) estimate(ctx context.Context, conn *pgx.Conn, tables []tableKey) error {
	var names []string
	var keys []tableKey
	for _, t := range tables {
		if _, ok := z.known[t]; ok {
			continue
		}
		z.known[t] = sizeUnknown
		names, keys = append(names, t.String()), append(keys, t)
	}
	if len(names) == 0 {
		return nil
	}
	rows, err := conn.Query(ctx, estimateSQL, names)
	if err != nil {
		return fmt.Errorf("hazard gate: read table sizes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var ord int
		var exists, hasRows bool
		if err := rows.Scan(&ord, &exists, &hasRows); err != nil {
			return fmt.Errorf("hazard gate: read table sizes: %w", err)
		}
		k := keys[ord-1]
		switch {
		case !exists:
			z.known[k] = sizeAbsent
		case hasRows:
			z.known[k] = sizeRows
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("hazard gate: read table sizes: %w", err)
	}
	return nil
}

// exact tells whether t holds rows with SELECT EXISTS under a short
// statement and lock timeout, in a transaction it rolls back. A timeout or
// an error (no SELECT right, say) leaves the size unknown.
func (z *sizer) exact(ctx context.Context, conn *pgx.Conn, t tableKey) size {
	if s := z.known[t]; s != sizeUnknown {
		return s
	}
	var rows bool
	err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		for _, set := range []string{"statement_timeout", "lock_timeout"} {
			if _, err := tx.Exec(ctx, "SELECT pg_catalog.set_config($1, $2, true)", set, existsTimeout); err != nil {
				return err
			}
		}
		if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT FROM "+t.String()+")").Scan(&rows); err != nil {
			return err
		}
		return errRollback
	})
	switch {
	case !errors.Is(err, errRollback):
		z.known[t] = sizeUntold
	case rows:
		z.known[t] = sizeRows
	default:
		z.known[t] = sizeEmpty
	}
	return z.known[t]
}

// errRollback ends the exact query's transaction, which changes nothing.
var errRollback = errors.New("rollback")

// judge tells whether a hazard's tables may hold rows when its statement
// runs, and why: a table that exists and is empty stays so unless a
// statement before it in the run may add rows; a table an earlier step
// creates is empty unless one between may.
func (z *sizer) judge(ctx context.Context, conn *pgx.Conn, run *runFacts, c candidate) (string, bool) {
	var unknown []string
	for _, t := range c.tables {
		if t.created {
			if run.addsBetween(t.createdAt, c.pos) {
				unknown = append(unknown, t.key.String()+" (created earlier in this run, rows may have been added since)")
			}
			continue
		}
		switch z.exact(ctx, conn, t.key) {
		case sizeRows:
			return t.key.String() + " holds rows", true
		case sizeUntold:
			unknown = append(unknown, t.key.String())
		case sizeEmpty, sizeAbsent:
			if run.addsBetween(-1, c.pos) {
				unknown = append(unknown, t.key.String()+" (empty or absent now, but an earlier statement of this run may add rows)")
			}
		}
	}
	if len(unknown) > 0 {
		return "cannot tell whether " + strings.Join(unknown, ", ") + " holds rows, so counted as having them", true
	}
	return "", false
}
