package yaml

import (
	"github.com/goccy/go-yaml/scanner"
	"github.com/goccy/go-yaml/token"

	"github.com/retortdb/retort/model/internal/codec"
)

// CheckInput checks YAML source against the limits of a schema file before
// a parser builds anything: text of at most 16 MiB, nested at most 100
// levels deep (docs/yaml.md). The YAML parser keeps a copy of every level's
// tokens, so 80 KB of [ would otherwise take gigabytes. retort.yaml is
// checked with it too. The error is file:line:col of where a limit is
// passed.
func CheckInput(filename string, src []byte) error {
	if err := codec.CheckText(filename, src); err != nil {
		return err
	}
	if tk := scanNesting(src, codec.MaxNesting); tk != nil {
		return codec.NestingError(tokenPos(filename, tk))
	}
	return nil
}

// scanNesting runs the parser's own scanner over src and returns the token
// at which its nesting passes limit, or nil. Flow collections ([ and {)
// count a level each. Block collections nest by indentation: every token
// that starts a line or follows another on it opens a level at its column,
// closing those at its column or right of it; as a sequence may sit at
// its parent key's column, each such level counts twice. So do anchors and
// tags, which wrap a node. Where unsure it counts a level more, never one
// less.
func scanNesting(src []byte, limit int) *token.Token {
	var (
		sc      scanner.Scanner
		columns []int // block levels open, by column
		flow    int   // flow collections open
		run     int   // anchors and tags in a row, inside a flow collection
		skip    bool  // the next token is a block scalar's text
	)
	sc.Init(string(src))
	for {
		// As the parser's lexer does, go on after an error: a token the
		// scanner rejects makes the parser stop before it builds a tree.
		tokens, err := sc.Scan()
		for _, tk := range tokens {
			if tk == nil || tk.Position == nil {
				continue
			}
			switch tk.Type {
			case token.CommentType:
				continue
			case token.SequenceStartType, token.MappingStartType:
				flow++
			case token.SequenceEndType, token.MappingEndType:
				flow = max(flow-1, 0)
			case token.AnchorType, token.TagType:
				if flow > 0 {
					run++
				}
			case token.LiteralType, token.FoldedType:
				skip = true
			}
			if t := tk.Type; t != token.AnchorType && t != token.TagType && t != token.StringType {
				run = 0
			}
			if flow == 0 && tk.Type != token.MappingValueType && tk.Type != token.SequenceEndType && tk.Type != token.MappingEndType {
				if skip && tk.Type != token.LiteralType && tk.Type != token.FoldedType {
					// A block scalar's text is one token, placed at
					// column 0: it closes nothing.
					skip = false
					continue
				}
				col := tk.Position.Column
				for len(columns) > 0 && columns[len(columns)-1] >= col {
					columns = columns[:len(columns)-1]
				}
				columns = append(columns, col)
			}
			if 2*len(columns)+flow+run > limit {
				return tk
			}
		}
		if err != nil {
			return nil
		}
	}
}
