// Package lru chooses what a size-bounded cache directory removes: the
// least recently used entries, until the rest fit.
package lru

import (
	"slices"
	"time"
)

// Entry is one entry of a cache: its name, its size in bytes and when it
// was last used.
type Entry struct {
	Name string
	Size int64
	Used time.Time
}

// Evict calls remove for the least recently used of entries, oldest first,
// until the others take at most limit bytes together; it never removes the
// entry named keep (the one just written). An entry that remove fails on
// still counts. Evict returns the entries removed.
func Evict(entries []Entry, limit int64, keep string, remove func(Entry) error) []Entry {
	var total int64
	for _, e := range entries {
		total += e.Size
	}
	if total <= limit {
		return nil
	}
	byUse := slices.Clone(entries)
	slices.SortStableFunc(byUse, func(a, b Entry) int { return a.Used.Compare(b.Used) })
	var removed []Entry
	for _, e := range byUse {
		if total <= limit {
			break
		}
		if e.Name == keep {
			continue
		}
		if remove(e) == nil {
			total -= e.Size
			removed = append(removed, e)
		}
	}
	return removed
}
