package gotag

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/retortdb/retort/internal/devdb/devdbtest"
	"github.com/retortdb/retort/model"
)

const grantsSrc = "package m\n\n" +
	"type Doc struct {\n" +
	"\t_ struct{} `retort:\"table:docs,grant:PUBLIC(select),grant:app_writer(SELECT, insert,UPDATE,with_grant_option),grant:app_writer(DELETE),grant:\\\"PUBLIC\\\"(TRUNCATE,WITH GRANT OPTION),grant:\\\"Odd, Role\\\"(REFERENCES,TRIGGER,MAINTAIN)\"`\n" +
	"\tID     int64  `retort:\",pk,grant:auditor(references)\"`\n" +
	"\tBody   string `retort:\",grant:auditor(SELECT),grant:auditor(UPDATE,with_grant_option),grant:public(INSERT)\"`\n" +
	"\tSecret string\n" +
	"}\n"

func TestGrants(t *testing.T) {
	s := mustLoad(t, grantsSrc)
	d := table(t, s, "docs")
	want := []model.Grant{
		{Grantee: "", Privilege: "SELECT"},
		{Grantee: "Odd, Role", Privilege: "MAINTAIN"},
		{Grantee: "Odd, Role", Privilege: "REFERENCES"},
		{Grantee: "Odd, Role", Privilege: "TRIGGER"},
		{Grantee: "PUBLIC", Privilege: "TRUNCATE", Grantable: true},
		{Grantee: "app_writer", Privilege: "DELETE"},
		{Grantee: "app_writer", Privilege: "INSERT", Grantable: true},
		{Grantee: "app_writer", Privilege: "SELECT", Grantable: true},
		{Grantee: "app_writer", Privilege: "UPDATE", Grantable: true},
	}
	if !reflect.DeepEqual(d.Grants, want) {
		t.Errorf("table grants\n%+v\nwant\n%+v", d.Grants, want)
	}
	if g := column(t, d, "id").Grants; !reflect.DeepEqual(g, []model.Grant{{Grantee: "auditor", Privilege: "REFERENCES"}}) {
		t.Errorf("id grants %+v", g)
	}
	wantBody := []model.Grant{
		{Grantee: "", Privilege: "INSERT"},
		{Grantee: "auditor", Privilege: "SELECT"},
		{Grantee: "auditor", Privilege: "UPDATE", Grantable: true},
	}
	if g := column(t, d, "body").Grants; !reflect.DeepEqual(g, wantBody) {
		t.Errorf("body grants\n%+v\nwant\n%+v", g, wantBody)
	}
	if g := column(t, d, "secret").Grants; g != nil {
		t.Errorf("secret has grants %+v", g)
	}
}

// TestGrantErrors: a bad grant is reported at the option or privilege at
// fault, and the rest of the tag is still read.
func TestGrantErrors(t *testing.T) {
	const head = "package m\n\ntype Users struct {\n\t_ struct{} `retort:\"table:users"
	for _, tt := range []struct {
		name, body, want string
	}{
		{"no parentheses", `,grant:app"` + "`\n}\n",
			"m.go:4:34: grant needs a role and privileges: grant:ROLE(SELECT, …) or grant:PUBLIC(SELECT, …)"},
		{"no role", `,grant:(SELECT)"` + "`\n}\n",
			"m.go:4:34: grant needs a role and privileges"},
		{"no value", `,grant"` + "`\n}\n",
			"m.go:4:34: grant needs a role and privileges"},
		{"bad role", `,grant:a b(SELECT)"` + "`\n}\n",
			`m.go:4:40: grant: "a b" is not a role name`},
		{"unknown privilege", `,grant:app(SELECT, SELCT)"` + "`\n}\n",
			`m.go:4:52: grant: unknown privilege "SELCT" (a table can be granted SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER, MAINTAIN, and with_grant_option)`},
		{"privilege of another kind", `,grant:app(USAGE)"` + "`\n}\n",
			`m.go:4:44: grant: unknown privilege "USAGE"`},
		{"all", `,grant:app(ALL)"` + "`\n}\n",
			"m.go:4:44: grant: name the privileges instead of ALL"},
		{"empty privilege", `,grant:app(SELECT,,INSERT)"` + "`\n}\n",
			"m.go:4:51: grant: empty privilege (two commas in a row?)"},
		{"no privileges", `,grant:app()"` + "`\n}\n",
			"m.go:4:34: grant needs privileges"},
		{"grant option alone", `,grant:app(with_grant_option)"` + "`\n}\n",
			"m.go:4:34: grant needs privileges"},
		{"privilege with a value", `,grant:app(SELECT:x)"` + "`\n}\n",
			`m.go:4:44: grant: unknown privilege "SELECT:x"`},
		{"column: table privilege", "\"`\n\tA string `retort:\",grant:app(SELECT,DELETE)\"`\n}\n",
			"m.go:5:38: grant: DELETE cannot be granted on a column (only SELECT, INSERT, UPDATE, REFERENCES); grant it on the table's marker"},
		{"column: unknown", "\"`\n\tA string `retort:\",grant:app(WRITE)\"`\n}\n",
			`m.go:5:31: grant: unknown privilege "WRITE" (a column can be granted SELECT, INSERT, UPDATE, REFERENCES, and with_grant_option)`},
		{"column: no role", "\"`\n\tA string `retort:\",grant:(SELECT)\"`\n}\n",
			"m.go:5:21: grant needs a role and privileges"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadSource(t, head+tt.body)
			if err == nil {
				t.Fatal("no error")
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Errorf("error is not an *Error: %T", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error:\n%v\nwant it to hold:\n%s", err, tt.want)
			}
		})
	}
}

