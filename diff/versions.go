package diff

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/retortdb/retort/internal/sqltext"
	"github.com/retortdb/retort/model"
)

// ServerTooOldError is the error of [Compare] when the target schema uses a
// feature that the server the source was read from (the one the plan runs
// on) does not have: such a plan could only fail half-way.
type ServerTooOldError struct {
	// Major is the source's server major version.
	Major int
	// Needs lists what needs a newer server, oldest requirement first.
	Needs []Requirement
}

// Requirement is one object's use of a feature that came in a major version.
type Requirement struct {
	Major   int    // the first major that has the feature
	Object  string // e.g. "index public.users_email_key"
	Feature string // e.g. "NULLS NOT DISTINCT"
}

func (e *ServerTooOldError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "the plan needs a newer PostgreSQL than the database's %d:", e.Major)
	for _, r := range e.Needs {
		fmt.Fprintf(&b, "\n  %s: %s needs PostgreSQL %d", r.Object, r.Feature, r.Major)
	}
	return b.String()
}

// checkServer returns a *ServerTooOldError when a change creates or alters
// an object into a form that a server of major (0: unknown) cannot hold.
// Only the target side matters: what the source has, its server has.
func checkServer(changes []Change, major int) error {
	if major == 0 {
		return nil
	}
	var needs []Requirement
	add := func(min int, object, feature string) {
		if min > major {
			needs = append(needs, Requirement{Major: min, Object: object, Feature: feature})
		}
	}
	for _, ch := range changes {
		switch c := ch.(type) {
		case *TableChange:
			if c.To != nil {
				tableNeeds(c.To, add)
			}
		case *ColumnChange:
			if c.To != nil {
				columnNeeds(c.Table, c.To, add)
			}
		case *IndexChange:
			if c.To != nil {
				indexNeeds(c.Table, c.To, add)
			}
		case *ConstraintChange:
			if c.To != nil {
				constraintNeeds(c.Table, c.To, add)
			}
		case *ObjectChange[model.Sequence]:
			if c.To != nil && c.To.Unlogged {
				add(15, "sequence "+c.To.QName.String(), "UNLOGGED")
			}
		case *ObjectChange[model.View]:
			if c.To != nil {
				for _, o := range c.To.Options {
					if strings.HasPrefix(o, "security_invoker=") {
						add(15, "view "+c.To.QName.String(), "security_invoker")
					}
				}
			}
		case *ObjectChange[model.Function]:
			if c.To != nil && sqlStandardBody(c.To.Definition) {
				add(14, "function "+c.To.Key().String(), "a SQL-standard body (BEGIN ATOMIC or RETURN)")
			}
		case *ObjectChange[model.Statistics]:
			if c.To != nil && statisticsOnExpressions(c.To.Definition) {
				add(14, "statistics "+c.To.QName.String(), "statistics on expressions")
			}
		}
	}
	if len(needs) == 0 {
		return nil
	}
	slices.SortStableFunc(needs, func(a, b Requirement) int { return b.Major - a.Major })
	return &ServerTooOldError{Major: major, Needs: needs}
}

type needFunc func(min int, object, feature string)

func tableNeeds(t *model.Table, add needFunc) {
	for i := range t.Columns {
		columnNeeds(t.QName, &t.Columns[i], add)
	}
	for i := range t.Constraints {
		constraintNeeds(t.QName, &t.Constraints[i], add)
	}
	for i := range t.Indexes {
		indexNeeds(t.QName, &t.Indexes[i], add)
	}
}

func columnNeeds(table model.QName, c *model.Column, add needFunc) {
	obj := "column " + table.String() + "." + c.Name
	if c.Compression != "" {
		add(14, obj, "COMPRESSION")
	}
	if c.Generated != "" && c.GeneratedKind == "v" {
		add(18, obj, "a VIRTUAL generated column")
	}
	if c.NotNull {
		// Before 18 NOT NULL is no constraint: it has no name, and is
		// neither NOT VALID nor NO INHERIT.
		switch {
		case c.NotNullNotValid:
			add(18, obj, "a NOT VALID NOT NULL constraint")
		case c.NotNullNoInherit:
			add(18, obj, "a NO INHERIT NOT NULL constraint")
		case c.NotNullName != "":
			add(18, obj, "a named NOT NULL constraint ("+c.NotNullName+")")
		}
	}
}

func indexNeeds(table model.QName, ix *model.Index, add needFunc) {
	if ix.NullsNotDistinct {
		add(15, "index "+model.QName{Schema: table.Schema, Name: ix.Name}.String(), "NULLS NOT DISTINCT")
	}
}

func constraintNeeds(table model.QName, c *model.Constraint, add needFunc) {
	if strings.Contains(c.Definition, "NULLS NOT DISTINCT") {
		add(15, "constraint "+c.Name+" on "+table.String(), "NULLS NOT DISTINCT")
	}
}

// sqlBodyRE finds the SQL-standard body of pg_get_functiondef's text: a
// line that starts BEGIN ATOMIC or RETURN where a quoted body would be
// introduced by AS.
var sqlBodyRE = regexp.MustCompile(`(?m)^(BEGIN ATOMIC|RETURN )`)

func sqlStandardBody(def string) bool {
	return sqlBodyRE.MatchString(def) && !strings.Contains(def, "\n AS ")
}

// statisticsOnExpressions reports whether a CREATE STATISTICS, as
// pg_get_statisticsobjdef prints it, lists an expression, which PostgreSQL
// prints in parentheses among the columns after ON: PostgreSQL 14 added
// them.
func statisticsOnExpressions(def string) bool {
	i := sqltext.IndexUnquoted(def, " ON ")
	if i < 0 {
		return false
	}
	for _, item := range sqltext.SplitTop(def[i+len(" ON "):], ',') {
		if strings.HasPrefix(strings.TrimSpace(item), "(") {
			return true
		}
	}
	return false
}
