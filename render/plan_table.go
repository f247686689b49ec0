package render

import (
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render/internal/ddl"
)

// lockHazard is the hazard of a catalog-only change under an ACCESS
// EXCLUSIVE lock: brief once granted, but it waits behind running
// transactions and the queries queued after it wait too, which lock_timeout
// (the runner's default 2s) bounds.
func lockHazard(t model.QName, what string) Hazard {
	return Hazard{Kind: HazardExclusiveLock, Severity: SeverityWarning, Message: what + " takes an ACCESS EXCLUSIVE lock on " + ddl.QNameSQL(t) +
		", blocking its reads and writes while it runs", Table: t, Brief: true}
}

// A table is large, for a lock's hazard, from this many estimated rows or
// bytes of data on: there, a lock held through a rewrite or a scan lasts
// long enough to be felt, and a reviewer should plan for it.
const (
	largeRows  = 100_000
	largeBytes = 100 << 20
)

// sizeLocks adds to the lock hazards of stmts how big the locked table is,
// when sizes (the source database's estimates) say it is large.
func sizeLocks(stmts []Statement, sizes map[model.QName]model.TableSize) {
	if len(sizes) == 0 {
		return
	}
	for i := range stmts {
		for j := range stmts[i].Hazards {
			h := &stmts[i].Hazards[j]
			size, ok := sizes[h.Table]
			if h.Table == (model.QName{}) || !ok || size.Rows < largeRows && size.Bytes < largeBytes {
				continue
			}
			h.Message += "; " + ddl.QNameSQL(h.Table) + " is a large table: " + describeSize(size)
		}
	}
}

// describeSize writes a table's estimated size for a person: "about 2.4
// million rows, 310 MB as of its last ANALYZE".
func describeSize(s model.TableSize) string {
	var parts []string
	if s.Rows >= 0 {
		parts = append(parts, "about "+approx(float64(s.Rows), 1000, []string{"", " thousand", " million", " billion"})+" rows")
	}
	if s.Bytes > 0 {
		parts = append(parts, approx(float64(s.Bytes), 1024, []string{" bytes", " kB", " MB", " GB", " TB"}))
	}
	return strings.Join(parts, ", ") + " as of its last VACUUM or ANALYZE"
}

// approx writes n in the largest unit of base that it reaches, to two
// significant figures.
func approx(n, base float64, units []string) string {
	u := 0
	for n >= base && u < len(units)-1 {
		n /= base
		u++
	}
	if n < 10 && u > 0 {
		return strconv.FormatFloat(n, 'f', 1, 64) + units[u]
	}
	return strconv.FormatFloat(n, 'f', 0, 64) + units[u]
}

func (p *planner) tableChange(c *diff.TableChange) {
	switch c.Operation {
	case diff.Create:
		p.createTable(c.To)
	case diff.Drop:
		p.dropTable(c.From)
	case diff.Alter:
		p.alterTable(c.From, c.To)
	case diff.Rename:
		p.renameTable(c.From, c.To)
	}
}

