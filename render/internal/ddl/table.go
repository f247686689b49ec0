package ddl

import (
	"fmt"
	"slices"
	"strings"

	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
)

// tableForm is how CREATE TABLE declares a table.
type tableForm int

const (
	// formPlain declares the table's own columns, maybe with INHERITS.
	formPlain tableForm = iota
	// formPartitionOf is CREATE TABLE … PARTITION OF, for a partition whose
	// columns all come from its parent.
	formPartitionOf
	// formAttached declares every column of a partition whose columns are
	// its own (as pg_dump's output leaves them), then attaches it.
	formAttached
	// formTyped is CREATE TABLE … OF type.
	formTyped
)

func formOf(t *model.Table) tableForm {
	switch {
	case t.PartitionOf != nil && !slices.ContainsFunc(t.Columns, func(c model.Column) bool { return !c.Inherited }):
		return formPartitionOf
	case t.PartitionOf != nil:
		return formAttached
	case t.OfType != "":
		return formTyped
	}
	return formPlain
}

// tableSplit names the column defaults and CHECK constraints that a cycle
// moved out of CREATE TABLE.
type tableSplit struct {
	defaults, checks map[string]bool
}

func TableTarget(t *model.Table) Target {
	name := QNameSQL(t.QName)
	kind := "TABLE"
	if t.Kind == model.TableForeign {
		kind = "FOREIGN TABLE"
	}
	return Target{Ref: TableRef(t.QName), ID: "table " + name, Comment: kind + " " + name, Alter: kind + " " + name, Grant: "TABLE " + name}
}

// AlterTable starts an ALTER TABLE (or ALTER FOREIGN TABLE) statement.
func AlterTable(t *model.Table, only bool) string {
	s := "ALTER TABLE "
	if t.Kind == model.TableForeign {
		s = "ALTER FOREIGN TABLE "
	}
	if only {
		s += "ONLY "
	}
	return s + QNameSQL(t.QName)
}

// Table adds the statements of a table and everything that hangs off it
// but triggers, rules and policies.
func (b *Builder) Table(t *model.Table) {
	tt := TableTarget(t)
	create, err := b.createTable(t, tableSplit{})
	if err != nil {
		b.Errorf(tt.ID, "%v", err)
		return
	}
	b.add(create)
	b.breakers[create.ID] = func(inCycle func(model.ObjectRef) bool) []Statement {
		return b.splitTable(t, inCycle)
	}
	if formOf(t) == formAttached {
		b.add(Statement{
			ID:         StmtID(PrioTableAttach, "attach", tt.ID),
			Priority:   PrioTableAttach,
			SQL:        "ALTER TABLE ONLY " + QNameSQL(*t.PartitionOf) + " ATTACH PARTITION " + QNameSQL(t.QName) + " " + t.PartitionBound,
			Provides:   []model.ObjectRef{tt.Ref},
			Requires:   []model.ObjectRef{tt.Ref, TableRef(*t.PartitionOf)},
			ProvTokens: []Token{AttachedRef(t.QName)},
		})
	}
	b.inheritedColumns(t, tt)
	b.columnSettings(t, tt)
	b.constraints(t, tt)
	b.notValidNotNulls(t)
	for i := range t.Indexes {
		b.Index(t.QName, tt.Ref, t.Kind == model.TablePartitioned, &t.Indexes[i])
	}
	b.tableSettings(t, tt)
	b.comment(tt, t.Comment)
	for _, c := range t.Columns {
		if b.opts.Comments && c.Comment != "" {
			b.CommentOn(tt.Ref, "comment "+tt.ID+" column "+sqlq.QuoteIdent(c.Name),
				"COLUMN "+QNameSQL(t.QName)+"."+sqlq.QuoteIdent(c.Name), sqlq.Literal(c.Comment))
		}
	}
	b.Owner(tt, t.Owner)
	b.Grants(tt, t.Owner, t.Grants)
	for _, c := range t.Columns {
		b.ColumnGrants(tt, c.Name, c.Grants)
	}
}

