// Package codectest holds what the tests of the HCL and YAML codecs
// (model/hcl, model/yaml) share: loading real schemas into PostgreSQL, a
// readable diff of two schemas, and the round trip through the dev server.
// Only tests import it. It lives here, not beside the codecs' shared code
// in model/internal/codec, because it is test support: it imports the
// packages the codecs are tested through (introspect, source), which the
// model must not.
package codectest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sergi/go-diff/diffmatchpatch"

	"github.com/retortdb/retort/internal/devdb/devdbtest"
	"github.com/retortdb/retort/introspect"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/source"
)

// RealSchemas are the real schemas the round trip is proved on, each as the
// files of ../shared/schemas (see package sharedtest) that load it, in
// order.
var RealSchemas = []struct {
	Name  string
	Files []string
}{
	{"pagila", []string{"pagila.sql"}},
	{"hatchet", []string{"hatchet-v0.sql", "hatchet-v1-core.sql", "hatchet-v1-olap.sql"}},
}

// KindsSQL is a schema with every kind of object the model holds, relative
// to a codec package's directory (model/hcl, model/yaml).
const KindsSQL = "../../internal/codectest/testdata/kinds.sql"

// LoadSQL runs SQL files with psql on the database at url.
func LoadSQL(t testing.TB, url string, files ...string) {
	t.Helper()
	psql, err := exec.LookPath("psql")
	if err != nil {
		psql = filepath.Join(devdbtest.Server(t).BinDir(), "psql")
	}
	for _, f := range files {
		out, err := exec.CommandContext(t.Context(), psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", f).CombinedOutput()
		if err != nil {
			t.Fatalf("psql -f %s: %v\n%s", f, err, out)
		}
	}
}

// Encoder writes a schema in one format; Ext is its file extension.
type Encoder struct {
	Ext    string
	Encode func(*model.Schema) ([]byte, error)
}

// RoundTrip loads a real schema, inspects it, encodes it, loads the file
// through a source.Loader backed by the test server (decode, render, apply
// to a scratch database, inspect) and checks that the result equals what
// was inspected. The loader is trusted: the schemas declare foreign data
// wrappers, event triggers and owners that only a superuser may create.
func RoundTrip(t *testing.T, enc Encoder, files []string) {
	ctx := t.Context()
	url := devdbtest.NewDatabase(t)
	LoadSQL(t, url, files...)
	want, err := introspect.InspectURL(ctx, url, introspect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	text, err := enc.Encode(want)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "schema"+enc.Ext)
	if err := os.WriteFile(path, text, 0o644); err != nil {
		t.Fatal(err)
	}
	l := &source.Loader{DevURL: devdbtest.Server(t).ConnString("postgres"), Privileges: true, Trusted: true}
	defer l.Close()
	got, err := l.Load(ctx, path)
	if err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
	if !want.Equal(got) {
		t.Errorf("%s does not read back to the inspected schema (- inspected, + read back):\n%s", path, Diff(want, got))
		keep := filepath.Join(os.TempDir(), "retort-roundtrip-"+filepath.Base(t.Name())+enc.Ext)
		_ = os.WriteFile(keep, text, 0o644)
		t.Logf("the file is kept as %s", keep)
	}
}

// Diff shows how two schemas differ, as a line diff of their JSON with a
// little context around each change.
func Diff(a, b *model.Schema) string {
	ja, _ := json.MarshalIndent(a, "", "  ")
	jb, _ := json.MarshalIndent(b, "", "  ")
	dmp := diffmatchpatch.New()
	ca, cb, lines := dmp.DiffLinesToChars(string(ja), string(jb))
	diffs := dmp.DiffCharsToLines(dmp.DiffMain(ca, cb, false), lines)
	var out strings.Builder
	const context, maxLines = 3, 300
	n := 0
	for i, d := range diffs {
		ls := strings.SplitAfter(d.Text, "\n")
		if ls[len(ls)-1] == "" {
			ls = ls[:len(ls)-1]
		}
		switch d.Type {
		case diffmatchpatch.DiffEqual:
			if i > 0 && len(ls) > 0 {
				for _, l := range ls[:min(context, len(ls))] {
					out.WriteString("  " + l)
				}
			}
			if i < len(diffs)-1 && len(ls) > context {
				out.WriteString("  …\n")
				for _, l := range ls[max(len(ls)-context, context):] {
					out.WriteString("  " + l)
				}
			}
		case diffmatchpatch.DiffDelete, diffmatchpatch.DiffInsert:
			sign := "- "
			if d.Type == diffmatchpatch.DiffInsert {
				sign = "+ "
			}
			for _, l := range ls {
				out.WriteString(sign + l)
				if n++; n > maxLines {
					return out.String() + fmt.Sprintf("… (diff cut at %d changed lines)\n", maxLines)
				}
			}
		}
	}
	if out.Len() == 0 {
		return "(the JSON is the same: a field JSON leaves out differs, such as a rename hint, or nil against empty)\n"
	}
	return out.String()
}

// Load loads a declared file through a Loader backed by the test server,
// trusted as RoundTrip's is.
func Load(ctx context.Context, t testing.TB, path string) (*model.Schema, error) {
	l := &source.Loader{DevURL: devdbtest.Server(t).ConnString("postgres"), Privileges: true, Trusted: true}
	defer l.Close()
	return l.Load(ctx, path)
}

// Models are inspected schemas kept as JSON, for the round trip that needs
// no server; relative to a codec package's directory (model/hcl,
// model/yaml).
var Models = []string{
	"../../internal/codectest/testdata/kinds.json",
	"../../internal/codectest/testdata/pagila.json",
}

// ReadModel reads a schema kept as JSON.
func ReadModel(t testing.TB, path string) *model.Schema {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var s model.Schema
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	s.Normalize()
	return &s
}

// Lossy applies to an inspected schema what writing it as HCL or YAML
// leaves to the dev server (docs/hcl.md, "What is not written"): the
// dependencies of columns, keys and indexes that are found again from
// their types, collations, defaults and referenced tables; the columns of
// CHECK constraints; the blanks around view queries; the server version.
func Lossy(s *model.Schema) {
	s.ServerMajor = 0
	drop := func(deps []model.ObjectRef) []model.ObjectRef {
		var out []model.ObjectRef
		for _, d := range deps {
			switch d.Kind {
			case model.KindType, model.KindSequence, model.KindTable, model.KindConstraint, model.KindIndex,
				model.KindCollation, model.KindExtension, model.KindSchema:
				continue
			}
			out = append(out, d)
		}
		return out
	}
	for i := range s.Tables {
		t := &s.Tables[i]
		for j := range t.Columns {
			t.Columns[j].Deps = drop(t.Columns[j].Deps)
		}
		for j := range t.Constraints {
			c := &t.Constraints[j]
			c.Deps = drop(c.Deps)
			if c.Type == model.Check {
				c.Columns = nil
			}
		}
		for j := range t.Indexes {
			t.Indexes[j].Deps = drop(t.Indexes[j].Deps)
		}
	}
	for i := range s.Views {
		s.Views[i].Definition = strings.TrimSpace(s.Views[i].Definition)
		for j := range s.Views[i].Indexes {
			s.Views[i].Indexes[j].Deps = drop(s.Views[i].Indexes[j].Deps)
		}
	}
	s.Normalize()
}

// PureRoundTrip encodes each model, decodes the text, and checks that the
// result equals the model but for what Lossy takes out.
func PureRoundTrip(t *testing.T, ext string, encode func(*model.Schema) ([]byte, error), decode func(string, []byte) (*model.Schema, error)) {
	for _, path := range Models {
		t.Run(filepath.Base(path), func(t *testing.T) {
			want := ReadModel(t, path)
			text, err := encode(want)
			if err != nil {
				t.Fatal(err)
			}
			name := strings.TrimSuffix(filepath.Base(path), ".json") + ext
			got, err := decode(name, text)
			if err != nil {
				t.Fatalf("decode:\n%v\n--- text:\n%s", err, text)
			}
			Lossy(want)
			if !want.Equal(got) {
				t.Errorf("%s does not read back (- model, + read back):\n%s", name, Diff(want, got))
			}
			again, err := encode(got)
			if err != nil {
				t.Fatal(err)
			}
			if string(again) != string(text) {
				t.Errorf("encoding what was read back gives other text")
			}
		})
	}
}

// NotNullConstraints checks that a codec carries PostgreSQL 18's NOT NULL
// constraints: a name, NOT VALID and NO INHERIT, and refuses them on a
// nullable column.
func NotNullConstraints(t *testing.T, ext string, encode func(*model.Schema) ([]byte, error), decode func(string, []byte) (*model.Schema, error)) {
	t.Helper()
	want := &model.Schema{Namespaces: []model.Namespace{{Name: "public"}}, Tables: []model.Table{{
		QName: model.QName{Schema: "public", Name: "t"}, Kind: model.TableOrdinary, ReplicaIdentity: "d",
		Columns: []model.Column{
			{Name: "a", Type: "integer", NotNull: true, NotNullName: "a_nn"},
			{Name: "b", Type: "integer", NotNull: true, NotNullNotValid: true},
			{Name: "c", Type: "text", NotNull: true, NotNullName: "c_nn", NotNullNoInherit: true},
			{Name: "d", Type: "text"},
		},
	}}}
	want.Normalize()
	text, err := encode(want)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decode("t"+ext, text)
	if err != nil {
		t.Fatalf("decode: %v\n%s", err, text)
	}
	if !want.Equal(got) {
		t.Errorf("NOT NULL constraints do not read back (- model, + read back):\n%s\n%s", Diff(want, got), text)
	}
	nullable := *want
	nullable.Tables = slices.Clone(want.Tables)
	nullable.Tables[0].Columns = []model.Column{{Name: "a", Type: "integer", NotNull: true, NotNullName: "a_nn"}}
	text, err = encode(&nullable)
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(text), "false", "true", 1) // null = true
	if _, err := decode("t"+ext, []byte(bad)); err == nil || !strings.Contains(err.Error(), "describe a NOT NULL constraint") {
		t.Errorf("a NOT NULL name on a nullable column: error %v\n%s", err, bad)
	}
}
