package lru

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestEvict(t *testing.T) {
	at := func(h int) time.Time { return time.Date(2026, 1, 1, h, 0, 0, 0, time.UTC) }
	entries := []Entry{{"c", 100, at(3)}, {"a", 100, at(1)}, {"b", 100, at(2)}, {"d", 100, at(4)}}
	for _, c := range []struct {
		name  string
		limit int64
		keep  string
		fail  string // remove fails on this one
		want  string
	}{
		{"fits", 400, "", "", ""},
		{"oldest first", 250, "", "", "a b"},
		{"one over", 399, "", "", "a"},
		{"keep is skipped", 250, "a", "", "b c"},
		{"a failed removal still counts", 250, "", "a", "b c"},
		{"nothing may stay but keep", 0, "d", "", "a b c"},
	} {
		t.Run(c.name, func(t *testing.T) {
			removed := Evict(entries, c.limit, c.keep, func(e Entry) error {
				if e.Name == c.fail {
					return errors.New("busy")
				}
				return nil
			})
			var names []string
			for _, e := range removed {
				names = append(names, e.Name)
			}
			if got := strings.Join(names, " "); got != c.want {
				t.Errorf("removed %q, want %q", got, c.want)
			}
		})
	}
	if entries[0].Name != "c" {
		t.Errorf("Evict reordered its argument")
	}
}
