package introspect

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"text/template"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/retortdb/retort/model"
)

// The catalog queries, one per kind of object. They are text/templates so that
// they can branch on the server version ({{if ge .V 150000}}) where the
// catalogs differ.
//
//go:embed sql/*.sql
var sqlFS embed.FS

var sqlTemplates = sync.OnceValues(func() (*template.Template, error) {
	return template.New("").Funcs(template.FuncMap{
		"acl":       aclSQL,
		"collation": collationSQL,
	}).ParseFS(sqlFS, "sql/*.sql")
})

// aclSQL expands an ACL column into the JSON of its grants, NULL when the ACL
// is NULL: a NULL ACL means the built-in default privileges, which are not
// grants of their own.
func aclSQL(col string) string {
	// The CASE spares the subquery on the many rows without an ACL.
	return `CASE WHEN ` + col + ` IS NOT NULL THEN (SELECT json_agg(json_build_object(` +
		`'grantee', CASE WHEN a.grantee = 0 THEN '' ELSE pg_get_userbyid(a.grantee) END, ` +
		`'privilege', a.privilege_type, 'grantable', a.is_grantable)) ` +
		`FROM aclexplode(` + col + `) AS a) END`
}

// collationSQL names a collation as ruleutils.c's generate_collation_name
// does: quoted, and qualified unless visible (in pg_catalog, the search_path
// being empty).
func collationSQL(col string) string {
	return `(SELECT CASE WHEN pg_collation_is_visible(co.oid) THEN quote_ident(co.collname) ` +
		`ELSE quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END ` +
		`FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace ` +
		`WHERE co.oid = ` + col + `)`
}

// queryData is what a query template branches on.
type queryData struct {
	V    int  // server_version_num
	Part bool // read only the relations whose oids are between $2 and $3
}

// querySQL renders the named query for server version v.
func querySQL(name string, v int) (string, error) {
	return renderQuery(name, queryData{V: v})
}

// renderQuery renders the named query for d.
func renderQuery(name string, d queryData) (string, error) {
	t, err := sqlTemplates()
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, name+".sql", d); err != nil {
		return "", err
	}
	return b.String(), nil
}

// The oids of the system catalogs that tell objects apart in pg_depend. They
// are fixed in PostgreSQL's catalog headers and never change.
const (
	pgForeignServer      uint32 = 1417
	pgType               uint32 = 1247
	pgProc               uint32 = 1255
	pgClass              uint32 = 1259
	pgForeignDataWrapper uint32 = 2328
	pgCast               uint32 = 2605
	pgConstraint         uint32 = 2606
	pgCollation          uint32 = 3456
	pgEventTrigger       uint32 = 3466
)

// inspector holds one inspection: the transaction, what has been read so far,
// and the maps from catalog oids to model objects that later kinds use to
// attach their rows in linear time.
type inspector struct {
	tx       pgx.Tx
	version  int // server_version_num
	opts     Options
	s        *model.Schema
	pre      *prefetcher // nil when everything is read through tx
	snapshot string      // tx's exported snapshot, for pre

	nsps   []uint32 // oids of the inspected schemas
	global bool     // database-wide objects are in scope

	// Extension members: catalog oid (pgProc, …) → oid → extension name.
	extMembers map[uint32]map[uint32]string
	// Functions and casts made along with another object → that object.
	internal map[objectID]objectID
	// The oids of both by catalog, ready to pass as $2, and all of them.
	leftOut    map[uint32][]uint32
	allLeftOut []uint32

	tableIdx   map[uint32]int         // pg_class oid → index in s.Tables
	viewIdx    map[uint32]int         // pg_class oid → index in s.Views
	seqIdx     map[uint32]int         // pg_class oid → index in s.Sequences
	enumIdx    map[uint32]int         // pg_type oid → index in s.Enums
	collIdx    map[uint32]int         // pg_collation oid → index in s.Collations
	rowTypes   map[uint32]uint32      // row type oid → its table's or view's oid
	multirange map[uint32]uint32      // multirange type oid → its range type's oid
	composites map[uint32]int         // typrelid → index in s.CompositeTypes
	typeIdx    map[uint32]typeRef     // pg_type oid → domain, composite or range
	ignored    map[uint32]model.QName // tables left out by Options.IgnoreTables
	// Identity sequences by the column they belong to.
	identity map[colKey]*model.SequenceOptions
	// Relation oid → its columns' names by attnum, for keys given as attnums.
	colNames map[uint32][]string
	// Relation oid → the attnums of its model columns, in order: a table
	// column's index in Table.Columns is its attnum's index here.
	attnums map[uint32][]int16

	constraintIdx map[uint32]childRef // pg_constraint oid
	conByIndex    map[uint32]childRef // pg_class oid of the index a constraint owns
	domainChecks  map[uint32]int      // pg_constraint oid of a domain check → index in s.Domains
	indexIdx      map[uint32]childRef // pg_class oid of an index
	funcIdx       map[uint32]int      // pg_proc oid → index in s.Functions
	aggIdx        map[uint32]int      // pg_proc oid → index in s.Aggregates
	triggerIdx    map[uint32]int
	ruleIdx       map[uint32]int
	policyIdx     map[uint32]int
	statsIdx      map[uint32]int // pg_statistic_ext oid → index in s.Statistics
	castIdx       map[uint32]int
}

