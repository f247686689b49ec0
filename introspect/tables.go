package introspect

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/retortdb/retort/model"
)

var tableKinds = map[string]model.TableKind{
	"r": model.TableOrdinary,
	"p": model.TablePartitioned,
	"f": model.TableForeign,
}

// tables reads ordinary, partitioned and foreign tables.
func (in *inspector) tables(ctx context.Context) error {
	var r struct {
		oid, rowType               uint32
		schema, name, kind         string
		natts                      int16
		unlogged, partition        bool
		partKey, partBound         text
		parentSchemas, parentNames []string
		ofType                     text
		rowSecurity, forceRowSec   bool
		options                    []string
		tablespace, am             text
		replident                  string
		replidentIndex             text
		server                     text
		serverOptions              []string
		owner                      string
		comment                    text
		grants                     grantList
		rows                       float64
		bytes                      int64
	}
	ignore := map[model.QName]bool{}
	for _, q := range in.opts.IgnoreTables {
		ignore[q] = true
	}
	in.tableIdx = map[uint32]int{}
	in.ignored = map[uint32]model.QName{}
	in.rowTypes = map[uint32]uint32{}
	return in.each(ctx, "tables", []any{in.nsps, in.leftOutOf(pgClass)},
		[]any{&r.oid, &r.rowType, &r.schema, &r.name, &r.kind, &r.natts, &r.unlogged, &r.partition, &r.partKey, &r.partBound,
			&r.parentSchemas, &r.parentNames, &r.ofType, &r.rowSecurity, &r.forceRowSec, &r.options,
			&r.tablespace, &r.am, &r.replident, &r.replidentIndex, &r.server, &r.serverOptions,
			&r.owner, &r.comment, &r.grants, &r.rows, &r.bytes},
		func() error {
			q := model.QName{Schema: r.schema, Name: r.name}
			if ignore[q] {
				in.ignored[r.oid] = q
				return nil
			}
			t := model.Table{
				QName: q,
				// relnatts counts dropped columns too: room enough, seldom much more.
				Columns:              make([]model.Column, 0, r.natts),
				Kind:                 tableKinds[r.kind],
				Unlogged:             r.unlogged,
				PartitionKey:         r.partKey.String,
				OfType:               r.ofType.String,
				RowSecurity:          r.rowSecurity,
				ForceRowSecurity:     r.forceRowSec,
				Options:              r.options,
				Tablespace:           r.tablespace.String,
				AccessMethod:         r.am.String,
				ReplicaIdentity:      r.replident,
				ReplicaIdentityIndex: r.replidentIndex.String,
				Server:               r.server.String,
				ServerOptions:        r.serverOptions,
				Owner:                r.owner,
				Comment:              r.comment.String,
				Grants:               r.grants,
			}
			parents := make([]model.QName, len(r.parentNames))
			for i := range r.parentNames {
				parents[i] = model.QName{Schema: r.parentSchemas[i], Name: r.parentNames[i]}
			}
			if r.partition && len(parents) == 1 {
				t.PartitionOf = &parents[0]
				t.PartitionBound = r.partBound.String
			} else {
				t.Inherits = nonEmpty(parents)
			}
			in.tableIdx[r.oid] = len(in.s.Tables)
			in.rowTypes[r.rowType] = r.oid
			in.s.Tables = append(in.s.Tables, t)
			// Tables with something in them, for the hazards of large
			// ones; and, from 14 on, where reltuples is -1 until the first
			// VACUUM or ANALYZE, tables those found empty, so that a plan
			// can tell an empty table from one of unknown size (13 has 0
			// for both). A replayed or declared schema's tables are never
			// analyzed: their size stays unknown.
			if r.rows > 0 || r.bytes > 0 || r.rows == 0 && in.version >= 140000 && r.kind == "r" {
				if in.s.TableSizes == nil {
					in.s.TableSizes = map[model.QName]model.TableSize{}
				}
				in.s.TableSizes[q] = model.TableSize{Rows: max(int64(r.rows), -1), Bytes: r.bytes}
			}
			return nil
		})
}