// createTable builds CREATE TABLE, leaving out what split names.
func (b *Builder) createTable(t *model.Table, split tableSplit) (Statement, error) {
	form := formOf(t)
	foreign := t.Kind == model.TableForeign
	ref := TableRef(t.QName)
	req := []model.ObjectRef{NamespaceRef(t.Schema)}
	provides := []model.ObjectRef{ref}

	elems, req, provides, err := tableElements(t, form, split, req, provides)
	if err != nil {
		return Statement{}, err
	}
	list := " (\n    " + strings.Join(elems, ",\n    ") + "\n)"
	if len(elems) == 0 {
		list = " (\n)"
	}

	var sb strings.Builder
	sb.WriteString("CREATE ")
	if t.Unlogged {
		sb.WriteString("UNLOGGED ")
	}
	if foreign {
		sb.WriteString("FOREIGN ")
	}
	sb.WriteString("TABLE " + QNameSQL(t.QName))
	switch form {
	case formPartitionOf:
		sb.WriteString(" PARTITION OF " + QNameSQL(*t.PartitionOf))
		if len(elems) > 0 {
			sb.WriteString(list)
		}
		sb.WriteString("\n" + t.PartitionBound)
		req = append(req, TableRef(*t.PartitionOf))
	case formTyped:
		sb.WriteString(" OF " + NameText(t.OfType))
		if len(elems) > 0 {
			sb.WriteString(list)
		}
		if r, ok := TypeRef(t.OfType); ok {
			req = append(req, r)
		}
	default:
		sb.WriteString(list)
	}
	if len(t.Inherits) > 0 && form != formPartitionOf {
		var parents []string
		for _, p := range t.Inherits {
			parents = append(parents, QNameSQL(p))
			req = append(req, TableRef(p))
		}
		sb.WriteString("\nINHERITS (" + strings.Join(parents, ", ") + ")")
	}
	tail, treq, err := tableTail(t)
	if err != nil {
		return Statement{}, err
	}
	sb.WriteString(tail)
	req = append(req, treq...)
	return Statement{Priority: PrioTable, ID: StmtID(PrioTable, "table "+QNameSQL(t.QName)), SQL: sb.String(), Provides: provides, Requires: req}, nil
}

// tableElements returns the column and inline check definitions of a
// CREATE TABLE, adding what they need to req and the checks to provides.
func tableElements(t *model.Table, form tableForm, split tableSplit, req, provides []model.ObjectRef) ([]string, []model.ObjectRef, []model.ObjectRef, error) {
	var elems []string
	foreign := t.Kind == model.TableForeign
	for i := range t.Columns {
		c := &t.Columns[i]
		switch {
		case form == formPartitionOf,
			form == formPlain && c.Inherited,
			form == formTyped && c.Default == "" && !c.NotNull && c.Identity == "" && c.Generated == "":
			continue
		}
		def, err := ColumnDef(c, foreign, form == formTyped, split.defaults[c.Name])
		if err != nil {
			return nil, nil, nil, err
		}
		elems = append(elems, def)
		req = append(req, ColumnRequires(c, split.defaults[c.Name])...)
	}
	for _, c := range t.Constraints {
		if !inlineCheck(c) || split.checks[c.Name] {
			continue
		}
		def, err := constraintDef(&c)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("constraint %s: %w", sqlq.QuoteIdent(c.Name), err)
		}
		elems = append(elems, "CONSTRAINT "+sqlq.QuoteIdent(c.Name)+" "+def)
		req = append(req, c.Deps...)
		provides = append(provides, ConstraintRef(t.QName, c.Name))
	}
	return elems, req, provides, nil
}

// tableTail writes what follows a CREATE TABLE's column list: a foreign
// table's server and options, or a table's partitioning, access method,
// storage options and tablespace; it returns the server a foreign table
// needs.
func tableTail(t *model.Table) (string, []model.ObjectRef, error) {
	var sb strings.Builder
	var req []model.ObjectRef
	if t.Kind == model.TableForeign {
		if t.Server == "" {
			return "", nil, fmt.Errorf("foreign table without a server")
		}
		sb.WriteString("\nSERVER " + sqlq.QuoteIdent(t.Server))
		req = append(req, model.ObjectRef{Kind: model.KindServer, Name: t.Server})
		if len(t.ServerOptions) > 0 {
			opts, err := OptionList(t.ServerOptions, " ")
			if err != nil {
				return "", nil, err
			}
			sb.WriteString("\nOPTIONS (\n    " + strings.ReplaceAll(opts, ", ", ",\n    ") + "\n)")
		}
		return sb.String(), req, nil
	}
	if t.PartitionKey != "" {
		sb.WriteString("\nPARTITION BY " + t.PartitionKey)
	}
	if t.AccessMethod != "" {
		sb.WriteString("\nUSING " + sqlq.QuoteIdent(t.AccessMethod))
	}
	if len(t.Options) > 0 {
		opts, err := OptionList(t.Options, "=")
		if err != nil {
			return "", nil, err
		}
		sb.WriteString("\nWITH (" + opts + ")")
	}
	if t.Tablespace != "" {
		sb.WriteString("\nTABLESPACE " + sqlq.QuoteIdent(t.Tablespace))
	}
	return sb.String(), req, nil
}