// createTable creates a table as a whole schema's script would. A new
// partition of a parent that keeps its indexes gets a copy of each from
// PostgreSQL when it is created or attached, so its own copies are left
// out: the statement that makes it a partition provides them.
func (p *planner) createTable(t *model.Table) {
	idx := p.built(func() { p.b.Table(t) })
	if t.PartitionOf == nil {
		return
	}
	parent := *t.PartitionOf
	if op, ok := p.tableOps[parent]; ok && op != diff.Alter && op != diff.Rename || p.oi.tables[parent] == nil {
		return
	}
	// The indexes of the parent that exist before the partition does.
	existing := map[model.QName]bool{}
	pt := p.oi.tables[parent]
	for i := range pt.Indexes {
		q := model.QName{Schema: pt.Schema, Name: pt.Indexes[i].Name}
		if !p.dropped[ddl.KeyOf(ddl.IndexRef(q.Schema, q.Name, pt.Name))] {
			existing[q] = true
		}
	}
	for i := range pt.Constraints {
		if r, ok := keyIndexRef(pt.QName, &pt.Constraints[i]); ok && !p.dropped[ddl.KeyOf(r)] {
			existing[model.QName{Schema: r.Schema, Name: r.Name}] = true
		}
	}
	var skip []model.ObjectRef
	for _, ix := range t.Indexes {
		if ix.ParentIndex != nil && existing[*ix.ParentIndex] {
			skip = append(skip, ddl.IndexRef(t.Schema, ix.Name, t.Name))
		}
	}
	for i := range t.Constraints {
		c := &t.Constraints[i]
		if c.ParentIndex != nil && existing[*c.ParentIndex] {
			skip = append(skip, ddl.ConstraintRef(t.QName, c.Name))
			if r, ok := keyIndexRef(t.QName, c); ok {
				skip = append(skip, r)
			}
		}
	}
	if len(skip) == 0 {
		return
	}
	skipKeys := map[ddl.RefKey]bool{}
	for _, r := range skip {
		skipKeys[ddl.KeyOf(r)] = true
	}
	// The statement that makes the table a partition: the attach, or the
	// create itself (the one statement of priority prioTable that building
	// a table adds).
	maker := -1
	for _, i := range idx {
		if st := p.b.Stmt(i); st.Priority == ddl.PrioTableAttach || maker < 0 && st.Priority == ddl.PrioTable {
			maker = i
		}
	}
	for _, i := range idx {
		st := p.b.Stmt(i)
		creates := false
		for _, r := range st.Provides {
			if skipKeys[ddl.KeyOf(r)] {
				creates = true
			}
		}
		// The index, key or attach that makes one of them: not a comment.
		if creates && (st.Priority == ddl.PrioIndexAttach || st.Priority == ddl.PrioIndex || st.Priority == ddl.PrioConstraint) {
			p.remove(i)
		}
	}
	if maker >= 0 {
		p.b.Stmt(maker).Provides = append(p.b.Stmt(maker).Provides, skip...)
	}
}

func (p *planner) dropTable(t *model.Table) {
	kind := "TABLE "
	var hz []Hazard
	if t.Kind == model.TableForeign {
		kind = "FOREIGN TABLE "
	} else {
		hz = append(hz, Hazard{Kind: HazardDataLoss, Message: "drops table " + ddl.QNameSQL(t.QName) + " and all its rows"})
	}
	// A foreign key to another table the plan drops is dropped on its own
	// first, so that tables that reference each other can be dropped.
	var own []model.ObjectRef
	for i := range t.Constraints {
		c := &t.Constraints[i]
		if c.Type == model.ForeignKey && c.RefTable != nil && *c.RefTable != t.QName && p.tableOps[*c.RefTable] == diff.Drop {
			own = append(own, ddl.ConstraintRef(t.QName, c.Name))
			p.drop(dropStmt{
				ref: ddl.ConstraintRef(t.QName, c.Name), kindPrio: ddl.PrioForeignKey,
				sql: ddl.AlterTable(t, false) + " DROP CONSTRAINT " + sqlq.QuoteIdent(c.Name),
			})
		}
	}
	parts := slices.DeleteFunc(tableParts(t), func(r model.ObjectRef) bool {
		return slices.ContainsFunc(own, func(o model.ObjectRef) bool { return ddl.KeyOf(o) == ddl.KeyOf(r) })
	})
	p.drop(dropStmt{
		ref: ddl.TableRef(t.QName), kindPrio: ddl.PrioTable, sql: "DROP " + kind + ddl.QNameSQL(t.QName),
		parts: parts, hazards: hz,
	})
	p.markDropped(append(tableParts(t), ddl.TableRef(t.QName))...)
}

// markDropped records objects the plan drops.
func (p *planner) markDropped(refs ...model.ObjectRef) {
	for _, r := range refs {
		p.dropped[ddl.KeyOf(r)] = true
	}
}

// alterStmt is an ALTER TABLE on a table of both schemas: it waits for the
// table's rename, if any, and completes the table (provides it), so that
// what is created on the table comes after it.
func (p *planner) alterStmt(t *model.Table, id string, sql string, hz ...Hazard) Statement {
	return Statement{
		ID:        ddl.StmtID(ddl.PrioTable, "alter", "table "+ddl.QNameSQL(t.QName), id),
		Priority:  ddl.PrioTable,
		SQL:       sql,
		Hazards:   hz,
		Provides:  []model.ObjectRef{ddl.TableRef(t.QName)},
		ReqTokens: []ddl.Token{nameRef(t.QName)},
	}
}

