package fixpoint

import (
	"context"
	"reflect"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
)

// Each kind of expression is re-applied where it lives, and read back with
// the pg_get_* function introspect reads it with. Expressions that would be
// evaluated on the rows of a table (CHECK, index, generated column) are
// re-applied to an empty temporary copy of it (CREATE TEMP TABLE … (LIKE
// …)): column references print the same, and no function of the declared
// schema runs on its rows as the probe's superuser. The others (defaults,
// views, policies, trigger WHEN, domain constraints added NOT VALID) are
// never evaluated when they are created.

// tmp names what a respell creates; everything is rolled back after it.
const tmp = "retort_fixpoint"

// candidateOf returns the candidate for a change whose two objects differ
// only in expression texts. In every change From is the other schema's
// object and To the declared one.
func candidateOf(ch diff.Change) (candidate, bool) {
	switch c := ch.(type) {
	case *diff.ColumnChange:
		return columnCandidate(c.Table, c.From, c.To)
	case *diff.ConstraintChange:
		return checkCandidate(c.Table, c.From, c.To)
	case *diff.IndexChange:
		return indexCandidate(c.Table, c.From, c.To)
	case *diff.ObjectChange[model.View]:
		return viewCandidate(c.From, c.To)
	case *diff.ObjectChange[model.Policy]:
		return policyCandidate(c.From, c.To)
	case *diff.ObjectChange[model.Trigger]:
		return triggerCandidate(c.From, c.To)
	case *diff.ObjectChange[model.Domain]:
		return domainCandidate(c.From, c.To)
	}
	return candidate{}, false
}

// sameBut reports whether a and b are equal once blank has cleared their
// expression texts and what does not bear on them.
func sameBut[T any](a, b T, blank func(*T)) bool {
	blank(&a)
	blank(&b)
	return reflect.DeepEqual(a, b)
}

func columnCandidate(table model.QName, other, declared *model.Column) (candidate, bool) {
	if other == nil || declared == nil || !sameBut(*other, *declared, func(c *model.Column) {
		c.Default, c.Generated, c.Deps, c.Comment, c.Grants = "", "", nil, "", nil
	}) {
		return candidate{}, false
	}
	var texts []text
	if other.Default != "" && declared.Default != "" {
		texts = append(texts, text{declared.Default, other.Default, columnDefault(table, declared.Name)})
	} else if other.Default != declared.Default {
		return candidate{}, false
	}
	if other.Generated != "" && declared.Generated != "" {
		texts = append(texts, text{declared.Generated, other.Generated, generated(table, declared.Type, declared.GeneratedKind)})
	} else if other.Generated != declared.Generated {
		return candidate{}, false
	}
	return candidate{texts: texts, commit: func() {
		other.Default, other.Generated = declared.Default, declared.Generated
	}}, true
}

func checkCandidate(table model.QName, other, declared *model.Constraint) (candidate, bool) {
	if other == nil || declared == nil || declared.Type != model.Check || !sameBut(*other, *declared, func(c *model.Constraint) {
		c.Definition, c.Deps, c.Comment = "", nil, ""
	}) {
		return candidate{}, false
	}
	return candidate{texts: []text{{declared.Definition, other.Definition, tableCheck(table)}},
		commit: func() { other.Definition = declared.Definition }}, true
}

func indexCandidate(table model.QName, other, declared *model.Index) (candidate, bool) {
	if other == nil || declared == nil || !sameBut(*other, *declared, func(ix *model.Index) {
		ix.Definition, ix.Keys, ix.Predicate, ix.Deps, ix.Comment = "", nil, "", nil, ""
	}) {
		return candidate{}, false
	}
	// Only what follows USING is re-applied: the rest names the index
	// and its table, which the copy does not share.
	d, okd := usingPart(table, declared)
	o, oko := usingPart(table, other)
	if !okd || !oko {
		return candidate{}, false
	}
	return candidate{texts: []text{{d, o, index(table, declared.Unique)}}, commit: func() {
		other.Definition, other.Keys, other.Predicate = declared.Definition, declared.Keys, declared.Predicate
	}}, true
}

// usingPart returns what follows "USING " in pg_get_indexdef's text of ix.
func usingPart(table model.QName, ix *model.Index) (string, bool) {
	for _, only := range []string{"", "ONLY "} {
		prefix := "CREATE INDEX "
		if ix.Unique {
			prefix = "CREATE UNIQUE INDEX "
		}
		prefix += sqlq.QuoteIdent(ix.Name) + " ON " + only + sqlq.Qualified(table.Schema, table.Name) + " USING "
		if rest, ok := strings.CutPrefix(ix.Definition, prefix); ok {
			return rest, true
		}
	}
	return "", false
}

func viewCandidate(other, declared *model.View) (candidate, bool) {
	if other == nil || declared == nil || !sameBut(*other, *declared, func(v *model.View) {
		v.Definition, v.Deps, v.Comment, v.Owner, v.Grants, v.Indexes = "", nil, "", "", nil, nil
	}) {
		return candidate{}, false
	}
	return candidate{texts: []text{{declared.Definition, other.Definition, view}},
		commit: func() { other.Definition = declared.Definition }}, true
}

