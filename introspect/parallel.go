package introspect

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/retortdb/retort/internal/sqlq"
)

// prefetchKinds are the catalog queries read ahead, each on a connection of
// its own, while the inspecting connection reads everything else. On a
// backend that has just started, pg_get_constraintdef and pg_get_indexdef
// spend most of an inspection filling the catalog caches one relation at a
// time; each extra backend fills its own caches, so these two queries run on
// the other core (see docs/benchmarks.md for the measurements behind the
// choice). Each takes the inspected schemas' oids as its only argument.
var prefetchKinds = []string{"constraints", "indexes"}

// sessionSQL makes every connection of an inspection print the same text:
// pg_dump does the same with an empty search_path, so that every name that
// PostgreSQL prints is qualified unless it lives in pg_catalog. The catalog
// queries of a large database cost enough to trigger JIT compilation, which
// takes longer than it saves on them. Constants in defaults and checks print
// in the session's TimeZone and DateStyle, so fix those too: two servers in
// different time zones must read the same default as the same text. The
// settings are transaction-local, undone by the rollback that ends it.
const sessionSQL = "SELECT pg_catalog.set_config('search_path', '', true), pg_catalog.set_config('jit', 'off', true), " +
	"pg_catalog.set_config('TimeZone', 'UTC', true), pg_catalog.set_config('DateStyle', 'ISO, MDY', true), " +
	"pg_catalog.set_config('IntervalStyle', 'postgres', true), pg_catalog.set_config('extra_float_digits', '3', true), " +
	"pg_catalog.current_setting('server_version_num')::pg_catalog.int4"

// errNoSnapshot tells the helper connections that the inspecting transaction
// has no snapshot to share, so its own connection reads everything.
var errNoSnapshot = errors.New("no exported snapshot")

// snapshot is what a helper connection needs to read as the inspecting
// transaction does: the exported snapshot and the inputs of the queries.
type snapshot struct {
	id      string // from pg_export_snapshot; "" when there is none
	version int
	nsps    []uint32
}

// prefetcher runs the queries of prefetchKinds on helper connections that
// import the inspecting transaction's snapshot, and keeps their rows raw until
// the inspection reaches them.
type prefetcher struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup

	ready chan struct{} // closed once snap is set
	snap  snapshot
	once  sync.Once

	results map[string]*prefetched

	progress func(rows int) // Options.progress
}

// prefetched is one query's result as the server sent it: every value of
// every row, each after its length, in blocks of a fixed size, so that
// thousands of rows cost little more than their bytes. Blocks, unlike one
// growing buffer, are never copied as they fill, and replay drops each once
// it has been read, while the model that it fills grows.
type prefetched struct {
	done   chan struct{} // closed when the fields below are final
	fields []pgconn.FieldDescription
	blocks [][]byte
	nrows  int
	took   time.Duration
	err    error
}

// blockSize is the size of a prefetched block: large enough that its
// allocation is rare, small enough that the last one wastes little.
const blockSize = 64 << 10

// put appends value v, nil for NULL, as uvarint(len(v)+1) (0 for NULL)
// followed by its bytes. A value never spans two blocks.
func (r *prefetched) put(v []byte) {
	need := binary.MaxVarintLen32 + len(v)
	if n := len(r.blocks); n == 0 || cap(r.blocks[n-1])-len(r.blocks[n-1]) < need {
		r.blocks = append(r.blocks, make([]byte, 0, max(blockSize, need)))
	}
	b := &r.blocks[len(r.blocks)-1]
	if v == nil {
		*b = append(*b, 0)
		return
	}
	*b = binary.AppendUvarint(*b, uint64(len(v))+1)
	*b = append(*b, v...)
}

// next returns the next value that put stored, nil for NULL, and drops
// each block once it is read to its end. The value aliases the block.
func (r *prefetched) next() ([]byte, error) {
	for len(r.blocks) > 0 && len(r.blocks[0]) == 0 {
		r.blocks[0] = nil
		r.blocks = r.blocks[1:]
	}
	if len(r.blocks) == 0 {
		return nil, errors.New("prefetched rows end early")
	}
	b := r.blocks[0]
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)-k)+1 {
		return nil, errors.New("prefetched rows are corrupt")
	}
	if n == 0 {
		r.blocks[0] = b[k:]
		return nil, nil
	}
	end := k + int(n-1)
	r.blocks[0] = b[end:]
	return b[k:end:end], nil
}

// startPrefetch opens one helper connection per kind at once, so that the
// connections start while the inspecting one reads the small catalogs. The
// helpers wait for share (or stop) before reading.
func startPrefetch(ctx context.Context, opts Options, kinds []string) *prefetcher {
	ctx, cancel := context.WithCancel(ctx)
	connect := opts.Connect
	p := &prefetcher{cancel: cancel, ready: make(chan struct{}), results: map[string]*prefetched{}, progress: opts.progress}
	for _, kind := range kinds {
		r := &prefetched{done: make(chan struct{})}
		p.results[kind] = r
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			defer close(r.done)
			start := time.Now()
			r.err = p.read(ctx, connect, kind, r)
			r.took = time.Since(start)
		}()
	}
	return p
}

