package acceptance

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/retortdb/retort/internal/devdb/devdbtest"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render"
	"github.com/retortdb/retort/source"
)

// planRoundTrip is the proof every migration plan must pass on a real
// server: build FROM and TO, plan FROM→TO, apply up on FROM and find TO,
// plan again and find nothing, apply down and find FROM again. It returns
// the first check that failed, so that corpus runners can count failures
// instead of stopping at the first one.
type planRoundTrip struct {
	fromSQL, toSQL string
	// columnOrderAside compares tables with their columns sorted by name:
	// an added column lands last whatever the declared order.
	columnOrderAside bool
	// anyOrder loads SQL written in any order, as a SQL source does, where
	// psql fails.
	anyOrder bool
	// online plans in online mode (render.PlanOptions.Online).
	online bool
}

// errNotLoadable marks a case whose SQL the server itself rejects.
type errNotLoadable struct{ err error }

func (e errNotLoadable) Error() string { return e.err.Error() }

func (rt planRoundTrip) run(t testing.TB) error {
	cur, err := rt.build(t, "from.sql", rt.fromSQL)
	if err != nil {
		return errNotLoadable{fmt.Errorf("from: %w", err)}
	}
	want, err := rt.build(t, "to.sql", rt.toSQL)
	if err != nil {
		return errNotLoadable{fmt.Errorf("to: %w", err)}
	}
	fromSchema, err := inspectErr(cur)
	if err != nil {
		return err
	}
	toSchema, err := inspectErr(want)
	if err != nil {
		return err
	}
	opts := render.PlanOptions{Options: render.Options{Comments: true}, Online: rt.online}
	plan, err := render.NewPlan(fromSchema, toSchema, opts)
	if err != nil {
		return fmt.Errorf("plan: %w", err)
	}
	if err := psqlTry(t, cur, "up.sql", plan.UpSQL()); err != nil {
		return fmt.Errorf("up does not apply: %w\n%s", err, render.Script(plan.Up))
	}
	after, err := inspectErr(cur)
	if err != nil {
		return err
	}
	if !rt.equal(after, toSchema) {
		return fmt.Errorf("after up the database differs from TO (- after up, + TO):\n%s\nup:\n%s", schemaDiff(rt.comparable(after), rt.comparable(toSchema)), render.Script(plan.Up))
	}
	again, err := render.NewPlan(after, toSchema, opts)
	if err != nil {
		return fmt.Errorf("second plan: %w", err)
	}
	if len(again.Up) > 0 && !rt.columnOrderAside {
		return fmt.Errorf("a second diff is not empty:\n%s", render.Script(again.Up))
	}
	if len(again.Up) > 0 && rt.columnOrderAside && !onlyColumnOrder(again) {
		return fmt.Errorf("a second diff is not empty:\n%s", render.Script(again.Up))
	}
	if err := psqlTry(t, cur, "down.sql", plan.DownSQL()); err != nil {
		return fmt.Errorf("down does not apply: %w\n%s", err, render.Script(plan.Down))
	}
	back, err := inspectErr(cur)
	if err != nil {
		return err
	}
	if !rt.equal(back, fromSchema) {
		return fmt.Errorf("after down the database differs from FROM (- after down, + FROM):\n%s\ndown:\n%s", schemaDiff(rt.comparable(back), rt.comparable(fromSchema)), render.Script(plan.Down))
	}
	return nil
}

// build makes a new database from SQL text: with psql, as its author would,
// or, for SQL written in any order, with the SQL source's loader (which is
// what retort diff --to FILE.sql does). The loader sends the statements one
// at a time as psql does, so SQL that psql loads loads the same way; only
// statements that need one written after them are retried, where psql
// would stop. It runs in this process, sparing the corpus a psql process
// per database.
func (rt planRoundTrip) build(t testing.TB, name, text string) (string, error) {
	url := devdbtest.NewDatabase(t)
	if !rt.anyOrder {
		return url, psqlTry(t, url, name, text)
	}
	return url, source.ApplySQL(context.Background(), url, name, []byte(text))
}

// onlyColumnOrder reports whether a plan's changes can all come from a
// different column order (which a diff ignores only when asked).
func onlyColumnOrder(p *render.Plan) bool {
	return len(p.Changes) == 0
}

func (rt planRoundTrip) equal(a, b *model.Schema) bool {
	return rt.comparable(a).Equal(rt.comparable(b))
}

// comparable returns a copy of s prepared for comparison.
func (rt planRoundTrip) comparable(s *model.Schema) *model.Schema {
	c := *s
	if !rt.columnOrderAside {
		return &c
	}
	c.Tables = slices.Clone(s.Tables)
	for i := range c.Tables {
		cols := slices.Clone(c.Tables[i].Columns)
		slices.SortFunc(cols, func(a, b model.Column) int { return strings.Compare(a.Name, b.Name) })
		c.Tables[i].Columns = cols
	}
	return &c
}
