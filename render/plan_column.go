package render

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render/internal/ddl"
)

func (p *planner) columnChange(c *diff.ColumnChange) {
	switch c.Operation {
	case diff.Create:
		p.addColumn(c.Table, c.To)
	case diff.Drop:
		p.dropColumn(c.Table, c.From)
	case diff.Alter:
		p.alterColumn(c.Table, c.From, c.To)
	case diff.Rename:
		p.renameColumn(c.Table, c.From, c.To)
	}
}

// inheritsColumn reports whether a column of a table comes from its
// partition or inheritance parent in l's schema, which adds, drops and
// retypes it for the child.
func inheritsColumn(l *lookup, t *model.Table, c *model.Column) bool {
	if t == nil || t.PartitionOf == nil && len(t.Inherits) == 0 {
		return false
	}
	_, pc := l.parentColumn(t, c.Name)
	return pc != nil
}

// addColumn adds a column at the end of a table.
func (p *planner) addColumn(tq model.QName, c *model.Column) {
	t := p.ni.tables[tq]
	if t == nil {
		p.b.Errorf("column "+tq.String()+"."+c.Name, "table not in the target")
		return
	}
	if c.Inherited && inheritsColumn(p.ni, t, c) {
		// ADD COLUMN on the parent adds it to its children.
		return
	}
	def, err := ddl.ColumnDef(c, t.Kind == model.TableForeign, false, false)
	if err != nil {
		p.b.Errorf("table "+ddl.QNameSQL(tq), "%v", err)
		return
	}
	h, hazardous := p.notNullNoDefault(t, c)
	backfill := hazardous && backfills(h)
	// Online, a volatile default is set after the column is added and
	// filled in by batches, instead of rewriting the table.
	lateDefault := p.onlineOn(tq) && t.Kind != model.TableForeign && c.Identity == "" && c.Generated == "" && p.volatile(c.Default)
	if backfill || lateDefault {
		nullable := *c
		nullable.NotNull = false
		if lateDefault {
			nullable.Default = ""
		}
		if def, err = ddl.ColumnDef(&nullable, false, false, false); err != nil {
			p.b.Errorf("table "+ddl.QNameSQL(tq), "%v", err)
			return
		}
	}
	subs := append([]string{"ADD COLUMN " + def}, p.columnSettingChanges(tq, &model.Column{Name: c.Name}, c)...)
	if c.NotNull && c.NotNullNotValid {
		subs = append(subs, "ADD "+ddl.NotNullConstraint(tq.Name, c))
	}
	hz := []Hazard{lockHazard(tq, "ADD COLUMN")}
	if why := p.addRewrites(c); why != "" && !lateDefault {
		hz = append(hz, Hazard{Kind: HazardTableRewrite, Message: "adding " + columnText(tq, c.Name) + " rewrites the table: " + why})
	}
	if hazardous && !backfill {
		hz = append(hz, h)
	}
	// Columns are added in their order: the ID says where, and each waits
	// for the column before it, when that one is added too.
	pos := slices.IndexFunc(t.Columns, func(o model.Column) bool { return o.Name == c.Name })
	st := p.alterStmt(t, fmt.Sprintf("column %05d add", pos), ddl.AlterTable(t, false)+" "+strings.Join(subs, ",\n    "), hz...)
	st.Provides = append(st.Provides, colRef(tq, c.Name))
	st.Requires = append(st.Requires, ddl.ColumnRequires(c, false)...)
	if pos > 0 {
		st.Requires = append(st.Requires, colRef(tq, t.Columns[pos-1].Name))
	}
	// Children that leave take no new column along; children that are to
	// inherit a column they had as their own give it up first.
	st.ReqTokens = append(st.ReqTokens, p.leaving(tq)...)
	st = p.adoptColumns(tq, c, st)
	p.add(st)
	switch {
	case lateDefault:
		p.fillDefault(t, c, pos)
	case backfill:
		p.backfill(t, c, pos, "", backfillHazard(h))
	}
	p.columnComment(t, c.Name, "", c.Comment)
	p.columnGrantChange(t, c.Name, nil, c.Grants)
}