// alterTable changes a table's own properties; its columns, constraints
// and indexes have their own changes.
func (p *planner) alterTable(f, t *model.Table) {
	tt := ddl.TableTarget(t)
	name := t.QName
	if !reflect.DeepEqual(f.PartitionOf, t.PartitionOf) || f.PartitionBound != t.PartitionBound {
		p.repartition(f, t)
	}
	for _, parent := range f.Inherits {
		if !slices.Contains(t.Inherits, parent) {
			st := p.alterStmt(t, "no inherit "+ddl.QNameSQL(parent), ddl.AlterTable(t, false)+" NO INHERIT "+ddl.QNameSQL(parent), lockHazard(name, "NO INHERIT"))
			st.ProvTokens = append(st.ProvTokens, released(ddl.TableRef(t.QName)), detachedRef(t.QName))
			p.add(st)
		}
	}
	for _, parent := range t.Inherits {
		if !slices.Contains(f.Inherits, parent) {
			st := p.alterStmt(t, "inherit "+ddl.QNameSQL(parent), ddl.AlterTable(t, false)+" INHERIT "+ddl.QNameSQL(parent), lockHazard(name, "INHERIT"))
			st.Requires = append(st.Requires, ddl.TableRef(parent))
			p.add(st)
		}
	}
	var subs []string
	var hz []Hazard
	if f.Unlogged != t.Unlogged {
		if t.Unlogged {
			subs = append(subs, "SET UNLOGGED")
		} else {
			subs = append(subs, "SET LOGGED")
		}
		hz = append(hz, Hazard{Kind: HazardTableRewrite, Message: "SET LOGGED/UNLOGGED rewrites " + ddl.QNameSQL(name)})
	}
	if set, reset := optionChanges(f.Options, t.Options); len(set)+len(reset) > 0 {
		if len(reset) > 0 {
			subs = append(subs, "RESET ("+strings.Join(reset, ", ")+")")
		}
		if len(set) > 0 {
			list, err := ddl.OptionList(set, "=")
			if err != nil {
				p.b.Errorf(tt.ID, "%v", err)
				return
			}
			subs = append(subs, "SET ("+list+")")
		}
	}
	if f.RowSecurity != t.RowSecurity {
		subs = append(subs, map[bool]string{true: "ENABLE ROW LEVEL SECURITY", false: "DISABLE ROW LEVEL SECURITY"}[t.RowSecurity])
	}
	if f.ForceRowSecurity != t.ForceRowSecurity {
		subs = append(subs, map[bool]string{true: "FORCE ROW LEVEL SECURITY", false: "NO FORCE ROW LEVEL SECURITY"}[t.ForceRowSecurity])
	}
	if t.Kind != model.TableForeign && (replicaIdentity(f) != replicaIdentity(t) || f.ReplicaIdentityIndex != t.ReplicaIdentityIndex) {
		switch replicaIdentity(t) {
		case "d":
			subs = append(subs, "REPLICA IDENTITY DEFAULT")
		case "n":
			subs = append(subs, "REPLICA IDENTITY NOTHING")
		case "f":
			subs = append(subs, "REPLICA IDENTITY FULL")
		case "i":
			// The index may be created by the plan, after the table's
			// changes: this waits for it, and so stands alone.
			p.add(Statement{
				ID:        ddl.StmtID(ddl.PrioIndex, "replica identity", tt.ID),
				Priority:  ddl.PrioIndex,
				SQL:       ddl.AlterTable(t, false) + " REPLICA IDENTITY USING INDEX " + sqlq.QuoteIdent(t.ReplicaIdentityIndex),
				Hazards:   []Hazard{lockHazard(name, "REPLICA IDENTITY")},
				Requires:  []model.ObjectRef{ddl.TableRef(name), ddl.IndexRef(t.Schema, t.ReplicaIdentityIndex, t.Name)},
				ReqTokens: []ddl.Token{nameRef(name)},
			})
		default:
			p.b.Errorf(tt.ID, "unknown replica identity %q", t.ReplicaIdentity)
		}
	}
	if f.Tablespace != t.Tablespace {
		ts := t.Tablespace
		if ts == "" {
			ts = "pg_default"
		}
		subs = append(subs, "SET TABLESPACE "+sqlq.QuoteIdent(ts))
		hz = append(hz, Hazard{Kind: HazardTableRewrite, Message: "SET TABLESPACE copies " + ddl.QNameSQL(name)})
	}
	if f.AccessMethod != t.AccessMethod {
		am := t.AccessMethod
		if am == "" {
			am = "heap"
		}
		subs = append(subs, "SET ACCESS METHOD "+sqlq.QuoteIdent(am))
		hz = append(hz, Hazard{Kind: HazardTableRewrite, Message: "SET ACCESS METHOD rewrites " + ddl.QNameSQL(name)})
	}
	if t.Kind == model.TableForeign {
		if opts := fdwOptionChanges(f.ServerOptions, t.ServerOptions); opts != "" {
			subs = append(subs, "OPTIONS ("+opts+")")
		}
	}
	if len(subs) > 0 {
		hz = append(hz, lockHazard(name, "ALTER TABLE"))
		p.add(p.alterStmt(t, "properties", ddl.AlterTable(t, false)+" "+strings.Join(subs, ",\n    "), hz...))
	}
	p.commentChange(tt, f.Comment, t.Comment)
	p.ownerChange(tt, f.Owner, t.Owner)
	p.grantChange(tt, f.Owner, t.Owner, f.Grants, t.Grants)
}

