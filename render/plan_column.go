package render

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
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
		p.b.errorf("column "+tq.String()+"."+c.Name, "table not in the target")
		return
	}
	if c.Inherited && inheritsColumn(p.ni, t, c) {
		// ADD COLUMN on the parent adds it to its children.
		return
	}
	def, err := columnDef(c, t.Kind == model.TableForeign, false, false)
	if err != nil {
		p.b.errorf("table "+qnameSQL(tq), "%v", err)
		return
	}
	subs := append([]string{"ADD COLUMN " + def}, p.columnSettingChanges(tq, &model.Column{Name: c.Name}, c)...)
	hz := []Hazard{lockHazard(tq, "ADD COLUMN")}
	if why := p.addRewrites(c); why != "" {
		hz = append(hz, Hazard{Kind: HazardTableRewrite, Message: "adding " + columnText(tq, c.Name) + " rewrites the table: " + why})
	}
	// Columns are added in their order: the ID says where, and each waits
	// for the column before it, when that one is added too.
	pos := slices.IndexFunc(t.Columns, func(o model.Column) bool { return o.Name == c.Name })
	st := p.alterStmt(t, fmt.Sprintf("column %05d add", pos), alterTable(t, false)+" "+strings.Join(subs, ",\n    "), hz...)
	st.Provides = append(st.Provides, colRef(tq, c.Name))
	st.Requires = append(st.Requires, columnRequires(c, false)...)
	if pos > 0 {
		st.Requires = append(st.Requires, colRef(tq, t.Columns[pos-1].Name))
	}
	// Children that leave take no new column along; children that are to
	// inherit a column they had as their own give it up first.
	st.Requires = append(st.Requires, p.leaving(tq)...)
	st = p.adoptColumns(tq, c, st)
	p.add(st)
	p.columnComment(t, c.Name, "", c.Comment)
	p.columnGrantChange(t, c.Name, nil, c.Grants)
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
		if f.Volatility == "v" && strings.Contains(expr, qnameSQL(f.QName)+"(") {
			return true
		}
	}
	return false
}

// dropColumn drops a column of a table that stays.
func (p *planner) dropColumn(tq model.QName, c *model.Column) {
	t := p.oldTable(tq)
	if t == nil {
		p.b.errorf("column "+tq.String()+"."+c.Name, "table not in the source")
		return
	}
	ref := colRef(tq, c.Name)
	var req []model.ObjectRef
	if c.Inherited && inheritsColumn(p.oi, t, c) {
		pq, _ := p.oi.parentColumn(t, c.Name)
		if !p.keptByChild(pq, c.Name) {
			// DROP COLUMN on the parent drops it from its children.
			p.aliasDrop(colRef(pq, c.Name), ref)
			return
		}
		// The parent drops it for itself only: then this child's own.
		req = append(req, released(colRef(pq, c.Name)))
	}
	// Constraints and indexes on the column go with it: the plan drops
	// them first. Views, rules and policies that read the table are
	// rebuilt around it.
	for _, r := range tableParts(t) {
		if r.Kind == model.KindConstraint || r.Kind == model.KindIndex {
			req = append(req, released(r))
		}
	}
	for _, r := range p.retypeBlockers(tq, map[string]bool{c.Name: true}) {
		req = append(req, released(r))
	}
	req = append(req, nameRef(tq))
	only := p.keptByChild(tq, c.Name)
	i := p.drop(dropStmt{
		ref: ref, kindPrio: prioTable - 1,
		sql:      alterTable(t, only) + " DROP COLUMN " + sqlq.QuoteIdent(c.Name),
		hazards:  []Hazard{dropColumnLoss(tq, c.Name, only), lockHazard(tq, "DROP COLUMN")},
		requires: req,
	})
	if i >= 0 {
		p.b.stmts[i].Provides = append(p.b.stmts[i].Provides, tableRef(tq))
	}
	p.markDropped(ref)
}

