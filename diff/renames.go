package diff

import (
	"cmp"
	"slices"
	"strings"

	"github.com/retortdb/retort/model"
)

// PossibleRename is a drop and a create that look like one object renamed.
// Compare never turns them into a rename by itself (a wrong guess would lose
// data on a rename that was in fact a drop); it leaves that to a hint, and
// PossibleRenames tells the reviewer which hint to give.
type PossibleRename struct {
	// Kind is model.KindTable or KindColumn.
	Kind model.ObjectKind
	// Table is the column's table; unset for a table.
	Table model.QName
	// From and To are the dropped and the created names; for a column only
	// Name is set.
	From, To model.QName
	// Why says what the two have in common.
	Why string
}

// Hint is the --rename argument that turns the drop and create into a
// rename, in the form ParseRename reads.
func (p PossibleRename) Hint() string {
	if p.Kind == KindColumn {
		return p.Table.Schema + "." + p.Table.Name + "." + p.From.Name + "=" + p.To.Name
	}
	if p.From.Schema == p.To.Schema {
		return p.From.Schema + "." + p.From.Name + "=" + p.To.Name
	}
	return p.From.Schema + "." + p.From.Name + "=" + p.To.Schema + "." + p.To.Name
}

// maxFuzzyPairs bounds the dropped×created tables compared by column
// overlap, so that dropping thousands of tables while creating thousands of
// others stays linear; past it only identical column lists are paired.
const maxFuzzyPairs = 10000

// PossibleRenames finds, among changes, the dropped tables and columns that
// have a created look-alike: a column dropped and one added to the same
// table with the same type, nullability, identity and generation, when that
// pairing is the only one of its kind in the table; a table dropped and one
// created with the same columns (name and type), or sharing at least two
// thirds of them, when that pairing is unambiguous. The result is sorted.
func PossibleRenames(changes []Change) []PossibleRename {
	var out []PossibleRename
	type colKey struct {
		table model.QName
		sig   string
	}
	droppedCols := map[colKey][]*model.Column{}
	addedCols := map[colKey][]*model.Column{}
	var droppedTables, createdTables []*model.Table
	for _, c := range changes {
		switch c := c.(type) {
		case *ColumnChange:
			switch c.Operation {
			case Drop:
				k := colKey{c.Table, columnSignature(c.From)}
				droppedCols[k] = append(droppedCols[k], c.From)
			case Create:
				k := colKey{c.Table, columnSignature(c.To)}
				addedCols[k] = append(addedCols[k], c.To)
			}
		case *TableChange:
			switch c.Operation {
			case Drop:
				droppedTables = append(droppedTables, c.From)
			case Create:
				createdTables = append(createdTables, c.To)
			}
		}
	}
	for k, drops := range droppedCols {
		adds := addedCols[k]
		if len(drops) != 1 || len(adds) != 1 {
			continue
		}
		why := "same type " + drops[0].Type
		if drops[0].NotNull {
			why += " NOT NULL"
		}
		out = append(out, PossibleRename{
			Kind: KindColumn, Table: k.table,
			From: model.QName{Name: drops[0].Name}, To: model.QName{Name: adds[0].Name},
			Why: why,
		})
	}
	out = append(out, tableLookAlikes(droppedTables, createdTables)...)
	slices.SortFunc(out, func(a, b PossibleRename) int {
		return cmp.Or(
			cmp.Compare(a.Kind, b.Kind),
			cmp.Compare(a.Table.String(), b.Table.String()),
			cmp.Compare(a.From.String(), b.From.String()),
			cmp.Compare(a.To.String(), b.To.String()),
		)
	})
	return out
}

// columnSignature is what a column keeps through a rename.
func columnSignature(c *model.Column) string {
	return strings.Join([]string{c.Type, boolWord(c.NotNull), c.Identity, c.Generated, c.Collation}, "\x00")
}

func boolWord(b bool) string {
	if b {
		return "t"
	}
	return "f"
}

// tableLookAlikes pairs dropped and created tables by their columns: first
// those whose column lists are identical (in one pass over a map), then,
// when few enough remain, by overlap, keeping a pair only when each is the
// other's single best match.
func tableLookAlikes(dropped, created []*model.Table) []PossibleRename {
	if len(dropped) == 0 || len(created) == 0 {
		return nil
	}
	var out []PossibleRename
	sig := func(t *model.Table) string {
		cols := make([]string, len(t.Columns))
		for i, c := range t.Columns {
			cols[i] = c.Name + "\x00" + c.Type
		}
		slices.Sort(cols)
		return strings.Join(cols, "\x01")
	}
	bySig := map[string][]*model.Table{}
	for _, t := range created {
		s := sig(t)
		bySig[s] = append(bySig[s], t)
	}
	droppedBySig := map[string]int{}
	for _, t := range dropped {
		droppedBySig[sig(t)]++
	}
	paired := map[*model.Table]bool{}
	for _, d := range dropped {
		s := sig(d)
		if c := bySig[s]; len(c) == 1 && droppedBySig[s] == 1 && len(d.Columns) > 0 {
			out = append(out, PossibleRename{Kind: model.KindTable, From: d.QName, To: c[0].QName, Why: "same columns"})
			paired[d], paired[c[0]] = true, true
		}
	}
	var restD, restC []*model.Table
	for _, t := range dropped {
		if !paired[t] {
			restD = append(restD, t)
		}
	}
	for _, t := range created {
		if !paired[t] {
			restC = append(restC, t)
		}
	}
	if len(restD)*len(restC) > maxFuzzyPairs {
		return out
	}
	// score[i][j] is the share of columns (name and type) that restD[i] and
	// restC[j] have in common, over the larger table.
	score := make([][]float64, len(restD))
	for i, d := range restD {
		have := map[string]bool{}
		for _, c := range d.Columns {
			have[c.Name+"\x00"+c.Type] = true
		}
		score[i] = make([]float64, len(restC))
		for j, c := range restC {
			common := 0
			for _, col := range c.Columns {
				if have[col.Name+"\x00"+col.Type] {
					common++
				}
			}
			score[i][j] = float64(common) / float64(max(len(d.Columns), len(c.Columns), 1))
		}
	}
	best := func(scores []float64) (int, bool) {
		at, top, unique := -1, 0.0, false
		for k, s := range scores {
			switch {
			case s > top:
				at, top, unique = k, s, true
			case s == top && s > 0:
				unique = false
			}
		}
		return at, unique && top >= 2.0/3
	}
	for i := range restD {
		j, ok := best(score[i])
		if !ok {
			continue
		}
		col := make([]float64, len(restD))
		for k := range restD {
			col[k] = score[k][j]
		}
		if back, ok := best(col); !ok || back != i {
			continue
		}
		out = append(out, PossibleRename{Kind: model.KindTable, From: restD[i].QName, To: restC[j].QName, Why: "most columns in common"})
	}
	return out
}
