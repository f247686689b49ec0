package ddl

import (
	"container/heap"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/retortdb/retort/model"
)

// ErrDuplicateID is returned by [Order] when two statements share an ID:
// the order would then depend on the order of the input.
var ErrDuplicateID = errors.New("render: duplicate statement ID")

// CycleError reports statements that require each other, so that no order
// runs them all.
type CycleError struct {
	// Cycle names the objects of one cycle, each requiring the next and the
	// last requiring the first.
	Cycle []model.ObjectRef
	// IDs are the IDs of every statement in the strongly connected part of
	// the dependency graph that holds the cycle, sorted.
	IDs []string
}

func (e *CycleError) Error() string {
	var b strings.Builder
	b.WriteString("render: dependency cycle: ")
	for i, r := range e.Cycle {
		if i > 0 {
			b.WriteString(" needs ")
		}
		b.WriteString(r.String())
	}
	if len(e.Cycle) > 0 {
		b.WriteString(" needs ")
		b.WriteString(e.Cycle[0].String())
	}
	return b.String()
}

// TokenKind is what an ordering token says about its object. Tokens order
// the steps of a plan that are not objects of their own: a drop waits for
// the released tokens of its dependents, a create for the free token of
// its name, and so on.
type TokenKind uint8

// The token kinds. The zero kind stands for the object itself where the
// graph matches objects and tokens in one map.
const (
	// TokReleased: an object of the source no longer holds on to what it
	// depended on (it is dropped, or its type or default changed).
	TokReleased TokenKind = iota + 1
	// TokFree: the object's name is free (it is dropped or renamed away).
	TokFree
	// TokRenamed: a table has the name the plan gives it.
	TokRenamed
	// tokAttached: a partition is attached to its parent.
	tokAttached
	// TokBuilt: a partition's index or key is built, before it is
	// attached to its parent's.
	TokBuilt
	// TokDetached: a partition is detached from its parent.
	TokDetached
	// TokLabel: an enum label is added.
	TokLabel
	// TokChecked: a column's values are checked before its type changes.
	TokChecked
	// TokAside: a type or collation rebuilt under a temporary name has
	// been renamed aside.
	TokAside
	// TokClamped: a sequence's value is clamped into its new range.
	TokClamped
	// TokMoved: a table moved to another schema before its rename.
	TokMoved
	// TokValidated: a constraint added NOT VALID has been validated.
	TokValidated
	// TokNotNull: a column has been made NOT NULL (online, so that the
	// CHECK that proved it can go).
	TokNotNull
	// TokBackfilled: a column added nullable has been filled in.
	TokBackfilled
	// TokDefaulted: a column added without its volatile default has it.
	TokDefaulted
)

// Token is an ordering token: a step of the plan about one object.
type Token struct {
	Kind TokenKind
	Key  RefKey
}

// TokenOf is the token of kind about r.
func TokenOf(kind TokenKind, r model.ObjectRef) Token { return Token{Kind: kind, Key: KeyOf(r)} }

// object names the object a token is about, for messages: a user knows
// objects, not tokens. Objects that share a name space are named by it
// ("relation public.a").
func (t Token) object() model.ObjectRef {
	k := t.Key
	if t.Kind == TokLabel {
		// k.table is the enum, k.name the label.
		return model.ObjectRef{Kind: model.KindType, Schema: k.Schema, Name: k.Table}
	}
	return model.ObjectRef{Kind: model.ObjectKind(k.Family), Schema: k.Schema, Table: k.Table, Name: k.Name, Args: k.args}
}

// marksObject reports whether the token marks a state of its object as a
// whole (released, free, renamed, attached, built, detached), so that a
// statement providing it is about that object.
func (t Token) marksObject() bool {
	switch t.Kind {
	case TokReleased, TokFree, TokRenamed, tokAttached, TokBuilt, TokDetached:
		return true
	}
	return false
}

// ProvidedKeys returns the keys of the objects a statement provides, and
// of those its tokens mark as a whole: what the statement is about.
func (st *Statement) ProvidedKeys() []RefKey {
	out := make([]RefKey, 0, len(st.Provides)+len(st.ProvTokens))
	for _, r := range st.Provides {
		out = append(out, KeyOf(r))
	}
	for _, t := range st.ProvTokens {
		if t.marksObject() {
			out = append(out, t.Key)
		}
	}
	return out
}

// RefKey is what a requirement is matched on. Kinds that share one
// PostgreSQL name space are matched as one family: a table, a view and a
// type of the same name are the same pg_type row, so a dependency on
// "type public.film" is met by the table public.film; functions and
// aggregates are both pg_proc rows; an index is found by its schema and
// name whatever table is named with it.
type RefKey struct {
	Family, Schema, Table, Name, args string
}