// views reads views and materialized views.
func (in *inspector) views(ctx context.Context) error {
	var r struct {
		oid, rowType uint32
		schema, name string
		materialized bool
		natts        int16
		definition   string
		options      []string
		populated    bool
		tablespace   text
		owner        string
		comment      text
		grants       grantList
	}
	in.viewIdx = map[uint32]int{}
	return in.each(ctx, "views", []any{in.nsps, in.leftOutOf(pgClass)},
		[]any{&r.oid, &r.rowType, &r.schema, &r.name, &r.materialized, &r.natts, &r.definition, &r.options, &r.populated,
			&r.tablespace, &r.owner, &r.comment, &r.grants},
		func() error {
			v := model.View{
				QName:        model.QName{Schema: r.schema, Name: r.name},
				Columns:      make([]model.ViewColumn, 0, r.natts),
				Materialized: r.materialized,
				Definition:   r.definition,
				WithNoData:   r.materialized && !r.populated,
				Tablespace:   r.tablespace.String,
				Owner:        r.owner,
				Comment:      r.comment.String,
				Grants:       r.grants,
			}
			for _, o := range r.options {
				if c, ok := strings.CutPrefix(o, "check_option="); ok {
					v.CheckOption = c
					continue
				}
				v.Options = append(v.Options, o)
			}
			in.viewIdx[r.oid] = len(in.s.Views)
			in.rowTypes[r.rowType] = r.oid
			in.s.Views = append(in.s.Views, v)
			return nil
		})
}

// columns reads the columns of every table, view and composite type in one
// query and hands each to its relation.
func (in *inspector) columns(ctx context.Context) error {
	var r columnRow
	in.colNames = map[uint32][]string{}
	in.attnums = map[uint32][]int16{}
	// The attnums of each relation's columns in the order they arrived.
	order := map[uint32][]int16{}
	// Rows come mostly grouped by relation: the current one's names and
	// attnums are kept out of the maps until the next relation starts.
	var (
		cur      uint32
		curNames []string
		curOrder []int16
	)
	flush := func() {
		if curNames != nil {
			in.colNames[cur] = curNames
		}
		if curOrder != nil {
			order[cur] = curOrder
		}
	}
	err := in.each(ctx, "columns", []any{in.nsps},
		[]any{&r.rel, &r.attnum, &r.name, &r.typ, &r.collation, &r.notNull, &r.expr, &r.identity,
			&r.generated, &r.inherited, &r.storage, &r.compression, &r.statistics, &r.options,
			&r.fdwOptions, &r.comment, &r.grants, &r.notNullName,
			&r.nnNotValid, &r.nnNoInh},
		func() error {
			if r.rel != cur || curNames == nil {
				flush()
				cur, curNames, curOrder = r.rel, in.colNames[r.rel], order[r.rel]
			}
			// Names are kept for every relation in the schemas, extensions'
			// and ignored tables included: foreign keys may point at them.
			for len(curNames) <= int(r.attnum) {
				curNames = append(curNames, "")
			}
			curNames[r.attnum] = r.name
			if ti, ok := in.tableIdx[r.rel]; ok {
				t := &in.s.Tables[ti]
				t.Columns = append(t.Columns, in.tableColumn(&r, t.Name))
			} else if vi, ok := in.viewIdx[r.rel]; ok {
				v := &in.s.Views[vi]
				v.Columns = append(v.Columns, model.ViewColumn{
					Name:      r.name,
					Type:      r.typ,
					Collation: r.collation.String,
					Default:   r.expr.String,
					Comment:   r.comment.String,
					Grants:    r.grants,
				})
			} else if ci, ok := in.composites[r.rel]; ok {
				ct := &in.s.CompositeTypes[ci]
				ct.Attributes = append(ct.Attributes, model.Attribute{
					Name: r.name, Type: r.typ, Collation: r.collation.String, Comment: r.comment.String,
				})
			} else {
				// An extension's relation or an ignored table.
				return nil
			}
			curOrder = append(curOrder, r.attnum)
			return nil
		})
	if err != nil {
		return err
	}
	flush()
	in.orderColumns(order)
	return nil
}

