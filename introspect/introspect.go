package introspect

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/retortdb/retort/model"
)

// Options select what is read. The zero value reads every schema that is
// neither a system schema nor part of an extension.
type Options struct {
	// Schemas limits the inspection to these schemas. Empty means all of them.
	// Naming a schema that does not exist is an error. When Schemas is set,
	// database-wide objects (event triggers, foreign-data wrappers, servers,
	// user mappings, casts) are read only when they are tied to a listed
	// schema: an event trigger or cast whose function, or a cast whose source
	// or target type, lives there; wrappers, servers and mappings are not read.
	Schemas []string
	// Exclude leaves these schemas out. A name that does not exist is ignored.
	Exclude []string
	// IgnoreTables are left out with everything on them (columns,
	// constraints, indexes, triggers, rules, policies and the sequences they
	// own), as retort's own version tables are. Schema must be set.
	IgnoreTables []model.QName
	// Debugf, when set, is told each catalog query's kind, row count and
	// time, to find where an inspection spends it.
	Debugf func(format string, args ...any)
	// Connect, when set, opens another connection to the same database.
	// Inspect then reads most of the columns, constraints and indexes (its
	// heaviest catalog queries) on two such connections, each for a range
	// of the relations, at the same time as the rest, in transactions that
	// import its own snapshot: the result is exactly what one transaction
	// would read.
	// Without it, or when the server cannot share its snapshot, Inspect
	// reads everything through its one connection. InspectURL sets it.
	// Every connection it returns is closed before Inspect returns.
	Connect func(ctx context.Context) (*pgx.Conn, error)
	// Progress, when set, is told how many more catalog rows have arrived,
	// every few hundred rows and at the end of each query, so that a long
	// inspection can show a live count (progress.Bar.Add). The total is not
	// known in advance, and rows that a failing helper had read are read
	// and counted again. It is called from the helper connections'
	// goroutines as well, so it must be safe for concurrent use.
	Progress func(rows int)
}

func (o Options) validate() error {
	for _, q := range o.IgnoreTables {
		if q.Schema == "" || q.Name == "" {
			return fmt.Errorf("introspect: ignored table %q needs a schema and a name", q.String())
		}
	}
	return nil
}

// Inspect reads the whole schema visible through conn in a fixed number of
// catalog queries, however many objects the database holds.
//
// It runs in a REPEATABLE READ READ ONLY transaction of its own, so conn must
// not be inside a transaction, with an empty search_path so that every text
// that PostgreSQL prints (types, expressions, definitions) names objects
// schema-qualified. The returned schema is normalized and has ServerMajor set.
func Inspect(ctx context.Context, conn *pgx.Conn, opts Options) (*model.Schema, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	if st := conn.PgConn().TxStatus(); st != 'I' {
		return nil, errors.New("introspect: the connection is inside a transaction; Inspect needs one of its own")
	}
	var pre *prefetcher
	if opts.Connect != nil {
		// The helpers connect while this connection begins and reads the
		// small catalogs.
		pre = startPrefetch(ctx, opts)
	}
	in := &inspector{opts: opts, s: &model.Schema{}, pre: pre}
	if err := in.begin(ctx, conn); err != nil {
		pre.stop()
		return nil, err
	}
	// Nothing is written, so rolling back is the way out in every case; it
	// also undoes the transaction-local settings. Its error would tell
	// nothing that the inspection's own result does not. The helpers stop
	// first, while the snapshot they may still import exists.
	defer func() {
		pre.stop()
		_ = in.tx.Rollback(context.WithoutCancel(ctx))
	}()
	if err := in.run(ctx); err != nil {
		return nil, err
	}
	in.s.Normalize()
	return in.s, nil
}

// begin starts the inspecting transaction and, when there are helpers,
// exports its snapshot for them. A server that cannot export one (a
// standby before PostgreSQL 10 could not; a pooler in transaction mode may
// refuse) leaves the whole inspection to conn, in a transaction begun anew
// since the failed export aborted the first one.
func (in *inspector) begin(ctx context.Context, conn *pgx.Conn) error {
	txOpts := pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
	tx, err := conn.BeginTx(ctx, txOpts)
	if err != nil {
		return fmt.Errorf("introspect: begin: %w", err)
	}
	in.tx = tx
	if in.pre == nil {
		return nil
	}
	id, err := in.exportSnapshot(ctx)
	if err == nil {
		in.snapshot = id
		return nil
	}
	_ = tx.Rollback(context.WithoutCancel(ctx))
	if ctx.Err() != nil {
		return fmt.Errorf("introspect: export snapshot: %w", ctx.Err())
	}
	if in.opts.Debugf != nil {
		in.opts.Debugf("introspect: reading on one connection: export snapshot: %v", err)
	}
	in.pre.share(snapshot{})
	if in.tx, err = conn.BeginTx(ctx, txOpts); err != nil {
		return fmt.Errorf("introspect: begin: %w", err)
	}
	return nil
}

// InspectURL connects to the database at url, inspects it and closes the
// connection.
func InspectURL(ctx context.Context, url string, opts Options) (*model.Schema, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("introspect: connect: %w", err)
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("introspect: connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if opts.Connect == nil {
		opts.Connect = func(ctx context.Context) (*pgx.Conn, error) { return pgx.ConnectConfig(ctx, cfg.Copy()) }
	}
	return Inspect(ctx, conn, opts)
}

// run issues the catalog queries in dependency order: each kind may look up
// the objects that earlier kinds put in the inspector's maps.
func (in *inspector) run(ctx context.Context) error {
	err := in.tx.QueryRow(ctx, sessionSQL).Scan(nil, nil, nil, nil, nil, nil, &in.version)
	if err != nil {
		return fmt.Errorf("introspect: prepare the session: %w", err)
	}
	if in.version < 130000 {
		return fmt.Errorf("introspect: PostgreSQL %d is not supported (server_version_num %d); retort reads 13 and later",
			in.version/10000, in.version)
	}
	in.s.ServerMajor = in.version / 10000
	in.global = len(in.opts.Schemas) == 0
	steps := []func(context.Context) error{
		in.members,
		in.namespaces,
		in.sharePrefetch,
		in.extensions,
		in.collations,
		in.types,
		in.tables,
		in.views,
		in.sequences,
		in.columns,
		in.constraints,
		in.indexes,
		in.functions,
		in.aggregates,
		in.triggers,
		in.eventTriggers,
		in.rules,
		in.policies,
		in.statistics,
		in.foreignDataWrappers,
		in.servers,
		in.userMappings,
		in.casts,
		in.defaultPrivileges,
		in.depends,
		in.unsupported,
	}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return err
		}
	}
	return nil
}
