package hcl_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/retortdb/retort/internal/codectest"
	"github.com/retortdb/retort/internal/devdb/devdbtest"
	"github.com/retortdb/retort/internal/nestedmod"
	"github.com/retortdb/retort/internal/sharedtest"
	"github.com/retortdb/retort/introspect"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/model/hcl"
)

// atlasDir is the nested module that evaluates HCL with Atlas's own code
// (ariga.io/atlas), so that retort's go.mod does not depend on Atlas.
const atlasDir = "testdata/atlas"

// buildAtlasEval builds testdata/atlas/cmd/atlaseval, which evaluates
// HCL and inspects databases with Atlas's own code.
func buildAtlasEval(t *testing.T) string {
	t.Helper()
	return nestedmod.Build(t, atlasDir, "./cmd/atlaseval", "the Atlas program")
}

// atlasTable is what atlaseval prints of a table (see its main.go).
type atlasTable struct {
	Schema  string `json:"schema"`
	Name    string `json:"name"`
	Columns []struct {
		Name string `json:"name"`
		Type string `json:"type"`
		Null bool   `json:"null"`
	} `json:"columns"`
	Indexes []struct {
		Name   string   `json:"name"`
		Unique bool     `json:"unique"`
		Parts  []string `json:"parts"`
	} `json:"indexes"`
	ForeignKeys []struct {
		Name       string   `json:"name"`
		Columns    []string `json:"columns"`
		RefSchema  string   `json:"ref_schema"`
		RefTable   string   `json:"ref_table"`
		RefColumns []string `json:"ref_columns"`
	} `json:"foreign_keys"`
}

// TestAtlasEvaluates writes retort's atlas-hcl of real databases, has
// Atlas's evaluator (postgres.EvalHCLBytes, open-source build) read it,
// and compares the tables, columns, indexes and foreign keys of Atlas's
// realm with retort's model of the same database: pagila, hatchet and
// GitLab (1,400 tables).
func TestAtlasEvaluates(t *testing.T) {
	bin := buildAtlasEval(t)
	schemas := append(slices.Clone(codectest.RealSchemas), struct {
		Name  string
		Files []string
	}{"gitlab", []string{"gitlab.sql"}})
	for _, rs := range schemas {
		t.Run(rs.Name, func(t *testing.T) {
			t.Parallel()
			var files []string
			for _, f := range rs.Files {
				files = append(files, sharedtest.Schema(t, f))
			}
			url := devdbtest.NewDatabase(t)
			codectest.LoadSQL(t, url, files...)
			s, err := introspect.InspectURL(t.Context(), url, introspect.Options{})
			if err != nil {
				t.Fatal(err)
			}
			text, left, err := hcl.EncodeAtlas(s)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("left out: %s", hcl.LeftOutText(left))
			path := filepath.Join(t.TempDir(), "atlas.hcl")
			if err := os.WriteFile(path, text, 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.CommandContext(t.Context(), bin, path).Output()
			if err != nil {
				keep := filepath.Join(os.TempDir(), "retort-atlas-"+rs.Name+".hcl")
				_ = os.WriteFile(keep, text, 0o644)
				t.Fatalf("Atlas does not evaluate retort's atlas-hcl (kept as %s): %v\n%s", keep, err, stderrOf(err))
			}
			var got []atlasTable
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatal(err)
			}
			want := atlasView(s)
			if len(want) < 10 {
				t.Fatalf("%s has %d tables; the schema has more", rs.Name, len(want))
			}
			gotText, wantText := atlasLines(got), atlasLines(want)
			if d := lineDiff(wantText, gotText); d != "" {
				t.Errorf("Atlas's realm differs from retort's model (- retort, + Atlas):\n%s", d)
			}
		})
	}
}

func stderrOf(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return ""
}

