package hcl

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/model/internal/codec"
)

// EncodeAtlas writes what of s Atlas's open-source build reads, in Atlas's
// spelling (inspect --format atlas-hcl): schemas, enums, tables with their
// columns, keys, indexes, checks, foreign keys and partition keys, and
// views. Serial columns are written as Atlas writes them (type = serial,
// without their sequence). Everything else is left out; left counts it
// by kind (plural, as "3 functions" reads), so that nothing is dropped
// silently. Owners and grants are never written (Atlas's open-source
// build has no form for them). s is not changed.
//
// It is retort's HCL (see [Encode]) with what Atlas does not read taken
// out: retort's HCL is Atlas's dialect for what both cover, so the two
// cannot drift apart.
func EncodeAtlas(s *model.Schema) (out []byte, left map[string]int, err error) {
	c, serials, err := atlasCopy(s)
	if err != nil {
		return nil, nil, err
	}
	body, err := codec.Encode(c, codec.HCL, codec.Options{})
	if err != nil {
		return nil, nil, err
	}
	a := &atlasWriter{left: map[string]int{}, types: map[string]string{}, serials: serials, enums: map[string]bool{}}
	for _, e := range c.Enums {
		a.enums[e.Schema+"."+e.Name] = true
	}
	for _, t := range c.Tables {
		for _, col := range t.Columns {
			a.types[t.Schema+"."+t.Name+"."+col.Name] = col.Type
		}
	}
	for _, b := range body.Blocks {
		if b.Type == "table" && slices.ContainsFunc(b.Body.Attrs, func(x *codec.Attr) bool { return x.Name == "partition_of" || x.Name == "server" }) {
			a.gone = append(a.gone, b.Labels)
		}
	}
	var w writer
	n := 0
	for _, b := range body.Blocks {
		if !a.keep(b) {
			continue
		}
		if n > 0 {
			w.WriteString("\n")
		}
		n++
		w.block(b, 0)
	}
	for k, v := range c.Unsupported {
		a.left[k] += v
	}
	return []byte(w.String()), a.left, nil
}

// LeftOutText says what EncodeAtlas left out, as "3 functions, 1 trigger",
// kinds in alphabetical order.
func LeftOutText(left map[string]int) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(left)) {
		if left[k] == 0 {
			continue
		}
		name := k
		if left[k] == 1 {
			name = singular(k)
		}
		parts = append(parts, fmt.Sprintf("%d %s", left[k], name))
	}
	return strings.Join(parts, ", ")
}

func singular(k string) string {
	switch {
	case strings.HasSuffix(k, "ies"):
		return strings.TrimSuffix(k, "ies") + "y"
	case strings.HasSuffix(k, "xes"):
		return strings.TrimSuffix(k, "es")
	case strings.HasSuffix(k, "s"):
		return strings.TrimSuffix(k, "s")
	}
	return k
}

// atlasCopy returns a copy of s without the serial columns' sequences and
// defaults, with the columns that own them in serials (SCHEMA.TABLE.COLUMN
// to serial, bigserial or smallserial), and the other sequences counted
// as left out by the writer.
func atlasCopy(s *model.Schema) (*model.Schema, map[string]string, error) {
	c, err := codec.NormalizedCopy(s)
	if err != nil {
		return nil, nil, err
	}
	serials := map[string]string{}
	owned := map[model.QName]*model.ColumnRef{}
	for _, q := range c.Sequences {
		if q.OwnedBy != nil {
			owned[q.QName] = q.OwnedBy
		}
	}
	var keep []model.Sequence
	taken := map[model.QName]bool{}
	for i := range c.Tables {
		t := &c.Tables[i]
		for j := range t.Columns {
			col := &t.Columns[j]
			seq, ok := nextvalSequence(col.Default, t.Schema)
			kind := serialTypes[col.Type]
			ref := owned[seq]
			if !ok || kind == "" || ref == nil || ref.Table != t.QName || ref.Column != col.Name || col.Identity != "" {
				continue
			}
			serials[t.Schema+"."+t.Name+"."+col.Name] = kind
			col.Default = ""
			taken[seq] = true
		}
	}
	for _, q := range c.Sequences {
		if !taken[q.QName] {
			keep = append(keep, q)
		}
	}
	c.Sequences = keep
	return c, serials, nil
}

// serialTypes are the integer types of serial columns and Atlas's name of
// each serial type.
var serialTypes = map[string]string{"integer": "serial", "bigint": "bigserial", "smallint": "smallserial"}

var nextvalRE = regexp.MustCompile(`^nextval\('((?:[^']|'')+)'::regclass\)$`)

