package gotag

import (
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/retortdb/retort/internal/devdb/devdbtest"
	"github.com/retortdb/retort/internal/sharedtest"
	"github.com/retortdb/retort/model"
)

// TestRealSchemasTableSubset proves inspect --format go and go:// on the
// tables of real schemas: each is loaded into a database, cut down to what
// Go tags can declare (tables, their columns, keys, checks, foreign keys,
// indexes and grants, enums; domains read as their base types), and that
// subset is applied to a database of its own. Write turns what PostgreSQL
// then holds into Go, Load reads it back, and applying that must give the
// same database. The grants name roles that the schemas' own scripts
// create (postgrest's), which the second and third databases, on the same
// server, share.
//
// gitlab's subset (875 tables) takes about 25 s on 2 cores.
func TestRealSchemasTableSubset(t *testing.T) {
	if testing.Short() {
		t.Skip("loads real schemas: not in -short mode")
	}
	psql, err := exec.LookPath("psql")
	if err != nil {
		psql = filepath.Join(devdbtest.Server(t).BinDir(), "psql")
	}
	for _, rs := range []struct {
		name  string
		files []string
	}{
		{"pagila", []string{"pagila.sql"}},
		{"hatchet", []string{"hatchet-v0.sql", "hatchet-v1-core.sql", "hatchet-v1-olap.sql"}},
		{"postgrest", []string{"postgrest-database.sql", "postgrest-roles.sql", "postgrest-schema.sql",
			"postgrest-jwt.sql", "postgrest-jsonschema.sql", "postgrest-privileges.sql"}},
		{"gitlab", []string{"gitlab.sql"}},
	} {
		t.Run(rs.name, func(t *testing.T) {
			t.Parallel()
			orig := devdbtest.NewDatabase(t)
			for _, f := range rs.files {
				p := sharedtest.Schema(t, f)
				// DBNAME and PGUSER are the psql variables postgrest's
				// fixtures expect.
				out, err := exec.CommandContext(t.Context(), psql, "-X", "-q", "-v", "ON_ERROR_STOP=1",
					"-v", "DBNAME="+dbName(orig), "-v", "PGUSER=postgres", "-d", orig, "-f", p).CombinedOutput()
				if err != nil {
					t.Fatalf("psql -f %s: %v\n%s", f, err, out)
				}
			}
			want := applySchema(t, tableSubset(inspect(t, orig)))
			if len(want.Tables) == 0 {
				t.Fatal("the subset has no tables")
			}
			src, err := Write(want, "models")
			if err != nil {
				t.Fatalf("Write: %v", err)
			}
			got := applyGo(t, src)
			if !want.Equal(got) {
				t.Errorf("tables rebuilt from Write's Go differ:\n%s", schemaDiff(want, got))
			}
			grants := countOf(want, func(tb model.Table) int {
				n := len(tb.Grants)
				for _, c := range tb.Columns {
					n += len(c.Grants)
				}
				return n
			})
			if rs.name == "postgrest" && grants == 0 {
				t.Error("postgrest's subset has no grants: the test no longer proves them")
			}
			t.Logf("%s: %d tables, %d enums, %d constraints (%d foreign keys), %d indexes, %d grants through %d bytes of Go", rs.name,
				len(want.Tables), len(want.Enums), countOf(want, func(tb model.Table) int { return len(tb.Constraints) }),
				countOf(want, func(tb model.Table) int {
					return len(slices.DeleteFunc(slices.Clone(tb.Constraints), func(c model.Constraint) bool { return c.Type != model.ForeignKey }))
				}),
				countOf(want, func(tb model.Table) int { return len(tb.Indexes) }), grants, len(src))
		})
	}
}

func countOf(s *model.Schema, f func(model.Table) int) int {
	n := 0
	for _, t := range s.Tables {
		n += f(t)
	}
	return n
}