// TestWriteGrants: Write declares a table's and its columns' grants as
// grant options, PUBLIC and the grant option included, which Load reads
// back into the same grants.
func TestWriteGrants(t *testing.T) {
	q := model.QName{Schema: "public", Name: "docs"}
	s := &model.Schema{Tables: []model.Table{{QName: q, Kind: model.TableOrdinary,
		Columns: []model.Column{
			{Name: "id", Type: "bigint", NotNull: true, Grants: []model.Grant{{Grantee: "auditor", Privilege: "REFERENCES"}}},
			{Name: "body", Type: "text", Grants: []model.Grant{{Grantee: "", Privilege: "SELECT"},
				{Grantee: "auditor", Privilege: "UPDATE", Grantable: true}, {Grantee: "auditor", Privilege: "SELECT"}}},
		},
		Grants: []model.Grant{
			{Grantee: "owner", Privilege: "TRUNCATE"}, {Grantee: "owner", Privilege: "SELECT"}, {Grantee: "owner", Privilege: "DELETE"},
			{Grantee: "", Privilege: "SELECT"},
			{Grantee: "app", Privilege: "INSERT", Grantable: true}, {Grantee: "app", Privilege: "SELECT", Grantable: true},
			{Grantee: "PUBLIC", Privilege: "SELECT"}, {Grantee: "Odd, Role", Privilege: "MAINTAIN"},
		},
	}}}
	s.Normalize()
	src, err := Write(s, "m")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`grant:PUBLIC(SELECT),grant:\"Odd, Role\"(MAINTAIN),grant:\"PUBLIC\"(SELECT),grant:app(SELECT,INSERT,with_grant_option),grant:owner(SELECT,DELETE,TRUNCATE)"`,
		`retort:"id,grant:auditor(REFERENCES)"`,
		`retort:"body,grant:PUBLIC(SELECT),grant:auditor(SELECT),grant:auditor(UPDATE,with_grant_option)"`,
	} {
		if !strings.Contains(string(src), want) {
			t.Errorf("written source lacks %s:\n%s", want, src)
		}
	}
	if strings.Contains(string(src), "grant(s)") {
		t.Errorf("table and column grants are counted as left out:\n%s", src)
	}
	if again := loadGo(t, src); !again.Equal(s) {
		t.Errorf("round trip differs:\n%s\nsource:\n%s", schemaDiff(s, again), src)
	}
}

// TestWriteGrantsLeftOut: grants on what Go declares without options of
// its own are still listed as left out.
func TestWriteGrantsLeftOut(t *testing.T) {
	s := &model.Schema{
		Namespaces: []model.Namespace{{Name: "app", Grants: []model.Grant{{Grantee: "app", Privilege: "USAGE"}}}},
		Enums:      []model.Enum{{QName: model.QName{Schema: "app", Name: "mood"}, Labels: []string{"a"}, Grants: []model.Grant{{Grantee: "", Privilege: "USAGE"}}}},
	}
	src, err := Write(s, "m")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(src), "2 grant(s) on schemas, enums and the sequences of serial columns") {
		t.Errorf("grants left out are not listed:\n%s", src)
	}
}

