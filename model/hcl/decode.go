package hcl

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/model/internal/codec"
)

// maxDepth bounds the nesting of values, so that no input can exhaust the
// stack.
const maxDepth = 64

// Decode reads one HCL file into a normalized schema. Every error names
// file:line:col and the text it is about; all errors found are joined into
// one.
func Decode(filename string, src []byte) (*model.Schema, error) {
	body, err := parse(filename, src)
	if err != nil {
		return nil, err
	}
	return codec.Decode([]*codec.Body{body})
}

// DecodeFiles reads several HCL files as one schema, as a directory of
// them is read: a reference in one file may name an object of another.
func DecodeFiles(paths []string) (*model.Schema, error) {
	return codec.DecodeFiles(paths, parse)
}

// parse reads HCL source into the codec's tree.
func parse(filename string, src []byte) (*codec.Body, error) {
	if err := codec.CheckText(filename, src); err != nil {
		return nil, err
	}
	if err := checkNesting(filename, src); err != nil {
		return nil, err
	}
	f, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, diagError(diags, src)
	}
	body, ok := f.Body.(*hclsyntax.Body)
	if !ok {
		return nil, fmt.Errorf("%s: not HCL native syntax", filename)
	}
	p := &parser{src: src}
	tree := p.body(body, 0)
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	return tree, nil
}

// maxDiags is how many of HCL's diagnostics an error lists: a file that is
// not HCL at all gets one for nearly every token.
const maxDiags = 20

// diagError turns HCL's diagnostics into one error, each line
// file:line:col: summary; detail: text.
func diagError(diags hcl.Diagnostics, src []byte) error {
	var errs []error
	for i, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		if len(errs) == maxDiags {
			errs = append(errs, fmt.Errorf("… and %d more errors", len(diags)-i))
			break
		}
		msg := d.Summary
		if d.Detail != "" {
			msg += "; " + d.Detail
		}
		e := &codec.Error{Msg: msg}
		if d.Subject != nil {
			e.Pos = pos(d.Subject.Start, d.Subject.Filename)
			e.Text = text(src, *d.Subject)
		}
		errs = append(errs, e)
	}
	return errors.Join(errs...)
}

type parser struct {
	src  []byte
	errs []error
}

func pos(p hcl.Pos, file string) codec.Pos { return codec.Pos{File: file, Line: p.Line, Col: p.Column} }

// text is the source text of a range, or "" when the range is not in src.
func text(src []byte, r hcl.Range) string {
	if r.Start.Byte < 0 || r.End.Byte > len(src) || r.Start.Byte > r.End.Byte {
		return ""
	}
	return string(src[r.Start.Byte:r.End.Byte])
}

func (p *parser) fail(r hcl.Range, format string, args ...any) {
	p.errs = append(p.errs, &codec.Error{Pos: pos(r.Start, r.Filename), Msg: fmt.Sprintf(format, args...), Text: text(p.src, r)})
}

func (p *parser) body(b *hclsyntax.Body, depth int) *codec.Body {
	out := &codec.Body{Pos: pos(b.SrcRange.Start, b.SrcRange.Filename)}
	attrs := make([]*hclsyntax.Attribute, 0, len(b.Attributes))
	for _, a := range b.Attributes {
		attrs = append(attrs, a)
	}
	slices.SortFunc(attrs, func(x, y *hclsyntax.Attribute) int { return x.SrcRange.Start.Byte - y.SrcRange.Start.Byte })
	for _, a := range attrs {
		v := p.value(a.Expr, depth)
		if v == nil {
			continue
		}
		out.Attrs = append(out.Attrs, &codec.Attr{
			Name: a.Name, Pos: pos(a.NameRange.Start, a.NameRange.Filename), Text: text(p.src, a.SrcRange), Value: v,
		})
	}
	for _, bl := range b.Blocks {
		header := hcl.RangeBetween(bl.TypeRange, bl.OpenBraceRange)
		if depth >= maxDepth {
			p.fail(header, "blocks nested too deeply")
			continue
		}
		out.Blocks = append(out.Blocks, &codec.Block{
			Type: bl.Type, Labels: bl.Labels, Pos: pos(bl.TypeRange.Start, bl.TypeRange.Filename),
			Text: strings.TrimSpace(strings.TrimSuffix(text(p.src, header), "{")), Body: p.body(bl.Body, depth+1),
		})
	}
	return out
}

