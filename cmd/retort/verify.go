package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/spf13/cobra"

	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/internal/devdb"
	"github.com/retortdb/retort/introspect"
	"github.com/retortdb/retort/migrate"
	"github.com/retortdb/retort/migrate/verify"
)

// verifyFlags are the flags of verify.
type verifyFlags struct {
	to string
}

func newVerify(g *globals) *cobra.Command {
	var f verifyFlags
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Prove that every revision's down undoes its up",
		Long: `verify replays every revision on a scratch database: up, inspect, down,
inspect, compare, then up again before the next. It names the first revision
whose down does not restore the state before its up. With --to (or desired in
retort.yaml) it also checks that head equals the declared schema.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runVerify(cmd.Context(), g, &f)
		},
	}
	cmd.Flags().StringVar(&f.to, "to", "", "the declared schema head must equal (default: desired in retort.yaml)")
	return cmd
}

func runVerify(ctx context.Context, g *globals, f *verifyFlags) error {
	st, err := g.migrations()
	if err != nil {
		return err
	}
	dev, err := devdb.Open(ctx, st.s.DevURL, devdb.Options{Logf: g.logf, Debugf: g.debugf, Trusted: st.s.DevTrusted})
	if err != nil {
		return err
	}
	defer dev.Close()
	sc, err := dev.Scratch(ctx)
	if err != nil {
		return err
	}
	defer sc.Close(context.WithoutCancel(ctx))
	// The revisions are replayed as declared sources are applied: without
	// superuser rights unless trusted.
	applier, err := sc.Applier(ctx)
	if err != nil {
		return err
	}
	conn, err := connect(ctx, applier)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	opts := verify.Options{
		Migrate: st.opts,
		Inspect: introspect.Options{Debugf: g.debugf},
		OK: func(r *migrate.Revision) {
			fmt.Fprintf(g.stderr, "retort: %s ok (%s)\n", r.ID, r.Message)
		},
	}
	if err := verify.Run(ctx, conn, st.dir, opts); err != nil {
		return err
	}
	if g.changed("to") {
		st.s.Desired = f.to
	}
	if !verifiesHead(g, st) {
		return nil
	}
	return verifyHead(ctx, g, st, conn, opts)
}

// verifiesHead reports whether verify holds head to a declared schema: one
// given with --to, or desired in retort.yaml when it names something there.
func verifiesHead(g *globals, st *setup) bool {
	if g.changed("to") {
		return true
	}
	if st.s.Desired == "" {
		return false
	}
	if !strings.Contains(st.s.Desired, "://") {
		// desired defaults to schema.sql: a project without one has no
		// declared schema to hold head to, which is no error here.
		if _, err := os.Stat(st.s.Desired); errors.Is(err, fs.ErrNotExist) {
			fmt.Fprintf(g.stderr, "retort: no declared schema (%s does not exist): head not compared with one\n", st.s.Desired)
			return false
		}
	}
	return true
}

// verifyHead compares the schema at head, on conn after verify.Run, with
// the declared schema: errChanges when they differ.
func verifyHead(ctx context.Context, g *globals, st *setup, conn *pgx.Conn, opts verify.Options) error {
	l := g.loader(st.s, nil, nil)
	l.Migrate = st.opts
	defer l.Close()
	head, err := verify.Inspect(ctx, conn, opts)
	if err != nil {
		return err
	}
	// Filtered as the declared side is (include, exclude).
	if err := l.Filter("migrations head", head); err != nil {
		return err
	}
	want, err := l.Load(ctx, st.s.Desired)
	if err != nil {
		return fmt.Errorf("declared schema: %w", err)
	}
	if _, err := l.Reconcile(ctx, head, want); err != nil {
		return err
	}
	cs, err := diff.Compare(head, want, diff.Options{})
	if err != nil {
		return fmt.Errorf("compare head with the declared schema: %w", err)
	}
	if len(cs) > 0 {
		fmt.Fprintf(g.stderr, "retort: head differs from the declared schema %s in %s\n", st.s.Desired, count(len(cs), "change"))
		return errChanges
	}
	return nil
}