func replicaIdentity(t *model.Table) string {
	if t.ReplicaIdentity == "" {
		return "d"
	}
	return t.ReplicaIdentity
}

// optionChanges compares two reloption lists: the options to set (new or
// changed) and the keys to reset.
func optionChanges(from, to []string) (set, reset []string) {
	old := map[string]string{}
	for _, o := range from {
		k, v, _ := strings.Cut(o, "=")
		old[k] = v
	}
	now := map[string]bool{}
	for _, o := range to {
		k, v, _ := strings.Cut(o, "=")
		now[k] = true
		if ov, ok := old[k]; !ok || ov != v {
			set = append(set, o)
		}
	}
	for _, o := range from {
		k, _, _ := strings.Cut(o, "=")
		if !now[k] {
			var key []string
			for _, w := range strings.Split(k, ".") {
				key = append(key, sqlq.QuoteIdent(w))
			}
			reset = append(reset, strings.Join(key, "."))
		}
	}
	return set, reset
}

// fdwOptionChanges is the body of OPTIONS (…) that turns one FDW option
// list into another: ADD, SET and DROP.
func fdwOptionChanges(from, to []string) string {
	old := map[string]string{}
	for _, o := range from {
		k, v, _ := strings.Cut(o, "=")
		old[k] = v
	}
	now := map[string]bool{}
	var parts []string
	for _, o := range to {
		k, v, _ := strings.Cut(o, "=")
		now[k] = true
		switch ov, ok := old[k]; {
		case !ok:
			parts = append(parts, "ADD "+sqlq.QuoteIdent(k)+" "+sqlq.Literal(v))
		case ov != v:
			parts = append(parts, "SET "+sqlq.QuoteIdent(k)+" "+sqlq.Literal(v))
		}
	}
	for _, o := range from {
		k, _, _ := strings.Cut(o, "=")
		if !now[k] {
			parts = append(parts, "DROP "+sqlq.QuoteIdent(k))
		}
	}
	return strings.Join(parts, ", ")
}

