// Package gate is the hazard gate of `retort upgrade` and `retort
// downgrade`: before a run applies anything, it refuses the steps whose
// statements carry a danger hazard that neither the revision (a
// "-- retort:allow-hazard KIND" header line) nor the run ([Options].Allow,
// the --allow-hazards flag) acknowledges, and every backfill step
// ("-- retort:backfill") a reviewer has not completed.
//
// Hazards are judged from the statements themselves, so that revisions
// written by hand, in any layout, and revisions written before the gate
// existed are gated alike: the danger findings of package lint, the
// "-- hazard: KIND (SEVERITY): …" comments retort writes above its
// statements, and, for an upgrade, the header's hazard lines whose kind no
// statement carries. A hazard about tables that are empty is let through:
// dropping or rewriting an empty table loses nothing and takes no time.
// Emptiness is read from pg_class's estimates, then, where they say
// nothing, from an exact query under a short timeout; a size the gate
// cannot tell counts as rows.
//
// The package is apart from package migrate because package lint parses
// statements with pg_query (cgo); migrate stays free of it. An application
// that runs its migrations with migrate.Upgrade is gated only when it sets
// [migrate.Options].Gate:
//
//	g, err := gate.New(gate.Options{})
//	if err != nil {
//		return err
//	}
//	opts := &migrate.Options{Gate: g}
//	_, err = migrate.Upgrade(ctx, conn, dir, "heads", opts)
package gate
