package render

import (
	"fmt"
	"slices"
	"strings"

	"github.com/retortdb/retort/model"
)

// Dot writes a schema's tables as a Graphviz digraph (`dot -Tsvg`): each
// table a node whose HTML-like label lists its columns with their types and
// key markers (PK, FK, UK, as [Mermaid] has them), each foreign key an
// edge from the referencing column to the referenced one, with crow's-foot
// ends for its cardinality. Partitions are left out, as in [Mermaid];
// referenced tables outside the schema's filters are dashed boxes.
//
// Node identifiers are mapped to ASCII as Mermaid's entity identifiers are;
// every name and type in a label is written with HTML entities for &, <, >,
// " and ', and control characters as spaces, so no name can end
// the label.
func Dot(s *model.Schema) string {
	d := newERDiagram(s)
	var b strings.Builder
	b.WriteString("digraph schema {\n")
	b.WriteString("    graph [rankdir=LR];\n")
	b.WriteString("    node [shape=plain, fontname=\"Helvetica\"];\n")
	b.WriteString("    edge [dir=both, fontname=\"Helvetica\", fontsize=10];\n")
	for _, t := range d.tables {
		fmt.Fprintf(&b, "    %s [label=<<table border=\"0\" cellborder=\"1\" cellspacing=\"0\" cellpadding=\"4\">\n", d.ids[t.QName])
		fmt.Fprintf(&b, "        <tr><td colspan=\"3\" bgcolor=\"lightgrey\"><b>%s</b></td></tr>\n", dotHTML(t.QName.String()))
		for i, c := range t.Columns {
			fmt.Fprintf(&b, "        <tr><td port=\"c%d\" align=\"left\">%s</td><td align=\"left\">%s</td><td>%s</td></tr>\n",
				i, dotHTML(c.Name), dotHTML(c.Type), strings.Join(d.marks(t, c.Name), " "))
		}
		b.WriteString("    </table>>];\n")
	}
	for _, q := range d.external {
		fmt.Fprintf(&b, "    %s [shape=box, style=dashed, label=<%s>];\n", d.ids[q], dotHTML(q.String()))
	}
	tables := map[model.QName]*model.Table{}
	for _, t := range d.tables {
		tables[t.QName] = t
	}
	port := func(q model.QName, cols []string) string {
		t := tables[q]
		if t == nil || len(cols) == 0 {
			return ""
		}
		if i := slices.IndexFunc(t.Columns, func(c model.Column) bool { return c.Name == cols[0] }); i >= 0 {
			return fmt.Sprintf(":c%d", i)
		}
		return ""
	}
	for _, e := range d.edges {
		head := "teetee"
		if e.optional {
			head = "teeodot"
		}
		tail := "crowodot"
		if e.unique {
			tail = "teeodot"
		}
		style := "dashed"
		if e.identifying {
			style = "solid"
		}
		fmt.Fprintf(&b, "    %s%s -> %s%s [arrowhead=%s, arrowtail=%s, style=%s, label=<%s>];\n",
			d.ids[e.child], port(e.child, e.columns), d.ids[e.parent], port(e.parent, e.refColumns), head, tail, style, dotHTML(e.name))
	}
	b.WriteString("}\n")
	return b.String()
}

// dotHTML escapes text for a Graphviz HTML-like label.
func dotHTML(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"':
			b.WriteString("&quot;")
		case r == '\'':
			b.WriteString("&#39;")
		case r < 0x20 || r == 0x7f:
			// XML, which Graphviz parses labels as, has no control
			// characters, not even as references.
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