// nextvalSequence reads the sequence of a nextval('seq'::regclass) default.
func nextvalSequence(def, schema string) (model.QName, bool) {
	m := nextvalRE.FindStringSubmatch(def)
	if m == nil {
		return model.QName{}, false
	}
	parts, ok := codec.SplitName(strings.ReplaceAll(m[1], "''", "'"))
	switch {
	case !ok:
		return model.QName{}, false
	case len(parts) == 1:
		return model.QName{Schema: schema, Name: parts[0]}, true
	case len(parts) == 2:
		return model.QName{Schema: parts[0], Name: parts[1]}, true
	}
	return model.QName{}, false
}

type atlasWriter struct {
	left map[string]int
	// types are the columns' types (SCHEMA.TABLE.COLUMN), written as
	// sql("…") where Atlas has no name for them.
	types   map[string]string
	serials map[string]string
	enums   map[string]bool
	// gone are the labels of the tables left out (partitions, foreign
	// tables): a foreign key to one of them is left out too.
	gone [][]string
}

// atlasKinds are the top-level blocks Atlas's open-source build reads.
var atlasKinds = map[string]bool{"schema": true, "enum": true, "table": true, "view": true, "materialized": true}

// keep says whether a top-level block is written, and rewrites what of it
// Atlas spells otherwise; a block left out is counted.
func (a *atlasWriter) keep(b *codec.Block) bool {
	if !atlasKinds[b.Type] {
		a.left[codec.Plural(b.Type)]++
		return false
	}
	a.dependsOn(b.Body)
	switch b.Type {
	case "table":
		if slices.ContainsFunc(b.Body.Attrs, func(x *codec.Attr) bool { return x.Name == "partition_of" }) {
			// Atlas's open-source build reads a partition key but not
			// the partitions.
			a.left["partitions"]++
			return false
		}
		if slices.ContainsFunc(b.Body.Attrs, func(x *codec.Attr) bool { return x.Name == "server" }) {
			a.left["foreign tables"]++
			return false
		}
		a.table(b)
	case "view", "materialized":
		a.view(b)
	}
	return true
}

// drop removes the attributes and blocks named, counting the blocks as
// kind (when kind is not "").
func (a *atlasWriter) drop(body *codec.Body, name, kind string) {
	body.Attrs = slices.DeleteFunc(body.Attrs, func(x *codec.Attr) bool { return x.Name == name })
	body.Blocks = slices.DeleteFunc(body.Blocks, func(x *codec.Block) bool {
		if x.Type != name {
			return false
		}
		if kind != "" {
			a.left[kind]++
		}
		return true
	})
}

// tableAttrs are the attributes of a table that Atlas's open-source build
// reads; the others are retort's.
var tableAttrs = map[string]bool{"schema": true, "comment": true, "depends_on": true}

func (a *atlasWriter) table(b *codec.Block) {
	schema, name := blockQName(b)
	for _, at := range b.Body.Attrs {
		if !tableAttrs[at.Name] {
			a.left["table settings ("+at.Name+")"]++
		}
	}
	b.Body.Attrs = slices.DeleteFunc(b.Body.Attrs, func(x *codec.Attr) bool { return !tableAttrs[x.Name] })
	for _, typ := range []string{"exclude", "grant", "trigger", "policy"} {
		a.drop(b.Body, typ, codec.Plural(typ))
	}
	b.Body.Blocks = slices.DeleteFunc(b.Body.Blocks, func(c *codec.Block) bool {
		if c.Type == "foreign_key" && a.refersToGone(c.Body) {
			a.left["foreign keys to partitions or foreign tables"]++
			return true
		}
		return false
	})
	for _, c := range b.Body.Blocks {
		switch c.Type {
		case "column":
			a.column(schema+"."+name+"."+c.Labels[len(c.Labels)-1], c.Body)
		case "index", "unique", "primary_key":
			c.Body.Attrs = slices.DeleteFunc(c.Body.Attrs, func(x *codec.Attr) bool {
				return x.Name == "tablespace" || x.Name == "options" || x.Name == "parent_index" || x.Name == "deferrable" || x.Name == "initially_deferred"
			})
		}
	}
}

func (a *atlasWriter) view(b *codec.Block) {
	for _, typ := range []string{"grant", "index"} {
		a.drop(b.Body, typ, codec.Plural(typ))
	}
	b.Body.Attrs = slices.DeleteFunc(b.Body.Attrs, func(x *codec.Attr) bool {
		return x.Name == "options" || x.Name == "tablespace" || x.Name == "with_no_data"
	})
	for _, c := range b.Body.Blocks {
		if c.Type == "column" {
			a.columnType(c.Body, "")
		}
	}
}

