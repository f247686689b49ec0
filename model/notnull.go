package model

import "unicode/utf8"

// maxIdentBytes is NAMEDATALEN-1, the longest name PostgreSQL keeps.
const maxIdentBytes = 63

// DefaultNotNullName returns the name PostgreSQL 18 gives the NOT NULL
// constraint of column col of table when none is declared:
// TABLE_COLUMN_not_null, with the longer of the two names cut first when
// the whole would exceed 63 bytes, as makeObjectName in PostgreSQL's
// indexcmds.c does. (When that name is taken PostgreSQL appends a number;
// such a name is then kept as Column.NotNullName, which is harmless.)
func DefaultNotNullName(table, col string) string {
	const label = "not_null"
	avail := maxIdentBytes - len(label) - 2 // two underscores
	n1, n2 := len(table), len(col)
	for n1+n2 > avail {
		if n1 > n2 {
			n1--
		} else {
			n2--
		}
	}
	return clip(table, n1) + "_" + clip(col, n2) + "_" + label
}

// clip cuts s to at most n bytes without splitting a character, as
// pg_mbcliplen does.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
