package source

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/retortdb/retort/internal/pgbatch"
	"github.com/retortdb/retort/model/sqlddl"
)

// maxBatch is the most statements sent to the server in one batch.
// Measured on GitLab's schema (BenchmarkApplyBatch, 14,585 statements, on a
// quiet 2-core machine): 10.1–10.5 s one at a time, 6.0–7.7 s with batches
// of any size from 16 to 1,024 (each statement's own commit is what
// costs, not the round trip), slower again from 2,048 on. A smaller batch
// redoes less when a statement in it fails, and holds fewer locks at once
// on a dev server with the default lock table.
const maxBatch = 64

// maxBackoff bounds how many statements run one at a time after a batch
// fails, before batches are tried again.
const maxBackoff = 64

// batchKinds are the statements that may share a batch: definitions that
// run the same in a transaction block as alone, and that neither read nor
// change session settings nor run user code, but on rows that statements
// run alone put in a table (an ADD COLUMN whose volatile default would
// run again when its batch is replayed: rare in a schema file, and
// invisible in the schema read back). Anything else (SET,
// SELECT, DO, DML, transaction control, LOCK, DECLARE, CREATE EXTENSION,
// ALTER TYPE … ADD VALUE, VACUUM, tablespaces, subscriptions, statements
// pg_query cannot parse …) runs alone, as it always has: some of those
// fail in a transaction block, and some succeed there that fail alone
// (LOCK, DECLARE), or behave differently (SET LOCAL, deferred
// constraints, nextval in a batch that is rolled back).
var batchKinds = map[string]bool{
	"CreateStmt": true, "AlterTableStmt": true, "IndexStmt": true, "DropStmt": true,
	"CreateSeqStmt": true, "AlterSeqStmt": true, "CommentStmt": true,
	"CreateFunctionStmt": true, "AlterFunctionStmt": true, "CreateTrigStmt": true, "ViewStmt": true, "RuleStmt": true,
	"CreateSchemaStmt": true, "CreateEnumStmt": true, "CreateDomainStmt": true, "AlterDomainStmt": true,
	"CompositeTypeStmt": true, "CreateRangeStmt": true, "DefineStmt": true, "CreateCastStmt": true,
	"CreateOpClassStmt": true, "CreateOpFamilyStmt": true, "CreateStatsStmt": true,
	"CreatePolicyStmt": true, "AlterPolicyStmt": true,
	"GrantStmt": true, "AlterDefaultPrivilegesStmt": true, "AlterOwnerStmt": true,
	"RenameStmt": true, "AlterObjectSchemaStmt": true,
	"CreateForeignTableStmt": true, "CreateForeignServerStmt": true, "CreateUserMappingStmt": true,
}

// batchable reports whether s may share a batch with its neighbours; see
// [batchKinds]. CREATE INDEX, DROP INDEX, REINDEX and ALTER TABLE … DETACH
// PARTITION that say CONCURRENTLY cannot run in a transaction block, and a
// table dropped ON COMMIT would live until the end of the batch instead of
// the end of its own statement; a mention of either word anywhere sends
// the statement alone, which is never wrong, only slower.
func batchable(s sqlddl.Statement) bool {
	if !batchKinds[s.Kind] || mayChangeSettings(s) {
		return false
	}
	return !containsFold(s.Text, "concurrently") && !(s.Kind == "CreateStmt" && containsFold(s.Text, "on commit"))
}

// containsFold reports whether s contains the lower-case ASCII word w in
// any case.
func containsFold(s, w string) bool {
	for i := 0; i+len(w) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(w)], w) {
			return true
		}
	}
	return false
}

