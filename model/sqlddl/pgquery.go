package sqlddl

import (
	"errors"
	"fmt"
	"sync"

	pg_query "github.com/pganalyze/pg_query_go/v5"
	"github.com/pganalyze/pg_query_go/v5/parser"
	"google.golang.org/protobuf/encoding/protowire"
)

// pgMu serializes every call into libpg_query. Each call redirects the
// process's standard error (dup2 on file descriptor 2) for its duration and
// restores it afterwards; two calls that overlap can leave standard error
// pointing at a closed pipe. libpg_query keeps its memory contexts per
// thread, so holding the lock costs nothing else.
var pgMu sync.Mutex

// maxNesting bounds the tokens that can each add a level to a parse tree
// (operators, keywords, parentheses) in a text handed to libpg_query.
// libpg_query walks its trees recursively in C without checking the stack
// depth, so a statement such as 1+1+…+1 with tens of thousands of operators
// overflows a thread stack and kills the process. A statement over the bound
// is not parsed: it still reaches the dev server, whose own parser checks
// its stack. Real schemas stay far below it (the largest statement of
// GitLab's structure.sql has a few hundred).
const maxNesting = 3000

// errTooComplex is recorded for statements over maxNesting.
var errTooComplex = fmt.Errorf("statement too complex for pg_query to parse safely (over %d operators, keywords and parentheses); left to the server", maxNesting)

// pgError is libpg_query's error: a message and a 1-based character
// position in the text (0 when unknown).
type pgError struct {
	msg    string
	cursor int
}

func (e *pgError) Error() string { return e.msg }

// asPgError converts an error of libpg_query or of protobuf decoding.
func asPgError(err error) *pgError {
	var own *pgError
	if errors.As(err, &own) {
		return own
	}
	var pe *parser.Error
	if errors.As(err, &pe) {
		return &pgError{msg: pe.Message, cursor: pe.Cursorpos}
	}
	return &pgError{msg: err.Error()}
}

// token is one token of pg_query's scanner: its byte offsets in the text
// scanned, its type and whether it is a keyword.
type token struct {
	start, end int
	tok        pg_query.Token
	keyword    bool
}

// scan returns the tokens of text, comments included. It decodes
// libpg_query's protobuf output itself: the generated decoder allocates a
// message per token, which costs more than the scan on a large file.
func scan(text string) ([]token, error) {
	pgMu.Lock()
	b, err := parser.ScanToProtobuf(text)
	pgMu.Unlock()
	if err != nil {
		return nil, asPgError(err)
	}
	toks, err := decodeScan(b)
	if err != nil {
		return nil, &pgError{msg: "decode pg_query scan result: " + err.Error()}
	}
	return toks, nil
}

// decodeScan decodes a pg_query.ScanResult: field 2 holds the tokens, each
// with start (1), end (2), token (4) and keyword_kind (5).
func decodeScan(b []byte) ([]token, error) {
	var toks []token
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return nil, protowire.ParseError(n)
		}
		b = b[n:]
		if num != 2 || typ != protowire.BytesType {
			if n = protowire.ConsumeFieldValue(num, typ, b); n < 0 {
				return nil, protowire.ParseError(n)
			}
			b = b[n:]
			continue
		}
		msg, n := protowire.ConsumeBytes(b)
		if n < 0 {
			return nil, protowire.ParseError(n)
		}
		b = b[n:]
		var t token
		for len(msg) > 0 {
			num, typ, n := protowire.ConsumeTag(msg)
			if n < 0 {
				return nil, protowire.ParseError(n)
			}
			msg = msg[n:]
			if typ != protowire.VarintType {
				if n = protowire.ConsumeFieldValue(num, typ, msg); n < 0 {
					return nil, protowire.ParseError(n)
				}
				msg = msg[n:]
				continue
			}
			v, n := protowire.ConsumeVarint(msg)
			if n < 0 {
				return nil, protowire.ParseError(n)
			}
			msg = msg[n:]
			switch num {
			case 1:
				t.start = int(int32(v))
			case 2:
				t.end = int(int32(v))
			case 4:
				t.tok = pg_query.Token(v)
			case 5:
				t.keyword = pg_query.KeywordKind(v) != pg_query.KeywordKind_NO_KEYWORD
			}
		}
		toks = append(toks, t)
	}
	return toks, nil
}

