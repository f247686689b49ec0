package source

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/retortdb/retort/internal/devdb"
	"github.com/retortdb/retort/introspect"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/model/sqlddl"
)

// loadSQL applies the SQL files of spec (a file, or a directory's .sql files
// in lexical order) to a scratch database on the dev server and reads it
// back.
//
// The files are split into statements with [sqlddl.Split], where psql would
// split them, and sent one at a time, as written, in the order written, on
// one session, each in its own implicit transaction, so that a statement
// that fails leaves nothing behind and its error names that statement.
// (Inside a transaction block that the file opens with BEGIN, each statement
// runs under a savepoint instead.) Statements that cannot run in a
// transaction block, such as CREATE INDEX CONCURRENTLY, run as psql runs
// them. Runs of plain definitions go as one batch each, to the same end
// (see [batcher]): when a statement of a batch fails, the batch is rolled
// back, the statements before that one go again, and it runs alone.
//
// A statement that fails because something it needs does not exist yet (see
// [deferrable]) is set aside and retried after the others, in dependency
// order as far as [sqlddl.Deps] can tell, under the session settings
// (search_path, role, …) that were in force where it was written; retries
// go on while they make progress. So a file written in any order loads. A
// statement that still fails, or fails otherwise, is a [*StatementError].
//
// psql meta-commands are an error (a schema file is plain SQL), except the
// \restrict and \unrestrict lines of pg_dump, which are skipped. So are
// CREATE DATABASE, DROP DATABASE and ALTER SYSTEM, which would act on the
// dev server outside the scratch database.
func (l *run) loadSQL(ctx context.Context, spec Spec) (_ *model.Schema, err error) {
	// With --dev-url none this fails, saying a SQL source needs a dev server.
	dev, err := l.devServer(ctx, spec)
	if err != nil {
		return nil, err
	}
	files, err := sqlFiles(spec.Path)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("source %s: directory holds no .sql files", spec)
	}
	// Split everything first: a file that cannot be read fails before any
	// server starts.
	var stmts []sqlddl.Statement
	var hints []sqlddl.RenameHint
	for _, f := range files {
		src, err := l.read(f)
		if err != nil {
			return nil, fmt.Errorf("source %s: %w", spec, err)
		}
		ss, err := sqlddl.Split(f, src)
		if err != nil {
			return nil, err
		}
		hs, err := sqlddl.RenameHints(f, src, ss)
		if err != nil {
			return nil, err
		}
		hints = append(hints, hs...)
		for _, s := range ss {
			if err := refuse(s); err != nil {
				return nil, err
			}
		}
		stmts = append(stmts, ss...)
	}

	sc, err := dev.Scratch(ctx)
	if err != nil {
		return nil, fmt.Errorf("dev server: %w", err)
	}
	defer func() {
		if err == nil {
			// Kept as the probe: see Loader.Reconcile.
			l.kept = sc
			return
		}
		// Drop even when ctx was cancelled: a scratch database must not outlive us.
		if cerr := sc.Close(context.WithoutCancel(ctx)); cerr != nil && err == nil {
			err = fmt.Errorf("drop scratch database: %w", cerr)
		}
	}()
	tgt, err := l.target(ctx, dev, sc)
	if err != nil {
		return nil, err
	}
	late, err := applyStatements(ctx, tgt, stmts)
	if err != nil {
		return nil, err
	}
	if err := settle(ctx, sc); err != nil {
		return nil, fmt.Errorf("dev server: %w", err)
	}
	if late > 0 {
		l.logf("source %s: %d statements ran after statements written later than them, which they need", spec, late)
	}
	s, err := introspect.InspectURL(ctx, sc.ConnString(), l.Inspect)
	if err != nil {
		return nil, fmt.Errorf("inspect %s: %w", spec, err)
	}
	if err := keepSQLRenameHints(s, hints); err != nil {
		return nil, err
	}
	return s, nil
}