// atlasView is retort's model in atlaseval's terms: the tables that
// atlas-hcl writes (not partitions, not foreign tables), keys as indexes
// (a primary key of PostgreSQL's name without it, as atlas-hcl writes it).
func atlasView(s *model.Schema) []atlasTable {
	var out []atlasTable
	written := map[model.QName]bool{}
	for _, t := range s.Tables {
		written[t.QName] = t.PartitionOf == nil && t.Kind != model.TableForeign
	}
	for _, t := range s.Tables {
		if t.PartitionOf != nil || t.Kind == model.TableForeign {
			continue
		}
		var at atlasTable
		b, _ := json.Marshal(map[string]any{"schema": t.Schema, "name": t.Name})
		_ = json.Unmarshal(b, &at)
		for _, c := range t.Columns {
			at.Columns = append(at.Columns, struct {
				Name string `json:"name"`
				Type string `json:"type"`
				Null bool   `json:"null"`
			}{c.Name, c.Type, !c.NotNull})
		}
		for _, c := range t.Constraints {
			switch c.Type {
			case model.PrimaryKey, model.Unique:
				name := c.Name
				if c.Type == model.PrimaryKey && name == t.Name+"_pkey" {
					name = "" // PostgreSQL's name, which primary_key leaves out
				}
				at.Indexes = append(at.Indexes, struct {
					Name   string   `json:"name"`
					Unique bool     `json:"unique"`
					Parts  []string `json:"parts"`
				}{name, true, c.Columns})
			case model.ForeignKey:
				if !written[*c.RefTable] {
					continue // a key to a partition or a foreign table, which atlas-hcl leaves out
				}
				at.ForeignKeys = append(at.ForeignKeys, struct {
					Name       string   `json:"name"`
					Columns    []string `json:"columns"`
					RefSchema  string   `json:"ref_schema"`
					RefTable   string   `json:"ref_table"`
					RefColumns []string `json:"ref_columns"`
				}{c.Name, c.Columns, c.RefTable.Schema, c.RefTable.Name, c.RefColumns})
			}
		}
		for _, ix := range t.Indexes {
			var parts []string
			for _, k := range ix.Keys {
				parts = append(parts, keyPart(k))
			}
			at.Indexes = append(at.Indexes, struct {
				Name   string   `json:"name"`
				Unique bool     `json:"unique"`
				Parts  []string `json:"parts"`
			}{ix.Name, ix.Unique, parts})
		}
		out = append(out, at)
	}
	return out
}

var plainKey = regexp.MustCompile(`^("?)([^" ]+|[^"]*)("?)(?: .*)?$`)

// exprOpClass is an expression key followed by its operator class, which
// atlaseval prints apart from the expression (and does not compare).
var exprOpClass = regexp.MustCompile(`^(.*\)) [a-z0-9_]+_ops$`)

// keyPart is an index key as atlaseval prints it: a column's name, or the
// expression.
func keyPart(k string) string {
	if m := plainKey.FindStringSubmatch(k); m != nil && m[1] == m[3] && !strings.ContainsAny(m[2], "()") {
		return m[2]
	}
	if m := exprOpClass.FindStringSubmatch(k); m != nil {
		return m[1]
	}
	return k
}

// atlasType is a type in one spelling: Atlas's FormatType writes
// timestamptz where format_type writes timestamp with time zone, leaves
// out the default precision (6) of times, names a serial column's type
// serial, and writes type names unquoted.
func atlasType(t string) string {
	t = strings.NewReplacer("timestamp with time zone", "timestamptz", "time with time zone", "timetz",
		" without time zone", "", "public.", "", `"`, "", "(6)", "").Replace(t)
	if i := strings.Index(t, ")"); i > 0 && strings.HasSuffix(t, ") with time zone") {
		t = strings.TrimSuffix(t, " with time zone") + "tz"
	}
	switch t {
	case "serial":
		return "integer"
	case "bigserial":
		return "bigint"
	case "smallserial":
		return "smallint"
	}
	return t
}

// atlasLines writes tables one fact a line, sorted, for a readable diff.
func atlasLines(ts []atlasTable) []string {
	var out []string
	for _, t := range ts {
		q := t.Schema + "." + t.Name
		out = append(out, "table "+q)
		for _, c := range t.Columns {
			out = append(out, fmt.Sprintf("column %s.%s %s null=%v", q, c.Name, atlasType(c.Type), c.Null))
		}
		for _, ix := range t.Indexes {
			parts := slices.Clone(ix.Parts)
			for i, p := range parts {
				parts[i] = strings.Join(strings.Fields(p), " ")
			}
			out = append(out, fmt.Sprintf("index %s %q unique=%v (%s)", q, ix.Name, ix.Unique, strings.Join(parts, ", ")))
		}
		for _, fk := range t.ForeignKeys {
			out = append(out, fmt.Sprintf("foreign key %s %q (%s) %s.%s(%s)", q, fk.Name, strings.Join(fk.Columns, ", "),
				fk.RefSchema, fk.RefTable, strings.Join(fk.RefColumns, ", ")))
		}
	}
	slices.Sort(out)
	return out
}

// lineDiff lists the lines only one side has.
func lineDiff(want, got []string) string {
	var b strings.Builder
	for _, l := range want {
		if !slices.Contains(got, l) {
			b.WriteString("- " + l + "\n")
		}
	}
	for _, l := range got {
		if !slices.Contains(want, l) {
			b.WriteString("+ " + l + "\n")
		}
	}
	return b.String()
}