// renamedSizes keys the source's table sizes by the names the tables have
// after the renames of changes, as the up direction's planner looks them up.
func renamedSizes(sizes map[model.QName]model.TableSize, changes []diff.Change) map[model.QName]model.TableSize {
	if sizes == nil {
		return nil
	}
	out := maps.Clone(sizes)
	for _, ch := range changes {
		if tc, ok := ch.(*diff.TableChange); ok && tc.Operation == diff.Rename {
			delete(out, tc.From.QName)
		}
	}
	for _, ch := range changes {
		if tc, ok := ch.(*diff.TableChange); ok && tc.Operation == diff.Rename {
			if s, ok := sizes[tc.From.QName]; ok {
				out[tc.To.QName] = s
			}
		}
	}
	return out
}

// addRewrites says why adding a column rewrites its table, or "".
func (p *planner) addRewrites(c *model.Column) string {
	switch {
	case c.Identity != "":
		return "an identity column is filled in for every row"
	case c.Generated != "" && c.GeneratedKind != "v":
		return "a stored generated column is computed for every row"
	case p.volatile(c.Default):
		return "its default is volatile, so it is computed for every row"
	}
	return ""
}

// volatileCalls are built-in volatile functions that defaults call.
var volatileCalls = []string{"nextval(", "random(", "gen_random_uuid(", "clock_timestamp(", "timeofday(",
	"uuid_generate_", "txid_current(", "pg_current_xact_id(", "setval(", "currval("}

// volatile reports whether an expression calls a volatile function: a
// known built-in one, or a function of the target schema that is volatile.
func (p *planner) volatile(expr string) bool {
	if expr == "" {
		return false
	}
	for _, v := range volatileCalls {
		if strings.Contains(expr, v) {
			return true
		}
	}
	for _, f := range p.new.Functions {
		if f.Volatility == "v" && strings.Contains(expr, ddl.QNameSQL(f.QName)+"(") {
			return true
		}
	}
	return false
}

// dropColumn drops a column of a table that stays.
func (p *planner) dropColumn(tq model.QName, c *model.Column) {
	t := p.oldTable(tq)
	if t == nil {
		p.b.Errorf("column "+tq.String()+"."+c.Name, "table not in the source")
		return
	}
	ref := colRef(tq, c.Name)
	var waits []ddl.Token
	if c.Inherited && inheritsColumn(p.oi, t, c) {
		pq, _ := p.oi.parentColumn(t, c.Name)
		if !p.keptByChild(pq, c.Name) {
			// DROP COLUMN on the parent drops it from its children.
			p.aliasDrop(colRef(pq, c.Name), ref)
			return
		}
		// The parent drops it for itself only: then this child's own.
		waits = append(waits, released(colRef(pq, c.Name)))
	}
	// Constraints and indexes on the column go with it: the plan drops
	// them first. Views, rules and policies that read the table are
	// rebuilt around it.
	for _, r := range tableParts(t) {
		if r.Kind == model.KindConstraint || r.Kind == model.KindIndex {
			waits = append(waits, released(r))
		}
	}
	for _, r := range p.retypeBlockers(tq, map[string]bool{c.Name: true}) {
		waits = append(waits, released(r))
	}
	waits = append(waits, nameRef(tq))
	only := p.keptByChild(tq, c.Name)
	i := p.drop(dropStmt{
		ref: ref, kindPrio: ddl.PrioTable - 1,
		sql:     ddl.AlterTable(t, only) + " DROP COLUMN " + sqlq.QuoteIdent(c.Name),
		hazards: []Hazard{dropColumnLoss(tq, c.Name, only), lockHazard(tq, "DROP COLUMN")},
		waits:   waits,
	})
	if i >= 0 {
		p.b.Stmt(i).Provides = append(p.b.Stmt(i).Provides, ddl.TableRef(tq))
	}
	p.markDropped(ref)
}

