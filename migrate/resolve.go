package migrate

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Direction tells whether a step applies a revision's up or its down body.
type Direction string

// The directions, as stored in the history table.
const (
	Up      Direction = "up"
	Down    Direction = "down"
	Stamped Direction = "stamp"
)

// A Step is one revision to apply in one direction.
type Step struct {
	Revision  *Revision
	Direction Direction
}

func (s Step) String() string {
	return fmt.Sprintf("%s %s (%s)", s.Direction, s.Revision.ID, s.Revision.Filename)
}

// minPrefix is the shortest id prefix Resolve accepts, as in Alembic.
const minPrefix = 4

var relativeTarget = regexp.MustCompile(`^(.*?)([+-])(\d+)$`)

// Resolve returns the revision ids that target names:
//
//   - "base": none (the empty database);
//   - "heads": every head; "head": the one head (an error names them when
//     there are several);
//   - "LABEL@head": the head of the branch labelled LABEL; "LABEL": the
//     revision that carries the label;
//   - a full id, or a unique prefix of at least 4 characters (an
//     ambiguous prefix is an error listing the candidates);
//   - "+N" and "-N": N steps up or down from the one current head
//     (current); "REV+N", "REV-N" and "LABEL@+N", "LABEL@-N" walk from REV,
//     or from the current head on the labelled branch. A walk that meets a
//     branch point or a merge is ambiguous, and an error.
func (d *Dir) Resolve(target string, current []string) ([]string, error) {
	if err := d.checkKnown(current); err != nil {
		return nil, err
	}
	target = strings.TrimSpace(target)
	if target == "" {
		return nil, fmt.Errorf("empty revision target")
	}
	if m := relativeTarget.FindStringSubmatch(target); m != nil {
		n, err := strconv.Atoi(m[3])
		if err != nil {
			return nil, fmt.Errorf("revision target %q: %w", target, err)
		}
		if m[2] == "-" {
			n = -n
		}
		from, err := d.relativeFrom(strings.TrimSuffix(m[1], "@"), strings.HasSuffix(m[1], "@"), current, target)
		if err != nil {
			return nil, err
		}
		return d.walk(from, n, target)
	}
	switch target {
	case "base":
		return nil, nil
	case "heads":
		return d.Heads(), nil
	case "head":
		heads := d.Heads()
		if len(heads) == 0 {
			return nil, ErrNoRevisions
		}
		if len(heads) > 1 {
			return nil, fmt.Errorf("several heads (%s): name one, use LABEL@head, or use heads for all", strings.Join(heads, ", "))
		}
		return heads, nil
	}
	if label, ok := strings.CutSuffix(target, "@head"); ok {
		id, ok := d.labels[label]
		if !ok {
			return nil, fmt.Errorf("revision target %q: no branch label %q", target, label)
		}
		desc := d.descendantsByParent(id)
		var heads []string
		for _, h := range d.Heads() {
			if desc[h] {
				heads = append(heads, h)
			}
		}
		if len(heads) != 1 {
			return nil, fmt.Errorf("revision target %q: branch %s has several heads (%s)", target, label, strings.Join(heads, ", "))
		}
		return heads, nil
	}
	id, err := d.lookup(target)
	if err != nil {
		return nil, err
	}
	return []string{id}, nil
}

// lookup resolves a branch label, a full id or a unique id prefix.
func (d *Dir) lookup(s string) (string, error) {
	if id, ok := d.labels[s]; ok {
		return id, nil
	}
	if _, ok := d.revs[s]; ok {
		return s, nil
	}
	var candidates []string
	for _, id := range d.sortedIDs() {
		if strings.HasPrefix(id, s) {
			candidates = append(candidates, id)
		}
	}
	switch {
	case len(candidates) == 0:
		return "", fmt.Errorf("no revision or branch label %q in the migrations directory", s)
	case len(s) < minPrefix:
		return "", fmt.Errorf("revision %q: give at least %d characters of a partial revision id", s, minPrefix)
	case len(candidates) > 1:
		return "", fmt.Errorf("revision prefix %q is ambiguous: %s", s, strings.Join(candidates, ", "))
	}
	return candidates[0], nil
}

// relativeFrom returns the revision a relative walk starts from ("" for
// base).
func (d *Dir) relativeFrom(ref string, isLabel bool, current []string, target string) (string, error) {
	switch {
	case ref == "":
		if len(current) > 1 {
			return "", fmt.Errorf("revision target %q: the database has several heads (%s); walk from one with REV%s or LABEL@%s",
				target, strings.Join(current, ", "), target, target)
		}
		if len(current) == 0 {
			return "", nil
		}
		return current[0], nil
	case isLabel:
		id, ok := d.labels[ref]
		if !ok {
			return "", fmt.Errorf("revision target %q: no branch label %q", target, ref)
		}
		branch := d.descendantsByParent(id)
		var on []string
		for _, c := range current {
			if branch[c] {
				on = append(on, c)
			}
		}
		switch len(on) {
		case 0:
			return d.revs[id].parentOrBase(), nil
		case 1:
			return on[0], nil
		}
		return "", fmt.Errorf("revision target %q: branch %s has several current heads (%s)", target, ref, strings.Join(on, ", "))
	case ref == "head" || ref == "heads" || ref == "base":
		ids, err := d.Resolve(ref, current)
		if err != nil {
			return "", err
		}
		if len(ids) > 1 {
			return "", fmt.Errorf("revision target %q: %s names several revisions", target, ref)
		}
		if len(ids) == 0 {
			return "", nil
		}
		return ids[0], nil
	}
	return d.lookup(ref)
}

