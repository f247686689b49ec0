package source

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/retortdb/retort/internal/devdb"
	"github.com/retortdb/retort/model/sqlddl"
)

// trustHint ends the message of a statement that lacked the rights a
// declared source is applied without.
const trustHint = "declared sources and replayed migrations are applied on the dev server without superuser rights " +
	"(no untrusted extensions or languages, event triggers, foreign data wrappers, server files or programs); " +
	"if you trust this source, --trusted (dev_trusted: true in retort.yaml) applies it as the dev server's superuser"

// target is where declared SQL is applied.
type target struct {
	url string
	// roles, when not nil, creates the roles that statements name; see
	// applier.
	roles *devdb.Scratch
	// restricted says that url logs in without superuser rights, so that
	// errors for lack of them say how to grant them.
	restricted bool
	// batch and dial are for tests: the most statements sent in one
	// batch (0: maxBatch; 1: none), and what wraps the dialer of the
	// session, to count its round trips. See batch.go.
	batch int
	dial  func(pgconn.DialFunc) pgconn.DialFunc
}

// target returns where declared SQL is applied on sc: as the role
// without superuser rights that devdb prepares, unless the loader is
// trusted.
func (l *Loader) target(ctx context.Context, dev *devdb.Dev, sc *devdb.Scratch) (target, error) {
	url, err := sc.Applier(ctx)
	if err != nil {
		return target{}, fmt.Errorf("dev server: %w", err)
	}
	t := target{url: url, restricted: !l.Trusted}
	if dev.Embedded() {
		t.roles = sc
	}
	return t, nil
}

// needsTrust reports whether err is the server's refusal for lack of
// privileges: insufficient_privilege, which "permission denied …" and
// most "must be superuser …" errors are, or a "must be superuser" that
// comes with another code.
func needsTrust(err error) bool {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		// The migration runner reports the server's error as text.
		return err != nil && strings.Contains(err.Error(), "(SQLSTATE 42501)")
	}
	return pgErr.Code == "42501" || strings.Contains(pgErr.Message, "must be superuser")
}

// ownerSchemaDenied matches the refusal of an owner change because the new
// owner lacks CREATE on the object's schema, a check that only a
// superuser skips.
var ownerSchemaDenied = regexp.MustCompile(`^permission denied for schema (.+)$`)

// ownerChange reports whether a statement that failed with pgErr is an
// owner change that a superuser would have made: see [devdb.Scratch.OpenSchema].
func ownerChange(s sqlddl.Statement, pgErr *pgconn.PgError) (schema string, ok bool) {
	if pgErr == nil || pgErr.Code != "42501" || (s.Kind != "AlterOwnerStmt" && s.Kind != "AlterTableStmt") {
		return "", false
	}
	m := ownerSchemaDenied.FindStringSubmatch(pgErr.Message)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// markRestricted records on a *StatementError that its statement ran
// as t's role.
func markRestricted(t target, err *error) {
	var se *StatementError
	if errors.As(*err, &se) {
		se.Restricted = t.restricted
	}
}

// execOpened runs an owner change again with CREATE on schema open to
// everyone for the while, as the superuser that used to apply declared
// sources would not have needed it; the schema's privileges are then
// restored exactly.
func (a *applier) execOpened(ctx context.Context, s sqlddl.Statement, schema string) (*pgconn.PgError, error) {
	restore, err := a.roles.OpenSchema(ctx, schema)
	if err != nil {
		return nil, fmt.Errorf("%s:%d:%d: %w", s.File, s.Line, s.Col, err)
	}
	pgErr, err := a.execOnce(ctx, s)
	if rerr := restore(context.WithoutCancel(ctx)); rerr != nil && err == nil {
		err = fmt.Errorf("%s:%d:%d: %w", s.File, s.Line, s.Col, rerr)
	}
	return pgErr, err
}

// memberNeeded matches the refusal of a statement that names a role the
// applying role is not a member of (before 16, and from 16 on).
var memberNeeded = regexp.MustCompile(`^must be (?:member of role|able to SET ROLE) "(.+)"$`)

// roleNeeded returns the role that a statement failed with pgErr for lack
// of, when retort may create it or make the applying role a member of it
// (on its own dev server, once per statement), or "".
func (a *applier) roleNeeded(pgErr *pgconn.PgError, tried map[string]bool) string {
	if pgErr == nil || a.roles == nil {
		return ""
	}
	var m []string
	switch pgErr.Code {
	case "42704":
		m = missingRole.FindStringSubmatch(pgErr.Message)
	case "42501":
		m = memberNeeded.FindStringSubmatch(pgErr.Message)
	}
	if m == nil || tried[m[1]] {
		return ""
	}
	return m[1]
}