// tableSubset keeps what Go tags can declare of a schema.
func tableSubset(full *model.Schema) *model.Schema {
	enums := map[string]bool{}
	for _, e := range full.Enums {
		enums[e.QName.String()] = true
	}
	domains := map[string]string{}
	for _, d := range full.Domains {
		domains[d.QName.String()] = d.Type
	}
	kept := map[model.QName]bool{}
	for _, t := range full.Tables {
		if t.Kind == model.TableOrdinary && t.PartitionKey == "" && t.PartitionOf == nil && len(t.Inherits) == 0 && t.OfType == "" {
			kept[t.QName] = true
		}
	}
	sub := &model.Schema{}
	namespaces := map[string]bool{}
	for _, e := range full.Enums {
		sub.Enums = append(sub.Enums, model.Enum{QName: e.QName, Labels: e.Labels})
		namespaces[e.Schema] = true
	}
	userDep := func(deps []model.ObjectRef) bool {
		return slices.ContainsFunc(deps, func(d model.ObjectRef) bool {
			switch d.Kind {
			case model.KindTable, model.KindConstraint, model.KindIndex:
				return false
			case model.KindType:
				return !enums[d.Schema+"."+d.Name]
			}
			return d.Schema != "pg_catalog"
		})
	}
	for _, t := range full.Tables {
		if !kept[t.QName] {
			continue
		}
		nt := model.Table{QName: t.QName, Kind: t.Kind, Unlogged: t.Unlogged, Comment: t.Comment, Grants: t.Grants}
		namespaces[t.Schema] = true
		changed := map[string]bool{}
		for _, c := range t.Columns {
			nc := model.Column{Name: c.Name, Type: c.Type, NotNull: c.NotNull, Comment: c.Comment, Identity: c.Identity,
				IdentitySequence: c.IdentitySequence, Generated: c.Generated, GeneratedKind: c.GeneratedKind, Grants: c.Grants}
			base := strings.TrimRight(c.Type, "[]")
			if i := strings.IndexByte(base, '('); i >= 0 {
				base = base[:i]
			}
			if sch, name, ok := qualified(base); ok && sch != "" && sch != "pg_catalog" && !enums[sch+"."+name] {
				nc.Type = "text"
				if bt, ok := domains[sch+"."+name]; ok && !strings.HasSuffix(c.Type, "]") {
					// A domain over a domain: down to the base type.
					for next, ok := domains[bt]; ok; next, ok = domains[bt] {
						bt = next
					}
					nc.Type = bt
				}
				changed[c.Name] = true
			}
			if !userDep(c.Deps) && !strings.Contains(c.Default, "nextval(") {
				nc.Default = c.Default
			}
			if changed[c.Name] || userDep(c.Deps) {
				nc.Generated, nc.GeneratedKind = "", ""
			}
			if c.Collation != "" && !strings.HasPrefix(c.Collation, `"`) {
				changed[c.Name] = true
			} else {
				nc.Collation = c.Collation
			}
			nt.Columns = append(nt.Columns, nc)
		}
		uses := func(cols []string) bool { return slices.ContainsFunc(cols, func(c string) bool { return changed[c] }) }
		for _, c := range t.Constraints {
			if userDep(c.Deps) || c.Type == model.Exclusion || uses(c.Columns) ||
				(c.Type == model.ForeignKey && (c.RefTable == nil || !kept[*c.RefTable])) {
				continue
			}
			c.Deps, c.Comment, c.ParentIndex = nil, "", nil
			nt.Constraints = append(nt.Constraints, c)
		}
		for _, ix := range t.Indexes {
			if userDep(ix.Deps) || slices.ContainsFunc(ix.Keys, func(k string) bool {
				return slices.ContainsFunc(nt.Columns, func(c model.Column) bool { return changed[c.Name] && strings.Contains(k, c.Name) })
			}) || ix.ParentIndex != nil || ix.Invalid || len(ix.Options) > 0 || strings.Contains(ix.Definition, "_ops") {
				continue
			}
			ix.Deps, ix.Tablespace, ix.Comment = nil, "", ""
			nt.Indexes = append(nt.Indexes, ix)
		}
		sub.Tables = append(sub.Tables, nt)
	}
	for n := range namespaces {
		if n != "public" {
			sub.Namespaces = append(sub.Namespaces, model.Namespace{Name: n})
		}
	}
	sub.Normalize()
	return sub
}

// dbName is the database a test connection string names.
func dbName(conn string) string {
	cfg, err := pgconn.ParseConfig(conn)
	if err != nil {
		return ""
	}
	return cfg.Database
}