// ColumnDef declares one column. withOptions is the form of typed tables,
// whose columns' types come from the type; noDefault leaves the default to
// a later ALTER.
func ColumnDef(c *model.Column, foreign, withOptions, noDefault bool) (string, error) {
	var sb strings.Builder
	sb.WriteString(sqlq.QuoteIdent(c.Name))
	if withOptions {
		sb.WriteString(" WITH OPTIONS")
	} else {
		if c.Type == "" {
			return "", fmt.Errorf("column %s has no type", sqlq.QuoteIdent(c.Name))
		}
		sb.WriteString(" " + c.Type)
		if foreign && len(c.FDWOptions) > 0 {
			opts, err := OptionList(c.FDWOptions, " ")
			if err != nil {
				return "", fmt.Errorf("column %s: %w", sqlq.QuoteIdent(c.Name), err)
			}
			sb.WriteString(" OPTIONS (" + opts + ")")
		}
		if c.Collation != "" {
			sb.WriteString(" COLLATE " + NameText(c.Collation))
		}
	}
	switch c.Identity {
	case "":
	case "a", "d":
		kind := "ALWAYS"
		if c.Identity == "d" {
			kind = "BY DEFAULT"
		}
		sb.WriteString(" GENERATED " + kind + " AS IDENTITY")
		if c.IdentitySequence != nil {
			if opts := SequenceOptions(*c.IdentitySequence, false); len(opts) > 0 {
				sb.WriteString(" (" + strings.Join(opts, " ") + ")")
			}
		}
	default:
		return "", fmt.Errorf("column %s: unknown identity %q", sqlq.QuoteIdent(c.Name), c.Identity)
	}
	if c.Generated != "" {
		switch c.GeneratedKind {
		case "s", "":
			sb.WriteString(" GENERATED ALWAYS AS (" + c.Generated + ") STORED")
		case "v":
			sb.WriteString(" GENERATED ALWAYS AS (" + c.Generated + ") VIRTUAL")
		default:
			return "", fmt.Errorf("column %s: unknown generated kind %q", sqlq.QuoteIdent(c.Name), c.GeneratedKind)
		}
	}
	if c.Default != "" && !noDefault {
		sb.WriteString(" DEFAULT " + c.Default)
	}
	// A NOT VALID one is added after the table (see notValidNotNulls).
	if c.NotNull && !c.NotNullNotValid {
		if c.NotNullName != "" {
			// Before 18 the name is accepted and dropped.
			sb.WriteString(" CONSTRAINT " + sqlq.QuoteIdent(c.NotNullName))
		}
		sb.WriteString(" NOT NULL")
		if c.NotNullNoInherit {
			sb.WriteString(" NO INHERIT")
		}
	}
	return sb.String(), nil
}

// ColumnRequires is what declaring a column needs: its type, collation and
// the objects its default and generation expression use. Without its
// default, only what the type and collation need.
func ColumnRequires(c *model.Column, noDefault bool) []model.ObjectRef {
	refs := TypeAndCollationRefs(c.Type, c.Collation)
	for _, d := range c.Deps {
		switch d.Kind {
		case model.KindFunction, model.KindAggregate, model.KindSequence:
			if noDefault {
				continue
			}
		}
		refs = append(refs, d)
	}
	if !noDefault {
		refs = append(refs, SequenceRefs(c.Default)...)
	}
	return refs
}

// splitTable rewrites CREATE TABLE when it is part of a cycle: defaults and
// CHECKs that use an object of the cycle are set afterwards, as pg_dump
// does.
func (b *Builder) splitTable(t *model.Table, inCycle func(model.ObjectRef) bool) []Statement {
	split := tableSplit{defaults: map[string]bool{}, checks: map[string]bool{}}
	self := KeyOf(TableRef(t.QName))
	hits := func(deps []model.ObjectRef) bool {
		return slices.ContainsFunc(deps, func(d model.ObjectRef) bool { return KeyOf(d) != self && inCycle(d) })
	}
	form := formOf(t)
	for _, c := range t.Columns {
		declared := form != formPartitionOf && (!c.Inherited || form == formAttached)
		if declared && c.Default != "" && hits(c.Deps) {
			split.defaults[c.Name] = true
		}
	}
	for _, c := range t.Constraints {
		if inlineCheck(c) && hits(c.Deps) {
			split.checks[c.Name] = true
		}
	}
	if len(split.defaults) == 0 && len(split.checks) == 0 {
		return nil
	}
	create, err := b.createTable(t, split)
	if err != nil {
		return nil // reported when the table was first built
	}
	out := []Statement{create}
	tt := TableTarget(t)
	for _, c := range t.Columns {
		if split.defaults[c.Name] {
			out = append(out, setDefault(t, tt, &c))
		}
	}
	for i := range t.Constraints {
		if c := &t.Constraints[i]; split.checks[c.Name] {
			st, err := AddConstraint(t, c, false, PrioConstraint)
			if err != nil {
				return nil
			}
			out = append(out, st)
		}
	}
	return out
}

