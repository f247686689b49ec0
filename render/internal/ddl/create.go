package ddl

import (
	"cmp"
	"errors"
	"fmt"
	"slices"

	"github.com/retortdb/retort/model"
)

// Options choose what [CreateStatements] and [SchemaSQL] emit besides the
// objects themselves.
type Options struct {
	// Owners adds ALTER … OWNER TO for every object that has an owner.
	Owners bool
	// Privileges adds the grants of every object whose ACL is not
	// PostgreSQL's default.
	Privileges bool
	// Comments adds COMMENT ON for every object and part that has a
	// comment. Callers normally set it.
	Comments bool
	// Partial says the schema holds only some namespaces (it was read with
	// a schema filter), so the absence of public means nothing and public is
	// left alone.
	Partial bool
	// SearchPath is the search_path that SchemaSQL's header sets, as
	// schema names. Empty means pg_catalog alone: every name retort
	// writes is qualified. The SQL texts of a declared schema (a view's
	// query, a default, a function's body) are the user's and may name
	// objects without their schema, as a session with the usual
	// search_path (public) would read them; the declared sources set it.
	SearchPath []string
	// Secrets writes the secret options of user mappings (passwords, see
	// [model.SecretOption]). Without it a user mapping is created without
	// them, under a [HazardSecretOmitted] hazard, so that printed schemas,
	// plans and revision files hold no password.
	Secrets bool
}

// CreateStatements returns the statements that create every object of s on
// a freshly created database, which already has the schema public and the
// extension plpgsql. The statements are unordered; [Order] puts them in an
// order that runs.
//
// Dependency cycles that PostgreSQL itself allows are broken the way
// pg_dump breaks them: a view in a cycle is first created as a placeholder
// with the same columns and then replaced with its real query, and a column
// default, a table CHECK or a domain CHECK or default that closes a cycle
// through a function is set by its own ALTER statement once the function
// exists. A cycle that cannot be broken is returned as a [*CycleError].
func CreateStatements(s *model.Schema, opts Options) ([]Statement, error) {
	if s == nil {
		return nil, errors.New("render: nil schema")
	}
	b := NewBuilder(s, opts)
	b.build()
	if err := errors.Join(b.errs...); err != nil {
		return nil, err
	}
	return b.BreakCycles()
}

// Breaker rewrites one statement that is part of a dependency cycle into
// several that are not, given which objects the cycle holds. It returns nil
// when it has nothing to move out of the cycle.
type Breaker func(inCycle func(model.ObjectRef) bool) []Statement

// Builder collects the statements of one schema.
type Builder struct {
	s    *model.Schema
	opts Options

	stmts    []Statement
	byID     map[string]int
	breakers map[string]Breaker
	errs     []error

	tables   map[model.QName]*model.Table
	routines map[model.QName][]model.ObjectRef // functions and aggregates by name
	children map[model.QName][]model.QName     // partitions by parent
}

func NewBuilder(s *model.Schema, opts Options) *Builder {
	b := &Builder{
		s: s, opts: opts,
		byID:     map[string]int{},
		breakers: map[string]Breaker{},
		tables:   map[model.QName]*model.Table{},
		routines: map[model.QName][]model.ObjectRef{},
		children: map[model.QName][]model.QName{},
	}
	for i := range s.Tables {
		t := &s.Tables[i]
		b.tables[t.QName] = t
		if t.PartitionOf != nil {
			b.children[*t.PartitionOf] = append(b.children[*t.PartitionOf], t.QName)
		}
	}
	for _, f := range s.Functions {
		b.routines[f.QName] = append(b.routines[f.QName], FuncRef(f))
	}
	for _, a := range s.Aggregates {
		b.routines[a.QName] = append(b.routines[a.QName], AggRef(a))
	}
	return b
}

func (b *Builder) build() {
	b.namespaces()
	for _, e := range b.s.Extensions {
		b.Extension(e)
	}
	for _, c := range b.s.Collations {
		b.Collation(c)
	}
	for _, e := range b.s.Enums {
		b.Enum(e)
	}
	for i := range b.s.Domains {
		b.Domain(&b.s.Domains[i])
	}
	for i := range b.s.CompositeTypes {
		b.Composite(&b.s.CompositeTypes[i])
	}
	for i := range b.s.RangeTypes {
		b.RangeType(&b.s.RangeTypes[i])
	}
	for i := range b.s.Functions {
		b.Function(&b.s.Functions[i])
	}
	for i := range b.s.Aggregates {
		b.Aggregate(&b.s.Aggregates[i])
	}
	for i := range b.s.Casts {
		b.Cast(&b.s.Casts[i])
	}
	for i := range b.s.DefaultPrivileges {
		b.defaultPrivileges(&b.s.DefaultPrivileges[i])
	}
	for i := range b.s.ForeignDataWrappers {
		b.FDW(&b.s.ForeignDataWrappers[i])
	}
	for i := range b.s.Servers {
		b.Server(&b.s.Servers[i])
	}
	for i := range b.s.UserMappings {
		b.UserMapping(&b.s.UserMappings[i])
	}
	for i := range b.s.Sequences {
		b.Sequence(&b.s.Sequences[i])
	}
	for i := range b.s.Tables {
		b.Table(&b.s.Tables[i])
	}
	for i := range b.s.Views {
		b.View(&b.s.Views[i])
	}
	for i := range b.s.Statistics {
		b.Statistics(&b.s.Statistics[i])
	}
	for i := range b.s.Triggers {
		b.Trigger(&b.s.Triggers[i])
	}
	for i := range b.s.Rules {
		b.Rule(&b.s.Rules[i])
	}
	for i := range b.s.Policies {
		b.Policy(&b.s.Policies[i])
	}
	for i := range b.s.EventTriggers {
		b.EventTrigger(&b.s.EventTriggers[i])
	}
	b.dropPublic()
}