func (r *Revision) parentOrBase() string {
	if len(r.Parents) == 1 {
		return r.Parents[0]
	}
	return ""
}

// walk moves n steps from from ("" is base) along parent links.
func (d *Dir) walk(from string, n int, target string) ([]string, error) {
	cur := from
	for ; n > 0; n-- {
		next := d.Bases()
		if cur != "" {
			next = d.children[cur]
		}
		switch len(next) {
		case 0:
			return nil, fmt.Errorf("revision target %q: walks past the head %s", target, cur)
		case 1:
			cur = next[0]
		default:
			return nil, fmt.Errorf("revision target %q: ambiguous walk, %s has several children (%s)", target, orBase(cur), strings.Join(next, ", "))
		}
	}
	for ; n < 0; n++ {
		if cur == "" {
			return nil, fmt.Errorf("revision target %q: walks past base", target)
		}
		parents := d.revs[cur].Parents
		switch len(parents) {
		case 0:
			cur = ""
		case 1:
			cur = parents[0]
		default:
			return nil, fmt.Errorf("revision target %q: ambiguous walk, %s is a merge of %s", target, cur, strings.Join(parents, ", "))
		}
	}
	if cur == "" {
		return nil, nil
	}
	return []string{cur}, nil
}

func orBase(id string) string {
	if id == "" {
		return "base"
	}
	return id
}

// descendantsByParent returns id and every revision below it by parent
// links.
func (d *Dir) descendantsByParent(id string) map[string]bool {
	seen := map[string]bool{}
	stack := []string{id}
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if !seen[x] {
			seen[x] = true
			stack = append(stack, d.children[x]...)
		}
	}
	return seen
}

// A TargetError reports an upgrade target behind the current revisions, or
// a downgrade target ahead of them: as in Alembic, such a run is refused
// rather than reported as having nothing to do.
type TargetError struct {
	Target    string    // the target as given
	Resolved  string    // the revision it names; "" for base
	Direction Direction // Up or Down
	Current   []string  // the current revisions it is behind or ahead of
}

func (e *TargetError) Error() string {
	what := e.Target
	if e.Resolved != "" && e.Resolved != e.Target {
		what += " (" + e.Resolved + ")"
	}
	verb, rel := "upgrade", "behind"
	if e.Direction == Down {
		verb, rel = "downgrade", "ahead of"
	}
	return fmt.Sprintf("%s is not a valid %s target: it is %s the current %s %s",
		what, verb, rel, plural(len(e.Current), "revision", "revisions"), strings.Join(e.Current, ", "))
}

// plural returns one when n is 1, else many.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// UpgradeSteps returns the revisions that upgrading from the current heads
// to target applies, parents first: the target's ancestors (dependencies
// included) that are not applied yet. It is empty when the target is
// applied already; a target behind the current heads (an applied revision
// that is not current, or base) is a [*TargetError].
func (d *Dir) UpgradeSteps(current []string, target string) ([]Step, error) {
	targets, err := d.Resolve(target, current)
	if err != nil {
		return nil, err
	}
	need, have := d.ancestors(targets), d.ancestors(current)
	if len(targets) == 0 && len(current) > 0 {
		return nil, &TargetError{Target: target, Direction: Up, Current: current}
	}
	for _, t := range targets {
		if have[t] && !slices.Contains(current, t) {
			var ahead []string
			for _, c := range current {
				if d.ancestors([]string{c})[t] {
					ahead = append(ahead, c)
				}
			}
			return nil, &TargetError{Target: target, Resolved: t, Direction: Up, Current: ahead}
		}
	}
	var steps []Step
	for _, id := range d.order {
		if need[id] && !have[id] {
			steps = append(steps, Step{Revision: d.revs[id], Direction: Up})
		}
	}
	return steps, nil
}

// DowngradeSteps returns the revisions that downgrading from the current
// heads to target undoes, children first: the applied revisions that
// descend from (or depend on) the target, the target excluded; every
// applied revision for "base". A target that is not applied is an error (a
// [*TargetError] when it is ahead of the current heads), and so is a step
// over a revision marked [Revision.NoDown].
func (d *Dir) DowngradeSteps(current []string, target string) ([]Step, error) {
	targets, err := d.Resolve(target, current)
	if err != nil {
		return nil, err
	}
	have := d.ancestors(current)
	remove := map[string]bool{}
	if len(targets) == 0 {
		remove = have
	} else {
		for _, t := range targets {
			if have[t] {
				continue
			}
			var behind []string
			for _, c := range current {
				if d.descendants([]string{c})[t] {
					behind = append(behind, c)
				}
			}
			if len(behind) > 0 {
				return nil, &TargetError{Target: target, Resolved: t, Direction: Down, Current: behind}
			}
			return nil, fmt.Errorf("downgrade target %s is not applied (current: %s)", t, orNone(current))
		}
		for id := range d.descendants(targets) {
			if have[id] && !slices.Contains(targets, id) {
				remove[id] = true
			}
		}
	}
	var steps []Step
	for i := len(d.order) - 1; i >= 0; i-- {
		if id := d.order[i]; remove[id] {
			if r := d.revs[id]; r.NoDown {
				return nil, fmt.Errorf("revision %s (%s) has no down migration, so it cannot be downgraded", id, r.Filename)
			}
			steps = append(steps, Step{Revision: d.revs[id], Direction: Down})
		}
	}
	return steps, nil
}

func orNone(ids []string) string {
	if len(ids) == 0 {
		return "base"
	}
	return strings.Join(ids, ", ")
}