// share hands the helpers the snapshot to import; an empty id makes them
// give up, leaving their queries to the inspecting connection.
func (p *prefetcher) share(s snapshot) {
	if p == nil {
		return
	}
	p.once.Do(func() {
		p.snap = s
		close(p.ready)
	})
}

// stop cancels whatever the helpers still do and waits until each has closed
// its connection. It must run before the inspecting transaction ends: a
// helper still waiting to import its snapshot would otherwise fail on a
// snapshot that no longer exists rather than on the cancellation.
func (p *prefetcher) stop() {
	if p == nil {
		return
	}
	p.share(snapshot{})
	p.cancel()
	p.wg.Wait()
}

// read connects, imports the snapshot and runs the query of kind, copying
// its rows out of pgx's reused buffers.
func (p *prefetcher) read(ctx context.Context, connect func(context.Context) (*pgx.Conn, error), kind string, r *prefetched) error {
	conn, err := connect(ctx)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	// The connection ends here on every path; a cancelled ctx must not keep
	// Close from sending Terminate.
	defer conn.Close(context.WithoutCancel(ctx))
	select {
	case <-p.ready:
	case <-ctx.Done():
		return ctx.Err()
	}
	if p.snap.id == "" {
		return errNoSnapshot
	}
	sql, err := querySQL(kind, p.snap.version)
	if err != nil {
		return err
	}
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	// SET TRANSACTION SNAPSHOT must come before any other statement of the
	// transaction, so it is sent on its own.
	if _, err := tx.Exec(ctx, "SET TRANSACTION SNAPSHOT "+sqlq.Literal(p.snap.id)); err != nil {
		return fmt.Errorf("import snapshot: %w", err)
	}
	if _, err := tx.Exec(ctx, sessionSQL); err != nil {
		return fmt.Errorf("prepare the session: %w", err)
	}
	rows, err := tx.Query(ctx, sql, p.snap.nsps)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		for _, v := range rows.RawValues() {
			r.put(v)
		}
		r.nrows++
		if r.nrows%progressEvery == 0 {
			p.progress(progressEvery)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	p.progress(r.nrows % progressEvery)
	r.fields = rows.FieldDescriptions()
	return nil
}

// exportSnapshot exports the inspecting transaction's snapshot for the
// helpers. It must be the transaction's first statement, which also fixes
// the snapshot the whole inspection reads.
func (in *inspector) exportSnapshot(ctx context.Context) (string, error) {
	var id string
	if err := in.tx.QueryRow(ctx, "SELECT pg_catalog.pg_export_snapshot()").Scan(&id); err != nil {
		return "", err
	}
	return id, nil
}

// sharePrefetch hands the helpers the snapshot once the inspected schemas are
// known, which is all that the prefetched queries take.
func (in *inspector) sharePrefetch(context.Context) error {
	in.pre.share(snapshot{id: in.snapshot, version: in.version, nsps: in.nsps})
	return nil
}

// replay feeds the rows that a helper read for kind through dest and fn as
// each would. It reports false when there is nothing to replay, the helper
// having failed to connect or import the snapshot: the caller then runs the
// query on its own connection, where an error in the query itself is
// reported as usual.
func (in *inspector) replay(ctx context.Context, name, kind string, dest []any, fn func() error) (bool, error) {
	if in.pre == nil {
		return false, nil
	}
	r := in.pre.results[name]
	if r == nil {
		return false, nil
	}
	select {
	case <-r.done:
	case <-ctx.Done():
		return true, fmt.Errorf("introspect %s: %w", kind, ctx.Err())
	}
	if r.err != nil {
		if ctx.Err() != nil {
			return true, fmt.Errorf("introspect %s: %w", kind, ctx.Err())
		}
		if in.opts.Debugf != nil && !errors.Is(r.err, errNoSnapshot) {
			in.opts.Debugf("introspect %s: read on the inspecting connection: the helper failed: %v", kind, r.err)
		}
		return false, nil
	}
	tm := in.tx.Conn().TypeMap()
	row := make([][]byte, len(r.fields))
	for range r.nrows {
		for i := range row {
			v, err := r.next()
			if err != nil {
				return true, fmt.Errorf("introspect %s: %w", kind, err)
			}
			row[i] = v
		}
		if err := pgx.ScanRow(tm, r.fields, row, dest...); err != nil {
			return true, fmt.Errorf("introspect %s: %w", kind, err)
		}
		if err := fn(); err != nil {
			return true, fmt.Errorf("introspect %s: %w", kind, err)
		}
	}
	if in.opts.Debugf != nil {
		in.opts.Debugf("introspect %s: %d rows in %v", kind, r.nrows, r.took.Round(time.Microsecond))
	}
	r.blocks = nil
	return true, nil
}
