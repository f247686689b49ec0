package devdb

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/retortdb/retort/internal/sqlq"
)

// Declared sources are untrusted input (DESIGN.md, "The pipeline"): a
// schema file of a pull request must not run programs or read files on the
// machine that checks it. Scratch.Applier hands out a connection string that
// logs in as a role without superuser rights and without membership in the
// roles that reach beyond the database; see the package documentation.

const (
	// bootstrapRole is the superuser initdb creates (initdb -U postgres).
	bootstrapRole = "postgres"
	// adminRole is the superuser Dev works as on its own server once
	// restrict has handed the name bootstrapRole to the applying role.
	adminRole = "retort_admin"
	// renamedBootstrap is what restrict renames the bootstrap superuser
	// to; it cannot be dropped.
	renamedBootstrap = "retort_bootstrap"
	// standInRole applies declared sources on Dev's own server. It has the
	// name schema files (and pg_dump) give the superuser, so that their
	// OWNER TO postgres, FOR ROLE postgres and GRANT … TO postgres work
	// and objects read back owned by postgres, as they would have been
	// had the superuser applied them.
	standInRole = bootstrapRole
)

// applyPolicy is how a Dev applies declared sources.
type applyPolicy int

const (
	applyUndecided  applyPolicy = iota // not known before the first Applier
	applyAsAdmin                       // trusted, or the admin role is harmless already
	applyAsStandIn                     // Dev's own server: the ordinary role standInRole
	applyAsTempRole                    // a LOGIN role of each scratch database's own
)

// dangerousRoles are the predefined roles whose members reach beyond their
// databases: server files and programs, every database's data, outgoing
// connections. A role with membership in one of them, or the right to grant
// it, is as good as a superuser for an attacker.
var dangerousRoles = []string{
	"pg_execute_server_program", "pg_read_server_files", "pg_write_server_files",
	"pg_read_all_data", "pg_write_all_data", "pg_create_subscription",
}

// harmlessQuery reports whether the session's role could run declared SQL
// without reaching beyond its database: no superuser, no CREATEROLE before
// 16 (which could grant itself any of dangerousRoles), no membership in
// or ADMIN OPTION on dangerousRoles.
const harmlessQuery = `SELECT NOT (r.rolsuper
    OR (r.rolcreaterole AND pg_catalog.current_setting('server_version_num')::int < 160000)
    OR EXISTS (SELECT FROM pg_catalog.pg_roles d WHERE d.rolname = ANY($1::text[])
        AND (pg_catalog.pg_has_role(r.oid, d.oid, 'MEMBER')
             OR pg_catalog.pg_has_role(r.oid, d.oid, 'MEMBER WITH ADMIN OPTION'))))
FROM pg_catalog.pg_roles r WHERE r.rolname = current_user`

