package sqlddl

import (
	"fmt"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Summary is what a statement does, in the terms a migration linter needs
// (which table it locks, whether it builds an index concurrently, adds a
// constraint NOT VALID, changes a column's type …), without pg_query's
// types. [Summarize] makes one; fields that do not apply stay empty.
type Summary struct {
	// Kind is the type of pg_query's parse node, as in [Statement.Kind].
	Kind string
	// Table is the table the statement creates, alters, indexes, renames,
	// or clusters; empty when there is none.
	Table Name
	// Concurrently is set for CREATE/DROP INDEX CONCURRENTLY and REINDEX
	// (CONCURRENTLY).
	Concurrently bool
	// Columns are the columns of CREATE TABLE.
	Columns []ColumnSummary
	// Constraints are the table constraints of CREATE TABLE.
	Constraints []ConstraintSummary
	// Alters are the subcommands of ALTER TABLE, in order.
	Alters []AlterSummary
	// Rename is set for ALTER … RENAME.
	Rename *RenameSummary
	// Drop is set for DROP.
	Drop *DropSummary
	// EnumValue is the label of ALTER TYPE … ADD VALUE, EnumType its type.
	EnumValue string
	EnumType  Name
	// VacuumFull is set for VACUUM FULL.
	VacuumFull bool
	// Truncated are the tables of TRUNCATE.
	Truncated []Name
	// Setting is the parameter of SET, SET LOCAL or RESET (lower case);
	// SettingValue its value as written, SettingLocal for SET LOCAL.
	Setting      string
	SettingValue string
	SettingLocal bool
	// Transaction is "begin", "commit" or "rollback" for those statements.
	Transaction string
	// Strings are the string constants anywhere in the statement.
	Strings []string
}

// Name is a schema-qualified name as written; Schema is empty when the
// statement left it out.
type Name struct{ Schema, Name string }

// String writes the name as written, schema.name.
func (n Name) String() string {
	if n.Schema == "" {
		return n.Name
	}
	return n.Schema + "." + n.Name
}

// ColumnSummary is a column of CREATE TABLE or ALTER TABLE … ADD COLUMN.
type ColumnSummary struct {
	Name string
	Type TypeSummary
	// NotNull, PrimaryKey and HasDefault come from the column's own
	// constraints.
	NotNull, PrimaryKey, HasDefault bool
	// Identity and Generated are set for GENERATED … AS IDENTITY and
	// GENERATED ALWAYS AS (…) STORED.
	Identity, Generated bool
	// DefaultFuncs are the names of the functions the default calls, lower
	// case, without schema.
	DefaultFuncs []string
}

// TypeSummary is a type name as written: its last name part in lower case
// ("int4", "varchar", "serial", "timestamptz"), its type modifiers and
// whether it is an array.
type TypeSummary struct {
	Name  string
	Mods  []int
	Array bool
	// Text is the type as PostgreSQL's deparser prints it.
	Text string
}

// ConstraintSummary is a constraint of CREATE TABLE or ADD CONSTRAINT.
type ConstraintSummary struct {
	// Type is "primary-key", "unique", "check", "foreign-key", "exclusion"
	// or "other".
	Type     string
	Name     string
	Columns  []string
	NotValid bool
	// UsingIndex is set for ADD … PRIMARY KEY/UNIQUE USING INDEX.
	UsingIndex bool
}

// AlterSummary is one subcommand of ALTER TABLE.
type AlterSummary struct {
	// Action is one of "add-column", "drop-column", "alter-type",
	// "set-not-null", "drop-not-null", "set-default", "drop-default",
	// "add-constraint", "validate-constraint", "drop-constraint" or
	// "other".
	Action string
	// Column names the column it changes; for add-column, Added holds it.
	Column string
	Added  *ColumnSummary
	// Type is the new type of alter-type; Using is set when it has a USING
	// clause.
	Type  TypeSummary
	Using bool
	// Constraint is the constraint of add-constraint.
	Constraint *ConstraintSummary
	// Name is the constraint's name for validate- and drop-constraint.
	Name string
}

// RenameSummary is ALTER … RENAME.
type RenameSummary struct {
	// Object is "table", "column", "index", "constraint", "view" or
	// "other".
	Object  string
	From    string
	NewName string
}

// DropSummary is DROP.
type DropSummary struct {
	// Object is "table", "index", "type", "schema", "view", "column" or
	// "other".
	Object string
	Names  []Name
}

// Summarize parses sql, one statement, and says what it does. A statement
// pg_query cannot parse is an error.
func Summarize(sql string) (Summary, error) {
	tree, err := safeParse(sql)
	if err != nil {
		return Summary{}, fmt.Errorf("summarize %q: %w", short(sql), err)
	}
	stmts := tree.GetStmts()
	if len(stmts) != 1 {
		return Summary{}, fmt.Errorf("summarize %q: want one statement, have %d", short(sql), len(stmts))
	}
	n := stmts[0].GetStmt()
	s := Summary{Kind: nodeKind(n)}
	summarizeNode(&s, n)
	collectStrings(&s, n.ProtoReflect())
	return s, nil
}

func rangeName(rv *pg_query.RangeVar) Name {
	if rv == nil {
		return Name{}
	}
	return Name{Schema: rv.Schemaname, Name: rv.Relname}
}

// summarizeNode fills s from the statement n.
func summarizeNode(s *Summary, n *pg_query.Node) {
	switch st := n.GetNode().(type) {
	case *pg_query.Node_CreateStmt:
		s.Table = rangeName(st.CreateStmt.Relation)
		for _, e := range st.CreateStmt.TableElts {
			if cd := e.GetColumnDef(); cd != nil {
				s.Columns = append(s.Columns, columnSummary(cd))
			} else if c := e.GetConstraint(); c != nil {
				s.Constraints = append(s.Constraints, constraintSummary(c))
			}
		}
	case *pg_query.Node_IndexStmt:
		s.Table = rangeName(st.IndexStmt.Relation)
		s.Concurrently = st.IndexStmt.Concurrent
	case *pg_query.Node_AlterTableStmt:
		s.Table = rangeName(st.AlterTableStmt.Relation)
		for _, c := range st.AlterTableStmt.Cmds {
			if cmd := c.GetAlterTableCmd(); cmd != nil {
				s.Alters = append(s.Alters, alterSummary(cmd))
			}
		}
	case *pg_query.Node_RenameStmt:
		r := st.RenameStmt
		s.Table = rangeName(r.Relation)
		s.Rename = &RenameSummary{Object: objectWord(r.RenameType), From: r.Subname, NewName: r.Newname}
		if r.RenameType == pg_query.ObjectType_OBJECT_TABLE || r.RenameType == pg_query.ObjectType_OBJECT_INDEX {
			s.Rename.From = r.GetRelation().GetRelname()
		}
	case *pg_query.Node_DropStmt:
		d := &DropSummary{Object: objectWord(st.DropStmt.RemoveType)}
		for _, o := range st.DropStmt.Objects {
			d.Names = append(d.Names, objectName(o))
		}
		s.Drop = d
		s.Concurrently = st.DropStmt.Concurrent
	case *pg_query.Node_AlterEnumStmt:
		s.EnumValue = st.AlterEnumStmt.NewVal
		s.EnumType = lastTwo(stringList(st.AlterEnumStmt.TypeName))
		if st.AlterEnumStmt.OldVal != "" {
			s.EnumValue = "" // RENAME VALUE
		}
	case *pg_query.Node_VacuumStmt:
		for _, o := range st.VacuumStmt.Options {
			if o.GetDefElem().GetDefname() == "full" {
				s.VacuumFull = st.VacuumStmt.IsVacuumcmd
			}
		}
		if rels := st.VacuumStmt.Rels; len(rels) > 0 {
			s.Table = rangeName(rels[0].GetVacuumRelation().GetRelation())
		}
	case *pg_query.Node_ClusterStmt:
		s.Table = rangeName(st.ClusterStmt.Relation)
	case *pg_query.Node_ReindexStmt:
		s.Table = rangeName(st.ReindexStmt.Relation)
		for _, p := range st.ReindexStmt.Params {
			if p.GetDefElem().GetDefname() == "concurrently" {
				s.Concurrently = true
			}
		}
	case *pg_query.Node_TruncateStmt:
		for _, r := range st.TruncateStmt.Relations {
			s.Truncated = append(s.Truncated, rangeName(r.GetRangeVar()))
		}
	case *pg_query.Node_VariableSetStmt:
		v := st.VariableSetStmt
		s.Setting, s.SettingLocal = strings.ToLower(v.Name), v.IsLocal
		var vals []string
		for _, a := range v.Args {
			vals = append(vals, constText(a))
		}
		s.SettingValue = strings.Join(vals, ", ")
	case *pg_query.Node_TransactionStmt:
		switch st.TransactionStmt.Kind {
		case pg_query.TransactionStmtKind_TRANS_STMT_BEGIN, pg_query.TransactionStmtKind_TRANS_STMT_START:
			s.Transaction = "begin"
		case pg_query.TransactionStmtKind_TRANS_STMT_COMMIT:
			s.Transaction = "commit"
		case pg_query.TransactionStmtKind_TRANS_STMT_ROLLBACK:
			s.Transaction = "rollback"
		}
	}
}

func alterSummary(cmd *pg_query.AlterTableCmd) AlterSummary {
	a := AlterSummary{Action: "other", Column: cmd.Name}
	switch cmd.Subtype {
	case pg_query.AlterTableType_AT_AddColumn:
		a.Action = "add-column"
		if cd := cmd.GetDef().GetColumnDef(); cd != nil {
			c := columnSummary(cd)
			a.Added, a.Column = &c, c.Name
		}
	case pg_query.AlterTableType_AT_DropColumn:
		a.Action = "drop-column"
	case pg_query.AlterTableType_AT_AlterColumnType:
		a.Action = "alter-type"
		if cd := cmd.GetDef().GetColumnDef(); cd != nil {
			a.Type = typeSummary(cd.TypeName)
			a.Using = cd.RawDefault != nil
		}
	case pg_query.AlterTableType_AT_SetNotNull:
		a.Action = "set-not-null"
	case pg_query.AlterTableType_AT_DropNotNull:
		a.Action = "drop-not-null"
	case pg_query.AlterTableType_AT_ColumnDefault:
		a.Action = "set-default"
		if cmd.Def == nil {
			a.Action = "drop-default"
		}
	case pg_query.AlterTableType_AT_AddConstraint:
		a.Action = "add-constraint"
		if c := cmd.GetDef().GetConstraint(); c != nil {
			cs := constraintSummary(c)
			a.Constraint = &cs
		}
	case pg_query.AlterTableType_AT_ValidateConstraint:
		a.Action, a.Name = "validate-constraint", cmd.Name
	case pg_query.AlterTableType_AT_DropConstraint:
		a.Action, a.Name = "drop-constraint", cmd.Name
	}
	return a
}

func columnSummary(cd *pg_query.ColumnDef) ColumnSummary {
	c := ColumnSummary{Name: cd.Colname, Type: typeSummary(cd.TypeName), NotNull: cd.IsNotNull}
	for _, n := range cd.Constraints {
		con := n.GetConstraint()
		if con == nil {
			continue
		}
		switch con.Contype {
		case pg_query.ConstrType_CONSTR_NOTNULL:
			c.NotNull = true
		case pg_query.ConstrType_CONSTR_PRIMARY:
			c.PrimaryKey, c.NotNull = true, true
		case pg_query.ConstrType_CONSTR_DEFAULT:
			c.HasDefault = true
			c.DefaultFuncs = funcNames(con.RawExpr)
		case pg_query.ConstrType_CONSTR_IDENTITY:
			c.Identity = true
		case pg_query.ConstrType_CONSTR_GENERATED:
			c.Generated = true
		}
	}
	return c
}

func constraintSummary(c *pg_query.Constraint) ConstraintSummary {
	cs := ConstraintSummary{Type: "other", Name: c.Conname, NotValid: c.SkipValidation, UsingIndex: c.Indexname != ""}
	switch c.Contype {
	case pg_query.ConstrType_CONSTR_PRIMARY:
		cs.Type = "primary-key"
	case pg_query.ConstrType_CONSTR_UNIQUE:
		cs.Type = "unique"
	case pg_query.ConstrType_CONSTR_CHECK:
		cs.Type = "check"
	case pg_query.ConstrType_CONSTR_FOREIGN:
		cs.Type = "foreign-key"
	case pg_query.ConstrType_CONSTR_EXCLUSION:
		cs.Type = "exclusion"
	}
	keys := c.Keys
	if c.Contype == pg_query.ConstrType_CONSTR_FOREIGN {
		keys = c.FkAttrs
	}
	cs.Columns = stringList(keys)
	return cs
}

func typeSummary(tn *pg_query.TypeName) TypeSummary {
	if tn == nil {
		return TypeSummary{}
	}
	names := stringList(tn.Names)
	t := TypeSummary{Array: len(tn.ArrayBounds) > 0}
	if len(names) > 0 {
		t.Name = strings.ToLower(names[len(names)-1])
	}
	for _, m := range tn.Typmods {
		if c := m.GetAConst(); c != nil && c.GetIval() != nil {
			t.Mods = append(t.Mods, int(c.GetIval().Ival))
		}
	}
	if text, err := deparseTypeName(tn); err == nil {
		t.Text = text
	}
	return t
}

// deparseTypeName prints a type name as [CanonicalType] does.
func deparseTypeName(tn *pg_query.TypeName) (string, error) {
	if s, ok := formatBuiltin(tn); ok {
		return s, nil
	}
	tc := &pg_query.TypeCast{Arg: &pg_query.Node{Node: &pg_query.Node_AConst{AConst: &pg_query.A_Const{Isnull: true}}}, TypeName: tn}
	out, err := deparseTarget(&pg_query.ResTarget{Val: &pg_query.Node{Node: &pg_query.Node_TypeCast{TypeCast: tc}}})
	if err != nil {
		return "", err
	}
	return strings.TrimPrefix(out, "NULL::"), nil
}

// objectWord names an object type in lower case as the rules use it.
func objectWord(t pg_query.ObjectType) string {
	switch t {
	case pg_query.ObjectType_OBJECT_TABLE:
		return "table"
	case pg_query.ObjectType_OBJECT_COLUMN:
		return "column"
	case pg_query.ObjectType_OBJECT_INDEX:
		return "index"
	case pg_query.ObjectType_OBJECT_TABCONSTRAINT:
		return "constraint"
	case pg_query.ObjectType_OBJECT_VIEW:
		return "view"
	case pg_query.ObjectType_OBJECT_TYPE:
		return "type"
	case pg_query.ObjectType_OBJECT_SCHEMA:
		return "schema"
	}
	return "other"
}

// objectName reads a DROP's object: a list of names, or one name.
func objectName(n *pg_query.Node) Name {
	if l := n.GetList(); l != nil {
		return lastTwo(stringList(l.Items))
	}
	if s := n.GetString_(); s != nil {
		return Name{Name: s.Sval}
	}
	if tn := n.GetTypeName(); tn != nil {
		return lastTwo(stringList(tn.Names))
	}
	return Name{}
}

func lastTwo(parts []string) Name {
	switch len(parts) {
	case 0:
		return Name{}
	case 1:
		return Name{Name: parts[0]}
	}
	return Name{Schema: parts[len(parts)-2], Name: parts[len(parts)-1]}
}

// stringList returns the String nodes of a name list.
func stringList(nodes []*pg_query.Node) []string {
	var out []string
	for _, n := range nodes {
		if s := n.GetString_(); s != nil {
			out = append(out, s.Sval)
		}
	}
	return out
}

// constText writes a SET argument: a constant's value, or "" for DEFAULT.
func constText(n *pg_query.Node) string {
	c := n.GetAConst()
	if c == nil {
		return ""
	}
	switch {
	case c.GetSval() != nil:
		return c.GetSval().Sval
	case c.GetIval() != nil:
		return fmt.Sprint(c.GetIval().Ival)
	case c.GetFval() != nil:
		return c.GetFval().Fval
	}
	return ""
}

// funcNames lists the functions an expression calls, lower case and
// without schema.
func funcNames(n *pg_query.Node) []string {
	if n == nil {
		return nil
	}
	var out []string
	walkMessages(n.ProtoReflect(), func(m protoreflect.Message) {
		if fc, ok := m.Interface().(*pg_query.FuncCall); ok {
			if names := stringList(fc.Funcname); len(names) > 0 {
				out = append(out, strings.ToLower(names[len(names)-1]))
			}
		}
	})
	return out
}

// collectStrings records every string constant of the statement.
func collectStrings(s *Summary, m protoreflect.Message) {
	walkMessages(m, func(m protoreflect.Message) {
		if c, ok := m.Interface().(*pg_query.A_Const); ok && c.GetSval() != nil {
			s.Strings = append(s.Strings, c.GetSval().Sval)
		}
	})
}

// walkMessages calls f on m and every message under it, in field order.
func walkMessages(m protoreflect.Message, f func(protoreflect.Message)) {
	f(m)
	fields := m.Descriptor().Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		if fd.Message() == nil || fd.IsMap() || !m.Has(fd) {
			continue
		}
		if fd.IsList() {
			l := m.Get(fd).List()
			for j := 0; j < l.Len(); j++ {
				walkMessages(l.Get(j).Message(), f)
			}
			continue
		}
		walkMessages(m.Get(fd).Message(), f)
	}
}
