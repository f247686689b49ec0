package render

import (
	"cmp"
	"errors"
	"fmt"

	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render/internal/ddl"
)

// Plan is what turns one schema into another and back.
type Plan struct {
	// Changes are the differences [diff.Compare] found between the two
	// schemas, from the source to the target.
	Changes []diff.Change
	// Up runs on the source, in this order, and yields the target.
	Up []Statement
	// Down runs on the target (after Up) and yields the source again. It is
	// a plan of its own, made from the inverse of every change, not Up's
	// text reversed.
	Down []Statement
}

// PlanOptions steer [NewPlan].
type PlanOptions struct {
	// Options choose what created objects come with (owners, privileges,
	// comments), as in [CreateStatements]. Comments should normally be
	// set: a comment that changed is otherwise left as it was.
	Options
	// Diff is passed to [diff.Compare]: rename hints, and whether owners
	// and privileges are compared.
	Diff diff.Options
	// Online renders the changes to tables that exist before the plan so
	// that no statement blocks their writes for longer than a catalog
	// update: indexes built and dropped CONCURRENTLY, constraints added NOT
	// VALID and validated in a transaction of their own, SET NOT NULL
	// through a validated CHECK (see docs/online.md).
	Online bool
}

// NewPlan compares from and to, which must both be normalized, and renders
// the statements of both directions, each ordered by [Order].
//
// Created objects are written by the same code as [CreateStatements], from
// the schema that has them; dropped objects are dropped after everything
// that depends on them, and views, triggers, foreign keys and the like that
// depend on an object the plan drops, rebuilds or retypes are dropped first
// and created again afterwards. Every statement that may lose data, rewrite
// or lock a table, build an index or not run in a transaction carries a
// [Hazard].
func NewPlan(from, to *model.Schema, opts PlanOptions) (*Plan, error) {
	if from == nil || to == nil {
		return nil, errors.New("render: plan: nil schema")
	}
	changes, err := diff.Compare(from, to, opts.Diff)
	if err != nil {
		return nil, fmt.Errorf("render: plan: %w", err)
	}
	// Both directions run on the source's server.
	major := cmp.Or(from.ServerMajor, to.ServerMajor)
	up, err := planStatements(from, to, changes, opts.Options, planEnv{major: major, sizes: renamedSizes(from.TableSizes, changes), online: opts.Online})
	if err != nil {
		return nil, fmt.Errorf("render: plan up: %w", err)
	}
	down, err := planStatements(to, from, diff.Invert(changes), opts.Options, planEnv{major: major, sizes: from.TableSizes, online: opts.Online})
	if err != nil {
		return nil, fmt.Errorf("render: plan down: %w", err)
	}
	// Down runs on the database up made, whose tables hold the rows they
	// held before: the source's estimates serve both directions.
	ddl.RateHazards(up)
	ddl.RateHazards(down)
	sizeLocks(up, from.TableSizes)
	sizeLocks(down, from.TableSizes)
	if opts.Online {
		noOnlineForm(up)
		noOnlineForm(down)
	}
	return &Plan{Changes: changes, Up: up, Down: down}, nil
}

// Hazards returns every hazard of the plan's Up statements, in order.
func (p *Plan) Hazards() []Hazard {
	var out []Hazard
	for _, st := range p.Up {
		out = append(out, st.Hazards...)
	}
	return out
}

// UpSQL returns the up script: the session settings that [SchemaSQL]
// starts with (every name qualified, function bodies not checked until they
// run, no timeouts), then [Script] of the Up statements. It is empty when
// the plan is.
func (p *Plan) UpSQL() string { return planScript(p.Up) }

// DownSQL returns the down script, as [Plan.UpSQL] does the up one.
func (p *Plan) DownSQL() string { return planScript(p.Down) }

func planScript(stmts []Statement) string {
	if len(stmts) == 0 {
		return ""
	}
	return scriptHeader + "\n" + Script(stmts)
}

// planEnv is what one direction of a plan is rendered for.
type planEnv struct {
	major int // the major version of the server the plan runs on; 0 if unknown
	// sizes are the source database's estimates by the names tables have in
	// the target (nil: unknown).
	sizes  map[model.QName]model.TableSize
	online bool // render the online forms (see [PlanOptions.Online])
}

// planStatements renders changes that turn old into new, and orders them.
func planStatements(old, new *model.Schema, changes []diff.Change, opts Options, env planEnv) ([]Statement, error) {
	if len(changes) == 0 {
		return nil, nil
	}
	opts.Partial = true
	p := newPlanner(old, new, opts)
	p.major = env.major
	p.sizes = env.sizes
	p.online = env.online
	changes = p.prepare(changes)
	for _, c := range changes {
		p.render(c)
	}
	p.notNullForms(changes)
	p.finish()
	if err := p.b.Err(); err != nil {
		return nil, err
	}
	stmts, err := p.b.BreakCycles()
	if err != nil {
		return nil, err
	}
	return Order(stmts)
}