// batcher sends runs of statements as one simple-protocol query each, one
// round trip for many statements, where applyStatements would otherwise
// send them one at a time. The server runs such a query as one implicit
// transaction when the session is idle, stopping at the first error and
// rolling back the whole of it, so that a failed batch leaves nothing
// behind and its statements are run again: those before the one that
// failed as a batch, that one alone, with its deferral, role
// creation and error position, and the next ones alone for a while (see
// backoff) in case they fail too, as in a file written in reverse order.
//
// Batches are sent only outside a file's own transaction blocks, where
// each statement needs a savepoint of its own to be undone alone; files
// rarely open such blocks, and a batch there would mix their statements'
// fates.
type batcher struct {
	// max is the most statements in a batch; 1 sends none.
	max int
	// stop is the statement that failed in the last failed batch: batches
	// before it end before it, and it runs alone, as do the statements
	// up to resume.
	stop, resume int
	// backoff is how many statements run alone after the next failure.
	backoff int
}

// newBatcher returns a batcher sending at most size statements in a batch
// (maxBatch when size is 0).
func newBatcher(size int) *batcher {
	if size == 0 {
		size = maxBatch
	}
	return &batcher{max: size, stop: -1}
}

// run sends a batch that starts at stmts[i], and returns how many
// statements it ran: 0 when stmts[i] must run alone, because the session
// is in a transaction block, because it is not [batchable], because too
// few statements follow that are, or because a batch just failed there.
// An error is one that stops the load (a lost connection, a cancelled
// ctx); a statement that fails in a batch is not an error here.
func (b *batcher) run(ctx context.Context, a *applier, stmts []sqlddl.Statement, i int) (int, error) {
	pc := a.conn.PgConn()
	if b.max < 2 || (i >= b.stop && i < b.resume) || pc.TxStatus() != 'I' ||
		pc.ParameterStatus("standard_conforming_strings") != "on" {
		// Without standard_conforming_strings the server would read
		// quotes otherwise than Split did, and a batch's boundaries
		// with them.
		return 0, nil
	}
	end := i
	for end < len(stmts) && end-i < b.max && (i >= b.stop || end < b.stop) && batchable(stmts[end]) {
		end++
	}
	if end-i < 2 {
		return 0, nil
	}
	run := stmts[i:end]
	n, failed, err := execRun(ctx, pc, run)
	if err != nil {
		return 0, err
	}
	if failed < 0 {
		b.backoff /= 2
		return n, nil
	}
	// The batch was rolled back: the statements before the failed one
	// go again as a batch, that one alone.
	b.stop = i + failed
	b.resume = b.stop + 1 + b.backoff
	b.backoff = min(max(1, 2*b.backoff), maxBackoff)
	return 0, nil
}

// execRun sends run as one query. It returns how many statements ran, or
// the index of the one that failed (-1 when none did) after which the
// server rolled back the whole run; err is for everything but a server
// error.
func execRun(ctx context.Context, pc *pgconn.PgConn, run []sqlddl.Statement) (n, failed int, err error) {
	texts := make([]string, len(run))
	for k, s := range run {
		texts[k] = s.Text
	}
	tags, failed, err := pgbatch.Exec(ctx, pc, texts)
	if err == nil {
		if len(tags) != len(run) {
			// Split refuses what would make the server read a batch
			// otherwise (standard_conforming_strings off), so this is
			// not expected; the batch is committed, and running its
			// statements again would run them twice.
			return 0, 0, fmt.Errorf("%s:%d:%d: scratch database: the server read %d statements from here on as %d", run[0].File, run[0].Line, run[0].Col, len(run), len(tags))
		}
		return len(tags), -1, nil
	}
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return 0, 0, fmt.Errorf("%s:%d:%d: %w", run[0].File, run[0].Line, run[0].Col, err)
	}
	// The error's position names the statement even when none ran, as
	// after a syntax error; without one, it is the first that did not
	// complete.
	return 0, min(failed, len(run)-1), nil
}

// connect opens the session statements are applied on: through t.dial,
// when a test counts round trips.
func connect(ctx context.Context, t target) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig(t.url)
	if err != nil {
		return nil, err
	}
	if t.dial != nil {
		cfg.DialFunc = t.dial(cfg.DialFunc)
	}
	return pgx.ConnectConfig(ctx, cfg)
}