// columnRow is one row of the columns query: a column of a table, a view
// or a composite type.
type columnRow struct {
	rel                  uint32
	attnum               int16
	name, typ            string
	collation            text
	notNull              bool
	expr                 text
	identity, generated  string
	inherited            bool
	storage, compression text
	statistics           pgtype.Int4
	options, fdwOptions  []string
	comment              text
	grants               grantList
	notNullName          text
	nnNotValid, nnNoInh  bool
}

// tableColumn makes the column of table that r describes.
func (in *inspector) tableColumn(r *columnRow, table string) model.Column {
	c := model.Column{
		Name:        r.name,
		Type:        r.typ,
		Collation:   r.collation.String,
		NotNull:     r.notNull,
		Identity:    r.identity,
		Inherited:   r.inherited,
		Storage:     r.storage.String,
		Compression: r.compression.String,
		Options:     r.options,
		FDWOptions:  r.fdwOptions,
		Comment:     r.comment.String,
		Grants:      r.grants,
	}
	if r.generated != "" {
		c.Generated, c.GeneratedKind = r.expr.String, r.generated
	} else {
		c.Default = r.expr.String
	}
	if r.notNullName.Valid && r.notNullName.String != model.DefaultNotNullName(table, r.name) {
		c.NotNullName = r.notNullName.String
	}
	c.NotNullNotValid, c.NotNullNoInherit = r.nnNotValid, r.nnNoInh
	if r.identity != "" {
		c.IdentitySequence = in.identity[colKey{r.rel, r.attnum}]
	}
	if r.statistics.Valid {
		n := int(r.statistics.Int32)
		c.Statistics = &n
	}
	return c
}

// orderColumns puts the columns of every table, view and composite type in
// attnum order, given the attnums of each relation in the order its
// columns arrived, and keeps tables' attnums for the queries that name
// columns by number.
func (in *inspector) orderColumns(order map[uint32][]int16) {
	// Tables and views were given room for their columns; a relation without
	// any keeps nil, as a decoded schema would.
	for i := range in.s.Tables {
		in.s.Tables[i].Columns = nonEmpty(in.s.Tables[i].Columns)
	}
	for i := range in.s.Views {
		in.s.Views[i].Columns = nonEmpty(in.s.Views[i].Columns)
	}
	for rel, nums := range order {
		if ti, ok := in.tableIdx[rel]; ok {
			t := &in.s.Tables[ti]
			sortByAttnum(t.Columns, nums)
			in.attnums[rel] = nums
		} else if vi, ok := in.viewIdx[rel]; ok {
			sortByAttnum(in.s.Views[vi].Columns, nums)
		} else if ci, ok := in.composites[rel]; ok {
			sortByAttnum(in.s.CompositeTypes[ci].Attributes, nums)
		}
	}
}

// attNames names the columns attnums of relation rel, in order.
func (in *inspector) attNames(rel uint32, attnums []int16) ([]string, error) {
	if len(attnums) == 0 {
		return nil, nil
	}
	out := make([]string, len(attnums))
	for i, k := range attnums {
		n, ok := in.colName(rel, k)
		if !ok {
			return nil, fmt.Errorf("column %d not found", k)
		}
		out[i] = n
	}
	return out, nil
}

// sortByAttnum puts cols in attnum order, nums being their attnums; it sorts
// nums too. Depending on the plan, rows may arrive in any order.
func sortByAttnum[T any](cols []T, nums []int16) {
	if !slices.IsSorted(nums) {
		sort.Sort(byAttnum[T]{cols, nums})
	}
}

// byAttnum sorts columns and their attnums together, in place.
type byAttnum[T any] struct {
	cols []T
	nums []int16
}

