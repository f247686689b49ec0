// Package sqltext reads and writes the small pieces of SQL text that retort
// handles as text rather than through a parser: dotted chains of
// identifiers, string literals, lists split at top-level commas, and the
// shared clauses of key, foreign-key and index definitions, spelled as
// pg_get_constraintdef and pg_get_indexdef print them.
//
// It sits beside [github.com/retortdb/retort/internal/sqlq], which stays
// the one place that quotes names and values: sqltext reads what sqlq
// writes (and what PostgreSQL prints), and quotes only through sqlq. The
// two are kept apart because sqlq is also used by migrate and devdb, which
// never read SQL text back; sqltext is for the schema side (the codecs,
// gotag and render). It imports nothing else of retort.
//
//	parts, rest, _ := sqltext.PrintedIdents(`public."My Type"[]`)
//	// parts = [public My Type], rest = "[]"
package sqltext