// renameColumn renames a column.
func (p *planner) renameColumn(tq model.QName, f, t *model.Column) {
	tbl := p.ni.tables[tq]
	if tbl == nil {
		p.b.Errorf("column "+tq.String()+"."+t.Name, "table not in the target")
		return
	}
	p.add(Statement{
		ID:         ddl.StmtID(ddl.DropPrio, "rename", "column "+ddl.QNameSQL(tq)+" "+sqlq.QuoteIdent(t.Name)),
		Priority:   ddl.DropPrio,
		SQL:        ddl.AlterTable(tbl, false) + " RENAME COLUMN " + sqlq.QuoteIdent(f.Name) + " TO " + sqlq.QuoteIdent(t.Name),
		Hazards:    []Hazard{lockHazard(tq, "RENAME COLUMN")},
		Provides:   []model.ObjectRef{colRef(tq, t.Name)},
		ProvTokens: []ddl.Token{freed(colRef(tq, f.Name))},
		ReqTokens:  []ddl.Token{nameRef(tq)},
	})
}

// alterColumn changes a column in place: identity, generation, type,
// collation, default, NOT NULL and settings, in one ALTER TABLE. What
// changes is diff.CompareColumns' delta of the column as it stands after
// its inherited parts are taken out.
func (p *planner) alterColumn(tq model.QName, from, to *model.Column) {
	t, ot := p.ni.tables[tq], p.oldTable(tq)
	if t == nil || ot == nil {
		p.b.Errorf("column "+tq.String()+"."+to.Name, "table not in both schemas")
		return
	}
	a := &columnAlter{p: p, t: t, ot: ot, tq: tq, from: from, to: to, f: *from,
		quoted: sqlq.QuoteIdent(to.Name), ref: colRef(tq, to.Name)}
	a.col = "ALTER COLUMN " + a.quoted
	a.inherit()
	reset := p.resetDefaults[tq][to.Name] && a.f.Default != ""
	if reset {
		p.add(Statement{
			ID:         ddl.DropID(ddl.PrioDefault, "default "+refID(a.ref)),
			Priority:   ddl.DropPrio,
			SQL:        ddl.AlterTable(t, a.only) + " " + a.col + " DROP DEFAULT",
			Hazards:    []Hazard{lockHazard(tq, "DROP DEFAULT")},
			ProvTokens: []ddl.Token{released(a.ref)},
			ReqTokens:  []ddl.Token{nameRef(tq)},
		})
		a.f.Default = ""
	}
	a.delta = diff.CompareColumns(&a.f, to)
	if a.delta.Has(diff.ColumnGenerated) {
		a.generation()
	}
	if a.delta.Any(diff.ColumnIdentity | diff.ColumnIdentitySequence) {
		a.identity()
	}
	if a.delta.Any(diff.ColumnType | diff.ColumnCollation) {
		a.retype()
	}
	// The default is compared as it stands now: a step above may have
	// dropped it.
	if a.f.Default != to.Default {
		if to.Default == "" {
			a.subs = append(a.subs, a.col+" DROP DEFAULT")
		} else {
			a.subs = append(a.subs, a.col+" SET DEFAULT "+to.Default)
		}
	}
	if a.delta.Has(diff.ColumnNotNull) && !a.notNullDone {
		if to.NotNull {
			sub, hz, waits, prov := p.makeNotNull(t, to, a.only, nil)
			a.subs = append(a.subs, sub)
			a.hz = append(a.hz, hz...)
			a.waits = append(a.waits, waits...)
			a.provides = append(a.provides, prov...)
		} else {
			a.subs = append(a.subs, a.col+" DROP NOT NULL")
		}
	}
	a.subs = append(a.subs, p.columnSettingChanges(tq, &a.f, to)...)
	if len(a.subs) > 0 {
		a.hz = append(a.hz, lockHazard(tq, "ALTER COLUMN"))
		st := p.alterStmt(t, "column "+a.quoted, ddl.AlterTable(t, a.only)+" "+strings.Join(a.subs, ",\n    "), a.hz...)
		if !reset {
			// The column lets go of what its old type and default used;
			// with a reset, the statement that drops the default does.
			st.ProvTokens = append(st.ProvTokens, released(a.ref))
		}
		st.Requires = append(st.Requires, colRef(tq, to.Name))
		st.Requires = append(st.Requires, ddl.ColumnRequires(to, false)...)
		st.Requires = append(st.Requires, a.req...)
		st.ReqTokens = append(st.ReqTokens, a.waits...)
		st.ProvTokens = append(st.ProvTokens, a.provides...)
		p.add(st)
	}
	p.columnComment(t, to.Name, from.Comment, to.Comment)
	p.columnGrantChange(t, to.Name, from.Grants, to.Grants)
}

