package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/retortdb/retort/model"
)

// TestWriteJSON checks that the streamed JSON of inspect --format json is,
// byte for byte, what json.Encoder with a two-space indent writes.
func TestWriteJSON(t *testing.T) {
	t.Parallel()
	rich := &model.Schema{
		ServerMajor: 15,
		Namespaces: []model.Namespace{{Name: "public", Owner: "pg_database_owner",
			Grants: []model.Grant{{Grantee: "", Privilege: "USAGE"}, {Grantee: "app", Privilege: "CREATE", Grantable: true}}}},
		Extensions: []model.Extension{{Name: "pgcrypto", Schema: "public", Version: "1.3"}},
		Enums:      []model.Enum{{QName: model.QName{Schema: "public", Name: "mood"}, Labels: []string{"<sad>", "ok & fine", "ünïcode \u2028"}}},
		Sequences: []model.Sequence{{QName: model.QName{Schema: "public", Name: "s"},
			SequenceOptions: model.SequenceOptions{Type: "bigint", Start: 1, Increment: 1, Min: 1, Max: 1 << 62, Cache: 1}}},
		Tables: []model.Table{
			{QName: model.QName{Schema: "public", Name: "a"}, Kind: "table", Columns: []model.Column{
				{Name: "id", Type: "bigint", NotNull: true, IdentitySequence: &model.SequenceOptions{Type: "bigint"}, Identity: "a"},
				{Name: "note", Type: "text", Default: "'<b>'::text", Comment: "tab\there \"quoted\""},
			}, Constraints: []model.Constraint{{Name: "a_pkey", Type: "p", Definition: "PRIMARY KEY (id)", Columns: []string{"id"}}},
				Indexes: []model.Index{{Name: "a_note", Definition: "CREATE INDEX a_note ON public.a USING btree (note)", Method: "btree", Keys: []string{"note"}}}},
			// A table without columns: a non-omitempty empty list.
			{QName: model.QName{Schema: "public", Name: "b"}, Kind: "table", Columns: []model.Column{}},
			{QName: model.QName{Schema: "public", Name: "c"}, Kind: "table"},
		},
		Views: []model.View{{QName: model.QName{Schema: "public", Name: "v"}, Definition: " SELECT 1 AS one;"}},
	}
	cases := []struct {
		name string
		s    *model.Schema
	}{
		{"empty", &model.Schema{}},
		{"server major only", &model.Schema{ServerMajor: 17}},
		{"empty lists", &model.Schema{Tables: []model.Table{}, Unsupported: map[string]int{}}},
		{"rich", rich},
		{"unsupported only", &model.Schema{Unsupported: map[string]int{"publication": 2, "operator": 1}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var want bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetIndent("", "  ")
			if err := enc.Encode(tc.s); err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := writeJSON(&got, tc.s); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Errorf("writeJSON differs from json.Encoder:\n got %s\nwant %s", got.String(), want.String())
			}
		})
	}
}

// maxWriter records the largest single Write it is given.
type maxWriter struct{ n, max int }

func (w *maxWriter) Write(p []byte) (int, error) {
	w.n += len(p)
	w.max = max(w.max, len(p))
	return len(p), nil
}

// TestWriteJSONStreams checks that the JSON of a large schema reaches the
// writer in pieces no larger than the write buffer rather than as one
// document built in memory (issue 15: with 5,000 tables the document was held
// twice over next to the model).
func TestWriteJSONStreams(t *testing.T) {
	t.Parallel()
	s := &model.Schema{}
	for i := range 2000 {
		tb := model.Table{QName: model.QName{Schema: "public", Name: fmt.Sprintf("t%d", i)}, Kind: "table"}
		for j := range 10 {
			tb.Columns = append(tb.Columns, model.Column{Name: fmt.Sprintf("c%d", j), Type: "integer", NotNull: true})
		}
		s.Tables = append(s.Tables, tb)
	}
	var w maxWriter
	if err := writeJSON(&w, s); err != nil {
		t.Fatal(err)
	}
	if w.n < 1<<20 {
		t.Fatalf("wrote %d bytes; want a document over 1 MiB for the test to mean something", w.n)
	}
	if w.max > 64<<10 {
		t.Errorf("largest write %d bytes of %d: the document is not streamed", w.max, w.n)
	}
}
