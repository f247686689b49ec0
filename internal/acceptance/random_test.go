package acceptance

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

var (
	randomPairs = flag.Int("random.pairs", 200, "number of random schema pairs TestRandomPairs runs")
	randomSeed  = flag.Uint64("random.seed", 1, "seed of the first random pair; pair i uses seed+i")
)

// TestRandomPairs generates seeded random schema pairs (tables, columns of
// many types, defaults, constraints, indexes, enums, foreign keys) and puts
// each through the plan round trip. A failure names its seed, and
// `go test -run TestRandomPairs -random.seed=N -random.pairs=1` replays it.
func TestRandomPairs(t *testing.T) {
	n := *randomPairs
	if testing.Short() {
		n = min(n, 20)
	}
	for i := range n {
		seed := *randomSeed + uint64(i)
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			t.Parallel()
			from, to := randomPair(seed)
			if err := (planRoundTrip{fromSQL: from, toSQL: to, columnOrderAside: true}).run(t); err != nil {
				t.Errorf("%v\n-- from.sql --\n%s\n-- to.sql --\n%s", err, from, to)
			}
		})
	}
}

// A generated schema, kept as data so that it can be mutated and then
// written as SQL.
type genSchema struct {
	enums  []genEnum
	tables []genTable
}

type genEnum struct {
	name   string
	labels []string
}

type genTable struct {
	name    string
	columns []genColumn
	uniques [][]string
	checks  []string // column names of "col > 0" checks
	indexes []genIndex
	fks     []genFK
}

type genColumn struct {
	name, typ string
	notNull   bool
	def       string
}

type genIndex struct {
	cols    []string
	partial bool
}

type genFK struct {
	col, ref, onDelete string
}

// genTypes are column types with a default each can take.
var genTypes = []struct{ typ, def string }{
	{"integer", "0"}, {"bigint", "42"}, {"smallint", "1"}, {"text", "'x'"},
	{"varchar(20)", "'it''s'"}, {"numeric(10,2)", "1.50"}, {"boolean", "true"},
	{"timestamptz", "now()"}, {"date", "CURRENT_DATE"}, {"jsonb", `'{}'`},
	{"uuid", ""}, {"bytea", ""}, {"double precision", "0.5"}, {"text[]", "'{}'"},
	{"integer[]", ""}, {"char(3)", "'abc'"}, {"interval", "'1 day'"}, {"inet", ""},
}

// genRetypes are type changes PostgreSQL can make on an empty table, some
// only with a USING cast.
var genRetypes = map[string][]string{
	"integer": {"bigint", "text", "numeric(12,0)"}, "bigint": {"integer", "text"},
	"smallint": {"integer"}, "text": {"varchar(50)", "integer"}, "varchar(20)": {"text", "varchar(40)"},
	"numeric(10,2)": {"numeric(12,4)", "double precision"}, "boolean": {"text"},
	"timestamptz": {"timestamp", "date"}, "date": {"timestamptz"}, "jsonb": {"json", "text"},
	"double precision": {"real", "numeric"}, "text[]": {"varchar(10)[]"}, "char(3)": {"text"},
}

func randomPair(seed uint64) (string, string) {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	a := genRandomSchema(r)
	b := a.clone()
	for range 1 + r.IntN(4) {
		b.mutate(r)
	}
	return a.sql(), b.sql()
}

func genRandomSchema(r *rand.Rand) *genSchema {
	s := &genSchema{}
	for e := range r.IntN(3) {
		en := genEnum{name: fmt.Sprintf("mood_%d", e)}
		for l := range 2 + r.IntN(3) {
			en.labels = append(en.labels, fmt.Sprintf("v%d", l))
		}
		s.enums = append(s.enums, en)
	}
	for range 1 + r.IntN(4) {
		s.addTable(r)
	}
	return s
}

func (s *genSchema) addTable(r *rand.Rand) {
	name := fmt.Sprintf("t%d", len(s.tables))
	for s.table(name) != nil {
		name += "x"
	}
	t := genTable{name: name, columns: []genColumn{{name: "id", typ: "integer", notNull: true}}}
	t.uniques = append(t.uniques, []string{"id"}) // stands in for a primary key, see sql()
	for range 1 + r.IntN(5) {
		t.columns = append(t.columns, s.randomColumn(r, &t))
	}
	s.decorate(r, &t)
	s.tables = append(s.tables, t)
}