// A columnAlter gathers the subcommands of one column's ALTER TABLE.
type columnAlter struct {
	p           *planner
	t, ot       *model.Table // the table in the target and in the source
	tq          model.QName
	from, to    *model.Column
	f           model.Column // from, as far as this ALTER changes it: less what the parent's ALTER changes, less what an earlier subcommand dropped
	delta       diff.ColumnDelta
	quoted, col string // the quoted column name; "ALTER COLUMN name"
	ref         model.ObjectRef
	only        bool // ALTER TABLE ONLY: the column is inherited, and the parent's ALTER changes the rest
	req         []model.ObjectRef
	waits       []ddl.Token
	provides    []ddl.Token // tokens the ALTER provides beyond the column's
	subs        []string
	hz          []Hazard
	notNullDone bool // SET NOT NULL is among subs already
}

// inherit takes out of f what the parent's own ALTER changes. A child's
// inherited column changes with its parent's: type and collation always,
// default and NOT NULL when the child had the parent's. What is left is set
// on the child alone.
func (a *columnAlter) inherit() {
	pq, pc := a.p.ni.parentColumn(a.t, a.to.Name)
	if pc == nil {
		return
	}
	_, opc := a.p.oi.parentColumn(a.ot, a.from.Name)
	if opc == nil {
		return
	}
	a.only = true
	a.req = append(a.req, ddl.TableRef(pq))
	a.f.Type, a.f.Collation = a.to.Type, a.to.Collation
	if a.f.Default == opc.Default {
		a.f.Default = pc.Default
	}
	if a.f.NotNull == opc.NotNull {
		a.f.NotNull = pc.NotNull
	}
}

// generation drops or changes the generation expression.
func (a *columnAlter) generation() {
	switch {
	case a.f.Generated != "" && a.to.Generated == "":
		a.subs = append(a.subs, a.col+" DROP EXPRESSION")
	case a.f.Generated != a.to.Generated:
		a.subs = append(a.subs, a.col+" SET EXPRESSION AS ("+a.to.Generated+")")
		if a.to.GeneratedKind != "v" {
			// A virtual column's values are computed when read.
			a.hz = append(a.hz, Hazard{Kind: HazardTableRewrite, Message: "SET EXPRESSION computes " + columnText(a.tq, a.to.Name) + " for every row"})
		}
	}
}