// value converts an expression; nil means an error was recorded. It is one
// case per kind of HCL expression (over 100 lines), each short, so that what
// the reader accepts can be read in one place.
func (p *parser) value(e hclsyntax.Expression, depth int) *codec.Value {
	r := e.Range()
	v := &codec.Value{Pos: pos(r.Start, r.Filename), Text: text(p.src, r)}
	if depth >= maxDepth {
		p.fail(r, "value nested too deeply")
		return nil
	}
	switch x := e.(type) {
	case *hclsyntax.TemplateExpr:
		var b strings.Builder
		for _, part := range x.Parts {
			if ref := nameRef(part); ref != nil {
				// Atlas's view example: ${table.users.name} is the
				// table's name, as written.
				ref.Pos, ref.Text = pos(part.Range().Start, part.Range().Filename), text(p.src, part.Range())
				v.Refs = append(v.Refs, ref)
				b.WriteString(ref.Parts[len(ref.Parts)-1])
				continue
			}
			lit, ok := part.(*hclsyntax.LiteralValueExpr)
			if !ok || lit.Val.IsNull() || !lit.Val.IsKnown() || lit.Val.Type() != cty.String {
				p.fail(part.Range(), "templates (${…} and %%{…}) are not supported but for ${KIND.NAME.name}; write $${ for a literal ${")
				return nil
			}
			b.WriteString(lit.Val.AsString())
		}
		v.Kind, v.Str = codec.String, b.String()
	case *hclsyntax.TemplateWrapExpr:
		return p.value(x.Wrapped, depth+1)
	case *hclsyntax.ParenthesesExpr:
		return p.value(x.Expression, depth+1)
	case *hclsyntax.LiteralValueExpr:
		switch {
		case x.Val.IsNull():
			v.Kind = codec.Null
		case x.Val.Type() == cty.Bool:
			v.Kind, v.Bool = codec.Bool, x.Val.True()
		case x.Val.Type() == cty.Number:
			v.Kind, v.Str = codec.Number, v.Text
		case x.Val.Type() == cty.String:
			v.Kind, v.Str = codec.String, x.Val.AsString()
		default:
			p.fail(r, "unsupported value")
			return nil
		}
	case *hclsyntax.UnaryOpExpr:
		lit, ok := x.Val.(*hclsyntax.LiteralValueExpr)
		if x.Op != hclsyntax.OpNegate || !ok || lit.Val.IsNull() || lit.Val.Type() != cty.Number {
			p.fail(r, "expressions are not supported here; write SQL as sql(\"…\")")
			return nil
		}
		v.Kind, v.Str = codec.Number, "-"+text(p.src, lit.SrcRange)
	case *hclsyntax.ScopeTraversalExpr:
		for _, step := range x.Traversal {
			switch s := step.(type) {
			case hcl.TraverseRoot:
				v.Parts = append(v.Parts, s.Name)
			case hcl.TraverseAttr:
				v.Parts = append(v.Parts, s.Name)
			case hcl.TraverseIndex:
				if s.Key.IsNull() || !s.Key.IsKnown() || s.Key.Type() != cty.String {
					p.fail(r, "a reference step in brackets must be a name in quotes")
					return nil
				}
				v.Parts = append(v.Parts, s.Key.AsString())
			default:
				p.fail(r, "unsupported reference")
				return nil
			}
		}
		v.Kind = codec.Ref
	case *hclsyntax.FunctionCallExpr:
		if x.ExpandFinal {
			p.fail(r, "... is not supported")
			return nil
		}
		v.Kind, v.Str = codec.Call, x.Name
		for _, a := range x.Args {
			av := p.value(a, depth+1)
			if av == nil {
				return nil
			}
			v.Items = append(v.Items, av)
		}
	case *hclsyntax.TupleConsExpr:
		v.Kind = codec.List
		for _, it := range x.Exprs {
			iv := p.value(it, depth+1)
			if iv == nil {
				return nil
			}
			v.Items = append(v.Items, iv)
		}
	case *hclsyntax.ObjectConsExpr:
		v.Kind = codec.Object
		for _, it := range x.Items {
			kr := it.KeyExpr.Range()
			key := hcl.ExprAsKeyword(it.KeyExpr)
			if key == "" {
				kv := p.value(unwrapKey(it.KeyExpr), depth+1)
				if kv == nil {
					return nil
				}
				if kv.Kind != codec.String {
					p.fail(kr, "an object key must be a name or a string")
					return nil
				}
				key = kv.Str
			}
			fv := p.value(it.ValueExpr, depth+1)
			if fv == nil {
				return nil
			}
			v.Fields = append(v.Fields, &codec.Attr{Name: key, Pos: pos(kr.Start, kr.Filename), Text: text(p.src, kr), Value: fv})
		}
	default:
		p.fail(r, "expressions are not supported here; write SQL as sql(\"…\")")
		return nil
	}
	return v
}

func unwrapKey(e hclsyntax.Expression) hclsyntax.Expression {
	if k, ok := e.(*hclsyntax.ObjectConsKeyExpr); ok {
		return k.Wrapped
	}
	return e
}

// nameKinds are the kinds whose name a template may interpolate.
var nameKinds = map[string]bool{"table": true, "view": true, "materialized": true}

// nameRef reads a template part ${KIND.NAME.name} or
// ${KIND.SCHEMA.NAME.name}: a reference to the object (without the final
// name), or nil when the part is something else.
func nameRef(e hclsyntax.Expression) *codec.Value {
	t, ok := e.(*hclsyntax.ScopeTraversalExpr)
	if !ok || len(t.Traversal) < 3 || len(t.Traversal) > 4 {
		return nil
	}
	var parts []string
	for _, step := range t.Traversal {
		switch s := step.(type) {
		case hcl.TraverseRoot:
			parts = append(parts, s.Name)
		case hcl.TraverseAttr:
			parts = append(parts, s.Name)
		default:
			return nil
		}
	}
	if !nameKinds[parts[0]] || parts[len(parts)-1] != "name" {
		return nil
	}
	return codec.RefTo(parts[:len(parts)-1]...)
}
