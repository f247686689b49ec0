package yaml

import (
	"errors"
	"fmt"
	"strings"

	goyaml "github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"

	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/model/internal/codec"
)

const (
	// maxDepth bounds the nesting of values.
	maxDepth = 64
	// maxNodes bounds the values one file expands to, aliases included, so
	// that no input can blow up (a "billion laughs").
	maxNodes = 1 << 20
)

// Decode reads one YAML file into a normalized schema. Every error names
// file:line:col and the text it is about; all errors found are joined into
// one.
func Decode(filename string, src []byte) (*model.Schema, error) {
	body, err := parse(filename, src)
	if err != nil {
		return nil, err
	}
	return codec.Decode([]*codec.Body{body})
}

// DecodeFiles reads several YAML files as one schema, as a directory of
// them is read: a name in one file may refer to an object of another.
func DecodeFiles(paths []string) (*model.Schema, error) {
	return codec.DecodeFiles(paths, parse)
}

type reader struct {
	file    string
	errs    []error
	anchors map[string]ast.Node
	nodes   int
}

// parse reads YAML source into the codec's tree.
func parse(filename string, src []byte) (body *codec.Body, err error) {
	if err := CheckInput(filename, src); err != nil {
		return nil, err
	}
	f, err := parser.ParseBytes(src, 0)
	if err != nil {
		return nil, syntaxError(filename, err)
	}
	p := &reader{file: filename, anchors: map[string]ast.Node{}}
	body = &codec.Body{Pos: codec.Pos{File: filename, Line: 1, Col: 1}}
	var docs []*ast.DocumentNode
	for _, d := range f.Docs {
		if d != nil && d.Body != nil {
			docs = append(docs, d)
		}
	}
	if len(docs) > 1 {
		return nil, p.errorAt(docs[1], "a schema file holds one YAML document")
	}
	if len(docs) == 0 {
		return body, nil
	}
	v := p.value(docs[0].Body, 0)
	switch {
	case v == nil:
	case v.Kind == codec.Null:
	case v.Kind != codec.Object:
		p.errs = append(p.errs, &codec.Error{Pos: v.Pos, Msg: "want a map of object kinds (tables, enums, …)", Text: v.Text})
	default:
		body.Attrs = v.Fields
	}
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	return body, nil
}

// syntaxError gives goccy's error file:line:col.
func syntaxError(file string, err error) error {
	var ye goyaml.Error
	if errors.As(err, &ye) && ye.GetToken() != nil {
		tk := ye.GetToken()
		return &codec.Error{Pos: tokenPos(file, tk), Msg: ye.GetMessage(), Text: tk.Value}
	}
	return fmt.Errorf("%s: %w", file, err)
}

func tokenPos(file string, tk *token.Token) codec.Pos {
	if tk == nil || tk.Position == nil {
		return codec.Pos{File: file, Line: 1, Col: 1}
	}
	return codec.Pos{File: file, Line: tk.Position.Line, Col: tk.Position.Column}
}

func (p *reader) pos(n ast.Node) codec.Pos { return tokenPos(p.file, n.GetToken()) }

func nodeText(n ast.Node) string {
	if tk := n.GetToken(); tk != nil {
		return tk.Value
	}
	return ""
}

func (p *reader) errorAt(n ast.Node, format string, args ...any) error {
	return &codec.Error{Pos: p.pos(n), Msg: fmt.Sprintf(format, args...), Text: nodeText(n)}
}

func (p *reader) fail(n ast.Node, format string, args ...any) {
	p.errs = append(p.errs, p.errorAt(n, format, args...))
}