// identity drops, adds or changes the column's identity.
func (a *columnAlter) identity() {
	p, f, to, tq := a.p, &a.f, a.to, a.tq
	switch {
	case f.Identity != "" && to.Identity == "":
		// On its own, so that the name of the identity's sequence is free
		// for a sequence the plan creates (serial's, usually).
		st := Statement{
			ID:         ddl.DropID(ddl.PrioDefault, "identity "+refID(a.ref)),
			Priority:   ddl.DropPrio,
			SQL:        ddl.AlterTable(a.t, a.only) + " " + a.col + " DROP IDENTITY",
			Hazards:    []Hazard{lockHazard(tq, "DROP IDENTITY")},
			ProvTokens: []ddl.Token{released(a.ref)},
			ReqTokens:  []ddl.Token{nameRef(tq)},
		}
		for _, q := range p.ni.owned[tq] {
			if q.OwnedBy.Column == to.Name {
				st.ProvTokens = append(st.ProvTokens, freed(seqRef(q.QName)))
			}
		}
		p.add(st)
	case f.Identity == "" && to.Identity != "":
		// The identity's sequence takes the name of the sequence the
		// column owned, if any: that one goes first.
		for _, q := range p.oi.owned[a.ot.QName] {
			if q.OwnedBy.Column == a.from.Name {
				a.waits = append(a.waits, freed(seqRef(q.QName)))
			}
		}
		if f.Default != "" {
			a.subs = append(a.subs, a.col+" DROP DEFAULT")
			f.Default = ""
		}
		if !f.NotNull && to.NotNull {
			sub, _ := p.setNotNull(tq, to)
			a.subs = append(a.subs, sub)
			a.notNullDone = true
		}
		s := a.col + " ADD GENERATED " + identityWords(to.Identity) + " AS IDENTITY"
		if to.IdentitySequence != nil {
			if opts := ddl.SequenceOptions(*to.IdentitySequence, false); len(opts) > 0 {
				s += " (" + strings.Join(opts, " ") + ")"
			}
		}
		a.subs = append(a.subs, s)
	case f.Identity != "":
		var words []string
		if f.Identity != to.Identity {
			words = append(words, "SET GENERATED "+identityWords(to.Identity))
		}
		if f.IdentitySequence != nil && to.IdentitySequence != nil {
			fo, tos := *f.IdentitySequence, *to.IdentitySequence
			fo.Type = tos.Type
			for _, o := range sequenceOptionChanges(fo, tos) {
				words = append(words, "SET "+o)
			}
			seq := "pg_catalog.pg_get_serial_sequence(" + sqlq.Literal(ddl.QNameSQL(tq)) + ", " + sqlq.Literal(to.Name) + ")::pg_catalog.regclass"
			wait, restart := p.clampSequence(refID(a.ref), seq, fo, tos, []model.ObjectRef{colRef(tq, to.Name)}, []ddl.Token{nameRef(tq)})
			a.waits = append(a.waits, wait...)
			if restart {
				words = append(words, "RESTART")
				a.hz = append(a.hz, restartHazard(columnText(tq, to.Name)))
			}
		}
		if len(words) > 0 {
			a.subs = append(a.subs, a.col+" "+strings.Join(words, " "))
		}
	}
}

// retype changes the column's type or collation: with the assignment cast
// where there is one, else a USING clause that fails rather than change a
// value, behind a guard where even the cast would round or cut.
func (a *columnAlter) retype() {
	p, f, to, tq := a.p, &a.f, a.to, a.tq
	if f.Default != "" {
		a.subs = append(a.subs, a.col+" DROP DEFAULT")
		f.Default = ""
	}
	typ := to.Type
	if to.Collation != "" {
		typ += " COLLATE " + ddl.NameText(to.Collation)
	}
	s := a.col + " TYPE " + typ
	class := classifyTypeChange(f.Type, to.Type)
	var rt retype
	if a.delta.Has(diff.ColumnType) && to.Generated == "" && class == typeOther {
		rt = p.retypeOf(a.quoted, f.Type, to.Type)
		if rt.using != "" {
			s += " USING " + rt.using
		}
		switch {
		case a.t.Kind == model.TableForeign:
			// Its rows are elsewhere: the ALTER changes no value.
			rt.guard, rt.known = "", false
		case rt.guard != "":
			p.add(retypeGuard(tq, to.Name, to.Type, rt.guard))
			a.waits = append(a.waits, checkedRef(a.ref))
		}
	}
	a.subs = append(a.subs, s)
	a.hz = append(a.hz, typeChangeHazards(tq, to.Name, f.Type, to.Type, class, rt)...)
	for _, r := range p.retypeBlockers(tq, map[string]bool{to.Name: true}) {
		a.waits = append(a.waits, released(r))
	}
}

