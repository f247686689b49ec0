package migrate

import "fmt"

// ParseStatements splits body, a run of SQL statements such as one section
// of another migration tool's file, into statements exactly as [Parse]
// splits a revision's up and down sections: with PostgreSQL's lexical rules
// (dollar-quoted bodies, DO blocks and BEGIN ATOMIC stay whole), leading
// comments kept with the statement they precede, and "-- retort:"
// directives attached to it. It exists so that readers of other layouts
// (package migrate/layout) split files the same way retort's own files are
// split. name and firstLine (the file line of body's first line) place
// errors, which are [*ParseError]s.
func ParseStatements(name, body string, firstLine int) ([]Statement, error) {
	if firstLine < 1 {
		firstLine = 1
	}
	perr := func(line int, format string, args ...any) error {
		return &ParseError{File: name, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	return parseBody(body, firstLine, perr)
}