// ApplySQL applies SQL text to the database at connString as a SQL source
// is loaded (see [Loader.Load]): statement by statement, in the order
// written, each statement that needs something written later retried in
// dependency order. Errors name the statement as file:line:col of name.
// Statements that would act beyond that database (CREATE DATABASE, DROP
// DATABASE, ALTER SYSTEM) are refused before anything runs.
func ApplySQL(ctx context.Context, connString, name string, text []byte) error {
	stmts, err := sqlddl.Split(name, text)
	if err != nil {
		return err
	}
	for _, s := range stmts {
		if err := refuse(s); err != nil {
			return err
		}
	}
	_, err = applyStatements(ctx, target{url: connString}, stmts)
	return err
}

// refused are the statements that would act on the dev server beyond the
// scratch database, by Kind.
var refused = map[string]string{
	"CreatedbStmt":    "CREATE DATABASE",
	"DropdbStmt":      "DROP DATABASE",
	"AlterSystemStmt": "ALTER SYSTEM",
}

// refuse rejects a statement that is refused.
func refuse(s sqlddl.Statement) error {
	what := refused[s.Kind]
	if what == "" {
		return nil
	}
	return &sqlddl.Error{File: s.File, Line: s.Line, Col: s.Col,
		Msg: what + " in a schema file: retort applies the file to a scratch database of its own, and a schema file declares what is in one database"}
}

// StatementError is a statement of a SQL source that the dev server
// rejected.
type StatementError struct {
	// Statement is the statement, located in its file.
	Statement sqlddl.Statement
	// Line and Col locate the error in the file: the server's position
	// inside the statement, or else the statement's start.
	Line, Col int
	// Err is the server's error.
	Err *pgconn.PgError
	// Others counts the other statements that were still failing when
	// this one was reported, mostly because they need what it would have
	// created.
	Others int
	// Cycle, when it is not empty, is why: statements that need each
	// other, each using what the next creates and the last what Statement
	// creates, so that PostgreSQL cannot create any of them first.
	Cycle []CycleStep
	// Restricted says that the statement ran without superuser rights,
	// which the message then names when they are what it lacked.
	Restricted bool
}

// CycleStep is one statement of a dependency cycle and the object it uses
// that the next statement of the cycle creates.
type CycleStep struct {
	Statement sqlddl.Statement
	Uses      sqlddl.Ref
}

// Error returns "file:line:col: message (SQLSTATE code); statement at line
// N: its first line".
func (e *StatementError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d:%d: %s (SQLSTATE %s)", e.Statement.File, e.Line, e.Col, e.Err.Message, e.Err.Code)
	if e.Err.Detail != "" {
		fmt.Fprintf(&b, "; detail: %s", e.Err.Detail)
	}
	if e.Err.Hint != "" {
		fmt.Fprintf(&b, "; hint: %s", e.Err.Hint)
	}
	fmt.Fprintf(&b, "; statement at line %d: %s", e.Statement.Line, e.Statement.FirstLine())
	if len(e.Cycle) > 0 {
		steps := make([]string, len(e.Cycle))
		for i, c := range e.Cycle {
			next := e.Cycle[(i+1)%len(e.Cycle)].Statement
			steps[i] = fmt.Sprintf("%s:%d uses %s, created at %s:%d", c.Statement.File, c.Statement.Line, c.Uses, next.File, next.Line)
		}
		b.WriteString("; it is part of a cycle that PostgreSQL cannot create in any order: " + strings.Join(steps, "; "))
		if others := e.Others - (len(e.Cycle) - 1); others > 0 {
			fmt.Fprintf(&b, " (and %d more statements failed, likely because of this cycle)", others)
		}
		return b.String()
	}
	if e.Others > 0 {
		fmt.Fprintf(&b, " (and %d more statements failed, likely because of this one)", e.Others)
	}
	if e.Restricted && needsTrust(e.Err) {
		b.WriteString("; " + trustHint)
	}
	return b.String()
}