// setDefault sets a column default by ALTER TABLE.
func setDefault(t *model.Table, tt Target, c *model.Column) Statement {
	return Statement{
		ID:       StmtID(PrioDefault, "default", tt.ID, sqlq.QuoteIdent(c.Name)),
		Priority: PrioDefault,
		SQL:      AlterTable(t, true) + " ALTER COLUMN " + sqlq.QuoteIdent(c.Name) + " SET DEFAULT " + c.Default,
		Requires: append(append([]model.ObjectRef{tt.Ref}, c.Deps...), SequenceRefs(c.Default)...),
	}
}

// inheritedColumns sets what a child's inherited columns have that the
// parent's do not: a default of their own, or NOT NULL.
func (b *Builder) inheritedColumns(t *model.Table, tt Target) {
	if form := formOf(t); form != formPlain && form != formPartitionOf {
		return
	}
	for i := range t.Columns {
		c := &t.Columns[i]
		if !c.Inherited {
			continue
		}
		parent := b.parentColumn(t, c.Name)
		var pDefault string
		var pNotNull bool
		if parent != nil {
			pDefault, pNotNull = parent.Default, parent.NotNull
		}
		col := sqlq.QuoteIdent(c.Name)
		switch {
		case c.Default == pDefault:
		case c.Default != "":
			b.add(setDefault(t, tt, c))
		default:
			b.add(Statement{
				ID:       StmtID(PrioDefault, "default", tt.ID, col),
				Priority: PrioDefault,
				SQL:      AlterTable(t, true) + " ALTER COLUMN " + col + " DROP DEFAULT",
				Requires: []model.ObjectRef{tt.Ref},
			})
		}
		if c.NotNull && !pNotNull {
			b.add(Statement{
				ID:       StmtID(PrioDefault, "not null", tt.ID, col),
				Priority: PrioDefault,
				SQL:      AlterTable(t, true) + " ALTER COLUMN " + col + " SET NOT NULL",
				Requires: []model.ObjectRef{tt.Ref},
			})
		}
	}
}

// parentColumn finds the column a child inherits, in its partition parent
// or the first inheritance parent that has it.
func (b *Builder) parentColumn(t *model.Table, name string) *model.Column {
	parents := t.Inherits
	if t.PartitionOf != nil {
		parents = []model.QName{*t.PartitionOf}
	}
	for _, p := range parents {
		if pt := b.tables[p]; pt != nil {
			for i := range pt.Columns {
				if pt.Columns[i].Name == name {
					return &pt.Columns[i]
				}
			}
		}
	}
	return nil
}

var Storages = map[string]string{"p": "PLAIN", "e": "EXTERNAL", "m": "MAIN", "x": "EXTENDED"}

// columnSettings sets the per-column storage, compression, statistics and
// options, which CREATE TABLE cannot declare.
func (b *Builder) columnSettings(t *model.Table, tt Target) {
	for i := range t.Columns {
		c := &t.Columns[i]
		col := " ALTER COLUMN " + sqlq.QuoteIdent(c.Name)
		var subs []string
		if c.Storage != "" {
			s, ok := Storages[c.Storage]
			if !ok {
				b.Errorf(tt.ID, "column %s: unknown storage %q", sqlq.QuoteIdent(c.Name), c.Storage)
				continue
			}
			subs = append(subs, col+" SET STORAGE "+s)
		}
		if c.Compression != "" {
			subs = append(subs, col+" SET COMPRESSION "+sqlq.QuoteIdent(c.Compression))
		}
		if c.Statistics != nil {
			subs = append(subs, fmt.Sprintf("%s SET STATISTICS %d", col, *c.Statistics))
		}
		if len(c.Options) > 0 {
			opts, err := OptionList(c.Options, "=")
			if err != nil {
				b.Errorf(tt.ID, "column %s: %v", sqlq.QuoteIdent(c.Name), err)
				continue
			}
			subs = append(subs, col+" SET ("+opts+")")
		}
		// Inherited columns of a foreign partition are not declared, so
		// their FDW options are added here.
		if t.Kind == model.TableForeign && c.Inherited && formOf(t) != formAttached && len(c.FDWOptions) > 0 {
			opts, err := OptionList(c.FDWOptions, " ")
			if err != nil {
				b.Errorf(tt.ID, "column %s: %v", sqlq.QuoteIdent(c.Name), err)
				continue
			}
			subs = append(subs, col+" OPTIONS (ADD "+strings.ReplaceAll(opts, ", ", ", ADD ")+")")
		}
		if len(subs) == 0 {
			continue
		}
		b.add(Statement{
			ID:       StmtID(PrioDefault, "column", tt.ID, sqlq.QuoteIdent(c.Name)),
			Priority: PrioDefault,
			SQL:      AlterTable(t, true) + strings.Join(subs, ","),
			Requires: []model.ObjectRef{tt.Ref},
		})
	}
}