// planner renders the changes of one direction of a plan. Its builder works
// on the schema the plan yields: created objects come from there, written
// by the same code as a whole schema's; every other statement is added to
// the same builder, so that one [Order] sorts them all.
type planner struct {
	old, new *model.Schema
	opts     Options
	major    int          // the major version of the server the plan runs on; 0 if unknown
	b        *ddl.Builder // on new; holds every statement of the plan
	oi, ni   *lookup      // the objects of old and new, by name
	// sizes are the source database's table size estimates, by the names
	// the tables have in new; nil when the source gave none.
	sizes map[model.QName]model.TableSize
	// online renders changes to tables that exist before the plan in their
	// online forms (plan_online.go).
	online bool

	// dependents maps an object of old to the objects of old that need it.
	dependents map[ddl.RefKey][]model.ObjectRef
	// dropped holds what the plan drops, parts of dropped tables included.
	dropped map[ddl.RefKey]bool
	// droppers maps a dropped object to the statement that drops it.
	droppers map[ddl.RefKey]int
	// aliases are drops that another drop makes needless: the parent's
	// statement provides the alias's tokens.
	aliases []alias
	// renamed maps the new name of each table the plan renames to its old
	// name.
	renamed map[model.QName]model.QName
	// retyped holds, per table, the columns whose type the plan changes.
	retyped map[model.QName]map[string]bool
	// resetDefaults are columns whose default is dropped before, and set
	// again after, an object it uses is rebuilt.
	resetDefaults map[model.QName]map[string]bool
	// resetDomains are domains whose checks and default use a routine the
	// plan drops: they are dropped first and added again afterwards.
	resetDomains map[model.QName]bool
	// rebuilt are types rebuilt under a temporary name (enums whose labels
	// cannot be added in place, and the domains and composite types over
	// a rebuilt type or a redefined collation).
	rebuilt map[model.QName]bool
	// redefined are collations rebuilt under a temporary name: their
	// definition changes while columns, domains or types use them.
	redefined map[model.QName]bool
	// created holds the key of every object a change of the plan creates.
	created map[ddl.RefKey]bool
	// tableOps holds the operation of every table change, by table name.
	tableOps map[model.QName]diff.Op
	// columnOps holds the column changes by table and column.
	columnOps map[model.QName]map[string]*diff.ColumnChange
}

type alias struct {
	parent ddl.RefKey
	tokens []ddl.Token
}

func newPlanner(old, new *model.Schema, opts Options) *planner {
	p := &planner{
		old: old, new: new, opts: opts,
		b:             ddl.NewBuilder(new, opts),
		oi:            newLookup(old),
		ni:            newLookup(new),
		dropped:       map[ddl.RefKey]bool{},
		droppers:      map[ddl.RefKey]int{},
		renamed:       map[model.QName]model.QName{},
		retyped:       map[model.QName]map[string]bool{},
		resetDefaults: map[model.QName]map[string]bool{},
		rebuilt:       map[model.QName]bool{},
		redefined:     map[model.QName]bool{},
		resetDomains:  map[model.QName]bool{},
		created:       map[ddl.RefKey]bool{},
		tableOps:      map[model.QName]diff.Op{},
		columnOps:     map[model.QName]map[string]*diff.ColumnChange{},
	}
	p.dependents = dependentsOf(old, p.oi)
	return p
}

// add records a statement of the plan that can run in a transaction block.
func (p *planner) add(st Statement) int {
	st.Transactional = true
	return p.addStmt(st)
}

// addStmt records a statement as it is; it returns its index, or -1 when
// its ID is taken.
func (p *planner) addStmt(st Statement) int { return p.b.Append(st) }

// built runs fn, which adds statements through the builder, and returns
// the indexes of the statements it added.
func (p *planner) built(fn func()) []int {
	start := p.b.Len()
	fn()
	var out []int
	for i := start; i < p.b.Len(); i++ {
		out = append(out, i)
	}
	return out
}

// dropStmt is what drop needs to write a DROP statement.
type dropStmt struct {
	ref model.ObjectRef
	// kindPrio is the create priority of the kind, which orders drops in
	// reverse (see dropID).
	kindPrio int
	sql      string
	// parts are dropped along with the object: a table's columns,
	// constraints, indexes, triggers and owned sequences.
	parts   []model.ObjectRef
	hazards []Hazard
	// requires and waits are extra requirements: objects and tokens.
	requires []model.ObjectRef
	waits    []ddl.Token
}

