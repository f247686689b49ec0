package sqlddl

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	pg_query "github.com/pganalyze/pg_query_go/v5"
)

// Statement is one statement of a SQL file, located in it.
type Statement struct {
	// Text is the statement as written, from its first token to its last,
	// without the terminating semicolon and without the comments and
	// blank space before it.
	Text string
	// File is the file name given to Split.
	File string
	// Line and Col locate Text's first character in the file: 1-based,
	// Col counting characters.
	Line, Col int
	// Offset is the byte offset of Text in the file.
	Offset int
	// Kind is the type of pg_query's parse node for the statement, such as
	// "CreateStmt", "IndexStmt", "VariableSetStmt" or "TransactionStmt";
	// "" when pg_query could not parse it.
	Kind string
	// ParseErr is pg_query's error for a statement it could not parse,
	// located in the file. The statement may still be valid: pg_query knows
	// PostgreSQL 16's grammar, and a newer server accepts more.
	ParseErr *Error
}

// Position converts PostgreSQL's 1-based character position inside Text
// (the Position of a server error) into a line and column of the file.
// Positions past the end of Text give the end of Text.
func (s Statement) Position(pos int) (line, col int) {
	line, col = s.Line, s.Col
	n := 1
	for _, r := range s.Text {
		if n >= pos {
			break
		}
		n++
		if r == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}

// FirstLine returns the statement's first line, cut at 80 characters, to
// show which statement a message is about.
func (s Statement) FirstLine() string {
	l, _, cut := strings.Cut(s.Text, "\n")
	l = strings.TrimRight(l, " \t\r")
	if utf8.RuneCountInString(l) > 80 {
		l, cut = string([]rune(l)[:80]), true
	}
	if cut {
		l += " …"
	}
	return l
}

// scannerSpace is what PostgreSQL's scanner takes for blank space; a
// vertical tab is not, but a token.
const scannerSpace = " \t\n\r\f"

// maxSize is the largest text Split accepts: PostgreSQL's own limit for a
// query string, and well within libpg_query's 32-bit offsets.
const maxSize = 1 << 30

// Split splits the SQL text src of file into statements, where psql would
// split it: at each semicolon outside quotes, comments, dollar-quoted bodies,
// parentheses and the BEGIN … END of a BEGIN ATOMIC function body (psql's own
// heuristic). Tokens come from pg_query's scanner, which is PostgreSQL's,
// so E'…' strings, nested dollar quotes and the like are read as the server
// reads them, with standard_conforming_strings on.
//
// Each statement is then parsed on its own to set its Kind. A statement that
// pg_query rejects is kept, with ParseErr set: pg_query knows PostgreSQL 16's
// grammar, and a newer server decides for itself.
//
// psql meta-commands (a backslash outside quotes and comments, through the
// end of its line) make Split fail, since a schema file is plain SQL; only
// \restrict and \unrestrict, which pg_dump writes around its output since
// PostgreSQL 17.6, 16.10, 15.14, 14.19 and 13.22, are skipped: they guard a
// psql session and change nothing in the schema.
//
// Split fails, with an [*Error] giving file:line:col, on a NUL byte, invalid
// UTF-8, a text it cannot scan (an unterminated quoted string, dollar quote
// or comment), a meta-command, and a SET of standard_conforming_strings to
// off, after which the server would read the rest differently. A UTF-8 byte
// order mark at the start is skipped.
func Split(file string, src []byte) ([]Statement, error) {
	text := string(src)
	base := 0
	if strings.HasPrefix(text, "\ufeff") {
		text, base = text[3:], 3
	}
	sp := &splitter{file: file, text: text, base: base, cur: newCursor(text), start: -1}
	if len(text) > maxSize {
		return nil, fmt.Errorf("%s: SQL text of %d bytes is over PostgreSQL's limit of 1 GB", file, len(src))
	}
	if err := checkText(text); err != nil {
		var oe *offsetError
		errors.As(err, &oe)
		return nil, sp.errorAt(oe.off, oe.msg)
	}
	if err := sp.run(); err != nil {
		return nil, err
	}
	return sp.stmts, nil
}

// splitter holds Split's state: psql's lexer state (parentheses, BEGIN
// depth, the first words of the statement) and the statement being read.
type splitter struct {
	file string
	text string
	base int // bytes cut before text (a byte order mark)
	cur  *cursor

	stmts []Statement

	start int // offset of the current statement's first token; -1 between statements
	nest  int // tokens of the current statement counted by nesting
	paren int
	begin int
	words int     // words (identifiers and keywords) in the statement so far
	first [4]byte // initials of CREATE, OR, REPLACE, FUNCTION, PROCEDURE among its first four words

	rescans int // scans restarted after a \restrict line
}

// maxRescans bounds the scans restarted after a \restrict or \unrestrict
// line whose argument the scanner misread (pg_dump writes two per file,
// without quotes), so that no input makes Split quadratic.
const maxRescans = 16

func (sp *splitter) run() error {
	toks, from, truncated, err := sp.tokens(0)
	if err != nil {
		return err
	}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		off := from + t.start
		switch t.tok {
		case pg_query.Token_SQL_COMMENT, pg_query.Token_C_COMMENT:
			continue
		case pg_query.Token_ASCII_92:
			end := lineEnd(sp.text, off)
			line := strings.TrimRight(sp.text[off:end], " \t\r")
			name := metaName(line)
			if name != `\restrict` && name != `\unrestrict` {
				return sp.errorAt(off, fmt.Sprintf("psql meta-command %s: a schema file must be plain SQL", quoteMeta(line)))
			}
			// Skip the rest of the line. A token that starts on it
			// and runs past it (a quote in the argument) was scanned
			// wrongly, and tokens may have stopped at the line: scan
			// again from the next line.
			j, straddles := i+1, false
			for ; j < len(toks) && from+toks[j].start < end; j++ {
				straddles = straddles || from+toks[j].end > end
			}
			if straddles || truncated && j == len(toks) {
				if sp.rescans++; sp.rescans > maxRescans {
					return sp.errorAt(off, fmt.Sprintf("psql meta-command %s: more than %d \\restrict or \\unrestrict lines with quotes in their argument", quoteMeta(line), maxRescans))
				}
				if toks, from, truncated, err = sp.tokens(end); err != nil {
					return err
				}
				i = -1
				continue
			}
			i = j - 1
			continue
		}
		if t.tok == pg_query.Token_ASCII_59 && sp.paren == 0 && sp.begin == 0 {
			if err := sp.emit(off); err != nil {
				return err
			}
			continue
		}
		if sp.start < 0 {
			sp.start = off
		}
		if isNesting(t.tok) {
			sp.nest++
		}
		switch t.tok {
		case pg_query.Token_ASCII_40:
			sp.paren++
		case pg_query.Token_ASCII_41:
			if sp.paren > 0 {
				sp.paren--
			}
		default:
			if t.keyword || t.tok == pg_query.Token_IDENT && sp.text[off] != '"' {
				sp.word(sp.text[off:max(off, min(from+t.end, len(sp.text)))])
			}
		}
	}
	return sp.emit(len(sp.text))
}

