package lint

import (
	"regexp"
	"slices"
	"strings"

	"github.com/retortdb/retort/model/sqlddl"
	"github.com/retortdb/retort/render"
)

// Rule is one check: an id to silence it with ("-- retort:lint-ignore ID"
// on the lines above a statement), a severity and a line of documentation.
type Rule struct {
	ID       string
	Severity Severity
	// Kind is the plan hazard kind (render.Hazard*) the finding is, for
	// the upgrade gate, which acknowledges hazards by kind; empty for the
	// rules that are no hazard of a plan (renames, style). The gate reads
	// enum-value-used-in-transaction as non-transactional: the value must
	// be added outside the transaction that uses it.
	Kind string
	Doc  string
	// check returns a message per problem it finds in the statement.
	check func(c *ctx) []string
}

// parseRule reports statements the rules could not read.
var parseRule = Rule{ID: "parse-error", Severity: Warning,
	Doc: "pg_query (PostgreSQL 16's grammar) cannot parse the statement, so no rule checked it."}

// Rules are every rule, in the order findings of one statement are given.
var Rules = []Rule{
	{"index-concurrently", Danger, render.HazardIndexBuild, "CREATE INDEX on an existing table without CONCURRENTLY blocks its writes for the whole build; " +
		"use CREATE INDEX CONCURRENTLY outside a transaction.", ruleCreateIndex},
	{"drop-index-concurrently", Warning, render.HazardExclusiveLock, "DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the index's table; " +
		"use DROP INDEX CONCURRENTLY outside a transaction.", ruleDropIndex},
	{"constraint-not-valid", Danger, render.HazardExclusiveLock, "ADD CONSTRAINT … CHECK on an existing table scans it under an ACCESS EXCLUSIVE lock; " +
		"add it NOT VALID, then VALIDATE CONSTRAINT in a later transaction.", ruleNotValid("check")},
	{"foreign-key-not-valid", Danger, render.HazardShareRowExclusiveLock, "ADD CONSTRAINT … FOREIGN KEY on an existing table checks every row under " +
		"SHARE ROW EXCLUSIVE locks on it and the referenced table, blocking their writes; add it NOT VALID, then VALIDATE CONSTRAINT in a later transaction.", ruleNotValid("foreign-key")},
	{"unique-constraint-index", Danger, render.HazardIndexBuild, "ADD PRIMARY KEY or UNIQUE on an existing table builds its index under an ACCESS EXCLUSIVE lock; " +
		"CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … USING INDEX.", ruleUniqueIndex},
	{"set-not-null", Danger, render.HazardExclusiveLock, "SET NOT NULL on an existing column scans the table under an ACCESS EXCLUSIVE lock; " +
		"add CHECK (col IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT NULL.", ruleSetNotNull},
	{"column-type-change", Warning, render.HazardTableRewrite, "ALTER COLUMN TYPE rewrites the table and its indexes under an ACCESS EXCLUSIVE lock unless the change is binary coercible " +
		"(such as widening varchar), and breaks application versions that read the old type.", ruleTypeChange},
	{"primary-key-type-change", Danger, render.HazardTableRewrite, "changing a primary key column's type rewrites the table, rebuilds the key's index and every foreign key that references it.", rulePKTypeChange},
	{"volatile-default", Danger, render.HazardTableRewrite, "ADD COLUMN with a volatile default (random(), clock_timestamp(), gen_random_uuid(), nextval() …) rewrites the table " +
		"under an ACCESS EXCLUSIVE lock; add the column without it, then set the default and backfill in batches.", ruleVolatileDefault},
	{"add-not-null-without-default", Danger, render.HazardNotNullNoDefault, "ADD COLUMN … NOT NULL without a default fails on a table with rows; " +
		"add it nullable, backfill it, then SET NOT NULL (through a validated CHECK).", ruleNotNullNoDefault},
	{"rename-column", Warning, "", "renaming a column breaks the application versions still running that use the old name; " +
		"add the new column, write both, then drop the old one.", ruleRename("column")},
	{"rename-table", Warning, "", "renaming a table breaks the application versions still running that use the old name; " +
		"leave a view under the old name while they run.", ruleRename("table")},
	{"drop-column", Danger, render.HazardDataLoss, "dropping a column loses its values, and breaks application versions still running that use it; " +
		"stop using it first and drop it in a later release.", ruleDropColumn},
	{"drop-table", Danger, render.HazardDataLoss, "dropping a table loses its rows, and breaks application versions still running that use it.", ruleDropTable},
	{"enum-value-used-in-transaction", Danger, render.HazardNonTransactional, "a value that ALTER TYPE … ADD VALUE adds cannot be used in the transaction that adds it " +
		"(unsafe use of new value); add it in its own transaction first.", ruleEnumValueUse},
	{"lock-timeout", Warning, render.HazardExclusiveLock, "a statement that takes a strong lock on an existing table without SET lock_timeout first waits behind " +
		"long transactions and blocks every query queued behind it; SET lock_timeout (e.g. '2s') before it " +
		"(retort's own revisions need not: its runner sets it).", ruleLockTimeout},
	{"vacuum-full", Danger, render.HazardTableRewrite, "VACUUM FULL rewrites the table under an ACCESS EXCLUSIVE lock; use plain VACUUM, or pg_repack.", ruleVacuumFull},
	{"cluster", Danger, render.HazardTableRewrite, "CLUSTER rewrites the table under an ACCESS EXCLUSIVE lock; use pg_repack.", ruleCluster},
	{"reindex-concurrently", Danger, render.HazardIndexBuild, "REINDEX without CONCURRENTLY blocks the table's writes (and reads that use the index) while it builds; " +
		"use REINDEX … CONCURRENTLY.", ruleReindex},
	{"truncate", Danger, render.HazardDataLoss, "TRUNCATE deletes every row, under an ACCESS EXCLUSIVE lock.", ruleTruncate},
	{"prefer-bigint-key", Info, "", "an int or serial primary key runs out at 2^31; use bigint (or bigint GENERATED … AS IDENTITY).", rulePKInt},
	{"prefer-timestamptz", Info, "", "timestamp without time zone stores a wall-clock time whose meaning depends on the writer's zone; use timestamptz.", ruleTimestamp},
	{"prefer-text", Info, "", "varchar(n) where text fits: the length limit is a constraint, and raising it later is a schema change; use text (with a CHECK if the limit matters).", ruleVarchar},
}