// drop adds a DROP statement. It provides the object's (and its parts')
// released and free tokens, and requires the released token of every
// object of the source that depends on it or on its parts, so that it
// comes after they are dropped or changed.
func (p *planner) drop(d dropStmt) int {
	all := append([]model.ObjectRef{d.ref}, d.parts...)
	own := map[ddl.RefKey]bool{}
	for _, r := range all {
		own[ddl.KeyOf(r)] = true
	}
	var provides, waits []ddl.Token
	for _, r := range all {
		provides = append(provides, released(r), freed(r))
		for _, dep := range p.dependents[ddl.KeyOf(r)] {
			if !own[ddl.KeyOf(dep)] {
				waits = append(waits, released(dep))
			}
		}
	}
	i := p.add(Statement{
		ID:         ddl.DropID(d.kindPrio, refID(d.ref)),
		Priority:   ddl.DropPrio,
		SQL:        d.sql,
		Hazards:    d.hazards,
		Requires:   d.requires,
		ProvTokens: provides,
		ReqTokens:  append(waits, d.waits...),
	})
	if i >= 0 {
		for _, r := range all {
			p.droppers[ddl.KeyOf(r)] = i
		}
	}
	return i
}

// aliasDrop records that dropping parent drops the object too; the
// statement that drops parent provides the object's tokens.
func (p *planner) aliasDrop(parent model.ObjectRef, objs ...model.ObjectRef) {
	var tokens []ddl.Token
	for _, r := range objs {
		tokens = append(tokens, released(r), freed(r))
	}
	p.aliases = append(p.aliases, alias{parent: ddl.KeyOf(parent), tokens: tokens})
}

// finish resolves aliases and makes every statement that provides an
// object wait for the statement that frees its name, if the plan drops or
// renames an object of that name.
func (p *planner) finish() {
	for _, a := range p.aliases {
		if i, ok := p.droppers[a.parent]; ok {
			st := p.b.Stmt(i)
			st.ProvTokens = append(st.ProvTokens, a.tokens...)
		}
	}
	for i := range p.b.Len() {
		st := p.b.Stmt(i)
		for _, r := range st.Provides {
			if t := freed(r); !st.ProvidesToken(t) {
				st.ReqTokens = append(st.ReqTokens, t)
			}
		}
	}
	p.b.DropRemoved()
	p.droppers = nil
}

// remove marks a statement to be left out of the plan.
func (p *planner) remove(i int) {
	p.b.Stmt(i).Removed = true
}

func released(r model.ObjectRef) ddl.Token { return ddl.TokenOf(ddl.TokReleased, r) }
func freed(r model.ObjectRef) ddl.Token    { return ddl.TokenOf(ddl.TokFree, r) }

// nameRef is provided by the statement that gives a table its name, when
// the plan renames it; the table's ALTER statements wait for it.
func nameRef(q model.QName) ddl.Token { return ddl.TokenOf(ddl.TokRenamed, ddl.TableRef(q)) }

// detachedRef is provided by the statement that detaches a partition;
// dropping its indexes that were attached to the parent's waits for it.
func detachedRef(q model.QName) ddl.Token { return ddl.TokenOf(ddl.TokDetached, ddl.TableRef(q)) }

// builtRef is provided by the statement that builds an index or key of a
// partition, before it is attached to its parent's: a table's ATTACH
// PARTITION waits for it, so that it attaches the index instead of building
// a copy.
func builtRef(r model.ObjectRef) ddl.Token { return ddl.TokenOf(ddl.TokBuilt, r) }

func colRef(t model.QName, name string) model.ObjectRef {
	return model.ObjectRef{Kind: diff.KindColumn, Schema: t.Schema, Table: t.Name, Name: name}
}

func childRef(kind model.ObjectKind, t model.QName, name string) model.ObjectRef {
	return model.ObjectRef{Kind: kind, Schema: t.Schema, Table: t.Name, Name: name}
}

func typeRefOf(q model.QName) model.ObjectRef {
	return model.ObjectRef{Kind: model.KindType, Schema: q.Schema, Name: q.Name}
}

func seqRef(q model.QName) model.ObjectRef {
	return model.ObjectRef{Kind: model.KindSequence, Schema: q.Schema, Name: q.Name}
}

// refID names an object in a statement ID, quoted as in SQL so that IDs
// are unique.
func refID(r model.ObjectRef) string {
	s := string(r.Kind) + " "
	if r.Table != "" {
		s += ddl.QNameSQL(model.QName{Schema: r.Schema, Name: r.Table}) + " " + sqlq.QuoteIdent(r.Name)
	} else {
		s += ddl.QNameSQL(model.QName{Schema: r.Schema, Name: r.Name})
	}
	if r.Args != "" || r.Kind == model.KindFunction || r.Kind == model.KindAggregate {
		s += "(" + r.Args + ")"
	}
	return s
}