func KeyOf(r model.ObjectRef) RefKey {
	switch r.Kind {
	case model.KindSchema:
		name := r.Name
		if name == "" {
			name = r.Schema
		}
		return RefKey{Family: "schema", Name: name}
	case model.KindType, model.KindTable, model.KindView, model.KindMaterializedView:
		return RefKey{Family: "relation", Schema: r.Schema, Name: r.Name}
	case model.KindIndex:
		return RefKey{Family: "index", Schema: r.Schema, Name: r.Name}
	case model.KindFunction, model.KindAggregate:
		return RefKey{Family: "routine", Schema: r.Schema, Name: r.Name, args: r.Args}
	}
	return RefKey{Family: string(r.Kind), Schema: r.Schema, Table: r.Table, Name: r.Name, args: r.Args}
}

// Order sorts statements so that each comes after every statement that
// provides something it requires. It is one deterministic topological sort:
// whenever several statements could come next, the one with the lowest kind
// priority comes first, then the lowest ID. (Statements made by this
// package carry their kind priority; others have priority 0, and are
// ordered by their IDs.) Requirements on objects that no statement provides
// are taken as met, and a statement never waits on itself.
//
// A cycle is reported as a [*CycleError] naming its objects; two statements
// with one ID as an error wrapping [ErrDuplicateID].
func Order(stmts []Statement) ([]Statement, error) {
	g, err := newGraph(stmts)
	if err != nil {
		return nil, err
	}
	order := g.sort()
	if len(order) < len(stmts) {
		return nil, g.cycleError(order)
	}
	out := make([]Statement, len(order))
	for i, n := range order {
		out[i] = stmts[n]
	}
	return out, nil
}

// graph holds the statements as nodes, with an edge from each provider to
// each statement that requires what it provides.
type graph struct {
	stmts []Statement
	prio  []int
	succ  [][]int // succ[p]: statements that wait on p
	pred  [][]int // pred[s]: statements s waits on
}

func newGraph(stmts []Statement) (*graph, error) {
	n := len(stmts)
	g := &graph{stmts: stmts, prio: make([]int, n), succ: make([][]int, n), pred: make([][]int, n)}
	ids := make(map[string]int, n)
	providers := map[Token][]int{}
	provide := func(t Token, i int) {
		if ps := providers[t]; len(ps) == 0 || ps[len(ps)-1] != i {
			providers[t] = append(ps, i)
		}
	}
	for i, s := range stmts {
		if j, dup := ids[s.ID]; dup {
			return nil, fmt.Errorf("%w %q (statements %d and %d)", ErrDuplicateID, s.ID, j, i)
		}
		ids[s.ID] = i
		g.prio[i] = s.Priority
		for _, r := range s.Provides {
			provide(Token{Key: KeyOf(r)}, i)
		}
		for _, t := range s.ProvTokens {
			provide(t, i)
		}
	}
	seen := make([]int, n) // seen[p] == i+1 once the edge p→i exists
	require := func(t Token, i int) {
		for _, p := range providers[t] {
			if p == i || seen[p] == i+1 {
				continue
			}
			seen[p] = i + 1
			g.succ[p] = append(g.succ[p], i)
			g.pred[i] = append(g.pred[i], p)
		}
	}
	for i, s := range stmts {
		for _, r := range s.Requires {
			require(Token{Key: KeyOf(r)}, i)
		}
		for _, t := range s.ReqTokens {
			require(t, i)
		}
	}
	return g, nil
}

func (g *graph) less(a, b int) bool {
	if g.prio[a] != g.prio[b] {
		return g.prio[a] < g.prio[b]
	}
	return g.stmts[a].ID < g.stmts[b].ID
}

// sort is Kahn's algorithm with a priority queue: the lexically smallest
// topological order by (priority, ID). It returns the nodes it could place;
// fewer than all of them means a cycle.
func (g *graph) sort() []int {
	indeg := make([]int, len(g.stmts))
	q := &nodeQueue{g: g}
	for i := range g.stmts {
		indeg[i] = len(g.pred[i])
		if indeg[i] == 0 {
			q.nodes = append(q.nodes, i)
		}
	}
	heap.Init(q)
	order := make([]int, 0, len(g.stmts))
	for q.Len() > 0 {
		n := heap.Pop(q).(int)
		order = append(order, n)
		for _, s := range g.succ[n] {
			if indeg[s]--; indeg[s] == 0 {
				heap.Push(q, s)
			}
		}
	}
	return order
}

type nodeQueue struct {
	g     *graph
	nodes []int
}

