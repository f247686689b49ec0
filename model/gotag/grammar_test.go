package gotag

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/retortdb/retort/model"
)

const grammarSrc = "package m\n\n" +
	"import \"time\"\n\n" +
	"// Mood is an enum with its own name.\n//\n//retort:enum app.mood\ntype Mood string\n\n" +
	"const (\n\tHappy Mood = \"happy\"\n\tSad   Mood = \"sad\"\n)\n\n" +
	"type Stamps struct {\n\tCreatedAt time.Time `retort:\",default:now()\"`\n}\n\n" +
	"type Account struct {\n" +
	"\t_ struct{} `retort:\"table:accounts,schema:app,comment:'who pays, and how',renamed_from:customers\"`\n" +
	"\tID    int64  `retort:\",pk:1\"`\n" +
	"\tOrg   int64  `retort:\"org_id,pk:2\"`\n" +
	"\tEmail string `retort:\",unique:accounts_email_org(pos:2),index:accounts_email_ci(unique,using:btree,where:(deleted_at IS NULL),comment:'lookups')\"`\n" +
	"\tSlug  string `retort:\",unique:accounts_email_org(pos:1),collate:C,renamed_from:handle\"`\n" +
	"\tMood  Mood   `retort:\",default:'happy'::app.mood\"`\n" +
	"\tSeq   int32  `retort:\",identity:always,index:(desc,nulls_last)\"`\n" +
	"\tTotal int64  `retort:\",generated:(id * 2)\"`\n" +
	"\tNote  string `retort:\",null,check:note_short(length(note) < 100)\"`\n" +
	"\tMeta  *string `retort:\",notnull,type:jsonb,default:'{}'\"`\n" +
	"\tDeletedAt *time.Time\n" +
	"\tStamps\n" +
	"\tBilling Address `retort:\",embed,prefix:bill_\"`\n" +
	"\tSkipped string `retort:\"-\"`\n" +
	"\tprivate string\n" +
	"}\n\n" +
	"type Address struct {\n\tCity string\n}\n\n" +
	"type Invoice struct {\n" +
	"\t_ struct{} `retort:\"table:invoices,schema:app,check:(amount > 0),constraint:invoices_no_overlap(EXCLUDE USING btree (code WITH =)),index:invoices_lower(keys:(lower(code), account_id DESC),include:(amount))\"`\n" +
	"\tNo        int64  `retort:\"no,pk\"`\n" +
	"\tAccountID int64  `retort:\",references:accounts(id),fk:invoices_account_fk,on_delete:cascade,on_update:set_null,deferred\"`\n" +
	"\tOrgID     int64  `retort:\",references:app.accounts(org_id),fk:invoices_account_fk\"`\n" +
	"\tAmount    int64\n" +
	"\tCode      string `retort:\",unique\"`\n" +
	"}\n\n" +
	"type Scratch struct {\n\t_ struct{} `retort:\"table:scratch,unlogged\"`\n\tV string\n}\n\n" +
	"type NotATable struct {\n\tA int `retort:\"a\"`\n}\n\n" +
	"type Excluded struct {\n\t_ struct{} `retort:\"-\"`\n\tA int `gorm:\"primaryKey\"`\n}\n"

