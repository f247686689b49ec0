package gotag

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/retortdb/retort/model"
)

func TestGormSettings(t *testing.T) {
	got := gormSettings(`column:user_name;type:varchar(100);not null;default:'a\;b';check:len,length(x) > 2;INDEX:idx_a,priority:2`)
	want := map[string]string{"COLUMN": "user_name", "TYPE": "varchar(100)", "NOT NULL": "NOT NULL",
		"DEFAULT": "'a;b'", "CHECK": "len,length(x) > 2", "INDEX": "idx_a,priority:2"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("gormSettings = %v, want %v", got, want)
	}
}

func TestParseBunTag(t *testing.T) {
	for _, tt := range []struct {
		in   string
		name string
		opts map[string][]string
	}{
		{"", "", nil},
		{"name,notnull", "name", map[string][]string{"notnull": {""}}},
		{",pk,autoincrement", "", map[string][]string{"pk": {""}, "autoincrement": {""}}},
		{"table:users,alias:u", "", map[string][]string{"table": {"users"}, "alias": {"u"}}},
		{",type:numeric(10,2),default:0", "", map[string][]string{"type": {"numeric(10,2)"}, "default": {"0"}}},
		{`,default:"a,b"`, "", map[string][]string{"default": {"a,b"}}},
		{"rel:belongs-to,join:user_id=id,join:org_id=org", "", map[string][]string{"rel": {"belongs-to"}, "join": {"user_id=id", "org_id=org"}}},
		{"unique:a,unique:b", "", map[string][]string{"unique": {"a", "b"}}},
	} {
		got := parseBunTag(tt.in)
		if got.name != tt.name || !reflect.DeepEqual(got.opts, tt.opts) {
			t.Errorf("parseBunTag(%q) = %q %v, want %q %v", tt.in, got.name, got.opts, tt.name, tt.opts)
		}
	}
}

// TestGormShapes checks GORM rules that the database comparison does not
// reach: sizes, unsigned widening, autoIncrement, mixins, TableName, enums
// named by type.
func TestGormShapes(t *testing.T) {
	s := mustLoad(t, `package m

import "gorm.io/gorm"

//retort:enum
type Mood string

const Happy Mood = "happy"

type Base struct {
	ID uint `+"`gorm:\"primaryKey\"`"+`
}

type Thing struct {
	Base
	Small  uint16 `+"`gorm:\"size:16\"`"+`
	Narrow int64  `+"`gorm:\"size:32\"`"+`
	Seq    int32  `+"`gorm:\"autoIncrement;not null\"`"+`
	Mood   Mood   `+"`gorm:\"type:mood\"`"+`
	Name   string `+"`gorm:\"column:label;size:40;default:'x'\"`"+`
	Flag   bool   `+"`gorm:\"default:1\"`"+`
	Price  float64 `+"`gorm:\"precision:8\"`"+`
	Extra  string `+"`gorm:\"->\" retort:\",comment:'read only in Go',index\"`"+`
}

func (Thing) TableName() string { return "app.things" }

var _ = gorm.ErrRecordNotFound
`)
	if len(s.Tables) != 1 {
		t.Fatalf("Base is shared columns, not a table: %v", s.Tables)
	}
	tb := table(t, s, "things")
	if tb.Schema != "app" {
		t.Errorf("TableName schema: %s", tb.QName)
	}
	want := map[string]string{"id": "bigserial", "small": "integer", "narrow": "integer", "seq": "serial",
		"mood": "public.mood", "label": "character varying(40)", "flag": "boolean", "price": "numeric(8)", "extra": "text"}
	for name, typ := range want {
		if c := column(t, tb, name); c.Type != typ {
			t.Errorf("column %s: type %s, want %s", name, c.Type, typ)
		}
	}
	if c := column(t, tb, "label"); c.Default != "'x'" {
		t.Errorf("string default %q", c.Default)
	}
	if c := column(t, tb, "flag"); c.Default != "true" {
		t.Errorf("bool default %q", c.Default)
	}
	if c := column(t, tb, "extra"); c.Comment != "read only in Go" {
		t.Errorf("retort comment on a GORM field: %q", c.Comment)
	}
	if len(tb.Indexes) != 1 || tb.Indexes[0].Name != "things_extra_idx" {
		t.Errorf("retort index on a GORM field: %v", tb.Indexes)
	}
	if len(s.Enums) != 1 || s.Enums[0].Name != "mood" {
		t.Errorf("enum named by a GORM type: %v", s.Enums)
	}
}

