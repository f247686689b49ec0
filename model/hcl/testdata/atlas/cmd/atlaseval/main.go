// Command atlaseval runs Atlas's own PostgreSQL code (ariga.io/atlas/sql/postgres,
// open-source build) for retort's compatibility tests in model/hcl.
//
//	atlaseval schema.hcl
//
// evaluates an HCL file with Atlas's evaluator and prints the realm's
// tables, columns, indexes and foreign keys as JSON, for TestAtlasEvaluates
// to compare with retort's model of the same database.
//
//	atlaseval -inspect URL [SCHEMA...]
//
// inspects the database at URL with Atlas's inspector (all schemas but
// the system's, or the SCHEMAs named) and prints the realm as Atlas's
// marshaller writes it (postgres.MarshalHCL), for TestAtlasWrites to read
// with retort.
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"sort"

	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
	_ "github.com/jackc/pgx/v5/stdlib"
)

// Table is what the test compares of a table.
type Table struct {
	Schema      string       `json:"schema"`
	Name        string       `json:"name"`
	Columns     []Column     `json:"columns"`
	Indexes     []Index      `json:"indexes"`
	ForeignKeys []ForeignKey `json:"foreign_keys"`
}

// Column is a column's name, type (as Atlas formats it) and nullability.
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"`
	Null bool   `json:"null"`
}

// Index is an index's name, uniqueness and parts: a column's name, or an
// expression's text.
type Index struct {
	Name   string   `json:"name"`
	Unique bool     `json:"unique"`
	Parts  []string `json:"parts"`
}

// ForeignKey is a foreign key's name, columns and referenced table and
// columns.
type ForeignKey struct {
	Name       string   `json:"name"`
	Columns    []string `json:"columns"`
	RefSchema  string   `json:"ref_schema"`
	RefTable   string   `json:"ref_table"`
	RefColumns []string `json:"ref_columns"`
}

func main() {
	if len(os.Args) >= 3 && os.Args[1] == "-inspect" {
		out, err := inspect(context.Background(), os.Args[2], os.Args[3:])
		if err != nil {
			fmt.Fprintf(os.Stderr, "atlas: %v\n", err)
			os.Exit(1)
		}
		os.Stdout.Write(out)
		return
	}
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: atlaseval FILE.hcl | atlaseval -inspect URL [SCHEMA...]")
		os.Exit(2)
	}
	src, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var r schema.Realm
	if err := postgres.EvalHCLBytes(src, &r, nil); err != nil {
		fmt.Fprintf(os.Stderr, "atlas: %v\n", err)
		os.Exit(1)
	}
	tables, err := realmTables(&r)
	if err != nil {
		fmt.Fprintf(os.Stderr, "atlas: %v\n", err)
		os.Exit(1)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(tables); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// inspect is Atlas's inspection of the database at url (its schemas, or
// all but the system's) written by Atlas's marshaller.
func inspect(ctx context.Context, url string, schemas []string) ([]byte, error) {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	drv, err := postgres.Open(db)
	if err != nil {
		return nil, err
	}
	r, err := drv.InspectRealm(ctx, &schema.InspectRealmOption{Schemas: schemas})
	if err != nil {
		return nil, fmt.Errorf("inspect: %w", err)
	}
	out, err := postgres.MarshalHCL(r)
	if err != nil {
		return nil, fmt.Errorf("marshal: %w", err)
	}
	return out, nil
}

func realmTables(r *schema.Realm) ([]Table, error) {
	var out []Table
	for _, s := range r.Schemas {
		for _, t := range s.Tables {
			tb := Table{Schema: s.Name, Name: t.Name, Columns: []Column{}, Indexes: []Index{}, ForeignKeys: []ForeignKey{}}
			for _, c := range t.Columns {
				typ, err := postgres.FormatType(c.Type.Type)
				if err != nil {
					return nil, fmt.Errorf("column %s.%s: %w", t.Name, c.Name, err)
				}
				tb.Columns = append(tb.Columns, Column{Name: c.Name, Type: typ, Null: c.Type.Null})
			}
			idx := t.Indexes
			if t.PrimaryKey != nil {
				idx = append([]*schema.Index{t.PrimaryKey}, idx...)
			}
			for _, ix := range idx {
				x := Index{Name: ix.Name, Unique: ix.Unique || ix == t.PrimaryKey, Parts: []string{}}
				for _, p := range ix.Parts {
					switch {
					case p.C != nil:
						x.Parts = append(x.Parts, p.C.Name)
					case p.X != nil:
						if raw, ok := p.X.(*schema.RawExpr); ok {
							x.Parts = append(x.Parts, raw.X)
						} else {
							x.Parts = append(x.Parts, fmt.Sprintf("%v", p.X))
						}
					}
				}
				tb.Indexes = append(tb.Indexes, x)
			}
			for _, fk := range t.ForeignKeys {
				f := ForeignKey{Name: fk.Symbol, RefTable: fk.RefTable.Name}
				if fk.RefTable.Schema != nil {
					f.RefSchema = fk.RefTable.Schema.Name
				}
				for _, c := range fk.Columns {
					f.Columns = append(f.Columns, c.Name)
				}
				for _, c := range fk.RefColumns {
					f.RefColumns = append(f.RefColumns, c.Name)
				}
				tb.ForeignKeys = append(tb.ForeignKeys, f)
			}
			out = append(out, tb)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Schema != out[j].Schema {
			return out[i].Schema < out[j].Schema
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}