// renameColumn renames a column.
func (p *planner) renameColumn(tq model.QName, f, t *model.Column) {
	tbl := p.ni.tables[tq]
	if tbl == nil {
		p.b.errorf("column "+tq.String()+"."+t.Name, "table not in the target")
		return
	}
	p.add(Statement{
		ID:       stmtID(dropPrio, "rename", "column "+qnameSQL(tq)+" "+sqlq.QuoteIdent(t.Name)),
		SQL:      alterTable(tbl, false) + " RENAME COLUMN " + sqlq.QuoteIdent(f.Name) + " TO " + sqlq.QuoteIdent(t.Name),
		Hazards:  []Hazard{lockHazard(tq, "RENAME COLUMN")},
		Provides: []model.ObjectRef{colRef(tq, t.Name), freed(colRef(tq, f.Name))},
		Requires: []model.ObjectRef{nameRef(tq)},
	})
}

// alterColumn changes a column in place: identity, generation, type,
// collation, default, NOT NULL and settings, in one ALTER TABLE.
func (p *planner) alterColumn(tq model.QName, from, to *model.Column) {
	t, ot := p.ni.tables[tq], p.oldTable(tq)
	if t == nil || ot == nil {
		p.b.errorf("column "+tq.String()+"."+to.Name, "table not in both schemas")
		return
	}
	quoted := sqlq.QuoteIdent(to.Name)
	col := "ALTER COLUMN " + quoted
	ref := colRef(tq, to.Name)
	f := *from
	only := false
	var req []model.ObjectRef
	// A child's inherited column changes with its parent's: type and
	// collation always, default and NOT NULL when the child had the
	// parent's. What is left is set on the child alone.
	if pq, pc := p.ni.parentColumn(t, to.Name); pc != nil {
		if _, opc := p.oi.parentColumn(ot, from.Name); opc != nil {
			only = true
			req = append(req, tableRef(pq))
			f.Type, f.Collation = to.Type, to.Collation
			if f.Default == opc.Default {
				f.Default = pc.Default
			}
			if f.NotNull == opc.NotNull {
				f.NotNull = pc.NotNull
			}
		}
	}
	reset := p.resetDefaults[tq][to.Name] && f.Default != ""
	if reset {
		p.add(Statement{
			ID:       stmtID(dropPrio, "drop", fmt.Sprintf("%02d", 40-prioDefault), "default "+refID(ref)),
			SQL:      alterTable(t, only) + " " + col + " DROP DEFAULT",
			Hazards:  []Hazard{lockHazard(tq, "DROP DEFAULT")},
			Provides: []model.ObjectRef{released(ref)},
			Requires: []model.ObjectRef{nameRef(tq)},
		})
		f.Default = ""
	}
	var subs []string
	var hz []Hazard
	notNullDone := false
	switch {
	case f.Generated != "" && to.Generated == "":
		subs = append(subs, col+" DROP EXPRESSION")
	case f.Generated != to.Generated:
		subs = append(subs, col+" SET EXPRESSION AS ("+to.Generated+")")
		hz = append(hz, Hazard{Kind: HazardTableRewrite, Message: "SET EXPRESSION computes " + columnText(tq, to.Name) + " for every row"})
	}
	switch {
	case f.Identity != "" && to.Identity == "":
		// On its own, so that the name of the identity's sequence is free
		// for a sequence the plan creates (serial's, usually).
		st := Statement{
			ID:       stmtID(dropPrio, "drop", fmt.Sprintf("%02d", 40-prioDefault), "identity "+refID(ref)),
			SQL:      alterTable(t, only) + " " + col + " DROP IDENTITY",
			Hazards:  []Hazard{lockHazard(tq, "DROP IDENTITY")},
			Provides: []model.ObjectRef{released(ref)},
			Requires: []model.ObjectRef{nameRef(tq)},
		}
		for _, q := range p.ni.owned[tq] {
			if q.OwnedBy.Column == to.Name {
				st.Provides = append(st.Provides, freed(seqRef(q.QName)))
			}
		}
		p.add(st)
	case f.Identity == "" && to.Identity != "":
		// The identity's sequence takes the name of the sequence the
		// column owned, if any: that one goes first.
		if ot != nil {
			for _, q := range p.oi.owned[ot.QName] {
				if q.OwnedBy.Column == from.Name {
					req = append(req, freed(seqRef(q.QName)))
				}
			}
		}
		if f.Default != "" {
			subs = append(subs, col+" DROP DEFAULT")
			f.Default = ""
		}
		if !f.NotNull && to.NotNull {
			subs = append(subs, col+" SET NOT NULL")
			notNullDone = true
		}
		s := col + " ADD GENERATED " + identityWords(to.Identity) + " AS IDENTITY"
		if to.IdentitySequence != nil {
			if opts := sequenceOptions(*to.IdentitySequence, false); len(opts) > 0 {
				s += " (" + strings.Join(opts, " ") + ")"
			}
		}
		subs = append(subs, s)
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
			seq := "pg_catalog.pg_get_serial_sequence(" + sqlq.Literal(qnameSQL(tq)) + ", " + sqlq.Literal(to.Name) + ")::pg_catalog.regclass"
			wait, restart := p.clampSequence(refID(ref), seq, fo, tos, []model.ObjectRef{nameRef(tq), colRef(tq, to.Name)})
			req = append(req, wait...)
			if restart {
				words = append(words, "RESTART")
				hz = append(hz, restartHazard(columnText(tq, to.Name)))
			}
		}
		if len(words) > 0 {
			subs = append(subs, col+" "+strings.Join(words, " "))
		}
	}
	if typeChanged(&f, to) {
		if f.Default != "" {
			subs = append(subs, col+" DROP DEFAULT")
			f.Default = ""
		}
		typ := to.Type
		if to.Collation != "" {
			typ += " COLLATE " + nameText(to.Collation)
		}
		s := col + " TYPE " + typ
		class := classifyTypeChange(f.Type, to.Type)
		var rt retype
		if f.Type != to.Type && to.Generated == "" && class == typeOther {
			rt = p.retypeOf(quoted, f.Type, to.Type)
			if rt.using != "" {
				s += " USING " + rt.using
			}
			switch {
			case t.Kind == model.TableForeign:
				// Its rows are elsewhere: the ALTER changes no value.
				rt.guard, rt.known = "", false
			case rt.guard != "":
				p.add(retypeGuard(tq, to.Name, to.Type, rt.guard))
				req = append(req, checkedRef(ref))
			}
		}
		subs = append(subs, s)
		hz = append(hz, typeChangeHazards(tq, to.Name, f.Type, to.Type, class, rt)...)
		for _, r := range p.retypeBlockers(tq, map[string]bool{to.Name: true}) {
			req = append(req, released(r))
		}
	}
	if f.Default != to.Default {
		if to.Default == "" {
			subs = append(subs, col+" DROP DEFAULT")
		} else {
			subs = append(subs, col+" SET DEFAULT "+to.Default)
		}
	}
	if f.NotNull != to.NotNull && !notNullDone {
		if to.NotNull {
			subs = append(subs, col+" SET NOT NULL")
			hz = append(hz, Hazard{Kind: HazardExclusiveLock, Severity: SeverityDanger, table: tq, Message: "SET NOT NULL scans " + qnameSQL(tq) + " under its ACCESS EXCLUSIVE lock"})
		} else {
			subs = append(subs, col+" DROP NOT NULL")
		}
	}
	subs = append(subs, p.columnSettingChanges(tq, &f, to)...)
	if len(subs) > 0 {
		hz = append(hz, lockHazard(tq, "ALTER COLUMN"))
		st := p.alterStmt(t, "column "+quoted, alterTable(t, only)+" "+strings.Join(subs, ",\n    "), hz...)
		if !reset {
			// The column lets go of what its old type and default used;
			// with a reset, the statement that drops the default does.
			st.Provides = append(st.Provides, released(ref))
		}
		st.Requires = append(st.Requires, colRef(tq, to.Name))
		st.Requires = append(st.Requires, columnRequires(to, false)...)
		st.Requires = append(st.Requires, req...)
		p.add(st)
	}
	p.columnComment(t, to.Name, from.Comment, to.Comment)
	p.columnGrantChange(t, to.Name, from.Grants, to.Grants)
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
		if s, ok := storages[st]; ok {
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
			if list, err := optionList(set, "="); err == nil {
				subs = append(subs, col+" SET ("+list+")")
			} else {
				p.b.errorf("table "+qnameSQL(tq), "column %s: %v", sqlq.QuoteIdent(t.Name), err)
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
	tt := tableTarget(t)
	p.add(Statement{
		ID:       stmtID(prioComment, "comment", tt.id, "column "+sqlq.QuoteIdent(col)),
		SQL:      "COMMENT ON COLUMN " + qnameSQL(t.QName) + "." + sqlq.QuoteIdent(col) + " IS " + value,
		Requires: []model.ObjectRef{tt.ref, colRef(t.QName, col)},
	})
}

// The classes of a change of column type.
const (
	// typeCoercible needs no rewrite and loses nothing.
	typeCoercible = iota
	// typeWidening rewrites the table but every value fits.
	typeWidening
	// typeOther may fail or lose data, and rewrites the table.
	typeOther
)

var typmodRE = regexp.MustCompile(`\(([0-9, ]*)\)`)

// splitType takes a format_type text apart: its name without modifiers
// and its modifiers.
func splitType(text string) (base string, mods []int) {
	text = strings.TrimSpace(text)
	if m := typmodRE.FindStringSubmatch(text); m != nil {
		for _, s := range strings.Split(m[1], ",") {
			n, err := strconv.Atoi(strings.TrimSpace(s))
			if err == nil {
				mods = append(mods, n)
			}
		}
		text = strings.Replace(text, m[0], "", 1)
	}
	return strings.Join(strings.Fields(text), " "), mods
}

var (
	stringTypes  = map[string]bool{"text": true, "character varying": true}
	integerRank  = map[string]int{"smallint": 1, "integer": 2, "bigint": 3}
	precisionMod = map[string]bool{"timestamp without time zone": true, "timestamp with time zone": true,
		"time without time zone": true, "time with time zone": true, "interval": true}
)

// classifyTypeChange says what changing a column from one type to another
// costs, for the types whose casts PostgreSQL knows to be binary coercible
// or widening; any other change is typeOther.
func classifyTypeChange(from, to string) int {
	if from == to {
		return typeCoercible
	}
	fb, fm := splitType(from)
	tb, tm := splitType(to)
	switch {
	case stringTypes[fb] && stringTypes[tb]:
		// varchar(n) to varchar(m >= n), to varchar or to text.
		if tb == "text" || len(tm) == 0 || len(fm) > 0 && tm[0] >= fm[0] {
			return typeCoercible
		}
	case fb == "numeric" && tb == "numeric":
		if len(tm) == 0 || len(fm) == 2 && len(tm) == 2 && fm[1] == tm[1] && tm[0] >= fm[0] {
			return typeCoercible
		}
	case fb == tb && (fb == "bit varying" || precisionMod[fb]):
		if len(tm) == 0 || len(fm) > 0 && tm[0] >= fm[0] {
			return typeCoercible
		}
	case fb == "cidr" && tb == "inet":
		return typeCoercible
	case integerRank[fb] > 0 && integerRank[tb] > integerRank[fb]:
		return typeWidening
	case integerRank[fb] > 0 && tb == "numeric" && len(tm) == 0:
		return typeWidening
	case (integerRank[fb] > 0 && integerRank[fb] < 3 || fb == "real") && tb == "double precision":
		return typeWidening
	case fb == "smallint" && tb == "real":
		return typeWidening
	case tb == "text" && !strings.HasSuffix(fb, "[]"):
		return typeWidening
	case fb == "timestamp without time zone" && tb == "timestamp with time zone" && len(fm) == 0 && len(tm) == 0:
		return typeWidening
	case fb == "date" && (tb == "timestamp without time zone" || tb == "timestamp with time zone") && len(tm) == 0:
		return typeWidening
	}
	return typeOther
}

// typeChangeHazards are the hazards of changing a column's type.
func typeChangeHazards(t model.QName, col, from, to string, class int, rt retype) []Hazard {
	name := columnText(t, col)
	switch class {
	case typeCoercible:
		return nil
	case typeWidening:
		return []Hazard{{Kind: HazardTableRewrite, Message: "changing " + name + " from " + from + " to " + to + " rewrites the table and its indexes"}}
	}
	return []Hazard{
		{Kind: HazardTableRewrite, Message: "changing " + name + " from " + from + " to " + to + " rewrites the table and its indexes"},
		retypeHazard(t, col, from, to, rt),
	}
}

// plainTypes are the built-in types stored PLAIN (fixed-length types).
var plainTypes = map[string]bool{
	"smallint": true, "integer": true, "bigint": true, "real": true, "double precision": true, "boolean": true,
	"date": true, "timestamp without time zone": true, "timestamp with time zone": true, "time without time zone": true,
	"time with time zone": true, "interval": true, "uuid": true, "oid": true, `"char"`: true, "money": true,
	"point": true, "macaddr": true, "macaddr8": true, "pg_lsn": true,
}

// defaultStorage is the storage a built-in type has by default: PLAIN for
// fixed-length types, MAIN for numeric, EXTENDED for the other variable
// length ones. Types of the schema (enums, domains) are not known here and
// are taken as EXTENDED.
func defaultStorage(typ string) string {
	base, _ := splitType(typ)
	switch {
	case strings.HasSuffix(base, "[]"):
		return "x"
	case plainTypes[base]:
		return "p"
	case base == "numeric" || base == "inet" || base == "cidr":
		return "m"
	}
	return "x"
}

// castVia is what a USING cast from a column's old type to its new one
// goes through: nothing where PostgreSQL has a cast between the two (or
// between their element types), or where one is a string type, which every
// type converts to and from through its text form; text otherwise, as for
// an enum, composite or range type of the schema, or boolean to jsonb,
// which have no cast between them but their text input and output.
func (p *planner) castVia(from, to string) string {
	if q, ok := typeOf(from); ok && q.Schema != "pg_catalog" {
		if p.oi.domains[q] != nil {
			return ""
		}
		return "::text"
	}
	fe, fArr := strings.CutSuffix(from, "[]")
	te, tArr := strings.CutSuffix(to, "[]")
	if fArr != tArr {
		return "::text"
	}
	fb, tb := castName(fe), castName(te)
	switch {
	case fb == tb, stringCategory[fb], stringCategory[tb], builtinCasts[[2]string{fb, tb}]:
		return ""
	}
	if q, ok := typeOf(to); ok && p.oi.domains[q] != nil {
		return "" // a domain: the cast to its base type decides
	}
	return "::text"
}

// castName is a type's name as builtinCasts keys it: format_type's name
// without a typmod.
func castName(typ string) string {
	base, _ := splitType(typ)
	if base == "character" {
		return "bpchar"
	}
	return base
}

// stringCategory are the types of PostgreSQL's string category, to and from
// which every type has an explicit I/O conversion cast.
var stringCategory = map[string]bool{"text": true, "character varying": true, "bpchar": true, "name": true}