// column writes a table column's type in Atlas's spelling, serial columns
// as Atlas writes them.
func (a *atlasWriter) column(key string, body *codec.Body) {
	body.Attrs = slices.DeleteFunc(body.Attrs, func(x *codec.Attr) bool {
		switch x.Name {
		case "renamed_from", "storage", "compression", "not_null_name", "not_null_not_valid", "not_null_no_inherit":
			return true
		}
		return false
	})
	if kind := a.serials[key]; kind != "" {
		for _, at := range body.Attrs {
			if at.Name == "type" {
				at.Value = codec.RefTo(kind)
			}
		}
		return
	}
	a.columnType(body, a.types[key])
}

// columnType keeps a type Atlas names (an enum of the file, a type of
// Atlas's registry) and writes any other as sql("…") with PostgreSQL's
// text, which Atlas reads as a type it does not model.
func (a *atlasWriter) columnType(body *codec.Body, text string) {
	for _, at := range body.Attrs {
		if at.Name != "type" {
			continue
		}
		v := at.Value
		switch {
		case v.Kind == codec.Ref && len(v.Parts) == 1 && atlasTypes[v.Parts[0]]:
		case v.Kind == codec.Call && atlasTypes[v.Str]:
		case v.Kind == codec.Call && v.Str == "sql":
		case v.Kind == codec.Ref && v.Parts[0] == "enum" && a.enumRef(v.Parts[1:]):
		case text != "":
			at.Value = codec.CallOf("sql", codec.Str(text))
		}
	}
}

func (a *atlasWriter) enumRef(parts []string) bool {
	if len(parts) == 2 {
		return a.enums[parts[0]+"."+parts[1]]
	}
	for k := range a.enums {
		if strings.HasSuffix(k, "."+parts[0]) {
			return true
		}
	}
	return false
}

// blockQName is a table block's schema (its schema attribute) and name
// (its last label).
func blockQName(b *codec.Block) (string, string) {
	schema := codec.DefaultSchema
	for _, at := range b.Body.Attrs {
		if at.Name == "schema" && at.Value.Kind == codec.Ref && len(at.Value.Parts) == 2 {
			schema = at.Value.Parts[1]
		}
	}
	return schema, b.Labels[len(b.Labels)-1]
}

// atlasTypes are the type names of Atlas's PostgreSQL type registry
// (ariga.io/atlas/sql/postgres TypeRegistry): a column type written with
// another name does not evaluate.
var atlasTypes = func() map[string]bool {
	m := map[string]bool{}
	for _, t := range strings.Fields(`bit bit_varying varchar character_varying char character bpchar
		int2 int4 int8 int integer smallint bigint text boolean bool bytea cidr inet macaddr macaddr8
		circle line lseg box path point polygon date time timetz timestamptz timestamp double_precision
		real float float8 float4 numeric decimal smallserial serial bigserial serial2 serial4 serial8
		xml json jsonb uuid money tsvector tsquery int4range int4multirange int8range int8multirange
		numrange nummultirange tsrange tsmultirange tstzrange tstzmultirange daterange datemultirange
		hstore xid xid8 oid regclass regcollation regconfig regdictionary regnamespace name regoper
		regoperator regproc regprocedure regrole regtype`) {
		m[t] = true
	}
	return m
}()

// dependsOn keeps, in depends_on lists, the references to what is
// written: a reference to an object left out does not evaluate.
func (a *atlasWriter) dependsOn(body *codec.Body) {
	body.Attrs = slices.DeleteFunc(body.Attrs, func(x *codec.Attr) bool {
		if x.Name != "depends_on" || x.Value.Kind != codec.List {
			return false
		}
		x.Value.Items = slices.DeleteFunc(x.Value.Items, func(v *codec.Value) bool {
			return v.Kind != codec.Ref || !atlasKinds[v.Parts[0]]
		})
		return len(x.Value.Items) == 0
	})
	for _, c := range body.Blocks {
		a.dependsOn(c.Body)
	}
}

// refersToGone says whether a foreign key references a table left out.
func (a *atlasWriter) refersToGone(body *codec.Body) bool {
	for _, at := range body.Attrs {
		if at.Name != "ref_columns" || at.Value.Kind != codec.List {
			continue
		}
		for _, v := range at.Value.Items {
			n := len(v.Parts)
			if v.Kind != codec.Ref || n < 4 || v.Parts[0] != "table" {
				continue
			}
			ref := v.Parts[1 : n-2]
			for _, g := range a.gone {
				if g[len(g)-1] == ref[len(ref)-1] && (len(ref) == 1 || len(g) == 1 || g[0] == ref[0]) {
					return true
				}
			}
		}
	}
	return false
}