// word applies psql's heuristic for BEGIN ATOMIC bodies (psqlscan.l): in a
// statement that starts CREATE [OR REPLACE] FUNCTION or PROCEDURE, outside
// parentheses, BEGIN opens a block, CASE inside a block opens one too, and
// END closes one; semicolons inside a block do not end the statement.
func (sp *splitter) word(w string) {
	if sp.words == 0 {
		sp.first = [4]byte{}
	}
	switch {
	case asciiEqualFold(w, "create"), asciiEqualFold(w, "function"), asciiEqualFold(w, "procedure"),
		asciiEqualFold(w, "or"), asciiEqualFold(w, "replace"):
		if sp.words < len(sp.first) {
			sp.first[sp.words] = w[0] | 0x20
		}
	}
	sp.words++
	f := sp.first
	if f[0] != 'c' || sp.paren != 0 ||
		!(f[1] == 'f' || f[1] == 'p' || f[1] == 'o' && f[2] == 'r' && (f[3] == 'f' || f[3] == 'p')) {
		return
	}
	switch {
	case asciiEqualFold(w, "begin"):
		sp.begin++
	case asciiEqualFold(w, "case"):
		if sp.begin >= 1 {
			sp.begin++
		}
	case asciiEqualFold(w, "end"):
		if sp.begin > 0 {
			sp.begin--
		}
	}
}

