package source

import (
	"container/heap"
	"slices"

	"github.com/retortdb/retort/model/sqlddl"
)

// dependencyOrder sorts deferred statements so that a statement comes after
// those that create what it uses, as far as their parse trees tell; ties
// and cycles keep file order.
func dependencyOrder(ds []*deferred) []*deferred {
	needs := needsOf(ds)
	waiting := make([]int, len(ds))      // how many statements each one waits for
	dependents := make([][]int, len(ds)) // the statements waiting for each one
	for i, ns := range needs {
		waiting[i] = len(ns)
		for _, j := range ns {
			dependents[j] = append(dependents[j], i)
		}
	}
	ready := &indexHeap{}
	for i, w := range waiting {
		if w == 0 {
			heap.Push(ready, i)
		}
	}
	done := make([]bool, len(ds))
	out := make([]*deferred, 0, len(ds))
	first := 0 // no statement before it is left
	for len(out) < len(ds) {
		next := -1
		for ready.Len() > 0 && next < 0 {
			if i := heap.Pop(ready).(int); !done[i] {
				next = i
			}
		}
		if next < 0 {
			// A cycle, or names that the refs cannot tell apart:
			// the first statement left, in file order.
			for done[first] {
				first++
			}
			next = first
		}
		done[next] = true
		out = append(out, ds[next])
		for _, i := range dependents[next] {
			if waiting[i]--; waiting[i] == 0 && !done[i] {
				heap.Push(ready, i)
			}
		}
	}
	return out
}

// needsOf returns, for each statement, the others that create something
// it uses, found through an index of created names.
func needsOf(ds []*deferred) [][]int {
	byName := map[string][]int{}
	for j, e := range ds {
		for _, c := range e.refs.Creates {
			if l := byName[c.Name]; len(l) == 0 || l[len(l)-1] != j {
				byName[c.Name] = append(l, j)
			}
		}
	}
	needs := make([][]int, len(ds))
	for i, d := range ds {
		for _, u := range d.refs.Uses {
			for _, j := range byName[u.Name] {
				if j != i && !slices.Contains(needs[i], j) && creates(ds[j], u) {
					needs[i] = append(needs[i], j)
				}
			}
		}
	}
	return needs
}

// creates reports whether e creates what u names.
func creates(e *deferred, u sqlddl.Ref) bool {
	return slices.ContainsFunc(e.refs.Creates, u.Matches)
}

// rootCause picks, among statements that still fail, the one to report:
// the first, in file order, that needs nothing another of them creates.
// When each of them needs another, they hold a cycle: the first statement
// in file order that is on one is reported, with the cycle from it.
func rootCause(ds []*deferred) (*deferred, []CycleStep) {
	byFile := slices.Clone(ds)
	slices.SortFunc(byFile, func(x, y *deferred) int { return x.index - y.index })
	needs := needsOf(byFile)
	for i, d := range byFile {
		if len(needs[i]) == 0 {
			return d, nil
		}
	}
	// Every statement needs another: following first needs from any
	// statement must come back to one already seen. The cycle is the part
	// of the walk from that statement on.
	seen := map[int]int{} // statement → its place in walk
	var walk []int
	i := 0
	for {
		if at, ok := seen[i]; ok {
			walk = walk[at:]
			break
		}
		seen[i] = len(walk)
		walk = append(walk, i)
		i = needs[i][0]
	}
	// Start the cycle at its first statement in file order.
	first := slices.Index(walk, slices.Min(walk))
	walk = slices.Concat(walk[first:], walk[:first])
	cycle := make([]CycleStep, len(walk))
	for k, n := range walk {
		next := byFile[walk[(k+1)%len(walk)]]
		use := byFile[n].refs.Uses[slices.IndexFunc(byFile[n].refs.Uses, func(u sqlddl.Ref) bool { return creates(next, u) })]
		cycle[k] = CycleStep{Statement: byFile[n].stmt, Uses: use}
	}
	return byFile[walk[0]], cycle
}

// indexHeap is a min-heap of statement indexes: among statements ready to
// run, file order first.
type indexHeap []int

func (h indexHeap) Len() int           { return len(h) }
func (h indexHeap) Less(i, j int) bool { return h[i] < h[j] }
func (h indexHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *indexHeap) Push(x any)        { *h = append(*h, x.(int)) }
func (h *indexHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
