// Package sqlddl reads SQL DDL text with pg_query_go, PostgreSQL's own
// scanner and parser as a library: it splits files into located statements
// ([Split]), prints statements and expressions in a canonical form
// ([Canonical], [CanonicalType]) and lists the names a statement creates
// and uses ([Deps]).
//
// It is the only package of retort that imports pg_query_go, so that the
// parser can be replaced without touching the rest; nothing of its API
// exposes pg_query's types.
//
// # Splitting
//
// [Split] cuts a file where psql would, reading tokens with PostgreSQL's
// scanner, so that dollar-quoted bodies, DO blocks, BEGIN ATOMIC bodies,
// E'…' strings and semicolons in comments or quoted names are handled as the
// server handles them. Each statement is located by file, line, column and
// byte offset; [Statement.Position] turns a server error's position inside
// a statement into a line and column of the file, and [Statement.Locate]
// finds the name that an error without a position is about.
//
// pg_query_go v5 knows PostgreSQL 16's grammar. Split therefore never
// rejects a statement for its grammar: it records pg_query's error in
// [Statement.ParseErr] and leaves the verdict to the server, which may be
// newer. It does fail on what no server accepts and what cannot be split:
// an unterminated quote or comment, a NUL byte, invalid UTF-8, and psql
// meta-commands (but pg_dump's \restrict and \unrestrict lines, which it
// skips).
//
// # Safety
//
// libpg_query redirects the process's standard error while it works, and
// walks its trees recursively in C without a stack check. This package
// serializes its calls into it, so it is safe for concurrent use, and
// leaves texts nested too deeply for it to the server (see
// [Statement.ParseErr]): no input makes it panic or crash.
package sqlddl