// Unwrap returns the server's error.
func (e *StatementError) Unwrap() error { return e.Err }

// statementError locates a server error in the statement's file. A
// position inside an internal query (a SQL function body that the server
// checked) is located too, when that body appears in the statement as is;
// an error without a position is placed on the name it quotes.
func statementError(s sqlddl.Statement, pgErr *pgconn.PgError, others int) *StatementError {
	e := &StatementError{Statement: s, Line: s.Line, Col: s.Col, Err: pgErr, Others: others}
	switch {
	case pgErr.Position > 0:
		e.Line, e.Col = s.Position(int(pgErr.Position))
	case pgErr.InternalPosition > 0 && pgErr.InternalQuery != "":
		if i := strings.Index(s.Text, pgErr.InternalQuery); i >= 0 {
			e.Line, e.Col = s.Position(utf8.RuneCountInString(s.Text[:i]) + int(pgErr.InternalPosition))
		}
	default:
		// No position, as for `column "x" does not exist` in CREATE
		// INDEX: where the statement names the one name quoted.
		if parts := strings.Split(pgErr.Message, `"`); len(parts) == 3 {
			if line, col, ok := s.Locate(parts[1]); ok {
				e.Line, e.Col = line, col
			}
		}
	}
	return e
}

// deferrable reports whether a statement failed because something it needs
// does not exist yet, so that it may succeed after statements written after
// it: an undefined table, object, function, column or schema, a foreign key
// whose unique constraint is not there yet, or an object not yet in the
// state the statement needs (such as an index attached as a partition of
// another before its table is attached as a partition of that one's).
// Statements that set up the session or its transactions are never set
// aside, and every other error stops the load at once.
func deferrable(s sqlddl.Statement, pgErr *pgconn.PgError) bool {
	switch s.Kind {
	case "VariableSetStmt", "VariableShowStmt", "TransactionStmt", "DiscardStmt":
		return false
	}
	return deferrableCode(pgErr.Code)
}

// deferrableCode reports whether an error code says that something a
// statement needs does not exist yet; see [deferrable].
func deferrableCode(code string) bool {
	switch code {
	case "42P01", // undefined_table
		"42704", // undefined_object (types among others)
		"42883", // undefined_function
		"42703", // undefined_column
		"3F000", // invalid_schema_name
		"42830", // invalid_foreign_key: no unique constraint (yet) on the referenced columns
		"55000": // object_not_in_prerequisite_state
		return true
	}
	return false
}

// mayChangeSettings reports whether a statement may change session
// settings: SET and RESET, and anything that can call set_config.
func mayChangeSettings(s sqlddl.Statement) bool {
	switch s.Kind {
	case "VariableSetStmt", "SelectStmt", "DoStmt", "CallStmt", "ExecuteStmt", "TransactionStmt", "DiscardStmt", "":
		return true
	}
	return false
}

// settings are the session settings in force at some point of a file:
// those set in the session (pg_settings.source = 'session'), plus the
// session authorization and the role, which pg_settings does not show.
type settings map[string]string

// deferred is a statement set aside, with the settings it was written under.
type deferred struct {
	index    int
	stmt     sqlddl.Statement
	err      *pgconn.PgError
	settings settings
	refs     sqlddl.Refs
}

// applier runs statements on one session.
type applier struct {
	conn *pgx.Conn
	// now caches the session's current settings; nil when a statement
	// may have changed them since they were read.
	now settings
	// roles, when not nil, creates the roles that statements name but
	// the server lacks (as NOLOGIN roles), and the statement runs again:
	// roles belong to the whole server, not to a schema, so a schema
	// file rarely creates them. Only on the embedded dev server, which is
	// retort's own.
	roles *devdb.Scratch
}

// missingRole matches the message of a statement naming a role the server
// does not have (SQLSTATE 42704); the server quotes the name without
// doubling quotes.
var missingRole = regexp.MustCompile(`^role "(.+)" does not exist$`)