// add records a statement. Every statement that creates part of a schema
// can run in a transaction block.
func (b *Builder) add(st Statement) {
	st.SQL = EnsureSemicolon(st.SQL)
	st.Transactional = true
	if _, dup := b.byID[st.ID]; dup {
		b.errs = append(b.errs, fmt.Errorf("%w %q: the schema declares an object twice", ErrDuplicateID, st.ID))
		return
	}
	b.byID[st.ID] = len(b.stmts)
	b.stmts = append(b.stmts, st)
}

// Errorf records a problem with one object; the build goes on so that
// every problem is reported at once.
func (b *Builder) Errorf(object string, format string, args ...any) {
	b.errs = append(b.errs, fmt.Errorf("render %s: %s", object, fmt.Sprintf(format, args...)))
}

// BreakCycles orders the statements until no cycle is left, rewriting the
// statements of each cycle with their breakers.
func (b *Builder) BreakCycles() ([]Statement, error) {
	for {
		_, err := Order(b.stmts)
		var ce *CycleError
		if !errors.As(err, &ce) {
			if err != nil {
				return nil, err
			}
			return b.stmts, nil
		}
		if !b.breakCycle(ce) {
			return nil, ce
		}
		if err := errors.Join(b.errs...); err != nil {
			return nil, err
		}
	}
}

// breakCycle applies the first Breaker, in Order's order, among the
// statements of a cycle's component that moves something out of it, and
// reports whether there was one. One at a time keeps the splitting to what
// the cycle needs: the caller orders again and comes back if a cycle is
// left.
func (b *Builder) breakCycle(ce *CycleError) bool {
	in := map[RefKey]bool{}
	for _, id := range ce.IDs {
		for _, r := range b.stmts[b.byID[id]].Provides {
			in[KeyOf(r)] = true
		}
	}
	inCycle := func(r model.ObjectRef) bool { return in[KeyOf(r)] }
	ids := slices.Clone(ce.IDs)
	slices.SortStableFunc(ids, func(x, y string) int { return cmp.Compare(b.stmts[b.byID[x]].Priority, b.stmts[b.byID[y]].Priority) })
	for _, id := range ids {
		br := b.breakers[id]
		if br == nil {
			continue
		}
		delete(b.breakers, id)
		repl := br(inCycle)
		if len(repl) == 0 {
			continue
		}
		i := b.byID[id]
		delete(b.byID, id)
		first := repl[0]
		first.SQL = EnsureSemicolon(first.SQL)
		first.Transactional = true
		b.stmts[i] = first
		b.byID[first.ID] = i
		for _, st := range repl[1:] {
			b.add(st)
		}
		return true
	}
	return false
}

// dropPublic drops the schema public that a fresh database has, when the
// model has none and no object lives in it.
func (b *Builder) dropPublic() {
	if b.opts.Partial {
		return
	}
	for _, n := range b.s.Namespaces {
		if n.Name == "public" {
			return
		}
	}
	public := KeyOf(NamespaceRef("public"))
	for _, st := range b.stmts {
		for _, r := range st.Requires {
			if KeyOf(r) == public {
				return
			}
		}
	}
	b.add(Statement{Priority: prioDropPublic, ID: StmtID(prioDropPublic, "drop schema public"), SQL: "DROP SCHEMA IF EXISTS public"})
}

func NamespaceRef(name string) model.ObjectRef {
	return model.ObjectRef{Kind: model.KindSchema, Name: name}
}

func FuncRef(f model.Function) model.ObjectRef {
	return model.ObjectRef{Kind: model.KindFunction, Schema: f.Schema, Name: f.Name, Args: f.IdentityArgs}
}

func AggRef(a model.Aggregate) model.ObjectRef {
	return model.ObjectRef{Kind: model.KindAggregate, Schema: a.Schema, Name: a.Name, Args: a.IdentityArgs}
}

func TableRef(q model.QName) model.ObjectRef {
	return model.ObjectRef{Kind: model.KindTable, Schema: q.Schema, Name: q.Name}
}

// routineRefs returns the functions and aggregates of the model that a
// regproc or regprocedure text such as "public.f" or "public.f(integer)"
// names. Every overload of the name is returned: the texts' argument types
// do not compare with identity arguments, and waiting on one overload too
// many is harmless.
func (b *Builder) routineRefs(text string) []model.ObjectRef {
	if text == "" || text == "-" {
		return nil
	}
	q, ok := QNameRef(text)
	if !ok {
		return nil
	}
	return b.routines[q]
}

// Descendants lists the partitions of a table, recursively.
func (b *Builder) Descendants(q model.QName) []model.ObjectRef {
	var out []model.ObjectRef
	var walk func(model.QName, int)
	walk = func(p model.QName, depth int) {
		if depth > 64 { // a malformed model could loop
			return
		}
		for _, c := range b.children[p] {
			out = append(out, TableRef(c))
			walk(c, depth+1)
		}
	}
	walk(q, 0)
	return out
}

// TypeAndCollationRefs are the dependencies of a column-like definition.
func TypeAndCollationRefs(typ, collation string) []model.ObjectRef {
	var refs []model.ObjectRef
	if r, ok := TypeRef(typ); ok {
		refs = append(refs, r)
	}
	if r, ok := CollationRef(collation); ok {
		refs = append(refs, r)
	}
	return refs
}