func (s *genSchema) randomColumn(r *rand.Rand, t *genTable) genColumn {
	c := genColumn{name: fmt.Sprintf("c%d", len(t.columns))}
	for t.column(c.name) != nil {
		c.name += "x"
	}
	if len(s.enums) > 0 && r.IntN(5) == 0 {
		e := s.enums[r.IntN(len(s.enums))]
		c.typ = e.name
		if r.IntN(2) == 0 {
			c.def = "'" + e.labels[0] + "'"
		}
	} else {
		gt := genTypes[r.IntN(len(genTypes))]
		c.typ = gt.typ
		if gt.def != "" && r.IntN(2) == 0 {
			c.def = gt.def
		}
	}
	c.notNull = r.IntN(3) == 0
	if c.notNull && c.def == "" && r.IntN(2) == 0 {
		c.notNull = false
	}
	return c
}

func (s *genSchema) decorate(r *rand.Rand, t *genTable) {
	for _, c := range t.columns[1:] {
		switch {
		case r.IntN(6) == 0 && indexable(c.typ):
			t.indexes = append(t.indexes, genIndex{cols: []string{c.name}, partial: r.IntN(3) == 0})
		case r.IntN(8) == 0 && indexable(c.typ):
			t.uniques = append(t.uniques, []string{c.name})
		case r.IntN(6) == 0 && (c.typ == "integer" || c.typ == "bigint" || c.typ == "smallint"):
			t.checks = append(t.checks, c.name)
		}
	}
	if len(s.tables) > 0 && r.IntN(2) == 0 {
		ref := s.tables[r.IntN(len(s.tables))]
		col := genColumn{name: "ref_" + ref.name, typ: "integer"}
		if t.column(col.name) == nil {
			t.columns = append(t.columns, col)
			t.fks = append(t.fks, genFK{col: col.name, ref: ref.name, onDelete: []string{"NO ACTION", "CASCADE", "SET NULL", "RESTRICT"}[r.IntN(4)]})
		}
	}
}

func indexable(typ string) bool {
	return !strings.HasSuffix(typ, "[]") && typ != "jsonb" && typ != "json" && typ != "bytea"
}

// mutate applies one random change of the kinds a migration must handle.
func (s *genSchema) mutate(r *rand.Rand) {
	t := &s.tables[r.IntN(len(s.tables))]
	switch r.IntN(11) {
	case 0:
		t.columns = append(t.columns, s.randomColumn(r, t))
	case 1:
		if i := 1 + r.IntN(len(t.columns)); i < len(t.columns) && !s.used(t, t.columns[i].name) {
			t.columns = slices.Delete(t.columns, i, i+1)
		}
	case 2:
		i := r.IntN(len(t.columns))
		c := &t.columns[i]
		if to := genRetypes[c.typ]; len(to) > 0 && i > 0 && !s.used(t, c.name) {
			c.typ = to[r.IntN(len(to))]
			c.def = ""
		}
	case 3:
		if i := r.IntN(len(t.columns)); i > 0 {
			t.columns[i].notNull = !t.columns[i].notNull
		}
	case 4:
		if i := r.IntN(len(t.columns)); i > 0 {
			c := &t.columns[i]
			if c.def != "" {
				c.def = ""
			} else {
				for _, gt := range genTypes {
					if gt.typ == c.typ {
						c.def = gt.def
					}
				}
			}
		}
	case 5:
		if len(t.indexes) > 0 {
			t.indexes = t.indexes[:len(t.indexes)-1]
		} else if c := t.columns[r.IntN(len(t.columns))]; indexable(c.typ) {
			t.indexes = append(t.indexes, genIndex{cols: []string{c.name}, partial: r.IntN(2) == 0})
		}
	case 6:
		if len(t.checks) > 0 {
			t.checks = t.checks[:len(t.checks)-1]
		} else {
			for _, c := range t.columns {
				if c.typ == "integer" && c.name != "id" {
					t.checks = append(t.checks, c.name)
					break
				}
			}
		}
	case 7:
		if len(t.fks) > 0 {
			t.fks = t.fks[:len(t.fks)-1]
		} else {
			s.decorate(r, t)
		}
	case 8:
		if len(s.enums) > 0 {
			e := &s.enums[r.IntN(len(s.enums))]
			at := r.IntN(len(e.labels) + 1)
			// A name no label has had: labels removed by case 9 would let
			// n<len> repeat one still there.
			label := fmt.Sprintf("n%d", len(e.labels))
			for n := len(e.labels); slices.Contains(e.labels, label); n++ {
				label = fmt.Sprintf("n%d", n)
			}
			e.labels = slices.Insert(e.labels, at, label)
		}
	case 9:
		if len(s.enums) > 0 {
			e := &s.enums[r.IntN(len(s.enums))]
			if len(e.labels) > 1 && !s.enumDefaultUses(e.name, e.labels[len(e.labels)-1]) {
				e.labels = e.labels[:len(e.labels)-1]
			}
		}
	case 10:
		s.addTable(r)
	}
}