// repartition detaches a partition from its old parent and attaches it to
// its new one, or with its new bounds.
func (p *planner) repartition(f, t *model.Table) {
	child := ddl.QNameSQL(t.QName)
	if f.PartitionOf != nil {
		parent := *f.PartitionOf
		st := Statement{
			ID:       ddl.StmtID(ddl.PrioTable, "alter", "table "+child, "detach"),
			Priority: ddl.PrioTable,
			SQL:      "ALTER TABLE " + ddl.QNameSQL(parent) + " DETACH PARTITION " + child,
			Hazards:  []Hazard{lockHazard(parent, "DETACH PARTITION")},
			// Detached, the table is a table of its own: what is done to it
			// as such comes after.
			Provides:   []model.ObjectRef{ddl.TableRef(t.QName)},
			ProvTokens: []ddl.Token{released(ddl.TableRef(t.QName)), detachedRef(t.QName)},
			ReqTokens:  []ddl.Token{nameRef(t.QName)},
		}
		p.add(st)
	}
	if t.PartitionOf == nil {
		return
	}
	parent := *t.PartitionOf
	req := []model.ObjectRef{ddl.TableRef(parent), ddl.TableRef(t.QName)}
	waits := []ddl.Token{nameRef(t.QName)}
	// The partition's own indexes and keys are created first, so that
	// ATTACH PARTITION attaches them instead of building copies.
	for _, ix := range t.Indexes {
		if r := ddl.IndexRef(t.Schema, ix.Name, t.Name); ix.ParentIndex != nil && p.created[ddl.KeyOf(r)] {
			waits = append(waits, builtRef(r))
		}
	}
	for i := range t.Constraints {
		if r := ddl.ConstraintRef(t.QName, t.Constraints[i].Name); t.Constraints[i].ParentIndex != nil && p.created[ddl.KeyOf(r)] {
			waits = append(waits, builtRef(r))
		}
	}
	p.add(Statement{
		ID:         ddl.StmtID(ddl.PrioTableAttach, "attach", "table "+child),
		Priority:   ddl.PrioTableAttach,
		SQL:        "ALTER TABLE " + ddl.QNameSQL(parent) + " ATTACH PARTITION " + child + " " + t.PartitionBound,
		Hazards:    []Hazard{lockHazard(t.QName, "ATTACH PARTITION"), {Kind: HazardExclusiveLock, Severity: SeverityDanger, Table: t.QName, Message: "ATTACH PARTITION scans " + ddl.QNameSQL(t.QName) + " to check its rows against the partition bound"}},
		Requires:   req,
		ProvTokens: []ddl.Token{ddl.AttachedRef(t.QName)},
		ReqTokens:  waits,
	})
}

// renameTable renames a table, moving it to another schema first if the
// hint says so.
func (p *planner) renameTable(f, t *model.Table) {
	cur := f.QName
	kind := "TABLE "
	if t.Kind == model.TableForeign {
		kind = "FOREIGN TABLE "
	}
	var waits []ddl.Token
	if f.Schema != t.Schema {
		moved := model.QName{Schema: t.Schema, Name: f.Name}
		st := Statement{
			ID:         ddl.StmtID(ddl.DropPrio, "rename", "table "+ddl.QNameSQL(cur), "schema"),
			Priority:   ddl.DropPrio,
			SQL:        "ALTER " + kind + ddl.QNameSQL(cur) + " SET SCHEMA " + sqlq.QuoteIdent(t.Schema),
			Hazards:    []Hazard{lockHazard(cur, "SET SCHEMA")},
			ProvTokens: []ddl.Token{freed(ddl.TableRef(cur))},
		}
		if moved == t.QName {
			st.Provides = []model.ObjectRef{ddl.TableRef(t.QName)}
			st.ProvTokens = append(st.ProvTokens, nameRef(t.QName))
		} else {
			tok := ddl.TokenOf(ddl.TokMoved, ddl.TableRef(moved))
			st.ProvTokens = append(st.ProvTokens, tok)
			waits = append(waits, tok)
		}
		p.add(st)
		cur = moved
	}
	if cur.Name == t.Name {
		return
	}
	p.add(Statement{
		ID:         ddl.StmtID(ddl.DropPrio, "rename", "table "+ddl.QNameSQL(t.QName)),
		Priority:   ddl.DropPrio,
		SQL:        "ALTER " + kind + ddl.QNameSQL(cur) + " RENAME TO " + sqlq.QuoteIdent(t.Name),
		Hazards:    []Hazard{lockHazard(cur, "RENAME")},
		Provides:   []model.ObjectRef{ddl.TableRef(t.QName)},
		ProvTokens: []ddl.Token{nameRef(t.QName), freed(ddl.TableRef(cur))},
		ReqTokens:  waits,
	})
}