// tableSettings adds row security and replica identity.
func (b *Builder) tableSettings(t *model.Table, tt Target) {
	if t.RowSecurity {
		b.add(Statement{Priority: PrioPolicy, ID: StmtID(PrioPolicy, "enable row security", tt.ID),
			SQL: AlterTable(t, false) + " ENABLE ROW LEVEL SECURITY", Requires: []model.ObjectRef{tt.Ref}})
	}
	if t.ForceRowSecurity {
		b.add(Statement{Priority: PrioPolicy, ID: StmtID(PrioPolicy, "enable row security", tt.ID, "force"),
			SQL: AlterTable(t, false) + " FORCE ROW LEVEL SECURITY", Requires: []model.ObjectRef{tt.Ref}})
	}
	if t.Kind == model.TableForeign {
		// Foreign tables have no replica identity to set (PostgreSQL
		// records NOTHING for them).
		return
	}
	var identity string
	req := []model.ObjectRef{tt.Ref}
	switch t.ReplicaIdentity {
	case "", "d":
		return
	case "n":
		identity = "NOTHING"
	case "f":
		identity = "FULL"
	case "i":
		if t.ReplicaIdentityIndex == "" {
			b.Errorf(tt.ID, "replica identity index without an index name")
			return
		}
		identity = "USING INDEX " + sqlq.QuoteIdent(t.ReplicaIdentityIndex)
		req = append(req, model.ObjectRef{Kind: model.KindIndex, Schema: t.Schema, Name: t.ReplicaIdentityIndex})
	default:
		b.Errorf(tt.ID, "unknown replica identity %q", t.ReplicaIdentity)
		return
	}
	b.add(Statement{Priority: PrioIndex, ID: StmtID(PrioIndex, "replica identity", tt.ID),
		SQL: AlterTable(t, true) + " REPLICA IDENTITY " + identity, Requires: req})
}

// NotNullName returns the name of the NOT NULL constraint of column c of
// table on PostgreSQL 18: the declared one, else the one PostgreSQL makes.
func NotNullName(table string, c *model.Column) string {
	if c.NotNullName != "" {
		return c.NotNullName
	}
	return model.DefaultNotNullName(table, c.Name)
}

// NotNullConstraint is the table constraint that makes column c of table
// NOT NULL as declared, for ALTER TABLE … ADD on PostgreSQL 18.
func NotNullConstraint(table string, c *model.Column) string {
	s := "CONSTRAINT " + sqlq.QuoteIdent(NotNullName(table, c)) + " NOT NULL " + sqlq.QuoteIdent(c.Name)
	if c.NotNullNoInherit {
		s += " NO INHERIT"
	}
	if c.NotNullNotValid {
		s += " NOT VALID"
	}
	return s
}

// notValidNotNulls adds the NOT VALID NOT NULL constraints of a created
// table (PostgreSQL 18), which CREATE TABLE cannot declare.
func (b *Builder) notValidNotNulls(t *model.Table) {
	for i := range t.Columns {
		c := &t.Columns[i]
		if !c.NotNull || !c.NotNullNotValid {
			continue
		}
		name := NotNullName(t.Name, c)
		b.add(Statement{
			ID:       StmtID(PrioConstraint, "constraint", QNameSQL(t.QName), sqlq.QuoteIdent(name)),
			Priority: PrioConstraint,
			SQL:      AlterTable(t, false) + "\n    ADD " + NotNullConstraint(t.Name, c),
			Provides: []model.ObjectRef{ConstraintRef(t.QName, name)},
			Requires: []model.ObjectRef{TableRef(t.QName)},
		})
	}
}