func TestGrammar(t *testing.T) {
	s := mustLoad(t, grammarSrc)
	if len(s.Tables) != 3 || !table(t, s, "scratch").Unlogged {
		t.Fatalf("tables %v", s.Tables)
	}
	if !reflect.DeepEqual(s.Namespaces, []model.Namespace{{Name: "app"}}) {
		t.Errorf("namespaces %v", s.Namespaces)
	}
	if len(s.Enums) != 1 || s.Enums[0].QName != (model.QName{Schema: "app", Name: "mood"}) || !slices.Equal(s.Enums[0].Labels, []string{"happy", "sad"}) {
		t.Errorf("enums %+v", s.Enums)
	}
	a := table(t, s, "accounts")
	if a.Schema != "app" || a.Comment != "who pays, and how" || a.RenamedFrom != "customers" {
		t.Errorf("table options: %+v", a)
	}
	var names []string
	for _, c := range a.Columns {
		names = append(names, c.Name)
	}
	if want := []string{"id", "org_id", "email", "slug", "mood", "seq", "total", "note", "meta", "deleted_at", "created_at", "bill_city"}; !slices.Equal(names, want) {
		t.Errorf("columns %v, want %v", names, want)
	}
	if c := column(t, a, "slug"); c.Collation != `"C"` || c.RenamedFrom != "handle" {
		t.Errorf("slug %+v", c)
	}
	if c := column(t, a, "mood"); c.Type != "app.mood" || c.Default != "'happy'::app.mood" || !c.NotNull {
		t.Errorf("mood %+v", c)
	}
	if c := column(t, a, "seq"); c.Identity != "a" || c.Type != "integer" {
		t.Errorf("seq %+v", c)
	}
	if c := column(t, a, "total"); c.Generated != "id * 2" || c.GeneratedKind != "s" {
		t.Errorf("total %+v", c)
	}
	if c := column(t, a, "note"); c.NotNull {
		t.Errorf("note should be nullable (null option)")
	}
	if c := column(t, a, "meta"); !c.NotNull || c.Type != "jsonb" || c.Default != "'{}'" {
		t.Errorf("meta %+v", c)
	}
	if c := column(t, a, "created_at"); c.Default != "now()" || !c.NotNull {
		t.Errorf("created_at %+v", c)
	}
	if pk := constraint(t, a, "accounts_pkey"); !slices.Equal(pk.Columns, []string{"id", "org_id"}) {
		t.Errorf("pk %+v", pk)
	}
	if u := constraint(t, a, "accounts_email_org"); !slices.Equal(u.Columns, []string{"slug", "email"}) {
		t.Errorf("composite unique in pos order: %+v", u)
	}
	if c := constraint(t, a, "note_short"); c.Definition != "CHECK (length(note) < 100)" {
		t.Errorf("check %+v", c)
	}
	wantIdx := []model.Index{
		{Name: "accounts_email_ci", Unique: true, Method: "btree", Keys: []string{"email"}, Predicate: "deleted_at IS NULL", Comment: "lookups"},
		{Name: "accounts_seq_idx", Method: "btree", Keys: []string{"seq DESC NULLS LAST"}},
	}
	if !reflect.DeepEqual(a.Indexes, wantIdx) {
		t.Errorf("indexes\n%+v\nwant\n%+v", a.Indexes, wantIdx)
	}

	in := table(t, s, "invoices")
	fk := constraint(t, in, "invoices_account_fk")
	if !slices.Equal(fk.Columns, []string{"account_id", "org_id"}) || !slices.Equal(fk.RefColumns, []string{"id", "org_id"}) ||
		*fk.RefTable != (model.QName{Schema: "app", Name: "accounts"}) || fk.OnDelete != "c" || fk.OnUpdate != "n" ||
		!fk.Deferrable || !fk.InitiallyDeferred {
		t.Errorf("composite fk %+v", fk)
	}
	if c := constraint(t, in, "invoices_check"); c.Definition != "CHECK (amount > 0)" {
		t.Errorf("table check %+v", c)
	}
	if c := constraint(t, in, "invoices_no_overlap"); c.Type != model.Exclusion {
		t.Errorf("exclusion %+v", c)
	}
	constraint(t, in, "invoices_code_key")
	if ix := in.Indexes[0]; ix.Name != "invoices_lower" || !slices.Equal(ix.Keys, []string{"lower(code)", "account_id DESC"}) || !slices.Equal(ix.Include, []string{"amount"}) {
		t.Errorf("marker index %+v", ix)
	}
}

