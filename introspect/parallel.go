package introspect

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/retortdb/retort/internal/sqlq"
)

// prefetchKinds are the catalog queries read ahead on helper connections,
// in the order the inspection reaches them, while the inspecting connection
// reads the other catalogs. On a backend that has just started, these three
// spend most of an inspection: pg_get_indexdef and pg_get_expr open each
// table (filling its relation cache entry) and pg_get_indexdef looks up the
// default operator class of every key. Each takes the inspected schemas'
// oids as $1 and, rendered with Part, a range of relation oids as $2 and $3.
var prefetchKinds = []string{"columns", "constraints", "indexes"}

// The relations are cut, in oid order, into one range per helper connection
// and a last, smaller one that the inspecting connection reads itself once it
// has read the small catalogs. Splitting by relation rather than by query
// lets each backend open only its own share of the tables, once for all
// three queries. docs/benchmarks.md has the measurements behind the numbers.
const (
	prefetchHelpers = 2                   // helper connections
	prefetchParts   = prefetchHelpers + 1 // ranges; the last is the inspecting connection's
	ownShare        = 0.2                 // of the relations, in the inspecting connection's range
)

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
	ranges  [prefetchParts]oidRange // each helper's relations, then the inspecting connection's
}

// oidRange is the relations whose oids lie between lo and hi, inclusive;
// none when lo > hi.
type oidRange struct{ lo, hi uint32 }

// prefetcher runs the queries of prefetchKinds on helper connections that
// import the inspecting transaction's snapshot, and keeps their rows raw until
// the inspection reaches them.
type prefetcher struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup

	ready chan struct{} // closed once snap is set
	snap  snapshot
	once  sync.Once

	results map[string][]*prefetched // by kind, one per helper

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