// RuleByID returns the rule with the id.
func RuleByID(id string) (Rule, bool) {
	if id == parseRule.ID {
		return parseRule, true
	}
	for _, r := range Rules {
		if r.ID == id {
			return r, true
		}
	}
	return Rule{}, false
}

func one(cond bool, msg string) []string {
	if cond {
		return []string{msg}
	}
	return nil
}

func ruleCreateIndex(c *ctx) []string {
	s := c.s
	return one(s.Kind == "IndexStmt" && !s.Concurrently && !c.isNew(s.Table),
		"CREATE INDEX on "+s.Table.String()+" without CONCURRENTLY blocks its writes while the index builds")
}

func ruleDropIndex(c *ctx) []string {
	s := c.s
	if s.Drop == nil || s.Drop.Object != "index" || s.Concurrently {
		return nil
	}
	return []string{"DROP INDEX " + names(s.Drop.Names) + " without CONCURRENTLY locks its table ACCESS EXCLUSIVE"}
}

func names(ns []sqlddl.Name) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = n.String()
	}
	return strings.Join(parts, ", ")
}

// existingAlters returns the ALTER TABLE subcommands of a statement on a
// table that exists before the revision.
func existingAlters(c *ctx) []sqlddl.AlterSummary {
	if c.s.Kind != "AlterTableStmt" || c.isNew(c.s.Table) {
		return nil
	}
	return c.s.Alters
}

// ruleNotValid flags constraints of type typ ("check" or "foreign-key")
// added without NOT VALID to a table that exists.
func ruleNotValid(typ string) func(c *ctx) []string {
	return func(c *ctx) []string {
		var out []string
		for _, a := range existingAlters(c) {
			if a.Action != "add-constraint" || a.Constraint == nil || a.Constraint.NotValid || a.Constraint.Type != typ {
				continue
			}
			out = append(out, "adding "+strings.ToUpper(strings.ReplaceAll(a.Constraint.Type, "-", " "))+" "+a.Constraint.Name+
				" without NOT VALID scans "+c.s.Table.String()+" while it blocks writes")
		}
		return out
	}
}

