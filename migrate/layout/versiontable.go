package layout

import (
	"context"
	"fmt"
	"path"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/migrate"
)

// A VersionTable is the table in which another migration tool records
// what it applied. It is never part of a schema comparison when the
// project's layout is that tool's; with the native layout it is left out
// when its columns are the tool's (a database that moved from the tool to
// retort keeps it).
type VersionTable struct {
	// Tool is the tool that writes it: a layout, or "alembic".
	Tool string
	// Name is the table's name. The tools create it in the first schema of
	// their session's search_path, usually public.
	Name string
	// Schema, when set, is a schema of the tool's own that holds the
	// table and nothing else (Atlas's atlas_schema_revisions).
	Schema string
	// Columns are the table's columns as the tool creates them, in order.
	Columns []string
}

// Alembic is not a layout retort writes, but a database that Alembic
// migrated has its version table all the same.
const alembic = "alembic"

// VersionTables lists the version tables of the tools retort knows.
var VersionTables = []VersionTable{
	{Tool: string(Goose), Name: "goose_db_version", Columns: []string{"id", "version_id", "is_applied", "tstamp"}},
	{Tool: string(GolangMigrate), Name: "schema_migrations", Columns: []string{"version", "dirty"}},
	{Tool: string(Dbmate), Name: "schema_migrations", Columns: []string{"version"}},
	{Tool: string(Flyway), Name: "flyway_schema_history", Columns: []string{"installed_rank", "version", "description", "type",
		"script", "checksum", "installed_by", "installed_on", "execution_time", "success"}},
	{Tool: string(Atlas), Name: "atlas_schema_revisions", Schema: "atlas_schema_revisions", Columns: []string{"version",
		"description", "type", "applied", "total", "executed_at", "execution_time", "error", "error_stmt", "hash",
		"partial_hashes", "operator_version"}},
	{Tool: alembic, Name: "alembic_version", Columns: []string{"version_num"}},
}

// ForeignVersionTable reports whether a table named schema.name with the
// given columns is another tool's version table that a comparison leaves
// out under layout l: by name when l is that tool's layout, by name and
// columns (in any order) otherwise. It returns the table's description.
func ForeignVersionTable(l Layout, schema, name string, columns []string) (VersionTable, bool) {
	named := func(v VersionTable) bool { return v.Name == name && (v.Schema == "" || v.Schema == schema) }
	// The layout's own tool first: golang-migrate and dbmate share a name.
	for _, v := range VersionTables {
		if named(v) && v.Tool == string(l) {
			return v, true
		}
	}
	for _, v := range VersionTables {
		if named(v) && len(columns) == len(v.Columns) && !slices.ContainsFunc(columns, func(c string) bool { return !slices.Contains(v.Columns, c) }) {
			return v, true
		}
	}
	return VersionTable{}, false
}

// Pending returns the revisions of dir that the database behind conn has
// not applied, as [migrate.Pending] does. In another tool's layout a
// database may have been migrated by that tool rather than by retort: when
// retort's version table records nothing and the tool's version table
// exists, what the tool recorded there is what is applied. golang-migrate
// recording a dirty version is an error.
func Pending(ctx context.Context, conn *pgx.Conn, dir *migrate.Dir, l Layout, opts *migrate.Options) ([]migrate.Step, error) {
	if l == Native || l == "" {
		return migrate.Pending(ctx, conn, dir, opts)
	}
	heads, err := migrate.Current(ctx, conn, opts)
	if err != nil || len(heads) > 0 {
		if err != nil {
			return nil, err
		}
		return migrate.Pending(ctx, conn, dir, opts)
	}
	t, err := toolFor(l)
	if err != nil {
		return nil, err
	}
	applied, found, err := toolApplied(ctx, conn, l)
	if err != nil || !found {
		if err != nil {
			return nil, err
		}
		return migrate.Pending(ctx, conn, dir, opts)
	}
	var pending []migrate.Step
	known := make([]bool, len(applied.versions))
	for _, r := range dir.Revisions() {
		v, ok := t.versionOf(path.Base(r.Filename))
		if !ok {
			v = r.ID
		}
		done := applied.upTo != "" && t.compare(v, applied.upTo) <= 0
		for i, a := range applied.versions {
			if t.compare(v, a) == 0 {
				done, known[i] = true, true
			}
		}
		if !done {
			pending = append(pending, migrate.Step{Revision: r, Direction: migrate.Up})
		}
	}
	var unknown []string
	for i, a := range applied.versions {
		if !known[i] {
			unknown = append(unknown, a)
		}
	}
	if len(unknown) > 0 {
		return nil, &migrate.UnknownRevisionError{IDs: unknown}
	}
	return pending, nil
}