// startPrefetch opens the prefetchHelpers connections at once, so that
// they start while the inspecting one reads the small catalogs. The helpers
// wait for share (or stop) before reading.
func startPrefetch(ctx context.Context, opts Options) *prefetcher {
	ctx, cancel := context.WithCancel(ctx)
	p := &prefetcher{cancel: cancel, ready: make(chan struct{}), results: map[string][]*prefetched{}, progress: opts.progress}
	for part := range prefetchHelpers {
		rs := make([]*prefetched, len(prefetchKinds))
		for i, kind := range prefetchKinds {
			rs[i] = &prefetched{done: make(chan struct{})}
			p.results[kind] = append(p.results[kind], rs[i])
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			read, err := p.read(ctx, opts.Connect, part, rs)
			// What the helper did not read, the inspecting connection will.
			for _, r := range rs[read:] {
				r.err = err
				close(r.done)
			}
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

// read connects, imports the snapshot and runs the queries of prefetchKinds
// for one part of the relations, closing each of rs as its query ends. It
// returns how many it read, and why it stopped short of all.
func (p *prefetcher) read(ctx context.Context, connect func(context.Context) (*pgx.Conn, error), part int, rs []*prefetched) (int, error) {
	conn, err := connect(ctx)
	if err != nil {
		return 0, fmt.Errorf("connect: %w", err)
	}
	// The connection ends here on every path; a cancelled ctx must not keep
	// Close from sending Terminate.
	defer conn.Close(context.WithoutCancel(ctx))
	select {
	case <-p.ready:
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	if p.snap.id == "" {
		return 0, errNoSnapshot
	}
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return 0, fmt.Errorf("begin: %w", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	// SET TRANSACTION SNAPSHOT must come before any other statement of the
	// transaction, so it is sent on its own.
	if _, err := tx.Exec(ctx, "SET TRANSACTION SNAPSHOT "+sqlq.Literal(p.snap.id)); err != nil {
		return 0, fmt.Errorf("import snapshot: %w", err)
	}
	if _, err := tx.Exec(ctx, sessionSQL); err != nil {
		return 0, fmt.Errorf("prepare the session: %w", err)
	}
	rg := p.snap.ranges[part]
	for i, kind := range prefetchKinds {
		start := time.Now()
		if err := p.query(ctx, tx, kind, rg, rs[i]); err != nil {
			return i, err
		}
		rs[i].took = time.Since(start)
		close(rs[i].done)
	}
	return len(rs), nil
}

// query runs the query of kind for the relations in rg, copying its rows
// out of pgx's reused buffers into r.
func (p *prefetcher) query(ctx context.Context, tx pgx.Tx, kind string, rg oidRange, r *prefetched) error {
	sql, err := renderQuery(kind, queryData{V: p.snap.version, Part: true})
	if err != nil {
		return err
	}
	rows, err := tx.Query(ctx, sql, p.snap.nsps, rg.lo, rg.hi)
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
// known, with each helper's range of relations.
func (in *inspector) sharePrefetch(ctx context.Context) error {
	if in.pre == nil || in.snapshot == "" {
		in.pre.share(snapshot{})
		return nil
	}
	fractions := make([]float64, prefetchParts-1)
	for i := range fractions {
		fractions[i] = float64(i+1) * (1 - ownShare) / prefetchHelpers
	}
	var cuts []uint32
	if err := in.tx.QueryRow(ctx, rangesSQL, in.nsps, fractions).Scan(&cuts); err != nil {
		return fmt.Errorf("introspect: divide the relations among the helpers: %w", err)
	}
	in.pre.share(snapshot{id: in.snapshot, version: in.version, nsps: in.nsps, ranges: oidRanges(cuts)})
	return nil
}

// rangesSQL finds the oids at which to cut the inspected relations, in oid
// order, into ranges: $2 holds the fractions of the way through at which to
// cut. It reads NULL when there are none.
const rangesSQL = `SELECT pg_catalog.percentile_disc($2::pg_catalog.float8[]) WITHIN GROUP (ORDER BY c.oid)
FROM pg_catalog.pg_class c
WHERE c.relnamespace = ANY($1::pg_catalog.oid[]) AND c.relkind IN ('r', 'p', 'f', 'v', 'm', 'c')`

// oidRanges turns the oids at which rangesSQL cuts into the ranges to read,
// which together cover every oid, 0 included: a domain's CHECK constraint
// has conrelid 0. Ranges are empty where two cuts fall on one oid, and all
// but the first when there are no cuts.
func oidRanges(cuts []uint32) [prefetchParts]oidRange {
	var rs [prefetchParts]oidRange
	for i := range rs {
		rs[i] = oidRange{lo: 1, hi: 0}
	}
	if len(cuts) != prefetchParts-1 {
		rs[0] = oidRange{lo: 0, hi: math.MaxUint32}
		return rs
	}
	lo := uint32(0)
	for i, c := range cuts {
		// A relation's oid is never 0, so c-1 does not wrap.
		rs[i] = oidRange{lo: lo, hi: c - 1}
		lo = c
	}
	rs[prefetchParts-1] = oidRange{lo: lo, hi: math.MaxUint32}
	return rs
}

// eachPart runs the named query for the inspecting connection's range of
// relations, then feeds the rows that each helper read for its range
// through dest and fn as each would. The range of a helper that failed (to
// connect, to import the snapshot or to read) is read on the inspecting
// connection instead, where an error in the query itself is reported as
// usual.
func (in *inspector) eachPart(ctx context.Context, name, kind string, args, dest []any, fn func() error) error {
	snap := &in.pre.snap
	d := queryData{V: in.version, Part: true}
	withRange := func(rg oidRange) []any { return append(slices.Clip(args), rg.lo, rg.hi) }
	if err := in.query(ctx, name, kind, d, withRange(snap.ranges[prefetchHelpers]), dest, fn); err != nil {
		return err
	}
	for part, r := range in.pre.results[name] {
		select {
		case <-r.done:
		case <-ctx.Done():
			return fmt.Errorf("introspect %s: %w", kind, ctx.Err())
		}
		if r.err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("introspect %s: %w", kind, ctx.Err())
			}
			if in.opts.Debugf != nil {
				in.opts.Debugf("introspect %s: read on the inspecting connection: the helper failed: %v", kind, r.err)
			}
			if err := in.query(ctx, name, kind, d, withRange(snap.ranges[part]), dest, fn); err != nil {
				return err
			}
			continue
		}
		if err := in.feed(r, dest, fn); err != nil {
			return fmt.Errorf("introspect %s: %w", kind, err)
		}
		if in.opts.Debugf != nil {
			in.opts.Debugf("introspect %s: %d rows in %v", kind, r.nrows, r.took.Round(time.Microsecond))
		}
	}
	return nil
}

// feed scans each row of r into dest and calls fn, dropping r's blocks as
// it goes. As pgx's own Rows.Scan does, it plans each column's scan once,
// dest being the same for every row: planning it for every value (as
// pgx.ScanRow does) cost more than the scans themselves.
func (in *inspector) feed(r *prefetched, dest []any, fn func() error) error {
	if len(dest) != len(r.fields) {
		return fmt.Errorf("%d columns read into %d destinations", len(r.fields), len(dest))
	}
	tm := in.tx.Conn().TypeMap()
	plans := make([]pgtype.ScanPlan, len(dest))
	for i, d := range dest {
		if d != nil {
			plans[i] = tm.PlanScan(r.fields[i].DataTypeOID, r.fields[i].Format, d)
		}
	}
	for range r.nrows {
		for i, d := range dest {
			v, err := r.next()
			if err != nil {
				return err
			}
			if d == nil {
				continue
			}
			if err := plans[i].Scan(v, d); err != nil {
				return pgx.ScanArgError{ColumnIndex: i, FieldName: r.fields[i].Name, Err: err}
			}
		}
		if err := fn(); err != nil {
			return err
		}
	}
	r.blocks = nil
	return nil
}