// emit ends the current statement at offset end, if one was started.
func (sp *splitter) emit(end int) error {
	start, nest := sp.start, sp.nest
	sp.start, sp.nest, sp.words = -1, 0, 0
	if start < 0 {
		return nil
	}
	s := Statement{
		Text:   strings.TrimRight(sp.text[start:end], scannerSpace),
		File:   sp.file,
		Offset: sp.base + start,
	}
	s.Line, s.Col = sp.cur.seek(start)
	if nest > maxNesting {
		s.ParseErr = &Error{File: s.File, Line: s.Line, Col: s.Col, Msg: errTooComplex.Error()}
	} else if kind, err := parseKind(s.Text); err != nil {
		pe := asPgError(err)
		line, col := s.Line, s.Col
		if pe.cursor > 0 {
			line, col = s.Position(pe.cursor)
		}
		s.ParseErr = &Error{File: s.File, Line: line, Col: col, Msg: shortenNear(pe.msg)}
	} else {
		s.Kind = kind
	}
	if s.Kind == "VariableSetStmt" && nonStandardStrings.MatchString(s.Text) {
		return &Error{File: s.File, Line: s.Line, Col: s.Col, Msg: "standard_conforming_strings off: retort reads SQL " +
			"with standard-conforming strings, PostgreSQL's default since 9.1; write backslash escapes as E'…' strings"}
	}
	sp.stmts = append(sp.stmts, s)
	return nil
}

// nonStandardStrings matches a SET that turns standard_conforming_strings
// off, which changes how the rest of the file must be scanned.
var nonStandardStrings = regexp.MustCompile(`(?is)^SET\s+(SESSION\s+)?standard_conforming_strings\s*(=|TO)\s*'?(off|false|no|0)'?$`)

// tokens scans the text from offset from; token offsets are relative to
// from, which it returns. Where the scanner fails after a line that starts
// with a backslash outside any quote, that line is a psql meta-command whose
// argument the scanner cannot read (an unbalanced quote, say): the tokens
// before it are returned, followed by the backslash, with truncated set, so
// that run reports the meta-command or skips it and scans on.
func (sp *splitter) tokens(from int) (toks []token, _ int, truncated bool, _ error) {
	toks, err := scan(sp.text[from:])
	if err == nil {
		return toks, from, false, nil
	}
	pe := asPgError(err)
	errOff := from + byteOffset(sp.text[from:], pe.cursor)
	if pe.cursor <= 0 {
		errOff = from + locateScanError(sp.text[from:], pe.msg)
	}
	// Try the first few lines that start with a backslash: each try scans
	// the text before it, and this is only for a better message.
	tries := 0
	for l := from; l <= errOff && l < len(sp.text) && tries < 8; {
		end := lineEnd(sp.text, l)
		line := strings.TrimLeft(sp.text[l:end], " \t")
		if bs := end - len(line); strings.HasPrefix(line, `\`) {
			tries++
			if prefix, perr := scan(sp.text[from:bs]); perr == nil {
				bsTok := token{start: bs - from, end: bs - from + 1, tok: pg_query.Token_ASCII_92}
				return append(prefix, bsTok), from, true, nil
			}
		}
		l = end + 1
	}
	return nil, 0, false, sp.errorAt(errOff, shortenNear(pe.msg))
}

// errorAt returns an *Error at byte offset off of the text.
func (sp *splitter) errorAt(off int, msg string) *Error {
	c := newCursor(sp.text)
	line, col := c.seek(off)
	return &Error{File: sp.file, Line: line, Col: col, Msg: msg}
}

// lineEnd returns the offset of the end of the line holding off.
func lineEnd(text string, off int) int {
	if i := strings.IndexByte(text[off:], '\n'); i >= 0 {
		return off + i
	}
	return len(text)
}

// metaName returns the command of a meta-command line, such as `\connect`.
func metaName(line string) string {
	end := 1
	for end < len(line) && line[end] != ' ' && line[end] != '\t' && line[end] != '\\' {
		end++
	}
	return line[:end]
}

// quoteMeta shortens a meta-command line for a message.
func quoteMeta(line string) string {
	if utf8.RuneCountInString(line) > 40 {
		line = string([]rune(line)[:40]) + "…"
	}
	return line
}

// asciiEqualFold compares as psql's pg_strcasecmp does: ASCII letters only.
func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// locateScanError finds where the scanner fails with msg in text when it
// does not say (an escape giving invalid UTF-8, for one): the shortest
// prefix that fails the same way ends there. It is only used on the error
// path, and takes a few dozen scans.
func locateScanError(text, msg string) int {
	lo, hi := 0, len(text) // the prefix of length hi fails with msg
	for lo < hi {
		mid := lo + (hi-lo)/2
		for mid > lo && !utf8.RuneStart(text[mid]) {
			mid--
		}
		if mid == lo {
			break
		}
		if _, err := scan(text[:mid]); err != nil && asPgError(err).msg == msg {
			hi = mid
		} else {
			lo = mid
		}
	}
	// The character that completed the failing token.
	if hi > 0 {
		_, size := utf8.DecodeLastRuneInString(text[:hi])
		return hi - size
	}
	return 0
}