func (q *nodeQueue) Len() int           { return len(q.nodes) }
func (q *nodeQueue) Less(i, j int) bool { return q.g.less(q.nodes[i], q.nodes[j]) }
func (q *nodeQueue) Swap(i, j int)      { q.nodes[i], q.nodes[j] = q.nodes[j], q.nodes[i] }
func (q *nodeQueue) Push(x any)         { q.nodes = append(q.nodes, x.(int)) }
func (q *nodeQueue) Pop() any {
	n := q.nodes[len(q.nodes)-1]
	q.nodes = q.nodes[:len(q.nodes)-1]
	return n
}

// cycleError describes one cycle among the statements that sort could not
// place: the strongly connected component holding the smallest statement,
// and a cycle through it.
func (g *graph) cycleError(placed []int) *CycleError {
	left := make([]bool, len(g.stmts))
	for i := range left {
		left[i] = true
	}
	for _, n := range placed {
		left[n] = false
	}
	sccs := g.components(left)
	// Only components with an edge inside them are cycles; the others are
	// statements waiting downstream of one.
	var best []int
	for _, c := range sccs {
		if len(c) < 2 {
			continue
		}
		slices.SortFunc(c, func(a, b int) int {
			if g.less(a, b) {
				return -1
			}
			return 1
		})
		if best == nil || g.less(c[0], best[0]) {
			best = c
		}
	}
	if best == nil {
		// Unreachable: unplaced nodes always hold a cycle.
		return &CycleError{}
	}
	e := &CycleError{}
	for _, n := range best {
		e.IDs = append(e.IDs, g.stmts[n].ID)
	}
	slices.Sort(e.IDs)
	for _, n := range g.cyclePath(best) {
		e.Cycle = append(e.Cycle, g.name(n))
	}
	return e
}

// name is what a cycle message calls a statement: the first object it
// provides, else the object of the first token it provides, else its ID.
func (g *graph) name(n int) model.ObjectRef {
	st := &g.stmts[n]
	if len(st.Provides) > 0 {
		return st.Provides[0]
	}
	if len(st.ProvTokens) > 0 {
		return st.ProvTokens[0].object()
	}
	return model.ObjectRef{Kind: "statement", Name: st.ID}
}

// cyclePath finds a shortest cycle through the first node of comp, by a
// breadth-first search along requirements within comp.
func (g *graph) cyclePath(comp []int) []int {
	in := map[int]bool{}
	for _, n := range comp {
		in[n] = true
	}
	start := comp[0]
	prev := map[int]int{start: -1}
	queue := []int{start}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		preds := slices.Clone(g.pred[n])
		slices.SortFunc(preds, func(a, b int) int {
			if g.less(a, b) {
				return -1
			}
			return 1
		})
		for _, p := range preds {
			if !in[p] {
				continue
			}
			if p == start {
				path := []int{}
				for m := n; m != -1; m = prev[m] {
					path = append(path, m)
				}
				slices.Reverse(path)
				return path
			}
			if _, ok := prev[p]; !ok {
				prev[p] = n
				queue = append(queue, p)
			}
		}
	}
	return comp
}

// components returns the strongly connected components of the nodes marked
// in use (Tarjan's algorithm, iterative so that deep graphs do not exhaust
// the stack).
func (g *graph) components(use []bool) [][]int {
	n := len(g.stmts)
	index := make([]int, n)
	low := make([]int, n)
	onStack := make([]bool, n)
	for i := range index {
		index[i] = -1
	}
	var stack []int
	var out [][]int
	next := 0
	type frame struct{ node, edge int }
	for root := 0; root < n; root++ {
		if !use[root] || index[root] >= 0 {
			continue
		}
		calls := []frame{{root, 0}}
		index[root], low[root] = next, next
		next++
		stack = append(stack, root)
		onStack[root] = true
		for len(calls) > 0 {
			f := &calls[len(calls)-1]
			v := f.node
			if f.edge < len(g.succ[v]) {
				w := g.succ[v][f.edge]
				f.edge++
				if !use[w] {
					continue
				}
				if index[w] < 0 {
					index[w], low[w] = next, next
					next++
					stack = append(stack, w)
					onStack[w] = true
					calls = append(calls, frame{w, 0})
				} else if onStack[w] {
					low[v] = min(low[v], index[w])
				}
				continue
			}
			if low[v] == index[v] {
				var comp []int
				for {
					w := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					onStack[w] = false
					comp = append(comp, w)
					if w == v {
						break
					}
				}
				out = append(out, comp)
			}
			calls = calls[:len(calls)-1]
			if len(calls) > 0 {
				u := calls[len(calls)-1].node
				low[u] = min(low[u], low[v])
			}
		}
	}
	return out
}

// ProvidesToken reports whether st provides t.
func (st *Statement) ProvidesToken(t Token) bool {
	return slices.Contains(st.ProvTokens, t)
}

// AttachedRef is provided by the statement that attaches a partition;
// attaching its indexes to the parent's waits for it.
func AttachedRef(q model.QName) Token { return TokenOf(tokAttached, TableRef(q)) }