// toolVersions is what a tool's version table says is applied: these
// versions, and every version up to upTo (golang-migrate's one row, a
// Flyway or Atlas baseline).
type toolVersions struct {
	versions []string
	upTo     string
}

// toolApplied reads the version table of layout l's tool, found as the
// tool finds it: through the session's search_path (Atlas: in its own
// schema). found is false when there is none.
func toolApplied(ctx context.Context, conn *pgx.Conn, l Layout) (out toolVersions, found bool, err error) {
	var v VersionTable
	for _, t := range VersionTables {
		if t.Tool == string(l) {
			v = t
		}
	}
	name := sqlq.Ident(v.Name)
	if v.Schema != "" {
		name = sqlq.Qualified(v.Schema, v.Name)
	}
	var schema, table *string
	err = conn.QueryRow(ctx, `SELECT n.nspname, c.relname FROM pg_catalog.pg_class c
		JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = pg_catalog.to_regclass($1)`, name).Scan(&schema, &table)
	if err == pgx.ErrNoRows {
		return out, false, nil
	}
	if err != nil {
		return out, false, fmt.Errorf("read %s's version table %s: %w", l, v.Name, err)
	}
	q := sqlq.Qualified(*schema, *table)
	var query string
	switch l {
	case Goose:
		// Every apply and rollback is a row; a version's last row says
		// where it stands. Version 0 is goose's own first row.
		query = `SELECT version_id::text, false FROM (SELECT DISTINCT ON (version_id) version_id, is_applied FROM ` + q +
			` ORDER BY version_id, id DESC) v WHERE is_applied AND version_id > 0`
	case GolangMigrate:
		query = `SELECT version::text, dirty FROM ` + q
	case Dbmate:
		query = `SELECT version::text, false FROM ` + q
	case Flyway:
		// An undo is a later row for the same version; a baseline stands
		// for every version up to its own.
		query = `SELECT version, type = 'BASELINE' FROM (SELECT DISTINCT ON (version) version, type, success FROM ` + q +
			` WHERE version IS NOT NULL ORDER BY version, installed_rank DESC) v WHERE success AND type NOT LIKE 'UNDO%'`
	case Atlas:
		// Bit 1 of type marks a baseline (RevisionTypeBaseline); a
		// revision is applied when all its statements are.
		query = `SELECT version, type & 1 <> 0 FROM ` + q + ` WHERE applied = total AND coalesce(error, '') = ''`
	default:
		return out, false, fmt.Errorf("layout %s has no version table", l)
	}
	rows, err := conn.Query(ctx, query)
	if err != nil {
		return out, false, fmt.Errorf("read %s's version table %s: %w", l, q, err)
	}
	t, _ := toolFor(l)
	for rows.Next() {
		var ver string
		var flag bool
		if err := rows.Scan(&ver, &flag); err != nil {
			rows.Close()
			return out, false, fmt.Errorf("read %s's version table %s: %w", l, q, err)
		}
		switch {
		case l == GolangMigrate && flag:
			rows.Close()
			return out, false, fmt.Errorf("%s: golang-migrate's version %s is dirty (a migration failed half-way); fix the database and run migrate force", q, ver)
		case l == GolangMigrate:
			out.upTo = ver
		case flag && (out.upTo == "" || t.compare(ver, out.upTo) > 0):
			out.upTo = ver
		default:
			out.versions = append(out.versions, ver)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, false, fmt.Errorf("read %s's version table %s: %w", l, q, err)
	}
	return out, true, nil
}