// applyStatements applies stmts to the database at connString as loadSQL
// describes. It returns how many statements ran after statements written
// later than them.
func applyStatements(ctx context.Context, t target, stmts []sqlddl.Statement) (late int, err error) {
	conn, err := connect(ctx, t)
	if err != nil {
		return 0, fmt.Errorf("connect to scratch database: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	defer markRestricted(t, &err)
	a := &applier{conn: conn, roles: t.roles}
	b, next := newBatcher(t.batch), 0 // stmts before next ran in batches

	var later []*deferred
	var block *sqlddl.Statement // the statement that opened the current transaction block
	for i, s := range stmts {
		if i < next {
			continue
		}
		if n, err := b.run(ctx, a, stmts, i); err != nil {
			return 0, err
		} else if n > 0 {
			next = i + n
			continue
		}
		idle := conn.PgConn().TxStatus() == 'I'
		pgErr, err := a.exec(ctx, s)
		if err != nil {
			return 0, err
		}
		if idle && conn.PgConn().TxStatus() != 'I' {
			block = &stmts[i]
		}
		if pgErr == nil {
			continue
		}
		if !deferrable(s, pgErr) {
			return 0, statementError(s, pgErr, 0)
		}
		set, err := a.settings(ctx)
		if err != nil {
			return 0, err
		}
		later = append(later, &deferred{index: i, stmt: s, err: pgErr, settings: set})
	}
	if conn.PgConn().TxStatus() != 'I' && block != nil {
		return 0, &sqlddl.Error{File: block.File, Line: block.Line, Col: block.Col,
			Msg: "this transaction block is never committed: the SQL ends inside it, where psql would roll it back"}
	}
	if len(later) == 0 {
		return 0, nil
	}

	for _, d := range later {
		// Unparsable statements (newer syntax) have no refs: file order.
		d.refs, _ = sqlddl.Deps(d.stmt.Text)
	}
	later = dependencyOrder(later)
	for progress := true; progress && len(later) > 0; {
		progress = false
		var still []*deferred
		for _, d := range later {
			if err := a.restore(ctx, d.settings); err != nil {
				return 0, err
			}
			pgErr, err := a.exec(ctx, d.stmt)
			if err != nil {
				return 0, err
			}
			if pgErr == nil {
				progress = true
				late++
				continue
			}
			if !deferrable(d.stmt, pgErr) {
				return 0, statementError(d.stmt, pgErr, 0)
			}
			d.err = pgErr
			still = append(still, d)
		}
		later = still
	}
	if len(later) > 0 {
		root, cycle := rootCause(later)
		e := statementError(root.stmt, root.err, len(later)-1)
		e.Cycle = cycle
		return 0, e
	}
	return late, nil
}

// savepoint wraps statements inside a transaction block that the file
// opened, so that one that fails can be undone alone.
const savepoint = "retort_statement"

// exec runs one statement with the simple protocol, as psql sends it. A
// server error is returned as pgErr, with nothing of the statement left
// applied; err is for everything else (a lost connection, a cancelled
// ctx).
func (a *applier) exec(ctx context.Context, s sqlddl.Statement) (pgErr *pgconn.PgError, err error) {
	// A statement may name several roles the server lacks, one per try.
	tried := map[string]bool{}
	for range 100 {
		pgErr, err = a.execOnce(ctx, s)
		if schema, ok := ownerChange(s, pgErr); ok && a.roles != nil {
			pgErr, err = a.execOpened(ctx, s, schema)
		}
		role := a.roleNeeded(pgErr, tried)
		if role == "" {
			return pgErr, err
		}
		tried[role] = true
		used, cerr := a.roles.CreateRole(ctx, role)
		if cerr != nil {
			return nil, fmt.Errorf("dev server: create role %s, which %s:%d names: %w", role, s.File, s.Line, cerr)
		}
		if !used {
			return pgErr, nil
		}
	}
	return pgErr, err
}

// execOnce runs one statement; see [applier.exec].
func (a *applier) execOnce(ctx context.Context, s sqlddl.Statement) (pgErr *pgconn.PgError, err error) {
	pc := a.conn.PgConn()
	wrap := pc.TxStatus() == 'T' && s.Kind != "TransactionStmt"
	if wrap {
		if err := a.run(ctx, "SAVEPOINT "+savepoint); err != nil {
			return nil, err
		}
	}
	if mayChangeSettings(s) {
		a.now = nil
	}
	_, execErr := pc.Exec(ctx, s.Text).ReadAll()
	if execErr == nil {
		if wrap && pc.TxStatus() == 'T' {
			return nil, a.run(ctx, "RELEASE SAVEPOINT "+savepoint)
		}
		return nil, nil
	}
	if !errors.As(execErr, &pgErr) {
		return nil, fmt.Errorf("%s:%d:%d: %w", s.File, s.Line, s.Col, execErr)
	}
	if wrap {
		if err := a.run(ctx, "ROLLBACK TO SAVEPOINT "+savepoint+"; RELEASE SAVEPOINT "+savepoint); err != nil {
			return nil, err
		}
	}
	return pgErr, nil
}

// run runs SQL of retort's own on the session.
func (a *applier) run(ctx context.Context, sql string) error {
	if _, err := a.conn.PgConn().Exec(ctx, sql).ReadAll(); err != nil {
		return fmt.Errorf("scratch database: %s: %w", sql, err)
	}
	return nil
}

// settingsQuery reads the settings a file may have changed.
const settingsQuery = `SELECT name, setting FROM pg_catalog.pg_settings WHERE source = 'session'
UNION ALL SELECT 'session_authorization', pg_catalog.current_setting('session_authorization')
UNION ALL SELECT 'role', pg_catalog.current_setting('role')`

// settings returns the session's current settings.
func (a *applier) settings(ctx context.Context) (settings, error) {
	if a.now != nil {
		return a.now, nil
	}
	rows, err := a.conn.Query(ctx, settingsQuery, pgx.QueryExecModeSimpleProtocol)
	if err != nil {
		return nil, fmt.Errorf("scratch database: read session settings: %w", err)
	}
	set := settings{}
	var name, value string
	_, err = pgx.ForEachRow(rows, []any{&name, &value}, func() error {
		set[name] = value
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("scratch database: read session settings: %w", err)
	}
	a.now = set
	return set, nil
}

// restore brings the session back to the settings want, which a deferred
// statement was written under: the session authorization first (changing
// it resets the role), then the role, then the rest; settings set since are
// reset.
func (a *applier) restore(ctx context.Context, want settings) error {
	now, err := a.settings(ctx)
	if err != nil {
		return err
	}
	var names []string
	for n := range want {
		if now[n] != want[n] {
			names = append(names, n)
		}
	}
	for n := range now {
		if _, ok := want[n]; !ok {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return nil
	}
	rank := func(n string) int {
		switch n {
		case "session_authorization":
			return 0
		case "role":
			return 1
		}
		return 2
	}
	slices.SortFunc(names, func(x, y string) int {
		if rx, ry := rank(x), rank(y); rx != ry {
			return rx - ry
		}
		return strings.Compare(x, y)
	})
	a.now = nil
	for _, n := range names {
		var err error
		if v, ok := want[n]; ok {
			_, err = a.conn.Exec(ctx, "SELECT pg_catalog.set_config($1, $2, false)", pgx.QueryExecModeSimpleProtocol, n, v)
		} else {
			_, err = a.conn.Exec(ctx, "SELECT pg_catalog.set_config(name, reset_val, false) FROM pg_catalog.pg_settings WHERE name = $1",
				pgx.QueryExecModeSimpleProtocol, n)
		}
		if err != nil {
			return fmt.Errorf("scratch database: restore setting %s for a statement run out of order: %w", n, err)
		}
	}
	return nil
}