// TestErrors checks that bad input is reported at its file:line:col with
// the offending tag.
func TestErrors(t *testing.T) {
	const head = "package m\n\ntype Users struct {\n\t_ struct{} `retort:\"table:users\"`\n\tID int64 `retort:\",pk\"`\n"
	for _, tt := range []struct {
		name, body, want string
	}{
		{"unterminated quote", "\tA string `retort:\",default:'oops\"`\n}\n",
			"m.go:6:29: unterminated '…' at \"'oops\" (in tag `retort:\",default:'oops\"`)"},
		{"unclosed paren", "\tA string `retort:\",check:(a > 0\"`\n}\n",
			"m.go:6:27: unclosed ( at \"(a > 0\" (in tag `retort:\",check:(a > 0\"`)"},
		{"unknown option", "\tA string `retort:\"a,uniq\"`\n}\n",
			"m.go:6:22: unknown option \"uniq\" (see docs/gotags.md for the grammar) (in tag `retort:\"a,uniq\"`)"},
		{"not key value", "\tA string `retort:a`\n}\n",
			"m.go:6:11: struct tag is not in the conventional key:\"value\" form at \"retort:a\" (in tag `retort:a`)"},
		{"option as name", "\tA string `retort:\"unique\"`\n}\n",
			"m.go:6:20: \"unique\" is an option, but the first element of a tag is the column name; write \",unique\" (or quote a column named so) (in tag `retort:\"unique\"`)"},
		{"option value missing", "\tA string `retort:\",type\"`\n}\n",
			"m.go:6:21: type needs a value: type:… (in tag `retort:\",type\"`)"},
		{"fk unknown table", "\tA int64 `retort:\",references:nope(id)\"`\n}\n",
			"m.go:6:20: foreign key users_a_fkey references unknown table nope (in tag `retort:\",references:nope(id)\"`)"},
		{"fk unknown column", "\tA int64 `retort:\",references:users(nope)\"`\n}\n",
			"m.go:6:20: foreign key users_a_fkey references unknown column public.users.nope (in tag `retort:\",references:users(nope)\"`)"},
		{"fk not unique", "\tA int64 `retort:\",references:users(b)\"`\n\tB int64\n}\n",
			"m.go:6:20: foreign key users_a_fkey references public.users(b), which is not its primary key nor unique (in tag `retort:\",references:users(b)\"`)"},
		{"duplicate column", "\tA string\n\tB string `retort:\"a\"`\n}\n",
			"m.go:7:2: column a of table public.users is declared twice: by field B here and by field A at m.go:6:2 (in tag `retort:\"a\"`)"},
		{"duplicate table", "}\n\ntype Again struct {\n\t_ struct{} `retort:\"table:users\"`\n}\n",
			"m.go:8:6: table public.users is declared twice: by Again here and by Users at m.go:3:6"},
		{"bad action", "\tA int64 `retort:\",references:users(id),on_delete:explode\"`\n}\n",
			"m.go:6:41: on_delete: unknown action \"explode\" (want cascade, restrict, set_null, set_default or no_action) (in tag `retort:\",references:users(id),on_delete:explode\"`)"},
		{"action without fk", "\tA int64 `retort:\",on_delete:cascade\"`\n}\n",
			"m.go:6:20: on_delete, on_update, deferrable, deferred and fk need references:TABLE(COLUMN) (in tag `retort:\",on_delete:cascade\"`)"},
		{"check without parens", "\tA int64 `retort:\",check:a > 0\"`\n}\n",
			"m.go:6:20: check needs an expression in parentheses: check:(EXPR) or check:NAME(EXPR) (in tag `retort:\",check:a > 0\"`)"},
		{"mixed pos", "\tA int64 `retort:\",index:ab(pos:1)\"`\n\tB int64 `retort:\",index:ab\"`\n}\n",
			"m.go:6:20: index ab: give pos:N on every field of the key or on none (in tag `retort:\",index:ab(pos:1)\"`)"},
		{"index contradiction", "\tA int64 `retort:\",index:ab(where:(a > 0))\"`\n\tB int64 `retort:\",index:ab(where:(b > 0))\"`\n}\n",
			"m.go:7:20: index ab: where is \"(b > 0)\" here but \"(a > 0)\" on another field (in tag `retort:\",index:ab(where:(b > 0))\"`)"},
		{"syntax error", "\tA int64 `retort:\"a\"`\n",
			"m.go:6:23: expected '}', found 'EOF'"},
		{"unknown table option", "}\n\ntype X struct {\n\t_ struct{} `retort:\"table:x,tablespace:me\"`\n}\n",
			"m.go:9:30: unknown table option \"tablespace\" (want table, schema, comment, check, constraint, index, renamed_from, unlogged, owner or grant) (in tag `retort:\"table:x,tablespace:me\"`)"},
		{"owner without a role", "}\n\ntype X struct {\n\t_ struct{} `retort:\"table:x,owner\"`\n}\n",
			"m.go:9:30: owner needs a role: owner:ROLE (in tag `retort:\"table:x,owner\"`)"},
		{"enum without constants", "\tS S\n}\n\n//retort:enum\ntype S string\n",
			"m.go:10:6: type S declares enum public.s but has no constants of its type"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadSource(t, head+tt.body)
			if err == nil {
				t.Fatal("no error")
			}
			var e *Error
			if tt.name != "syntax error" && !errors.As(err, &e) {
				t.Errorf("error is not an *Error: %T", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error:\n%v\nwant it to hold:\n%s", err, tt.want)
			}
		})
	}
}

func TestErrorsAreAllReported(t *testing.T) {
	_, err := loadSource(t, "package m\n\ntype T struct {\n\t_ struct{} `retort:\"table:t\"`\n\tA int `retort:\",nope\"`\n\tB int `retort:\",nada\"`\n}\n")
	if err == nil || strings.Count(err.Error(), "unknown option") != 2 {
		t.Errorf("want both unknown options, got %v", err)
	}
}

// TestOwner: owner:ROLE on a marker is the table's owner, quoted as a tag
// name when it is not a plain identifier.
func TestOwner(t *testing.T) {
	s := mustLoad(t, "package m\n\ntype X struct {\n\t_ struct{} `retort:\"table:x,owner:app_owner\"`\n\tID int64\n}\n\n"+
		"type Y struct {\n\t_ struct{} `retort:\"table:y,owner:\\\"Odd, Owner\\\"\"`\n\tID int64\n}\n")
	got := map[string]string{}
	for _, tb := range s.Tables {
		got[tb.Name] = tb.Owner
	}
	if got["x"] != "app_owner" || got["y"] != "Odd, Owner" {
		t.Errorf("owners = %v, want x: app_owner, y: \"Odd, Owner\"", got)
	}
	src, err := Write(s, "m")
	if err != nil {
		t.Fatal(err)
	}
	if again := loadGo(t, src); !again.Equal(s) {
		t.Errorf("round trip differs:\n%s\nsource:\n%s", schemaDiff(s, again), src)
	}
}