// grantRoles are the roles the database tests grant to. Roles belong to
// the server, not to a test's database, so they are created once and
// shared; creating one that a parallel test has just created is no error.
var grantRoles = []string{"gotag_reader", "gotag_writer", "gotag_auditor", "gotag Odd, Role", "PUBLIC"}

func createRoles(t *testing.T, url string) {
	t.Helper()
	ctx := context.WithoutCancel(t.Context())
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, r := range grantRoles {
		sql := `DO $$ BEGIN CREATE ROLE ` + pgx.Identifier{r}.Sanitize() + ` NOLOGIN; ` +
			`EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Fatalf("create role %s: %v", r, err)
		}
	}
}

// TestWriteGrantsThroughDatabase grants as people do, with GRANT on
// tables PostgreSQL made: the ACLs then hold the owner's own privileges
// next to the grants, and introspection reports them. Write must declare
// them all (a declared ACL is the whole ACL), so that applying the written
// Go gives the same ACLs.
func TestWriteGrantsThroughDatabase(t *testing.T) {
	t.Parallel()
	url := devdbtest.NewDatabase(t)
	createRoles(t, url)
	ctx := context.WithoutCancel(t.Context())
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	const ddl = `CREATE SCHEMA app;
CREATE TABLE public.docs (id bigint PRIMARY KEY, body text, secret text);
GRANT SELECT ON public.docs TO PUBLIC;
GRANT SELECT, INSERT, UPDATE ON public.docs TO gotag_writer WITH GRANT OPTION;
GRANT DELETE ON public.docs TO gotag_writer;
GRANT SELECT (body), UPDATE (body) ON public.docs TO gotag_auditor;
GRANT REFERENCES (id) ON public.docs TO "PUBLIC" WITH GRANT OPTION;
GRANT INSERT (body) ON public.docs TO PUBLIC;
CREATE TABLE app.notes (id bigserial PRIMARY KEY, note text);
GRANT SELECT ON app.notes TO "gotag Odd, Role", gotag_reader;
REVOKE TRUNCATE, TRIGGER ON app.notes FROM CURRENT_USER;
CREATE TABLE public.plain (id int);
CREATE TABLE public.closed (id int);
REVOKE ALL ON public.closed FROM CURRENT_USER;
GRANT SELECT ON public.closed TO gotag_reader;`
	if _, err := conn.Exec(ctx, ddl); err != nil {
		t.Fatal(err)
	}
	a := inspect(t, url)
	docs := table(t, a, "docs")
	owner := docs.Owner
	if !hasGrant(docs.Grants, model.Grant{Grantee: owner, Privilege: "TRUNCATE"}) {
		t.Fatalf("introspection no longer reports the owner's own privileges (%+v): Write's declarations assume it", docs.Grants)
	}
	src, err := Write(a, "models")
	if err != nil {
		t.Fatal(err)
	}
	b := applyGo(t, src)
	if !a.Equal(b) {
		t.Errorf("database rebuilt from Write's source differs:\n%s\nsource:\n%s", schemaDiff(a, b), src)
	}
	for _, want := range []string{
		"grant:PUBLIC(SELECT)", "grant:gotag_writer(DELETE),grant:gotag_writer(SELECT,INSERT,UPDATE,with_grant_option)",
		`grant:\"PUBLIC\"(REFERENCES,with_grant_option)`, "grant:PUBLIC(INSERT),grant:gotag_auditor(SELECT,UPDATE)",
		`grant:\"gotag Odd, Role\"(SELECT)`, "grant:" + tagName(owner) + "(SELECT,INSERT,UPDATE,DELETE,TRUNCATE,REFERENCES,TRIGGER",
		"grant:" + tagName(owner) + "(SELECT,INSERT,UPDATE,DELETE,REFERENCES", // app.notes: TRUNCATE and TRIGGER revoked
	} {
		if !strings.Contains(string(src), want) {
			t.Errorf("written source lacks %s:\n%s", want, src)
		}
	}
	if p := table(t, b, "plain"); p.Grants != nil {
		t.Errorf("a table with the default privileges got grants: %+v", p.Grants)
	}
	if src2, err := Write(b, "models"); err != nil || string(src2) != string(src) {
		t.Errorf("Write is not stable (err %v)", err)
	}
}

func hasGrant(gs []model.Grant, g model.Grant) bool {
	for _, x := range gs {
		if x == g {
			return true
		}
	}
	return false
}
