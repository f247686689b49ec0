package render

import (
	"fmt"
	"strings"

	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render/internal/ddl"
)

// scriptHeader sets what the script needs, as pg_dump's output does: no
// timeouts; names resolved only in pg_catalog, as every other name in the
// script is qualified (SET, unlike pg_dump's set_config call, prints no
// result row under psql); function bodies not validated until they run, as
// a body may use objects created further down; the built-in defaults for
// what a CREATE leaves unsaid (tablespace, access method); quiet notices.
const scriptHeader = `SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SET search_path = pg_catalog;
SET check_function_bodies = false;
SET default_tablespace = '';
SET default_table_access_method = heap;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;
`

// header is scriptHeader with search_path set to path (pg_catalog when
// path is empty; PostgreSQL searches pg_catalog first in any case).
func header(path []string) string {
	if len(path) == 0 {
		return scriptHeader
	}
	names := make([]string, len(path))
	for i, n := range path {
		names[i] = sqlq.Ident(n)
	}
	return strings.Replace(scriptHeader, "SET search_path = pg_catalog;", "SET search_path = "+strings.Join(names, ", ")+";", 1)
}

// SchemaSQL returns a script that creates every object of s: the
// statements of [CreateStatements] in [Order], one blank line between
// statements, after a header of session settings. It is deterministic, and
// applies as is under psql -v ON_ERROR_STOP=1 -f to a freshly created
// database.
//
// Unlike [Script], it does not wrap the statements in a transaction, as
// pg_dump does not: every relation a transaction creates stays locked until
// it commits, and a schema of a few thousand tables and indexes would run
// out of lock slots (max_locks_per_transaction). psql's --single-transaction
// wraps it for schemas that fit.
func SchemaSQL(s *model.Schema, opts Options) (string, error) {
	stmts, err := CreateStatements(s, opts)
	if err != nil {
		return "", err
	}
	ordered, err := Order(stmts)
	if err != nil {
		return "", fmt.Errorf("render: order schema: %w", err)
	}
	var b strings.Builder
	b.WriteString("-- Schema written by retort. Apply to a freshly created database:\n")
	b.WriteString("--   psql -v ON_ERROR_STOP=1 -f FILE\n\n")
	b.WriteString(header(opts.SearchPath))
	if len(ordered) > 0 {
		b.WriteString("\n")
		b.WriteString(writeScript(ordered, false))
	}
	return b.String(), nil
}

// Script writes statements, in the order given, as an SQL script: one
// blank line between statements, each hazard as a "-- hazard:" comment
// above its statement, and every run of transactional statements inside
// BEGIN; … COMMIT; so that it applies entirely or not at all. Statements
// that cannot run in a transaction block stand between those runs.
func Script(stmts []Statement) string { return writeScript(stmts, true) }

// writeScript writes statements, wrapping runs of transactional ones in
// BEGIN; … COMMIT; when wrap is set.
func writeScript(stmts []Statement, wrap bool) string {
	var blocks []string
	inTx := false
	for _, st := range stmts {
		if wrap && st.Transactional != inTx {
			if inTx {
				blocks = append(blocks, "COMMIT;")
			} else {
				blocks = append(blocks, "BEGIN;")
			}
			inTx = st.Transactional
		}
		blocks = append(blocks, st.Annotated())
	}
	if inTx {
		blocks = append(blocks, "COMMIT;")
	}
	if len(blocks) == 0 {
		return ""
	}
	return strings.Join(blocks, "\n\n") + "\n"
}

// columnText quotes a column's name as a hazard's message names it,
// table.column with each part quoted where needed: a raw name could hold
// anything, a line end included.
func columnText(t model.QName, col string) string {
	return ddl.QNameSQL(t) + "." + sqlq.QuoteIdent(col)
}