func identityWords(kind string) string {
	if kind == "d" {
		return "BY DEFAULT"
	}
	return "ALWAYS"
}

// sequenceOptionChanges lists the sequence options of to that differ from
// from, as ALTER SEQUENCE spells them.
func sequenceOptionChanges(from, to model.SequenceOptions) []string {
	var out []string
	if from.Type != to.Type && to.Type != "" {
		out = append(out, "AS "+to.Type)
	}
	if from.Increment != to.Increment {
		out = append(out, fmt.Sprintf("INCREMENT BY %d", to.Increment))
	}
	if from.Min != to.Min {
		out = append(out, fmt.Sprintf("MINVALUE %d", to.Min))
	}
	if from.Max != to.Max {
		out = append(out, fmt.Sprintf("MAXVALUE %d", to.Max))
	}
	if from.Start != to.Start {
		out = append(out, fmt.Sprintf("START WITH %d", to.Start))
	}
	if from.Cache != to.Cache {
		out = append(out, fmt.Sprintf("CACHE %d", to.Cache))
	}
	if from.Cycle != to.Cycle {
		if to.Cycle {
			out = append(out, "CYCLE")
		} else {
			out = append(out, "NO CYCLE")
		}
	}
	return out
}

// columnSettingChanges are the ALTER COLUMN clauses that change storage,
// compression, statistics, options and FDW options.
func (p *planner) columnSettingChanges(tq model.QName, f, t *model.Column) []string {
	col := "ALTER COLUMN " + sqlq.QuoteIdent(t.Name)
	var subs []string
	if f.Storage != t.Storage {
		st := t.Storage
		if st == "" {
			// Back to the type's own storage, which the model leaves out.
			st = defaultStorage(t.Type)
		}
		if s, ok := ddl.Storages[st]; ok {
			subs = append(subs, col+" SET STORAGE "+s)
		}
	}
	if f.Compression != t.Compression {
		c := "DEFAULT"
		if t.Compression != "" {
			c = sqlq.QuoteIdent(t.Compression)
		}
		subs = append(subs, col+" SET COMPRESSION "+c)
	}
	if (f.Statistics == nil) != (t.Statistics == nil) || f.Statistics != nil && t.Statistics != nil && *f.Statistics != *t.Statistics {
		n := -1
		if t.Statistics != nil {
			n = *t.Statistics
		}
		subs = append(subs, fmt.Sprintf("%s SET STATISTICS %d", col, n))
	}
	if set, reset := optionChanges(f.Options, t.Options); len(set)+len(reset) > 0 {
		if len(reset) > 0 {
			subs = append(subs, col+" RESET ("+strings.Join(reset, ", ")+")")
		}
		if len(set) > 0 {
			if list, err := ddl.OptionList(set, "="); err == nil {
				subs = append(subs, col+" SET ("+list+")")
			} else {
				p.b.Errorf("table "+ddl.QNameSQL(tq), "column %s: %v", sqlq.QuoteIdent(t.Name), err)
			}
		}
	}
	if opts := fdwOptionChanges(f.FDWOptions, t.FDWOptions); opts != "" {
		subs = append(subs, col+" OPTIONS ("+opts+")")
	}
	return subs
}

// columnComment sets or clears a column's comment.
func (p *planner) columnComment(t *model.Table, col, from, to string) {
	if from == to || !p.opts.Comments {
		return
	}
	value := "NULL"
	if to != "" {
		value = sqlq.Literal(to)
	}
	tt := ddl.TableTarget(t)
	p.add(Statement{
		ID:       ddl.StmtID(ddl.PrioComment, "comment", tt.ID, "column "+sqlq.QuoteIdent(col)),
		Priority: ddl.PrioComment,
		SQL:      "COMMENT ON COLUMN " + ddl.QNameSQL(t.QName) + "." + sqlq.QuoteIdent(col) + " IS " + value,
		Requires: []model.ObjectRef{tt.Ref, colRef(t.QName, col)},
	})
}
