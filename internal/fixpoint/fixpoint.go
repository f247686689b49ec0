// Package fixpoint compares expression texts at PostgreSQL's fixpoint.
//
// PostgreSQL does not always print an expression so that applying the
// printed text reads back the same: a CHECK of a varchar column against a
// list reads back as `(role)::text = ANY ((ARRAY['a'::character varying,
// …])::text[])`, and that text, applied again, as `(role)::text = ANY
// (ARRAY[('a'::character varying)::text, …])`, which is stable from then on.
// A declared schema holds the first reading and a database upgraded by its
// own migration the second. Two texts of one expression are the same when
// PostgreSQL's normalization of each, applied until it stops changing, gives
// the same text ([DESIGN.md], "The pipeline").
//
// [Reconcile] finds the expressions that differ between a declared schema
// and another schema, puts each text through the probe (the scratch
// database that holds the declared schema) until it stops changing, and
// where both reach the same text gives the other schema the declared text,
// so that [diff.Compare] sees no change. Only the expressions that differ
// are re-applied, never the whole schema, all in one transaction that is
// always rolled back.
//
// [DESIGN.md]: https://github.com/retortdb/retort/blob/main/DESIGN.md
package fixpoint

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/model"
)

// maxRounds bounds the re-applications of one text. PostgreSQL's re-spellings
// settle after one round in every case known; a text that keeps changing is
// left a change.
const maxRounds = 4

// respell applies text in its real context on the probe and returns the
// text PostgreSQL reads back for it, as introspect reads it. It runs inside
// a savepoint that is rolled back after it.
type respell func(ctx context.Context, tx pgx.Tx, text string) (string, error)

// text is one expression that differs between the two schemas.
type text struct {
	declared, other string
	respell         respell
}

// candidate is an object whose two versions differ only in expression
// texts. When every text is the same at the fixpoint, commit gives the
// other schema's object the declared texts.
type candidate struct {
	texts  []text
	commit func()
}

// Reconcile compares declared, a schema read from the probe database at
// probeURL, with other at PostgreSQL's fixpoint: every object of other whose
// expression texts differ from declared's, and only those, but mean the same
// once put through the probe until they stop changing, is given declared's
// texts. It returns how many objects it so reconciled.
//
// An expression that the probe refuses stays a change: Reconcile fails only
// when the probe cannot be reached at all. Nothing it does on the probe is
// kept.
func Reconcile(ctx context.Context, probeURL string, declared, other *model.Schema) (n int, err error) {
	return ReconcileLazy(ctx, func(context.Context) (string, error) { return probeURL, nil }, declared, other)
}

// ReconcileLazy is [Reconcile] with a probe that is made only when some
// expression needs it: probe returns its URL, and is called at most once,
// and not at all when no object differs only in expression texts.
func ReconcileLazy(ctx context.Context, probe func(context.Context) (string, error), declared, other *model.Schema) (n int, err error) {
	changes, err := diff.Compare(other, declared, diff.Options{})
	if err != nil {
		return 0, fmt.Errorf("fixpoint: %w", err)
	}
	var cands []candidate
	for _, ch := range changes {
		if ch.Op() != diff.Alter {
			continue
		}
		if c, ok := candidateOf(ch); ok {
			cands = append(cands, c)
		}
	}
	if len(cands) == 0 {
		return 0, nil
	}
	probeURL, err := probe(ctx)
	if err != nil {
		return 0, fmt.Errorf("fixpoint: %w", err)
	}
	conn, err := pgx.Connect(ctx, probeURL)
	if err != nil {
		return 0, fmt.Errorf("fixpoint: connect to the probe database: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	tx, err := conn.Begin(ctx)
	if err != nil {
		return 0, fmt.Errorf("fixpoint: %w", err)
	}
	// Nothing done here is kept, whatever happens.
	defer tx.Rollback(context.WithoutCancel(ctx))
	// Texts are read back as introspect reads them: with an empty
	// search_path every name is printed qualified, as both sides hold it.
	if _, err := tx.Exec(ctx, "SELECT pg_catalog.set_config('search_path', '', true), pg_catalog.set_config('statement_timeout', '30s', true)"); err != nil {
		return 0, fmt.Errorf("fixpoint: %w", err)
	}
	for _, c := range cands {
		same, err := sameAtFixpoint(ctx, tx, c.texts)
		if err != nil {
			return n, err
		}
		if same {
			c.commit()
			n++
		}
	}
	return n, nil
}

// sameAtFixpoint reports whether every text of an object reaches the same
// fixpoint from both sides. A text the probe refuses is not the same; only
// a lost connection is an error.
func sameAtFixpoint(ctx context.Context, tx pgx.Tx, texts []text) (bool, error) {
	for _, t := range texts {
		if t.declared == t.other {
			continue
		}
		a, err := readings(ctx, tx, t.declared, t.respell)
		if err != nil || a == nil {
			return false, err
		}
		// The usual case: the declared text reads back as the other one
		// (the first reading against the second), so both share one
		// fixpoint.
		if a.seen[t.other] {
			continue
		}
		b, err := readings(ctx, tx, t.other, t.respell)
		if err != nil || b == nil {
			return false, err
		}
		if !b.seen[t.declared] && a.fix != b.fix {
			return false, nil
		}
	}
	return true, nil
}

// path is the texts met while applying a text until it reads back
// unchanged, and the text it settled at.
type path struct {
	seen map[string]bool
	fix  string
}

// readings applies s again and again until it reads back unchanged. It
// returns nil when the probe refuses a text or the text does not settle
// within maxRounds: such a text is left a change.
func readings(ctx context.Context, tx pgx.Tx, s string, f respell) (*path, error) {
	p := &path{seen: map[string]bool{s: true}}
	for range maxRounds {
		next, err := apply(ctx, tx, s, f)
		if err != nil {
			var pgErr *pgconn.PgError
			if errors.As(err, &pgErr) || errors.Is(err, errNoReading) {
				return nil, nil
			}
			return nil, fmt.Errorf("fixpoint: %w", err)
		}
		if next == s {
			p.fix = s
			return p, nil
		}
		p.seen[next] = true
		s = next
	}
	return nil, nil
}

// errNoReading is a respell that could not read its text back as it
// expected (a definition of an unexpected shape): a change, not an error.
var errNoReading = errors.New("fixpoint: no reading")

// apply runs f under a savepoint that is always rolled back, so that one
// refused text leaves the transaction usable for the others.
func apply(ctx context.Context, tx pgx.Tx, s string, f respell) (string, error) {
	if _, err := tx.Exec(ctx, "SAVEPOINT retort_fixpoint"); err != nil {
		return "", err
	}
	out, err := f(ctx, tx, s)
	if _, rerr := tx.Exec(ctx, "ROLLBACK TO SAVEPOINT retort_fixpoint"); rerr != nil {
		return "", errors.Join(err, rerr)
	}
	return out, err
}
