package gotag

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/retortdb/retort/internal/devdb/devdbtest"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render"
)

// TestWriteRoundTrip: what Write makes of a schema loads back into the
// same schema.
func TestWriteRoundTrip(t *testing.T) {
	s, err := Load("testdata/shop", ".")
	if err != nil {
		t.Fatal(err)
	}
	src, err := Write(s, "shop")
	if err != nil {
		t.Fatal(err)
	}
	again := loadGo(t, src)
	if !again.Equal(s) {
		t.Errorf("round trip differs:\n%s\nsource:\n%s", schemaDiff(s, again), src)
	}
	src2, err := Write(again, "shop")
	if err != nil || string(src2) != string(src) {
		t.Errorf("Write is not stable (err %v)", err)
	}
}

func loadGo(t *testing.T, src []byte) *model.Schema {
	t.Helper()
	s, err := loadSource(t, string(src))
	if err != nil {
		t.Fatalf("Load: %v\n%s", err, src)
	}
	return s
}

// TestWriteThroughDatabase applies the grammar test's schema, writes Go
// from what PostgreSQL holds, and checks that applying that gives the
// same database: every option of the grammar survives inspect --format go.
func TestWriteThroughDatabase(t *testing.T) {
	t.Parallel()
	declared := mustLoad(t, grammarSrc)
	a := applySchema(t, declared)
	src, err := Write(a, "models")
	if err != nil {
		t.Fatal(err)
	}
	b := applySchema(t, loadGo(t, src))
	if !a.Equal(b) {
		t.Errorf("database rebuilt from Write's source differs:\n%s\nsource:\n%s", schemaDiff(a, b), src)
	}
	for _, want := range []string{"//retort:enum app.mood", "type AppMood string", "index:invoices_lower(keys:(lower(code), account_id DESC)",
		"constraint:invoices_account_fk(FOREIGN KEY (account_id, org_id)", "unlogged", "collate:\"C\"",
		"owner:" + tagName(a.Tables[0].Owner)} {
		if !strings.Contains(string(src), want) && !strings.Contains(string(src), strings.ReplaceAll(want, `"`, `\"`)) {
			t.Errorf("written source lacks %q:\n%s", want, src)
		}
	}
}

// applySchema renders a schema, applies it to a new database and reads it
// back. Grants are applied too, so that they are compared: the roles they
// name must exist.
func applySchema(t *testing.T, s *model.Schema) *model.Schema {
	t.Helper()
	ddl, err := render.SchemaSQL(s, render.Options{Comments: true, Privileges: true})
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	url := devdbtest.NewDatabase(t)
	ctx := context.WithoutCancel(t.Context())
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.PgConn().Exec(ctx, ddl).ReadAll(); err != nil {
		t.Fatalf("applying: %v\n%s", err, ddl)
	}
	return inspect(t, url)
}

func TestWriteLeftOut(t *testing.T) {
	parent := model.QName{Schema: "public", Name: "events"}
	s := &model.Schema{
		Views:     []model.View{{QName: model.QName{Schema: "public", Name: "v"}}},
		Functions: []model.Function{{QName: model.QName{Schema: "public", Name: "f"}}},
		Sequences: []model.Sequence{{QName: model.QName{Schema: "public", Name: "free_seq"}}},
		Tables: []model.Table{
			{QName: parent, Kind: model.TablePartitioned, PartitionKey: "RANGE (at)", Columns: []model.Column{{Name: "at", Type: "date"}}},
			{QName: model.QName{Schema: "public", Name: "t"}, Kind: model.TableOrdinary, Options: []string{"fillfactor=70"},
				Columns: []model.Column{{Name: "type", Type: "numeric(10,2)", NotNull: true}, {Name: "index", Type: "text"}}},
		},
	}
	src, err := Write(s, "m")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"1 view(s)", "1 function(s)", "sequence public.free_seq", "partitioned table or partition public.events",
		"table public.t: storage options", "`retort:\"type,type:numeric(10,2)\"`", "*string  `retort:\"\\\"index\\\"\"`"} {
		if !strings.Contains(string(src), want) {
			t.Errorf("source lacks %q:\n%s", want, src)
		}
	}
	got := loadGo(t, src)
	if len(got.Tables) != 1 || got.Tables[0].Columns[1].Name != "index" {
		t.Errorf("loaded back: %+v", got.Tables)
	}
}

func TestWriteBadPackage(t *testing.T) {
	for _, pkg := range []string{"", "1x", "a-b", "_"} {
		if _, err := Write(&model.Schema{}, pkg); err == nil {
			t.Errorf("Write accepted package name %q", pkg)
		}
	}
	if _, err := Write(nil, "m"); err == nil {
		t.Error("Write accepted a nil schema")
	}
}
