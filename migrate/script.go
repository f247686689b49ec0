package migrate

import (
	"fmt"
	"strings"

	"github.com/retortdb/retort/internal/sqlq"
)

// Script returns the SQL that upgrades (direction Up) or downgrades
// (direction Down) a database from the revisions from names to target,
// without connecting: what `retort upgrade --sql` prints. from is a target
// as for [Dir.Resolve] ("" or "base" for an empty database); a downgrade
// needs one. The script pins the session settings the runner pins
// (client_encoding, standard_conforming_strings, search_path), creates
// retort's tables when they do not exist, holds the advisory lock while it
// runs, sets the runner's lock_timeout and records progress as the runner
// does, and wraps each
// revision and its version-table update in BEGIN/COMMIT, except revisions
// with statements that cannot run in a transaction, which run statement by
// statement (see [Statement.Transactional]). It runs as is under
// `psql -v ON_ERROR_STOP=1 -f`.
func Script(dir *Dir, from, target string, direction Direction, opts *Options) (string, error) {
	if err := opts.Validate(); err != nil {
		return "", err
	}
	o := opts.withDefaults()
	var heads []string
	if from != "" {
		var err error
		if heads, err = dir.Resolve(from, nil); err != nil {
			return "", fmt.Errorf("script from %s: %w", from, err)
		}
	}
	var steps []Step
	var err error
	switch direction {
	case Up:
		steps, err = dir.UpgradeSteps(heads, target)
	case Down:
		if from == "" {
			return "", fmt.Errorf("an offline downgrade needs a starting revision (FROM:TO)")
		}
		steps, err = dir.DowngradeSteps(heads, target)
	default:
		return "", fmt.Errorf("script: unknown direction %q", direction)
	}
	if err != nil {
		return "", fmt.Errorf("script %s:%s: %w", orBase(from), target, err)
	}

	var b strings.Builder
	fmt.Fprintf(&b, "-- retort %s from %s to %s\n\n", direction, orNone(heads), sqlq.CommentText(target))
	b.WriteString(pinnedSQL() + "\n")
	b.WriteString(lockSQL(o) + "\n")
	for _, s := range o.ddl() {
		b.WriteString(s + ";\n\n")
	}
	for _, step := range steps {
		ops, next, err := dir.versionOps(heads, step)
		if err != nil {
			return "", err
		}
		heads = next
		r := step.Revision
		// The message and a foreign layout's file name are free text:
		// folded, neither can end the comment.
		fmt.Fprintf(&b, "-- %s %s: %s (%s)\n", step.Direction, r.ID, sqlq.CommentText(r.Message), sqlq.CommentText(r.Filename))
		units := dir.program(o, step, ops, 0, "DEFAULT", "DEFAULT")
		if len(units) > 1 {
			b.WriteString("-- warning: this revision runs outside a transaction\n")
		}
		for _, u := range units {
			if u.tx {
				b.WriteString("BEGIN;\n")
			}
			prevStmt := false
			for _, it := range u.items {
				if it.stmt != nil || prevStmt {
					b.WriteByte('\n')
				}
				b.WriteString(it.sql)
				if it.stmt != nil && endsInLineComment(it.sql) {
					b.WriteByte('\n')
				}
				b.WriteString(";\n")
				prevStmt = it.stmt != nil
			}
			if prevStmt {
				b.WriteByte('\n')
			}
			if u.tx {
				b.WriteString("COMMIT;\n")
			}
		}
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "SELECT pg_catalog.pg_advisory_unlock(%d);\n", o.lockKey())
	return b.String(), nil
}