func ruleUniqueIndex(c *ctx) []string {
	var out []string
	for _, a := range existingAlters(c) {
		if a.Action != "add-constraint" || a.Constraint == nil || a.Constraint.UsingIndex {
			continue
		}
		if t := a.Constraint.Type; t == "primary-key" || t == "unique" {
			out = append(out, "adding "+strings.ToUpper(strings.ReplaceAll(t, "-", " "))+" to "+c.s.Table.String()+
				" builds its index under an ACCESS EXCLUSIVE lock; build it CONCURRENTLY and add the constraint USING INDEX")
		}
	}
	return out
}

func ruleSetNotNull(c *ctx) []string {
	var out []string
	for _, a := range existingAlters(c) {
		if a.Action == "set-not-null" && !c.notNullCovered(a.Column) {
			out = append(out, "SET NOT NULL on "+c.s.Table.String()+"."+a.Column+" scans the table under an ACCESS EXCLUSIVE lock")
		}
	}
	return out
}

// notNullCovered reports whether a valid CHECK (col IS NOT NULL) that the
// revision added covers col of the statement's table, so that SET NOT NULL
// needs no scan. A DROP CONSTRAINT in the same statement runs before the
// SET NOT NULL, so the constraint it drops covers nothing.
func (c *ctx) notNullCovered(col string) bool {
	for name, chk := range c.notNull[tableKey(c.s.Table)] {
		if !chk.valid || chk.col != col {
			continue
		}
		dropped := slices.ContainsFunc(c.s.Alters, func(a sqlddl.AlterSummary) bool {
			return a.Action == "drop-constraint" && a.Name == name
		})
		if !dropped {
			return true
		}
	}
	return false
}

// isPK reports whether column col of the statement's table is part of its
// primary key, as far as the linted revisions say.
func (c *ctx) isPK(col string) bool {
	return slices.ContainsFunc(c.pk[tableKey(c.s.Table)], func(k string) bool { return strings.EqualFold(k, col) })
}

func ruleTypeChange(c *ctx) []string {
	var out []string
	for _, a := range existingAlters(c) {
		if a.Action == "alter-type" && !c.isPK(a.Column) {
			out = append(out, "changing the type of "+c.s.Table.String()+"."+a.Column+" to "+a.Type.Text+
				" may rewrite the table under an ACCESS EXCLUSIVE lock")
		}
	}
	return out
}

func rulePKTypeChange(c *ctx) []string {
	var out []string
	for _, a := range existingAlters(c) {
		if a.Action == "alter-type" && c.isPK(a.Column) {
			out = append(out, "changing the type of primary key column "+c.s.Table.String()+"."+a.Column+" to "+a.Type.Text+
				" rewrites the table and rebuilds its key and the foreign keys that reference it")
		}
	}
	return out
}

// volatileFuncs are the common volatile functions a default calls; a
// default with one of them cannot be stored in the catalog once and
// rewrites the table instead.
var volatileFuncs = []string{"random", "clock_timestamp", "timeofday", "gen_random_uuid", "uuid_generate_v1",
	"uuid_generate_v1mc", "uuid_generate_v4", "nextval", "txid_current", "statement_timestamp", "setseed"}

// serialTypes add a column whose default is nextval().
var serialTypes = []string{"serial", "serial4", "bigserial", "serial8", "smallserial", "serial2"}

func ruleVolatileDefault(c *ctx) []string {
	var out []string
	for _, a := range existingAlters(c) {
		if a.Action != "add-column" || a.Added == nil {
			continue
		}
		col := a.Added
		var why string
		for _, f := range col.DefaultFuncs {
			if slices.Contains(volatileFuncs, f) {
				why = "its default calls " + f + "()"
				break
			}
		}
		switch {
		case why != "":
		case slices.Contains(serialTypes, col.Type.Name):
			why = "its type " + col.Type.Name + " fills it from a sequence"
		case col.Identity:
			why = "it is an identity column"
		case col.Generated:
			why = "it is a stored generated column"
		default:
			continue
		}
		out = append(out, "adding "+c.s.Table.String()+"."+col.Name+" rewrites the table under an ACCESS EXCLUSIVE lock: "+why)
	}
	return out
}