func TestLibraryErrors(t *testing.T) {
	for _, tt := range []struct{ name, src, want string }{
		{"gorm unknown setting", "package m\n\ntype T struct {\n\tID int `gorm:\"primaryKey;uniqe\"`\n}\n",
			"m.go:4:9: field ID: unknown gorm setting \"UNIQE\" (GORM ignores it; retort refuses it so that a typo does not go unseen) (in tag `gorm:\"primaryKey;uniqe\"`)"},
		{"gorm polymorphic", "package m\n\ntype T struct {\n\tID int `gorm:\"primaryKey\"`\n\tC []C `gorm:\"polymorphic:Owner\"`\n}\n\ntype C struct {\n\tID int `gorm:\"primaryKey\"`\n\tOwnerID int\n\tOwnerType string\n}\n",
			"m.go:5:2: field C: polymorphic associations are not read yet"},
		{"gorm no foreign key", "package m\n\ntype T struct {\n\tID int `gorm:\"primaryKey\"`\n\tC C\n}\n\ntype C struct {\n\tID int `gorm:\"primaryKey\"`\n}\n",
			"m.go:5:2: field C: GORM finds no foreign key for this association with C; add foreignKey:…"},
		{"gorm slice of strings", "package m\n\ntype T struct {\n\tID int `gorm:\"primaryKey\"`\n\tTags []string\n}\n",
			"m.go:5:2: field Tags: GORM cannot store []string in a column; add type:… (e.g. type:text[])"},
		{"bun unknown option", "package m\n\nimport \"github.com/uptrace/bun\"\n\ntype T struct {\n\tbun.BaseModel\n\tID int64 `bun:\",pk,notnul\"`\n}\n",
			"m.go:7:11: field ID: unknown bun option \"notnul\" (bun only warns; retort refuses it so that a typo does not go unseen) (in tag `bun:\",pk,notnul\"`)"},
		{"bun missing join column", "package m\n\nimport \"github.com/uptrace/bun\"\n\ntype T struct {\n\tbun.BaseModel\n\tKey int64 `bun:\",pk\"`\n\tU *U `bun:\"rel:belongs-to\"`\n}\n\ntype U struct {\n\tbun.BaseModel\n\tID int64 `bun:\",pk\"`\n}\n",
			"m.go:8:2: field U: T has no column u_id for this belongs-to relation; add join:"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadSource(t, tt.src)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error:\n%v\nwant it to hold:\n%s", err, tt.want)
			}
		})
	}
}

func TestPatterns(t *testing.T) {
	dir := "testdata/orms"
	for _, tt := range []struct {
		pattern string
		tables  int
		err     string
	}{
		{"./gormmodels", 7, ""},
		{"./...", 0, "table public.users is declared twice: by User here and by User at gormmodels/models.go:22:6"},
		{"ormcheck/bunmodels", 5, ""},
		{"./nope", 0, "does not exist"},
		{"./cmd/.../x", 0, "only supported at the end"},
		{"elsewhere/pkg", 0, "not a directory"},
	} {
		s, err := Load(dir, tt.pattern)
		switch {
		case tt.err != "":
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: error %v, want %q", tt.pattern, err, tt.err)
			}
		case err != nil:
			t.Errorf("%s: %v", tt.pattern, err)
		case len(s.Tables) != tt.tables:
			var names []string
			for _, tb := range s.Tables {
				names = append(names, tb.Name)
			}
			t.Errorf("%s: %d tables %v, want %d", tt.pattern, len(s.Tables), names, tt.tables)
		}
	}
	if s, err := Load(dir, "./gormmodels", "./gormmodels/"); err != nil || !slices.ContainsFunc(s.Tables, func(tb model.Table) bool { return tb.Name == "user_languages" }) {
		t.Errorf("a package named twice is read once: %v", err)
	}
}