// restrict makes the server's name for its superuser that of an ordinary
// role: it creates adminRole as the superuser Dev works as, renames the
// bootstrap superuser to renamedBootstrap and creates standInRole as a
// LOGIN role with no attribute and no membership. Only for a server that
// no one else uses: everyone's postgres stops being a superuser.
func (s *Server) restrict(ctx context.Context) error {
	steps := []struct{ as, sql string }{
		{bootstrapRole, "CREATE ROLE " + sqlq.Ident(adminRole) + " SUPERUSER LOGIN"},
		// The bootstrap superuser can be renamed, though not by its own
		// session.
		{adminRole, "ALTER ROLE " + sqlq.Ident(bootstrapRole) + " RENAME TO " + sqlq.Ident(renamedBootstrap) + "; " +
			"CREATE ROLE " + sqlq.Ident(standInRole) + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"},
	}
	for _, st := range steps {
		conn, err := pgx.Connect(ctx, s.connStringAs(st.as, "postgres"))
		if err != nil {
			return fmt.Errorf("devdb: set up the role that applies declared sources: %w", err)
		}
		_, err = conn.PgConn().Exec(ctx, st.sql).ReadAll()
		conn.Close(context.WithoutCancel(ctx))
		if err != nil {
			return fmt.Errorf("devdb: set up the role that applies declared sources: %w", err)
		}
	}
	return nil
}

// adminRole returns the role Dev connects as on its server; d.mu is held.
func (d *Dev) adminRole() string {
	if d.admin == "" {
		return bootstrapRole
	}
	return d.admin
}

// policy decides, once, how declared sources are applied: see applyPolicy.
func (d *Dev) policy(ctx context.Context, admin string) (applyPolicy, error) {
	d.mu.Lock()
	p, trusted := d.apply, d.opts.Trusted
	d.mu.Unlock()
	switch {
	case p != applyUndecided:
		return p, nil
	case trusted:
		p = applyAsAdmin
	default:
		conn, err := d.connect(ctx, admin)
		if err != nil {
			return 0, err
		}
		defer conn.Close(context.WithoutCancel(ctx))
		var harmless bool
		if err := conn.QueryRow(ctx, harmlessQuery, dangerousRoles).Scan(&harmless); err != nil {
			return 0, fmt.Errorf("devdb: read the dev server role's rights: %w", err)
		}
		p = applyAsTempRole
		if harmless {
			p = applyAsAdmin
		}
	}
	d.mu.Lock()
	d.apply = p
	d.mu.Unlock()
	return p, nil
}

// Applier returns a URL for applying declared, untrusted SQL to the
// database: it logs in as a role that is not a superuser and has none of
// the predefined roles that reach server files, programs or other
// databases, and that owns the database, so that it may create schemas and
// trusted extensions. On Dev's own server that role is named postgres;
// on a server given by URL it is the URL's role when that is already so
// restricted, and otherwise a role of this database's own, with the
// database's name and a random password, dropped with the database. With
// Options.Trusted it is ConnString. Introspection should keep using
// ConnString.
func (sc *Scratch) Applier(ctx context.Context) (string, error) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.applyURL != "" {
		return sc.applyURL, nil
	}
	d := sc.dev
	p, err := d.policy(ctx, sc.admin)
	if err != nil {
		return "", err
	}
	switch p {
	case applyAsAdmin:
		sc.applyURL = sc.connString
		return sc.applyURL, nil
	case applyAsStandIn:
		err = sc.handTo(ctx, standInRole, "")
	default:
		err = sc.handTo(ctx, sc.name, randomHex(16))
	}
	if err != nil {
		return "", err
	}
	return sc.applyURL, nil
}

// handTo makes role the owner of the scratch database and the role that
// Applier's URL logs in as; with a password, role is created for the
// database first, as a LOGIN role without any attribute.
func (sc *Scratch) handTo(ctx context.Context, role, password string) error {
	conn, err := sc.dev.connect(ctx, sc.admin)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	sql := "ALTER DATABASE " + sqlq.Ident(sc.name) + " OWNER TO " + sqlq.Ident(role)
	if password != "" {
		sql = "CREATE ROLE " + sqlq.Ident(role) + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD " +
			sqlq.Literal(password) + "; " + sql
		sc.tempRole = true // dropped with the database even if the rest fails
	}
	if _, err := conn.PgConn().Exec(ctx, sql).ReadAll(); err != nil {
		return fmt.Errorf("devdb: create a role without superuser rights to apply declared sources (the dev server role needs CREATEROLE, or must itself be neither a superuser nor a member of %v; or give --trusted): %w",
			dangerousRoles, err)
	}
	sc.applier = role
	if password == "" && sc.dev.serverMajor() < 15 {
		// Before 15, public belongs to the bootstrap superuser; the
		// database owner has it from 15 on (pg_database_owner).
		if err := sc.asAdmin(ctx, "ALTER SCHEMA public OWNER TO "+sqlq.Ident(role)); err != nil {
			return err
		}
	}
	applyURL, err := sc.urlAs(role, password)
	if err != nil {
		return err
	}
	// Logging in is what may fail on a server given by URL, whose
	// pg_hba.conf decides; say so now rather than at the first statement.
	check, err := pgx.Connect(ctx, applyURL)
	if err != nil {
		return fmt.Errorf("devdb: log in as %s, the role without superuser rights that applies declared sources (the dev server's pg_hba.conf must let it in with its password; or give --dev-url a role that is neither a superuser nor a member of %v; or give --trusted): %w",
			role, dangerousRoles, err)
	}
	check.Close(context.WithoutCancel(ctx))
	sc.applyURL = applyURL
	return nil
}

