// Package pgbatch sends several SQL statements to PostgreSQL in one round
// trip: one simple-protocol query holding them all, which the server runs
// in order, stopping at the first error. Outside a transaction block the
// server runs such a query as one implicit transaction, so that an error
// rolls back the statements before it too. migrate's runner and source's
// loader both send their batches through it; it needs pgx only, no cgo, as
// migrate must.
package pgbatch

import (
	"context"
	"errors"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgconn"
)

// Exec sends stmts, in order, as one simple-protocol query. Each text is
// followed by a semicolon on a line of its own, which also ends a statement
// whose text ends in a line comment. It returns the command tags of the
// statements that completed, in order (a statement's rows are read and
// dropped).
//
// When a statement fails, err is its error and failed its index. The
// index comes from the error's position when it has one, which names the
// statement even when the server could not parse any of them; the position
// is then made relative to that statement, as if it had run by itself.
// Without a position, failed is the number of statements that completed.
// When err is nil, failed is len(tags).
func Exec(ctx context.Context, pc *pgconn.PgConn, stmts []string) (tags []pgconn.CommandTag, failed int, err error) {
	var b strings.Builder
	starts := make([]int32, len(stmts)) // each statement's first character, counted in characters as positions are
	chars := 0
	for i, s := range stmts {
		starts[i] = int32(chars)
		b.WriteString(s)
		b.WriteString("\n;\n")
		chars += utf8.RuneCountInString(s) + 3
	}
	mrr := pc.Exec(ctx, b.String())
	tags = make([]pgconn.CommandTag, 0, len(stmts))
	for mrr.NextResult() {
		if tag, err := mrr.ResultReader().Close(); err == nil {
			tags = append(tags, tag)
		}
	}
	err = mrr.Close()
	failed = len(tags)
	if pgErr := (*pgconn.PgError)(nil); errors.As(err, &pgErr) && pgErr.Position > 0 {
		i, found := slices.BinarySearch(starts, pgErr.Position-1)
		if !found {
			i--
		}
		failed = i
		pgErr.Position -= starts[i]
	}
	return tags, failed, err
}
