package yaml

import (
	"strings"

	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/model/internal/codec"
)

// Encode writes s as YAML that [Decode] reads back to a schema equal to s
// after [model.Schema.Normalize] (see docs/yaml.md for what is written as
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
	body, err := codec.Encode(s, codec.YAML, codec.Options{Privileges: opts.Privileges})
	if err != nil {
		return nil, err
	}
	var w writer
	w.blocks(body.Blocks, 0, true)
	return []byte(w.String()), nil
}

type writer struct{ strings.Builder }

func (w *writer) indent(n int) { w.WriteString(strings.Repeat("  ", n)) }

// body writes a block's attributes and nested blocks as map entries at
// depth; first is true when the first entry follows a "- " already
// written.
func (w *writer) body(b *codec.Body, depth int, first bool) {
	for _, a := range b.Attrs {
		if !first {
			w.indent(depth)
		}
		first = false
		w.WriteString(a.Name + ":")
		w.value(a.Value, depth)
	}
	w.blocks(b.Blocks, depth, first)
}

// blocks writes blocks grouped by type, in order of first appearance:
// labeled ones as a list of maps with a name, others as a map, or a list
// when the type repeats.
func (w *writer) blocks(bs []*codec.Block, depth int, first bool) {
	var order []string
	groups := map[string][]*codec.Block{}
	for _, b := range bs {
		if _, ok := groups[b.Type]; !ok {
			order = append(order, b.Type)
		}
		groups[b.Type] = append(groups[b.Type], b)
	}
	for _, typ := range order {
		g := groups[typ]
		if !first {
			w.indent(depth)
		}
		first = false
		labeled := len(g[0].Labels) > 0 && !codec.OptionalLabel[typ]
		if !labeled && len(g) == 1 && !codec.Repeated(typ) {
			w.WriteString(typ + ":")
			body := g[0].Body
			if len(g[0].Labels) > 0 {
				named := &codec.Body{Attrs: []*codec.Attr{{Name: "name", Value: codec.Str(g[0].Labels[0])}}}
				named.Attrs = append(named.Attrs, body.Attrs...)
				named.Blocks = body.Blocks
				body = named
			}
			if len(body.Attrs) == 0 && len(body.Blocks) == 0 {
				w.WriteString(" {}\n")
				continue
			}
			w.WriteString("\n")
			w.body(body, depth+1, false)
			continue
		}
		key := typ
		if typ != "on" && typ != "by" {
			key = codec.Plural(typ)
		}
		w.WriteString(key + ":\n")
		for _, b := range g {
			w.indent(depth + 1)
			w.WriteString("- ")
			if labeled {
				w.WriteString("name:")
				w.value(codec.Str(b.Labels[len(b.Labels)-1]), depth+2)
				w.body(b.Body, depth+2, false)
				continue
			}
			if len(b.Body.Attrs) == 0 && len(b.Body.Blocks) == 0 {
				w.WriteString("{}\n")
				continue
			}
			w.body(b.Body, depth+2, true)
		}
	}
}

// value writes a value after "key:", ending the line.
func (w *writer) value(v *codec.Value, depth int) {
	if s, ok := inline(v); ok {
		w.WriteString(" " + s + "\n")
		return
	}
	switch v.Kind {
	case codec.String:
		w.WriteString(" " + literal(v.Str, depth+1) + "\n")
	case codec.List:
		w.WriteString("\n")
		for _, it := range v.Items {
			w.indent(depth + 1)
			w.WriteString("-")
			w.value(it, depth+2)
		}
	case codec.Object:
		w.WriteString("\n")
		for _, f := range v.Fields {
			w.indent(depth + 1)
			w.WriteString(f.Name + ":")
			w.value(f.Value, depth+1)
		}
	case codec.Call:
		w.WriteString("\n")
		w.indent(depth + 1)
		w.WriteString("sql:")
		w.value(v.Items[0], depth+1)
	}
}

// inline writes a value on one line, when it fits.
func inline(v *codec.Value) (string, bool) {
	switch v.Kind {
	case codec.String:
		if strings.ContainsAny(v.Str, "\n") {
			return "", false
		}
		return scalar(v.Str), true
	case codec.Number:
		return v.Str, true
	case codec.Bool:
		if v.Bool {
			return "true", true
		}
		return "false", true
	case codec.Null:
		return "null", true
	case codec.List:
		var parts []string
		n := 0
		for _, it := range v.Items {
			s, ok := inline(it)
			if !ok || it.Kind == codec.List || it.Kind == codec.Object {
				return "", false
			}
			parts = append(parts, s)
			n += len(s) + 2
		}
		if n > 100 {
			return "", false
		}
		return "[" + strings.Join(parts, ", ") + "]", true
	case codec.Call:
		if v.Str == "sql" && len(v.Items) == 1 {
			if s, ok := inline(v.Items[0]); ok && len(s) < 100 {
				return "{sql: " + s + "}", true
			}
		}
	case codec.Object:
		var parts []string
		n := 0
		for _, f := range v.Fields {
			s, ok := inline(f.Value)
			if !ok || f.Value.Kind == codec.List || f.Value.Kind == codec.Object {
				return "", false
			}
			parts = append(parts, f.Name+": "+s)
			n += len(parts[len(parts)-1]) + 2
		}
		if n > 100 {
			return "", false
		}
		return "{" + strings.Join(parts, ", ") + "}", true
	}
	return "", false
}

// scalar writes a one-line string as a YAML scalar that reads back as the
// same string: plain when that is safe, double-quoted otherwise.
func scalar(s string) string {
	if plainSafe(s) {
		return s
	}
	return doubleQuoted(s)
}

// plainSafe reports whether s can be written unquoted: simple words and
// names that YAML reads as nothing but a string.
func plainSafe(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r == '_':
		case i > 0 && (r >= '0' && r <= '9' || r == '.' || r == '-' || r == ' ' && i < len(s)-1 && s[i+1] != ' ' && s[i+1] != '#'):
		default:
			return false
		}
	}
	switch strings.ToLower(s) {
	case "true", "false", "yes", "no", "on", "off", "y", "n", "null", "nan", "inf":
		return false
	}
	return true
}

// doubleQuoted writes s in double quotes with YAML escapes.
func doubleQuoted(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
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
		case r < 0x20 || r == 0x7f || r == 0x85 || r == 0x2028 || r == 0x2029 || r == 0xfeff:
			b.WriteString(`\u` + hex4(r))
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func hex4(r rune) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[r>>12&15], digits[r>>8&15], digits[r>>4&15], digits[r&15]})
}

// literal writes a string of several lines as a literal block scalar, or
// double-quoted when a block cannot hold it exactly.
func literal(s string, depth int) string {
	if strings.HasPrefix(s, " ") || strings.HasPrefix(s, "\n") || strings.HasSuffix(s, "\n\n") {
		return doubleQuoted(s)
	}
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f || r == 0x85 || r == 0x2028 || r == 0x2029 || r == 0xfeff {
			return doubleQuoted(s)
		}
	}
	header, body := "|-", s
	if strings.HasSuffix(s, "\n") {
		header, body = "|", strings.TrimSuffix(s, "\n")
	}
	pad := strings.Repeat("  ", depth)
	var b strings.Builder
	b.WriteString(header)
	for _, line := range strings.Split(body, "\n") {
		b.WriteString("\n")
		if line != "" {
			b.WriteString(pad + line)
		}
	}
	return b.String()
}