func (b byAttnum[T]) Len() int           { return len(b.nums) }
func (b byAttnum[T]) Less(i, j int) bool { return b.nums[i] < b.nums[j] }
func (b byAttnum[T]) Swap(i, j int) {
	b.cols[i], b.cols[j] = b.cols[j], b.cols[i]
	b.nums[i], b.nums[j] = b.nums[j], b.nums[i]
}

// constraints reads table constraints and domain CHECK constraints.
func (in *inspector) constraints(ctx context.Context) error {
	var r struct {
		oid, rel, typ, index      uint32
		name, contype, definition string
		conkey                    []int16
		confrel                   uint32
		refSchema, refTable       text
		confkey                   []int16
		refColumns                []string
		onUpdate, onDelete, match text
		deferrable, deferred      bool
		notValid, noInherit       bool
		indexName, tablespace     text
		parentSchema, parentIndex text
		comment                   text
	}
	in.constraintIdx = map[uint32]childRef{}
	in.domainChecks = map[uint32]int{}
	in.conByIndex = map[uint32]childRef{}
	return in.each(ctx, "constraints", []any{in.nsps},
		[]any{&r.oid, &r.rel, &r.typ, &r.index, &r.name, &r.contype, &r.definition, &r.conkey, &r.confrel,
			&r.refSchema, &r.refTable, &r.confkey, &r.refColumns, &r.onUpdate, &r.onDelete, &r.match, &r.deferrable, &r.deferred,
			&r.notValid, &r.noInherit, &r.indexName, &r.tablespace, &r.parentSchema, &r.parentIndex, &r.comment},
		func() error {
			if r.typ != 0 {
				ref, ok := in.typeIdx[r.typ]
				if !ok || ref.kind != 'd' {
					return nil
				}
				d := &in.s.Domains[ref.i]
				in.domainChecks[r.oid] = ref.i
				d.Checks = append(d.Checks, model.DomainCheck{
					Name: r.name, Definition: r.definition, NotValid: r.notValid, Comment: r.comment.String,
				})
				return nil
			}
			ti, ok := in.tableIdx[r.rel]
			if !ok {
				return nil
			}
			c := model.Constraint{
				Name:              r.name,
				Type:              model.ConstraintType(r.contype),
				Definition:        r.definition,
				OnUpdate:          r.onUpdate.String,
				OnDelete:          r.onDelete.String,
				Match:             r.match.String,
				Deferrable:        r.deferrable,
				InitiallyDeferred: r.deferred,
				NotValid:          r.notValid,
				NoInherit:         r.noInherit,
				Index:             r.indexName.String,
				Tablespace:        r.tablespace.String,
				Comment:           r.comment.String,
			}
			// An exclusion constraint's expressions are 0 in conkey; they are
			// in the definition only.
			var err error
			if c.Columns, err = in.attNames(r.rel, slices.DeleteFunc(r.conkey, func(k int16) bool { return k == 0 })); err != nil {
				return fmt.Errorf("constraint %s on %s: %w", r.name, in.s.Tables[ti].QName, err)
			}
			if r.refTable.Valid {
				c.RefTable = &model.QName{Schema: r.refSchema.String, Name: r.refTable.String}
				c.RefColumns = r.refColumns
				if c.RefColumns == nil {
					if c.RefColumns, err = in.attNames(r.confrel, r.confkey); err != nil {
						return fmt.Errorf("constraint %s on %s: referenced %w", r.name, in.s.Tables[ti].QName, err)
					}
				}
			}
			if r.parentIndex.Valid {
				c.ParentIndex = &model.QName{Schema: r.parentSchema.String, Name: r.parentIndex.String}
			}
			t := &in.s.Tables[ti]
			in.constraintIdx[r.oid] = childRef{rel: ti, i: len(t.Constraints)}
			if r.index != 0 {
				// Dependencies recorded on the index (functions and operator
				// classes of an exclusion constraint) are the constraint's.
				in.conByIndex[r.index] = in.constraintIdx[r.oid]
			}
			t.Constraints = append(t.Constraints, c)
			return nil
		})
}