// used reports whether a column takes part in a key, index, check or
// foreign key, which the generator keeps simple by not dropping it.
func (s *genSchema) used(t *genTable, col string) bool {
	for _, u := range t.uniques {
		if slices.Contains(u, col) {
			return true
		}
	}
	for _, ix := range t.indexes {
		if slices.Contains(ix.cols, col) {
			return true
		}
	}
	for _, fk := range t.fks {
		if fk.col == col {
			return true
		}
	}
	return slices.Contains(t.checks, col)
}

func (s *genSchema) enumDefaultUses(enum, label string) bool {
	for _, t := range s.tables {
		for _, c := range t.columns {
			if c.typ == enum && c.def == "'"+label+"'" {
				return true
			}
		}
	}
	return false
}

func (s *genSchema) table(name string) *genTable {
	for i := range s.tables {
		if s.tables[i].name == name {
			return &s.tables[i]
		}
	}
	return nil
}

func (t *genTable) column(name string) *genColumn {
	for i := range t.columns {
		if t.columns[i].name == name {
			return &t.columns[i]
		}
	}
	return nil
}

func (s *genSchema) clone() *genSchema {
	c := &genSchema{}
	for _, e := range s.enums {
		c.enums = append(c.enums, genEnum{e.name, slices.Clone(e.labels)})
	}
	for _, t := range s.tables {
		nt := t
		nt.columns = slices.Clone(t.columns)
		nt.uniques = slices.Clone(t.uniques)
		nt.checks = slices.Clone(t.checks)
		nt.indexes = slices.Clone(t.indexes)
		nt.fks = slices.Clone(t.fks)
		c.tables = append(c.tables, nt)
	}
	return c
}

// sql writes the schema as the DDL a person would: enums, then tables with
// inline keys and checks, then indexes and foreign keys.
func (s *genSchema) sql() string {
	var b strings.Builder
	for _, e := range s.enums {
		fmt.Fprintf(&b, "CREATE TYPE %s AS ENUM (", e.name)
		for i, l := range e.labels {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "'%s'", l)
		}
		b.WriteString(");\n")
	}
	for _, t := range s.tables {
		fmt.Fprintf(&b, "CREATE TABLE %s (\n", t.name)
		for i, c := range t.columns {
			if i > 0 {
				b.WriteString(",\n")
			}
			fmt.Fprintf(&b, "  %s %s", c.name, c.typ)
			if c.notNull {
				b.WriteString(" NOT NULL")
			}
			if c.def != "" {
				b.WriteString(" DEFAULT " + c.def)
			}
		}
		for i, u := range t.uniques {
			if i == 0 {
				fmt.Fprintf(&b, ",\n  PRIMARY KEY (%s)", strings.Join(u, ", "))
				continue
			}
			fmt.Fprintf(&b, ",\n  UNIQUE (%s)", strings.Join(u, ", "))
		}
		for _, c := range t.checks {
			fmt.Fprintf(&b, ",\n  CHECK (%s > 0)", c)
		}
		b.WriteString("\n);\n")
	}
	for _, t := range s.tables {
		for i, ix := range t.indexes {
			fmt.Fprintf(&b, "CREATE INDEX %s_ix%d ON %s (%s)", t.name, i, t.name, strings.Join(ix.cols, ", "))
			if ix.partial {
				fmt.Fprintf(&b, " WHERE %s IS NOT NULL", ix.cols[0])
			}
			b.WriteString(";\n")
		}
		for _, fk := range t.fks {
			fmt.Fprintf(&b, "ALTER TABLE %s ADD FOREIGN KEY (%s) REFERENCES %s ON DELETE %s;\n", t.name, fk.col, fk.ref, fk.onDelete)
		}
	}
	return b.String()
}