func policyCandidate(other, declared *model.Policy) (candidate, bool) {
	if other == nil || declared == nil || !sameBut(*other, *declared, func(p *model.Policy) {
		p.Using, p.WithCheck, p.Deps, p.Comment = "", "", nil, ""
	}) || (other.Using == "") != (declared.Using == "") || (other.WithCheck == "") != (declared.WithCheck == "") {
		return candidate{}, false
	}
	return candidate{texts: []text{
		{declared.Using, other.Using, policy(declared.Table, declared.Name, "USING", "polqual")},
		{declared.WithCheck, other.WithCheck, policy(declared.Table, declared.Name, "WITH CHECK", "polwithcheck")},
	}, commit: func() { other.Using, other.WithCheck = declared.Using, declared.WithCheck }}, true
}

func triggerCandidate(other, declared *model.Trigger) (candidate, bool) {
	if other == nil || declared == nil || !sameBut(*other, *declared, func(t *model.Trigger) {
		t.Definition, t.Deps, t.Comment = "", nil, ""
	}) {
		return candidate{}, false
	}
	return candidate{texts: []text{{declared.Definition, other.Definition, trigger(declared.Table, declared.Name)}},
		commit: func() { other.Definition = declared.Definition }}, true
}

func domainCandidate(other, declared *model.Domain) (candidate, bool) {
	if other == nil || declared == nil || len(other.Checks) != len(declared.Checks) || !sameBut(*other, *declared, func(d *model.Domain) {
		d.Default, d.Deps, d.Comment, d.Owner, d.Grants = "", nil, "", "", nil
		checks := make([]model.DomainCheck, len(d.Checks))
		for i, c := range d.Checks {
			c.Definition, c.Comment = "", ""
			checks[i] = c
		}
		d.Checks = checks
	}) || (other.Default == "") != (declared.Default == "") {
		return candidate{}, false
	}
	texts := []text{{declared.Default, other.Default, domainDefault(declared.QName)}}
	for i := range declared.Checks {
		texts = append(texts, text{declared.Checks[i].Definition, other.Checks[i].Definition,
			domainCheck(declared.QName, declared.Checks[i].NotValid)})
	}
	return candidate{texts: texts, commit: func() {
		other.Default = declared.Default
		for i := range declared.Checks {
			other.Checks[i].Definition = declared.Checks[i].Definition
		}
	}}, true
}

// copyTable creates the empty temporary copy of table that CHECKs,
// defaults, indexes and generated columns are re-applied to.
func copyTable(ctx context.Context, tx pgx.Tx, table model.QName) error {
	_, err := tx.Exec(ctx, "CREATE TEMP TABLE "+tmp+" (LIKE "+sqlq.Qualified(table.Schema, table.Name)+")")
	return err
}

// readOne reads the one text a respell's query returns.
func readOne(ctx context.Context, tx pgx.Tx, query string, args ...any) (string, error) {
	var s *string
	if err := tx.QueryRow(ctx, query, args...).Scan(&s); err != nil {
		return "", err
	}
	if s == nil {
		return "", errNoReading
	}
	return *s, nil
}

func tableCheck(table model.QName) respell {
	return func(ctx context.Context, tx pgx.Tx, def string) (string, error) {
		if err := copyTable(ctx, tx, table); err != nil {
			return "", err
		}
		if _, err := tx.Exec(ctx, "ALTER TABLE pg_temp."+tmp+" ADD CONSTRAINT "+tmp+" "+def); err != nil {
			return "", err
		}
		return readOne(ctx, tx, `SELECT pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint
WHERE conrelid = 'pg_temp.`+tmp+`'::pg_catalog.regclass AND conname = '`+tmp+`'`)
	}
}

func columnDefault(table model.QName, column string) respell {
	return func(ctx context.Context, tx pgx.Tx, expr string) (string, error) {
		if err := copyTable(ctx, tx, table); err != nil {
			return "", err
		}
		if _, err := tx.Exec(ctx, "ALTER TABLE pg_temp."+tmp+" ALTER COLUMN "+sqlq.Ident(column)+" SET DEFAULT "+expr); err != nil {
			return "", err
		}
		// As introspect prints a default: without the relation.
		return readOne(ctx, tx, `SELECT pg_catalog.pg_get_expr(d.adbin, 0) FROM pg_catalog.pg_attrdef d
JOIN pg_catalog.pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
WHERE d.adrelid = 'pg_temp.`+tmp+`'::pg_catalog.regclass AND a.attname = $1`, column)
	}
}