// value converts a node; nil means an error was recorded.
func (p *reader) value(n ast.Node, depth int) *codec.Value {
	if n == nil {
		return &codec.Value{Kind: codec.Null}
	}
	p.nodes++
	if p.nodes > maxNodes {
		if p.nodes == maxNodes+1 {
			p.fail(n, "the document expands to too many values")
		}
		return nil
	}
	if depth >= maxDepth {
		p.fail(n, "values nested too deeply")
		return nil
	}
	v := &codec.Value{Pos: p.pos(n), Text: nodeText(n)}
	switch x := n.(type) {
	case *ast.StringNode:
		v.Kind, v.Str = codec.String, x.Value
	case *ast.LiteralNode:
		v.Kind = codec.String
		if x.Value != nil {
			v.Str = x.Value.Value
		}
	case *ast.IntegerNode, *ast.FloatNode:
		v.Kind, v.Str = codec.Number, nodeText(n)
	case *ast.BoolNode:
		v.Kind, v.Bool = codec.Bool, x.Value
	case *ast.NullNode:
		v.Kind = codec.Null
	case *ast.SequenceNode:
		v.Kind = codec.List
		for _, it := range x.Values {
			iv := p.value(it, depth+1)
			if iv == nil {
				return nil
			}
			v.Items = append(v.Items, iv)
		}
	case *ast.MappingNode:
		return p.mapping(v, x.Values, depth)
	case *ast.MappingValueNode:
		return p.mapping(v, []*ast.MappingValueNode{x}, depth)
	case *ast.AnchorNode:
		if x.Name != nil {
			p.anchors[nodeText(x.Name)] = x.Value
		}
		return p.value(x.Value, depth+1)
	case *ast.AliasNode:
		name := ""
		if x.Value != nil {
			name = nodeText(x.Value)
		}
		target, ok := p.anchors[name]
		if !ok {
			p.fail(n, "unknown alias *%s", name)
			return nil
		}
		av := p.value(target, depth+1)
		if av != nil {
			av.Pos, av.Text = v.Pos, v.Text
		}
		return av
	case *ast.TagNode:
		if x.Start != nil && (x.Start.Value == "!!str" || x.Start.Value == "!str") {
			if s, ok := x.Value.(ast.ScalarNode); ok {
				v.Kind, v.Str = codec.String, fmt.Sprint(s.GetValue())
				return v
			}
		}
		p.fail(n, "YAML tags are not supported")
		return nil
	default:
		p.fail(n, "unsupported YAML value")
		return nil
	}
	return v
}

// mapping converts a map; {sql: TEXT} becomes the call sql("TEXT").
func (p *reader) mapping(v *codec.Value, entries []*ast.MappingValueNode, depth int) *codec.Value {
	v.Kind = codec.Object
	for _, e := range entries {
		if e == nil || e.Key == nil {
			continue
		}
		if _, merge := e.Key.(*ast.MergeKeyNode); merge {
			p.fail(e.Key, "merge keys (<<) are not supported")
			return nil
		}
		key := keyText(e.Key)
		fv := p.value(e.Value, depth+1)
		if fv == nil {
			return nil
		}
		v.Fields = append(v.Fields, &codec.Attr{Name: key, Pos: p.pos(e.Key), Text: key, Value: fv})
	}
	if len(v.Fields) == 1 && v.Fields[0].Name == "sql" && v.Fields[0].Value.Kind == codec.String {
		return &codec.Value{Kind: codec.Call, Str: "sql", Items: []*codec.Value{v.Fields[0].Value}, Pos: v.Pos, Text: v.Text}
	}
	if v.Text == ":" || v.Text == "{" {
		// A map's own token is the ':' of its first entry, or its '{':
		// no text worth quoting in a message about the whole map (an
		// unlabeled block that lacks an attribute). A block map is
		// pointed at its first key, where it visibly starts.
		v.Text = ""
		if len(v.Fields) > 0 && v.Pos.Line == v.Fields[0].Pos.Line && v.Pos.Col > v.Fields[0].Pos.Col {
			v.Pos = v.Fields[0].Pos
		}
	}
	return v
}

// keyText is a map key as written: null, on or 1 are names here.
func keyText(k ast.MapKeyNode) string {
	switch x := k.(type) {
	case *ast.StringNode:
		return x.Value
	case *ast.MappingKeyNode:
		if x.Value != nil {
			return strings.TrimSpace(nodeText(x.Value))
		}
	}
	return nodeText(k)
}