func ruleNotNullNoDefault(c *ctx) []string {
	var out []string
	for _, a := range existingAlters(c) {
		if a.Action != "add-column" || a.Added == nil {
			continue
		}
		col := a.Added
		if col.NotNull && !col.HasDefault && !col.Identity && !col.Generated && !slices.Contains(serialTypes, col.Type.Name) {
			out = append(out, "adding "+c.s.Table.String()+"."+col.Name+" NOT NULL without a default fails if the table has rows")
		}
	}
	return out
}

func ruleRename(object string) func(c *ctx) []string {
	return func(c *ctx) []string {
		r := c.s.Rename
		if r == nil || r.Object != object || c.isNew(c.s.Table) {
			return nil
		}
		what := c.s.Table.String()
		if object == "column" {
			what += "." + r.From
		}
		return []string{"renaming " + object + " " + what + " to " + r.NewName + " breaks application versions still running that use the old name"}
	}
}

func ruleDropColumn(c *ctx) []string {
	var out []string
	for _, a := range existingAlters(c) {
		if a.Action == "drop-column" {
			out = append(out, "dropping "+c.s.Table.String()+"."+a.Column+" loses its values and breaks application versions still running that use it")
		}
	}
	return out
}

func ruleDropTable(c *ctx) []string {
	s := c.s
	if s.Drop == nil || s.Drop.Object != "table" {
		return nil
	}
	var kept []sqlddl.Name
	for _, n := range s.Drop.Names {
		if !c.isNew(n) {
			kept = append(kept, n)
		}
	}
	return one(len(kept) > 0, "dropping table "+names(kept)+" loses its rows and breaks application versions still running that use it")
}

func ruleEnumValueUse(c *ctx) []string {
	if !c.inTx || c.s.EnumValue != "" {
		return nil
	}
	var out []string
	for _, v := range c.pending {
		if slices.Contains(c.s.Strings, v) {
			out = append(out, "uses the enum value '"+v+"' added earlier in the same transaction, which fails (unsafe use of new value)")
		}
	}
	return out
}

func ruleLockTimeout(c *ctx) []string {
	if c.lockTimeout || c.lockReported {
		return nil
	}
	s := c.s
	var table sqlddl.Name
	switch {
	case s.Kind == "AlterTableStmt", s.Kind == "ClusterStmt", s.Kind == "CreateTrigStmt",
		s.Kind == "IndexStmt" && !s.Concurrently, s.Kind == "ReindexStmt" && !s.Concurrently, s.VacuumFull,
		s.Rename != nil && (s.Rename.Object == "table" || s.Rename.Object == "column"):
		table = s.Table
	case s.Drop != nil && (s.Drop.Object == "table" || s.Drop.Object == "index") && !s.Concurrently && len(s.Drop.Names) > 0:
		table = s.Drop.Names[0]
	case len(s.Truncated) > 0:
		table = s.Truncated[0]
	default:
		return nil
	}
	if table.Name == "" || c.isNew(table) {
		return nil
	}
	c.lockReported = true
	return []string{"this statement locks " + table.String() + " with no SET lock_timeout before it in the revision; " +
		"it can queue behind a long transaction and block every query behind it (reported once per revision)"}
}

func ruleVacuumFull(c *ctx) []string {
	return one(c.s.VacuumFull, "VACUUM FULL rewrites "+orAll(c.s.Table)+" under an ACCESS EXCLUSIVE lock")
}

func ruleCluster(c *ctx) []string {
	return one(c.s.Kind == "ClusterStmt", "CLUSTER rewrites "+orAll(c.s.Table)+" under an ACCESS EXCLUSIVE lock")
}

func ruleReindex(c *ctx) []string {
	return one(c.s.Kind == "ReindexStmt" && !c.s.Concurrently, "REINDEX without CONCURRENTLY blocks writes to "+orAll(c.s.Table)+" while it rebuilds")
}

func orAll(n sqlddl.Name) string {
	if n.Name == "" {
		return "every table it covers"
	}
	return n.String()
}

func ruleTruncate(c *ctx) []string {
	return one(len(c.s.Truncated) > 0, "TRUNCATE "+names(c.s.Truncated)+" deletes every row under an ACCESS EXCLUSIVE lock")
}

