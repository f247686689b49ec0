package hcl

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/model/internal/codec"
)

// Encode writes s as HCL that [Decode] reads back to a schema equal to s
// after [model.Schema.Normalize] (see docs/hcl.md for what is written as
// text that PostgreSQL reprints), owners and grants included. s is not
// changed.
func Encode(s *model.Schema) ([]byte, error) {
	return EncodeWith(s, Options{Privileges: true})
}

// Options select what [EncodeWith] writes.
type Options struct {
	// Privileges writes owners, grants and default privileges; without it
	// they are left out (retort inspect without --privileges).
	Privileges bool
}

// EncodeWith writes s as [Encode] does, with what opts selects.
func EncodeWith(s *model.Schema, opts Options) ([]byte, error) {
	body, err := codec.Encode(s, codec.HCL, codec.Options{Privileges: opts.Privileges})
	if err != nil {
		return nil, err
	}
	var w writer
	for i, b := range body.Blocks {
		if i > 0 {
			w.WriteString("\n")
		}
		w.block(b, 0)
	}
	return []byte(w.String()), nil
}

type writer struct{ strings.Builder }

func (w *writer) indent(n int) { w.WriteString(strings.Repeat("  ", n)) }

func (w *writer) block(b *codec.Block, depth int) {
	w.indent(depth)
	w.WriteString(b.Type)
	for _, l := range b.Labels {
		w.WriteString(" " + quote(l))
	}
	if len(b.Body.Attrs) == 0 && len(b.Body.Blocks) == 0 {
		w.WriteString(" {}\n")
		return
	}
	w.WriteString(" {\n")
	width := 0
	for _, a := range b.Body.Attrs {
		width = max(width, len(a.Name))
	}
	for _, a := range b.Body.Attrs {
		w.indent(depth + 1)
		w.WriteString(a.Name + strings.Repeat(" ", width-len(a.Name)) + " = ")
		w.value(a.Value, depth+1)
		w.WriteString("\n")
	}
	for _, c := range b.Body.Blocks {
		w.block(c, depth+1)
	}
	w.indent(depth)
	w.WriteString("}\n")
}

func (w *writer) value(v *codec.Value, depth int) {
	switch v.Kind {
	case codec.String:
		if v.Heredoc {
			if h, ok := heredoc(v.Str, depth); ok {
				w.WriteString(h)
				return
			}
		}
		w.WriteString(quote(v.Str))
	case codec.Number:
		w.WriteString(v.Str)
	case codec.Bool:
		fmt.Fprint(w, v.Bool)
	case codec.Null:
		w.WriteString("null")
	case codec.Ref:
		w.WriteString(codec.RefText(v.Parts))
	case codec.Call:
		w.WriteString(v.Str + "(")
		for i, it := range v.Items {
			if i > 0 {
				w.WriteString(", ")
			}
			w.value(it, depth)
		}
		w.WriteString(")")
	case codec.List:
		var parts []string
		long := false
		for _, it := range v.Items {
			var iw writer
			iw.value(it, depth+1)
			parts = append(parts, iw.String())
			long = long || strings.Contains(iw.String(), "\n")
		}
		line := "[" + strings.Join(parts, ", ") + "]"
		if !long && len(line) <= 100 {
			w.WriteString(line)
			return
		}
		w.WriteString("[\n")
		for _, p := range parts {
			w.indent(depth + 1)
			w.WriteString(p + ",\n")
		}
		w.indent(depth)
		w.WriteString("]")
	case codec.Object:
		w.WriteString("{ ")
		for i, f := range v.Fields {
			if i > 0 {
				w.WriteString(", ")
			}
			if codec.IsIdent(f.Name) {
				w.WriteString(f.Name)
			} else {
				w.WriteString(quote(f.Name))
			}
			w.WriteString(" = ")
			w.value(f.Value, depth)
		}
		w.WriteString(" }")
	}
}

// quote writes s as an HCL quoted string, with template sequences escaped.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case (r == '$' || r == '%') && strings.HasPrefix(s[i+1:], "{"):
			b.WriteRune(r)
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// heredoc writes s as an indented heredoc, when that reads back as s (with
// a final newline added).
func heredoc(s string, depth int) (string, bool) {
	delim := "SQL"
	for n := 2; strings.Contains("\n"+s+"\n", "\n"+delim+"\n") || containsLine(s, delim); n++ {
		delim = fmt.Sprintf("SQL%d", n)
	}
	pad := strings.Repeat("  ", depth+1)
	body := strings.TrimSuffix(s, "\n")
	body = strings.ReplaceAll(body, "${", "$${")
	body = strings.ReplaceAll(body, "%{", "%%{")
	var b strings.Builder
	b.WriteString("<<-" + delim + "\n")
	for _, line := range strings.Split(body, "\n") {
		if line != "" {
			b.WriteString(pad + line)
		}
		b.WriteString("\n")
	}
	b.WriteString(strings.Repeat("  ", depth) + delim)
	want := strings.TrimSuffix(s, "\n") + "\n"
	if got, ok := parseString(b.String()); !ok || got != want {
		return "", false
	}
	return b.String(), true
}

func containsLine(s, delim string) bool {
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) == delim {
			return true
		}
	}
	return false
}

// parseString reads back an HCL string expression.
func parseString(expr string) (string, bool) {
	e, diags := hclsyntax.ParseExpression([]byte(expr+"\n"), "", hcl.InitialPos)
	if diags.HasErrors() {
		return "", false
	}
	v, diags := e.Value(nil)
	if diags.HasErrors() || v.IsNull() || !v.IsKnown() || v.Type() != cty.String {
		return "", false
	}
	return v.AsString(), true
}