// parseKind parses text and returns the node type of its first statement
// (see nodeKind), decoding no more of the tree than that.
func parseKind(text string) (string, error) {
	pgMu.Lock()
	b, err := parser.ParseToProtobuf(text)
	pgMu.Unlock()
	if err != nil {
		return "", asPgError(err)
	}
	// ParseResult.stmts (2) → RawStmt.stmt (1) → Node: the number of the
	// one field set in Node's oneof names the statement's type.
	for _, num := range []protowire.Number{2, 1, 0} {
		for {
			if len(b) == 0 {
				return "", nil
			}
			n, typ, size := protowire.ConsumeTag(b)
			if size < 0 {
				return "", &pgError{msg: "decode pg_query parse result: " + protowire.ParseError(size).Error()}
			}
			b = b[size:]
			if typ == protowire.BytesType && (n == num || num == 0) {
				if num == 0 {
					fd := nodeFields.ByNumber(n)
					if fd == nil || fd.Message() == nil {
						return "", nil
					}
					return string(fd.Message().Name()), nil
				}
				v, size := protowire.ConsumeBytes(b)
				if size < 0 {
					return "", &pgError{msg: "decode pg_query parse result: " + protowire.ParseError(size).Error()}
				}
				b = v
				break
			}
			size = protowire.ConsumeFieldValue(n, typ, b)
			if size < 0 {
				return "", &pgError{msg: "decode pg_query parse result: " + protowire.ParseError(size).Error()}
			}
			b = b[size:]
		}
	}
	return "", nil
}

// nodeFields are the fields of pg_query.Node's oneof, one per node type.
var nodeFields = (&pg_query.Node{}).ProtoReflect().Descriptor().Fields()

// parse parses text, which must have passed the nesting check.
func parse(text string) (*pg_query.ParseResult, error) {
	pgMu.Lock()
	defer pgMu.Unlock()
	res, err := pg_query.Parse(text)
	if err != nil {
		return nil, asPgError(err)
	}
	return res, nil
}

// deparse prints a parse tree as SQL.
func deparse(tree *pg_query.ParseResult) (string, error) {
	pgMu.Lock()
	defer pgMu.Unlock()
	s, err := pg_query.Deparse(tree)
	if err != nil {
		return "", asPgError(err)
	}
	return s, nil
}

// nesting counts the tokens that can add a level to a parse tree: all but
// names, constants, commas, dots, semicolons and comments.
func nesting(toks []token) int {
	n := 0
	for _, t := range toks {
		if isNesting(t.tok) {
			n++
		}
	}
	return n
}

// isNesting reports whether a token counts towards maxNesting.
func isNesting(tok pg_query.Token) bool {
	switch tok {
	case pg_query.Token_IDENT, pg_query.Token_UIDENT, pg_query.Token_ICONST, pg_query.Token_FCONST,
		pg_query.Token_SCONST, pg_query.Token_USCONST, pg_query.Token_BCONST, pg_query.Token_XCONST,
		pg_query.Token_PARAM, pg_query.Token_ASCII_44, pg_query.Token_ASCII_46, pg_query.Token_ASCII_59,
		pg_query.Token_SQL_COMMENT, pg_query.Token_C_COMMENT:
		return false
	}
	return true
}

// safeParse scans text, refuses it when it nests too deeply for libpg_query
// (see maxNesting) and parses it otherwise.
func safeParse(text string) (*pg_query.ParseResult, error) {
	if err := checkText(text); err != nil {
		return nil, err
	}
	toks, err := scan(text)
	if err != nil {
		return nil, err
	}
	if nesting(toks) > maxNesting {
		return nil, errTooComplex
	}
	return parse(text)
}

// nodeKind returns the name of a parse node's type, such as "CreateStmt".
func nodeKind(n *pg_query.Node) string {
	if n == nil {
		return ""
	}
	m := n.ProtoReflect()
	fd := m.WhichOneof(m.Descriptor().Oneofs().ByName("node"))
	if fd == nil || fd.Message() == nil {
		return ""
	}
	return string(fd.Message().Name())
}