// urlAs returns the scratch database's URL with role and password as the
// login.
func (sc *Scratch) urlAs(role, password string) (string, error) {
	d := sc.dev
	if d.external == "" {
		d.mu.Lock()
		defer d.mu.Unlock()
		return d.server.connStringAs(role, sc.name), nil
	}
	u, err := url.Parse(sc.connString)
	if err != nil {
		return "", fmt.Errorf("devdb: dev URL: not a valid URL")
	}
	u.User = url.UserPassword(role, password)
	if q := u.Query(); q.Has("user") || q.Has("password") {
		// Parameters would override the URL's user and password.
		q.Del("user")
		q.Del("password")
		u.RawQuery = q.Encode()
	}
	return u.String(), nil
}

// asAdmin runs sql in the scratch database as the admin role.
func (sc *Scratch) asAdmin(ctx context.Context, sql string) error {
	conn, err := sc.dev.connect(ctx, sc.connString)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.PgConn().Exec(ctx, sql).ReadAll(); err != nil {
		return fmt.Errorf("devdb: scratch database %s: %w", sc.name, err)
	}
	return nil
}

// CreateRole creates a NOLOGIN role that declared SQL names, on Dev's own
// server (see Dev.Embedded), unless it exists, and makes the role that
// applies declared SQL a member of it, so that OWNER TO and FOR ROLE may
// name it. An existing role is granted only when it is as harmless as one
// retort creates (see harmlessRoleQuery): never a superuser, postgres on a
// server given by URL, or a predefined role. used reports whether the
// applying role may now use the role.
func (sc *Scratch) CreateRole(ctx context.Context, role string) (used bool, err error) {
	if !sc.dev.Embedded() {
		return false, fmt.Errorf("devdb: create role %s: retort creates roles on its own dev server only", role)
	}
	conn, err := sc.dev.connect(ctx, sc.admin)
	if err != nil {
		return false, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	_, err = conn.PgConn().Exec(ctx, "CREATE ROLE "+sqlq.Ident(role)+" NOLOGIN").ReadAll()
	if pgErr := (*pgconn.PgError)(nil); errors.As(err, &pgErr) && pgErr.Code == "42710" { // duplicate_object
		// Made by another scratch database, or by someone else: only
		// a role that grants nothing more may be used.
		var harmless bool
		if err := conn.QueryRow(ctx, harmlessRoleQuery, role, dangerousRoles).Scan(&harmless); err != nil {
			return false, fmt.Errorf("devdb: read the rights of role %s: %w", role, err)
		}
		if !harmless {
			return false, nil
		}
		err = nil
	}
	if err != nil {
		return false, fmt.Errorf("devdb: create role %s: %w", role, err)
	}
	sc.mu.Lock()
	applier := sc.applier
	sc.mu.Unlock()
	if applier == "" || applier == role {
		return true, nil
	}
	// A fresh NOLOGIN role has no rights to pass on; membership (with
	// SET, the default from 16 on) is what OWNER TO needs.
	if _, err := conn.PgConn().Exec(ctx, "GRANT "+sqlq.Ident(role)+" TO "+sqlq.Ident(applier)).ReadAll(); err != nil {
		return false, fmt.Errorf("devdb: grant role %s to %s: %w", role, applier, err)
	}
	return true, nil
}

// harmlessRoleQuery reports whether role $1 has nothing beyond what a
// fresh NOLOGIN role has: no attribute, not predefined, no membership in
// (or ADMIN OPTION on) dangerousRoles $2.
const harmlessRoleQuery = `SELECT NOT (r.rolsuper OR r.rolcreaterole OR r.rolcreatedb OR r.rolcanlogin
    OR r.rolreplication OR r.rolbypassrls OR r.rolname LIKE 'pg\_%'
    OR EXISTS (SELECT FROM pg_catalog.pg_roles d WHERE d.rolname = ANY($2::text[])
        AND (pg_catalog.pg_has_role(r.oid, d.oid, 'MEMBER')
             OR pg_catalog.pg_has_role(r.oid, d.oid, 'MEMBER WITH ADMIN OPTION'))))
FROM pg_catalog.pg_roles r WHERE r.rolname = $1`

// Reclaim gives what the scratch database's own role created to the admin
// role, so that owners and grants read back as if the admin had applied the
// declared source (the random role name would otherwise show in every
// plan). Call it once applying is done: the role then owns nothing, not
// even the database. Where Applier did not create a role of the database's
// own it does nothing.
func (sc *Scratch) Reclaim(ctx context.Context) error {
	sc.mu.Lock()
	role, temp := sc.applier, sc.tempRole
	sc.mu.Unlock()
	if !temp || role == "" {
		return nil
	}
	return sc.asAdmin(ctx, "REASSIGN OWNED BY "+sqlq.Ident(role)+" TO CURRENT_USER")
}

// dropRole drops the scratch database's own role, after the database:
// nothing else may depend on it.
func (sc *Scratch) dropRole(ctx context.Context, conn *pgx.Conn) error {
	sc.mu.Lock()
	temp := sc.tempRole
	sc.mu.Unlock()
	if !temp {
		return nil
	}
	if _, err := conn.Exec(ctx, "DROP ROLE IF EXISTS "+sqlq.Ident(sc.name)); err != nil {
		return fmt.Errorf("devdb: drop role %s of scratch database %s: %w", sc.name, sc.name, err)
	}
	return nil
}

// OpenSchema grants CREATE on schema to PUBLIC in the scratch database,
// on Dev's own server, and returns the function that puts the schema's
// privileges back exactly as they were (a NULL ACL stays NULL, which a
// REVOKE would not give). An owner change needs the new owner to have
// CREATE on the object's schema, unless a superuser makes it; the roles
// retort creates for a schema have it nowhere, and the applying role is
// no superuser. Only the applying role uses the scratch database
// meanwhile.
func (sc *Scratch) OpenSchema(ctx context.Context, schema string) (restore func(context.Context) error, err error) {
	if !sc.dev.Embedded() {
		return nil, fmt.Errorf("devdb: open schema %s: only on retort's own dev server", schema)
	}
	conn, err := sc.dev.connect(ctx, sc.connString)
	if err != nil {
		return nil, err
	}
	var oid uint32
	var acl *string
	err = conn.QueryRow(ctx, "SELECT oid, nspacl::text FROM pg_catalog.pg_namespace WHERE nspname = $1", schema).Scan(&oid, &acl)
	if err == nil {
		_, err = conn.Exec(ctx, "GRANT CREATE ON SCHEMA "+sqlq.Ident(schema)+" TO PUBLIC")
	}
	if err != nil {
		conn.Close(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("devdb: open schema %s for an owner change: %w", schema, err)
	}
	return func(ctx context.Context) error {
		defer conn.Close(ctx)
		// Superusers may update catalogs; this is the only way back to
		// the ACL the schema had.
		if _, err := conn.Exec(ctx, "UPDATE pg_catalog.pg_namespace SET nspacl = $2::pg_catalog.aclitem[] WHERE oid = $1", oid, acl); err != nil {
			return fmt.Errorf("devdb: restore the privileges of schema %s: %w", schema, err)
		}
		return nil
	}, nil
}
