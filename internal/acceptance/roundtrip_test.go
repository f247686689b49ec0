package acceptance

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/retortdb/retort/internal/devdb/devdbtest"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render"
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
}

// errNotLoadable marks a case whose SQL the server itself rejects.
type errNotLoadable struct{ err error }

func (e errNotLoadable) Error() string { return e.err.Error() }

func (rt planRoundTrip) run(t testing.TB) error {
	cur := devdbtest.NewDatabase(t)
	want := devdbtest.NewDatabase(t)
	if err := psqlTry(t, cur, "from.sql", rt.fromSQL); err != nil {
		return errNotLoadable{fmt.Errorf("from: %w", err)}
	}
	if err := psqlTry(t, want, "to.sql", rt.toSQL); err != nil {
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
	plan, err := render.NewPlan(fromSchema, toSchema, render.PlanOptions{Options: render.Options{Comments: true}})
	if err != nil {
		return fmt.Errorf("plan: %w", err)
	}
	if err := psqlTry(t, cur, "up.sql", render.Script(plan.Up)); err != nil {
		return fmt.Errorf("up does not apply: %w\n%s", err, render.Script(plan.Up))
	}
	after, err := inspectErr(cur)
	if err != nil {
		return err
	}
	if !rt.equal(after, toSchema) {
		return fmt.Errorf("after up the database differs from TO (- after up, + TO):\n%s\nup:\n%s", schemaDiff(rt.comparable(after), rt.comparable(toSchema)), render.Script(plan.Up))
	}
	again, err := render.NewPlan(after, toSchema, render.PlanOptions{Options: render.Options{Comments: true}})
	if err != nil {
		return fmt.Errorf("second plan: %w", err)
	}
	if len(again.Up) > 0 && !rt.columnOrderAside {
		return fmt.Errorf("a second diff is not empty:\n%s", render.Script(again.Up))
	}
	if len(again.Up) > 0 && rt.columnOrderAside && !onlyColumnOrder(again) {
		return fmt.Errorf("a second diff is not empty:\n%s", render.Script(again.Up))
	}
	if err := psqlTry(t, cur, "down.sql", render.Script(plan.Down)); err != nil {
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