// newColumns are the columns the statement creates: CREATE TABLE's and
// ADD COLUMN's.
func newColumns(s sqlddl.Summary) []sqlddl.ColumnSummary {
	cols := slices.Clone(s.Columns)
	for _, a := range s.Alters {
		if a.Action == "add-column" && a.Added != nil {
			cols = append(cols, *a.Added)
		}
	}
	return cols
}

var smallInts = []string{"int4", "int2", "int", "integer", "smallint", "serial", "serial4", "smallserial", "serial2"}

func rulePKInt(c *ctx) []string {
	s := c.s
	var pk []string
	for _, con := range s.Constraints {
		if con.Type == "primary-key" {
			pk = append(pk, con.Columns...)
		}
	}
	for _, a := range s.Alters {
		if a.Action == "add-constraint" && a.Constraint != nil && a.Constraint.Type == "primary-key" {
			pk = append(pk, a.Constraint.Columns...)
		}
	}
	var out []string
	for _, col := range newColumns(s) {
		if (col.PrimaryKey || slices.Contains(pk, col.Name)) && !col.Type.Array && slices.Contains(smallInts, col.Type.Name) {
			out = append(out, "primary key "+s.Table.String()+"."+col.Name+" is "+col.Type.Text+"; bigint does not run out")
		}
	}
	return out
}

func ruleTimestamp(c *ctx) []string {
	var out []string
	for _, col := range newColumns(c.s) {
		if col.Type.Name == "timestamp" {
			out = append(out, c.s.Table.String()+"."+col.Name+" is timestamp without time zone; timestamptz keeps the instant")
		}
	}
	for _, a := range existingAlters(c) {
		if a.Action == "alter-type" && a.Type.Name == "timestamp" {
			out = append(out, c.s.Table.String()+"."+a.Column+" becomes timestamp without time zone; timestamptz keeps the instant")
		}
	}
	return out
}

func ruleVarchar(c *ctx) []string {
	var out []string
	for _, col := range newColumns(c.s) {
		if col.Type.Name == "varchar" && len(col.Type.Mods) > 0 {
			out = append(out, c.s.Table.String()+"."+col.Name+" is "+col.Type.Text+"; text with a CHECK on its length is easier to change")
		}
	}
	return out
}

// notNullCheckPattern finds CHECK (col IS NOT NULL) constraints in an ALTER
// TABLE as pg_query deparses it (one layout, no redundant parentheses).
var notNullCheckPattern = regexp.MustCompile(`(?:CONSTRAINT (` + identPattern + `) )?CHECK \((` + identPattern + `) IS NOT NULL\)( NOT VALID)?`)

const identPattern = `"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*`

// unquoteIdent reads an identifier as the deparser writes it.
func unquoteIdent(s string) string {
	if len(s) >= 2 && s[0] == '"' {
		return strings.ReplaceAll(s[1:len(s)-1], `""`, `"`)
	}
	return s
}

// learnNotNull records the CHECK (col IS NOT NULL) constraints a statement
// adds, validates or drops.
func (st *state) learnNotNull(c *ctx) {
	s := c.s
	if s.Kind != "AlterTableStmt" {
		return
	}
	key := tableKey(s.Table)
	checks := st.notNull[key]
	if checks == nil {
		checks = map[string]notNullCheck{}
		st.notNull[key] = checks
	}
	for _, a := range s.Alters {
		switch a.Action {
		case "drop-constraint":
			delete(checks, a.Name)
		case "validate-constraint":
			if chk, ok := checks[a.Name]; ok {
				chk.valid = true
				checks[a.Name] = chk
			}
		}
	}
	if !slices.ContainsFunc(s.Alters, func(a sqlddl.AlterSummary) bool {
		return a.Action == "add-constraint" && a.Constraint != nil && a.Constraint.Type == "check"
	}) {
		return
	}
	text, err := sqlddl.Canonical(c.text)
	if err != nil {
		return
	}
	for _, m := range notNullCheckPattern.FindAllStringSubmatch(text, -1) {
		col := unquoteIdent(m[2])
		name := unquoteIdent(m[1])
		if m[1] == "" {
			// PostgreSQL's own name for an unnamed check: table_column_check.
			name = s.Table.Name + "_" + col + "_check"
		}
		checks[name] = notNullCheck{col: col, valid: m[3] == ""}
	}
}
