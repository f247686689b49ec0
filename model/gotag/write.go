package gotag

import (
	"fmt"
	"go/format"
	"go/token"
	"slices"
	"strconv"
	"strings"

	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
)

// Write renders s as Go source in package pkg: one struct per table,
// declared with retort's tags (docs/gotags.md), and one named string type
// with constants per enum, gofmt-ed. [Load] reads the result back into the
// same tables and enums.
//
// What struct tags cannot declare (views, functions, sequences that no
// serial column owns, partitioning, storage parameters, grants on schemas,
// …) is left out and listed in the file's package comment; it is not an
// error. Grants on tables and columns are written as grant options.
func Write(s *model.Schema, pkg string) ([]byte, error) {
	if !token.IsIdentifier(pkg) || pkg == "_" {
		return nil, fmt.Errorf("gotag: %q is not a Go package name", pkg)
	}
	if s == nil {
		return nil, fmt.Errorf("gotag: nil schema")
	}
	w := &writer{s: s, names: map[string]bool{}, enums: map[string]string{}, imports: map[string]bool{}}
	w.plan()
	var body strings.Builder
	for _, e := range w.enumList {
		w.writeEnum(&body, e)
	}
	for i := range s.Tables {
		w.writeTable(&body, &s.Tables[i])
	}
	var out strings.Builder
	out.WriteString("// Package " + pkg + " declares a database schema with retort's struct tags\n")
	out.WriteString("// (docs/gotags.md). retort wrote it; edit it as the schema changes and\n")
	out.WriteString("// read it back with go://.\n")
	if notes := w.leftOut(); len(notes) > 0 {
		out.WriteString("//\n// Not declared here, as Go tags cannot declare it:\n")
		for _, n := range notes {
			out.WriteString("//   - " + n + "\n")
		}
	}
	out.WriteString("package " + pkg + "\n\n")
	if len(w.imports) > 0 {
		out.WriteString("import (\n")
		for _, p := range slices.Sorted(mapKeys(w.imports)) {
			out.WriteString("\t" + strconv.Quote(p) + "\n")
		}
		out.WriteString(")\n\n")
	}
	out.WriteString(body.String())
	src, err := format.Source([]byte(out.String()))
	if err != nil {
		return nil, fmt.Errorf("gotag: formatting the written source: %w", err)
	}
	return src, nil
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// writer holds the state of one Write.
type writer struct {
	s        *model.Schema
	names    map[string]bool   // Go identifiers taken at package level
	enums    map[string]string // enum type text (public.status) → Go type name
	enumList []enumOut
	imports  map[string]bool
	serials  map[model.QName]bool // sequences declared as serial columns
	notes    []string
}

type enumOut struct {
	e      model.Enum
	goType string
}

// unique returns a Go identifier not yet taken at package level.
func (w *writer) unique(name string) string {
	n := name
	for i := 2; w.names[n] || token.Lookup(strings.ToLower(n)).IsKeyword(); i++ {
		n = name + strconv.Itoa(i)
	}
	w.names[n] = true
	return n
}

// plan names the enums' Go types and finds the serial columns.
func (w *writer) plan() {
	for _, e := range w.s.Enums {
		gt := goName(e.Name)
		if e.Schema != "public" {
			gt = goName(e.Schema) + gt
		}
		gt = w.unique(gt)
		w.enums[sqlq.Qualified(e.Schema, e.Name)] = gt
		w.enumList = append(w.enumList, enumOut{e: e, goType: gt})
	}
	w.serials = map[model.QName]bool{}
	for _, q := range w.s.Sequences {
		if w.serialOf(q) != "" {
			w.serials[q.QName] = true
		}
	}
	for _, q := range w.s.Sequences {
		if !w.serials[q.QName] {
			w.notes = append(w.notes, "sequence "+q.QName.String())
		}
	}
}

// serialOf returns the serial type that declares a sequence, when it is
// what a serial column makes: owned by its column, named as PostgreSQL
// names it, with the default options, and used by the column's default.
func (w *writer) serialOf(q model.Sequence) string {
	if q.OwnedBy == nil || q.Increment != 1 || q.Start != 1 || q.Min != 1 || q.Cache != 1 || q.Cycle {
		return ""
	}
	if q.Schema != q.OwnedBy.Table.Schema || q.Name != pgObjectName(q.OwnedBy.Table.Name, q.OwnedBy.Column, "seq") {
		return ""
	}
	types := map[string][2]any{"bigint": {"bigserial", int64(9223372036854775807)},
		"integer": {"serial", int64(2147483647)}, "smallint": {"smallserial", int64(32767)}}
	st, ok := types[q.Type]
	if !ok || q.Max != st[1].(int64) {
		return ""
	}
	for _, t := range w.s.Tables {
		if t.QName != q.OwnedBy.Table {
			continue
		}
		for _, c := range t.Columns {
			if c.Name == q.OwnedBy.Column && c.Type == q.Type && isNextval(c.Default, q.QName) {
				return st[0].(string)
			}
		}
	}
	return ""
}

func isNextval(def string, q model.QName) bool {
	for _, name := range []string{sqlq.Qualified(q.Schema, q.Name), sqlq.QuoteIdent(q.Name)} {
		if def == "nextval("+sqlq.Literal(name)+"::regclass)" {
			return true
		}
	}
	return false
}

// leftOut lists what the schema holds that Go tags cannot declare.
func (w *writer) leftOut() []string {
	s := w.s
	notes := slices.Clone(w.notes)
	count := func(n int, what string) {
		if n > 0 {
			notes = append(notes, fmt.Sprintf("%d %s", n, what))
		}
	}
	count(len(s.Extensions), "extension(s)")
	count(len(s.Collations), "collation(s)")
	count(len(s.Domains), "domain(s)")
	count(len(s.CompositeTypes), "composite type(s)")
	count(len(s.RangeTypes), "range type(s)")
	count(len(s.Views), "view(s) and materialized view(s)")
	count(len(s.Functions), "function(s) and procedure(s)")
	count(len(s.Aggregates), "aggregate(s)")
	count(len(s.Triggers), "trigger(s)")
	count(len(s.EventTriggers), "event trigger(s)")
	count(len(s.Rules), "rule(s)")
	count(len(s.Policies), "row security policies")
	count(len(s.Statistics), "extended statistics")
	count(len(s.ForeignDataWrappers)+len(s.Servers)+len(s.UserMappings), "foreign data wrapper object(s)")
	count(len(s.Casts), "cast(s)")
	// Tables and columns carry their grants as tags. Schemas, enums and the
	// sequences of serial columns, which Go declares without options of
	// their own, cannot.
	grants := 0
	for _, n := range s.Namespaces {
		if n.Name == "public" {
			continue // a new database's public schema is as it is
		}
		if n.Comment != "" {
			notes = append(notes, "the comment of schema "+n.Name)
		}
		grants += len(n.Grants)
	}
	for _, e := range s.Enums {
		grants += len(e.Grants)
	}
	for _, q := range s.Sequences {
		if w.serials[q.QName] {
			grants += len(q.Grants) // the others are left out whole
		}
	}
	count(grants, "grant(s) on schemas, enums and the sequences of serial columns")
	return notes
}

func (w *writer) writeEnum(b *strings.Builder, eo enumOut) {
	e := eo.e
	fmt.Fprintf(b, "// %s is the enum %s.\n//\n//retort:enum %s\ntype %s string\n\n", eo.goType, e.QName,
		tagName(e.Schema)+"."+tagName(e.Name), eo.goType)
	if e.Comment != "" {
		w.notes = append(w.notes, "the comment of enum "+e.QName.String())
	}
	fmt.Fprintf(b, "// The labels of %s, in order.\nconst (\n", eo.goType)
	for _, l := range e.Labels {
		cn := w.unique(eo.goType + goName(l))
		fmt.Fprintf(b, "\t%s %s = %s\n", cn, eo.goType, strconv.Quote(l))
	}
	b.WriteString(")\n\n")
}

// tagName writes a name for a tag: bare when it is a plain identifier,
// else "double-quoted".
func tagName(name string) string {
	plain := name != ""
	for i, r := range name {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && (r >= '0' && r <= '9' || r == '$')) {
			plain = false
		}
	}
	if plain {
		return name
	}
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// tagLiteral writes text as a 'single-quoted' tag value.
func tagLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// structTag writes a whole struct tag holding a retort value.
func structTag(value string) string {
	tag := tagKey + ":" + strconv.Quote(value)
	if strconv.CanBackquote(tag) {
		return "`" + tag + "`"
	}
	return strconv.Quote(tag)
}