func generated(table model.QName, typ, kind string) respell {
	how := " STORED"
	if kind == "v" {
		how = " VIRTUAL"
	}
	return func(ctx context.Context, tx pgx.Tx, expr string) (string, error) {
		if err := copyTable(ctx, tx, table); err != nil {
			return "", err
		}
		if _, err := tx.Exec(ctx, "ALTER TABLE pg_temp."+tmp+" ADD COLUMN "+tmp+" "+typ+" GENERATED ALWAYS AS ("+expr+")"+how); err != nil {
			return "", err
		}
		return readOne(ctx, tx, `SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid) FROM pg_catalog.pg_attrdef d
JOIN pg_catalog.pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
WHERE d.adrelid = 'pg_temp.`+tmp+`'::pg_catalog.regclass AND a.attname = '`+tmp+`'`)
	}
}

func index(table model.QName, unique bool) respell {
	create := "CREATE INDEX "
	if unique {
		create = "CREATE UNIQUE INDEX "
	}
	return func(ctx context.Context, tx pgx.Tx, using string) (string, error) {
		if err := copyTable(ctx, tx, table); err != nil {
			return "", err
		}
		if _, err := tx.Exec(ctx, create+tmp+"_i ON pg_temp."+tmp+" USING "+using); err != nil {
			return "", err
		}
		def, err := readOne(ctx, tx, `SELECT pg_catalog.pg_get_indexdef('pg_temp.`+tmp+`_i'::pg_catalog.regclass)`)
		if err != nil {
			return "", err
		}
		_, rest, ok := strings.Cut(def, " USING ")
		if !ok {
			return "", errNoReading
		}
		return rest, nil
	}
}

// view re-applies a view's (or materialized view's) query as a temporary
// view's: pg_get_viewdef prints both alike.
func view(ctx context.Context, tx pgx.Tx, query string) (string, error) {
	if _, err := tx.Exec(ctx, "CREATE TEMP VIEW "+tmp+" AS "+strings.TrimSuffix(strings.TrimSpace(query), ";")); err != nil {
		return "", err
	}
	return readOne(ctx, tx, `SELECT pg_catalog.pg_get_viewdef('pg_temp.`+tmp+`'::pg_catalog.regclass)`)
}

func policy(table model.QName, name, clause, column string) respell {
	return func(ctx context.Context, tx pgx.Tx, expr string) (string, error) {
		q := sqlq.Qualified(table.Schema, table.Name)
		if _, err := tx.Exec(ctx, "ALTER POLICY "+sqlq.Ident(name)+" ON "+q+" "+clause+" ("+expr+")"); err != nil {
			return "", err
		}
		return readOne(ctx, tx, `SELECT pg_catalog.pg_get_expr(`+column+`, polrelid) FROM pg_catalog.pg_policy
WHERE polrelid = $1::pg_catalog.regclass AND polname = $2`, q, name)
	}
}

func trigger(table model.QName, name string) respell {
	return func(ctx context.Context, tx pgx.Tx, def string) (string, error) {
		// def is pg_get_triggerdef's text of this very trigger, run as one
		// statement of the extended protocol, which holds exactly one.
		if !strings.HasPrefix(def, "CREATE TRIGGER ") && !strings.HasPrefix(def, "CREATE CONSTRAINT TRIGGER ") {
			return "", errNoReading
		}
		q := sqlq.Qualified(table.Schema, table.Name)
		if _, err := tx.Exec(ctx, "DROP TRIGGER "+sqlq.Ident(name)+" ON "+q); err != nil {
			return "", err
		}
		if _, err := tx.Exec(ctx, def); err != nil {
			return "", err
		}
		return readOne(ctx, tx, `SELECT pg_catalog.pg_get_triggerdef(oid) FROM pg_catalog.pg_trigger
WHERE tgrelid = $1::pg_catalog.regclass AND tgname = $2`, q, name)
	}
}

func domainDefault(domain model.QName) respell {
	return func(ctx context.Context, tx pgx.Tx, expr string) (string, error) {
		q := sqlq.Qualified(domain.Schema, domain.Name)
		if _, err := tx.Exec(ctx, "ALTER DOMAIN "+q+" SET DEFAULT "+expr); err != nil {
			return "", err
		}
		return readOne(ctx, tx, `SELECT pg_catalog.pg_get_expr(typdefaultbin, 0) FROM pg_catalog.pg_type WHERE oid = $1::pg_catalog.regtype`, q)
	}
}

func domainCheck(domain model.QName, notValid bool) respell {
	return func(ctx context.Context, tx pgx.Tx, def string) (string, error) {
		q := sqlq.Qualified(domain.Schema, domain.Name)
		// NOT VALID, so that no column of the domain is checked: only
		// the text is wanted.
		add := " NOT VALID"
		if notValid {
			add = ""
		}
		if _, err := tx.Exec(ctx, "ALTER DOMAIN "+q+" ADD CONSTRAINT "+tmp+" "+def+add); err != nil {
			return "", err
		}
		out, err := readOne(ctx, tx, `SELECT pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint
WHERE contypid = $1::pg_catalog.regtype AND conname = '`+tmp+`'`, q)
		if err != nil {
			return "", err
		}
		if add != "" {
			out = strings.TrimSuffix(out, add)
		}
		return out, nil
	}
}
