package migrate

import (
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
)

// An edited revision is an applied revision whose file's checksum differs
// from the one the history table last recorded for it.
type edited struct {
	rev      *Revision
	recorded string
}

// editedRevisions returns the applied revisions (ancestors of heads) whose
// files changed since the history table last recorded them, in the
// directory's order. A revision whose last record is a down, or that has no
// record (its ancestors when the database was stamped), is not compared.
func editedRevisions(ctx context.Context, conn *pgx.Conn, dir *Dir, heads []string, o Options) ([]edited, error) {
	if len(heads) == 0 {
		return nil, nil
	}
	rows, err := conn.Query(ctx, "SELECT DISTINCT ON (revision) revision, checksum, direction FROM "+o.historyTable()+" ORDER BY revision, id DESC")
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", o.historyTable(), err)
	}
	type rec struct{ sum, dir string }
	recs := map[string]rec{}
	var id string
	var x rec
	_, err = pgx.ForEachRow(rows, []any{&id, &x.sum, &x.dir}, func() error {
		recs[id] = x
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", o.historyTable(), err)
	}
	applied := dir.ancestors(heads)
	var out []edited
	for _, r := range dir.Revisions() {
		x, ok := recs[r.ID]
		if !ok || !applied[r.ID] || x.dir == string(Down) || x.sum == r.Checksum {
			continue
		}
		out = append(out, edited{rev: r, recorded: x.sum})
	}
	return out, nil
}

// Rehash records the current checksums of applied revisions whose files
// were edited after they were applied, once a reviewer has accepted the
// edits, as Flyway's repair does: the next [Upgrade] or [Downgrade] then
// compares with them instead of returning a [*ChecksumError]. revs names
// the revisions to consider (targets as for [Dir.Resolve]; each must be
// applied); none means every applied revision. It returns the ids of the
// revisions whose checksum it recorded, in the directory's order; none when
// no file changed.
//
// The new checksum is recorded as a history row with direction "stamp", so
// the history keeps both the applied checksum and the accepted one.
func Rehash(ctx context.Context, conn *pgx.Conn, dir *Dir, revs []string, opts *Options) (ids []string, err error) {
	err = locked(ctx, conn, opts, func(o Options) error {
		heads, err := current(ctx, conn, o)
		if err != nil {
			return err
		}
		if err := dir.checkKnown(heads); err != nil {
			return err
		}
		applied := dir.ancestors(heads)
		var only []string
		for _, r := range revs {
			got, err := dir.Resolve(r, heads)
			if err != nil {
				return fmt.Errorf("rehash %s: %w", r, err)
			}
			if len(got) == 0 {
				return fmt.Errorf("rehash %s: name a revision, not base", r)
			}
			for _, id := range got {
				if !applied[id] {
					return fmt.Errorf("rehash %s: revision %s is not applied (current: %s), so it has no checksum to replace", r, id, orNone(heads))
				}
			}
			only = append(only, got...)
		}
		changed, err := editedRevisions(ctx, conn, dir, heads, o)
		if err != nil {
			return err
		}
		err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			for _, e := range changed {
				if len(revs) > 0 && !slices.Contains(only, e.rev.ID) {
					continue
				}
				if _, err := tx.Exec(ctx, historySQL(o, e.rev, Stamped)); err != nil {
					return err
				}
				ids = append(ids, e.rev.ID)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("rehash: record checksums in %s: %w", o.historyTable(), err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ids, nil
}