// objectID names any object as pg_depend does: catalog oid and object oid.
type objectID struct{ catalog, oid uint32 }

// colKey names a column by relation oid and attnum.
type colKey struct {
	rel    uint32
	attnum int16
}

// colName returns the name of column attnum of relation rel.
func (in *inspector) colName(rel uint32, attnum int16) (string, bool) {
	names := in.colNames[rel]
	if attnum <= 0 || int(attnum) >= len(names) || names[attnum] == "" {
		return "", false
	}
	return names[attnum], true
}

// childRef locates an object that hangs off a relation: the relation's index
// in s.Tables (or s.Views when view is set) and the object's index in the
// relation's list.
type childRef struct {
	rel  int
	view bool
	i    int
}

// typeRef locates a domain, composite or range type in its list.
type typeRef struct {
	kind byte // typtype: d, c or r
	i    int
}

// each runs the named query with args, scanning every row into dest and then
// calling fn. Errors say which kind of object was being read.
func (in *inspector) each(ctx context.Context, name string, args []any, dest []any, fn func() error) error {
	kind := strings.ReplaceAll(name, "_", " ")
	if in.pre != nil && in.pre.snap.id != "" && in.pre.results[name] != nil {
		return in.eachPart(ctx, name, kind, args, dest, fn)
	}
	return in.query(ctx, name, kind, queryData{V: in.version}, args, dest, fn)
}

// query runs the named query rendered for d on the inspecting connection.
func (in *inspector) query(ctx context.Context, name, kind string, d queryData, args []any, dest []any, fn func() error) error {
	sql, err := renderQuery(name, d)
	if err != nil {
		return fmt.Errorf("introspect %s: %w", kind, err)
	}
	start := time.Now()
	rows, err := in.tx.Query(ctx, sql, args...)
	if err != nil {
		return fmt.Errorf("introspect %s: %w", kind, err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
		if n%progressEvery == 0 {
			in.opts.progress(progressEvery)
		}
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("introspect %s: %w", kind, err)
		}
		if err := fn(); err != nil {
			return fmt.Errorf("introspect %s: %w", kind, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("introspect %s: %w", kind, err)
	}
	in.opts.progress(n % progressEvery)
	if in.opts.Debugf != nil {
		in.opts.Debugf("introspect %s: %d rows in %v", kind, n, time.Since(start).Round(time.Microsecond))
	}
	return nil
}

// progressEvery is how many rows a query reads between two calls of
// Options.Progress: often enough for a live count, rarely enough to cost
// nothing.
const progressEvery = 256

// progress tells Options.Progress, if set, of n more rows.
func (o Options) progress(n int) {
	if o.Progress != nil && n > 0 {
		o.Progress(n)
	}
}

// inScope reports whether the schema with oid nsp is inspected.
func (in *inspector) inScope(nsp uint32) bool {
	for _, o := range in.nsps {
		if o == nsp {
			return true
		}
	}
	return false
}

// text is a nullable text column; NULL reads as "".
type text = pgtype.Text

// grantList scans the JSON that aclSQL builds. A fresh slice per row, so rows
// never share a backing array.
type grantList []model.Grant

// Scan implements sql.Scanner.
func (g *grantList) Scan(src any) error {
	*g = nil
	var b []byte
	switch v := src.(type) {
	case nil:
		return nil
	case []byte:
		b = v
	case string:
		b = []byte(v)
	default:
		return fmt.Errorf("grants: cannot scan %T", src)
	}
	var out []model.Grant
	if err := json.Unmarshal(b, &out); err != nil {
		return fmt.Errorf("grants: %w", err)
	}
	*g = out
	return nil
}

// nonEmpty returns s, or nil when it has no elements.
func nonEmpty[S ~[]E, E any](s S) S {
	if len(s) == 0 {
		return nil
	}
	return s
}
