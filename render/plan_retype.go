package render

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render/internal/ddl"
)

// A type change must never change a value silently. PostgreSQL's
// assignment casts, which ALTER COLUMN … TYPE applies when there is no
// USING clause, fail on a value that does not fit a varchar(n), char(n),
// bit(n) or varbit(n), where an explicit cast would cut it; so the plan
// writes no USING clause where an assignment cast exists, and where one is
// needed it casts to the new type without its length, for the assignment
// cast to check the length. Numeric scale and time precision round even
// under an assignment cast, a varchar(n) loses trailing spaces, and some
// casts between numeric types round: for those a check before the ALTER
// fails the plan when any value would change.

// retype is how a column changes from one type to another.
type retype struct {
	// using is the USING expression, or "" to let PostgreSQL's assignment
	// cast convert.
	using string
	// guard is a condition on a row that holds when the change would
	// alter its value, or "".
	guard string
	// known is set when the change is between types whose casts the
	// planner knows, so that any value that does not fit fails the plan.
	known bool
}

// typeShape is a column type with its domains resolved to their base type.
type typeShape struct {
	// text is the resolved type as format_type writes it, typmod and array
	// brackets included.
	text string
	// base is the element type's name without typmod, as BuiltinCasts
	// names it ("bpchar", `"bit"`), or the qualified name of a type of the
	// schema; intervals with fields are "interval".
	base   string
	mods   []int
	fields string // an interval's fields, e.g. "year to month"
	array  bool
}

// shapeOf resolves a column type through the domains of l.
func shapeOf(typ string, l *lookup) typeShape {
	array := false
	for range 8 {
		elem, arr := strings.CutSuffix(strings.TrimSpace(typ), "[]")
		q, ok := typeOf(elem)
		d := l.domains[q]
		if !ok || d == nil {
			break
		}
		array = array || arr
		typ = d.Type
	}
	elem, arr := strings.CutSuffix(strings.TrimSpace(typ), "[]")
	s := typeShape{array: array || arr}
	s.base, s.mods = splitType(elem)
	switch {
	case s.base == "character":
		s.base = "bpchar"
	case s.base == "bit" && len(s.mods) > 0:
		s.base = `"bit"`
	case strings.HasPrefix(s.base, "interval "):
		s.base, s.fields = "interval", strings.TrimPrefix(s.base, "interval ")
	}
	s.text = elem
	if s.array {
		s.text += "[]"
	}
	return s
}

// bare is the type without its typmod, arrays kept: what a USING
// expression casts to when PostgreSQL's assignment cast is to check the
// typmod.
func (s typeShape) bare() string {
	b := s.base
	if s.fields != "" {
		b += " " + s.fields
	}
	if s.array {
		b += "[]"
	}
	return b
}

var (
	numericFamily  = map[string]bool{"smallint": true, "integer": true, "bigint": true, "real": true, "double precision": true, "numeric": true}
	stringFamily   = map[string]bool{"text": true, "character varying": true, "bpchar": true}
	bitFamily      = map[string]bool{`"bit"`: true, "bit varying": true}
	timePrecision  = map[string]bool{"timestamp without time zone": true, "timestamp with time zone": true, "time without time zone": true, "time with time zone": true}
	lengthChecked  = map[string]bool{"character varying": true, "bpchar": true, `"bit"`: true, "bit varying": true}
	timeAssignable = map[[2]string]bool{
		{"timestamp without time zone", "timestamp with time zone"}: true,
		{"timestamp without time zone", "date"}:                     true,
		{"timestamp without time zone", "time without time zone"}:   true,
		{"timestamp with time zone", "timestamp without time zone"}: true,
		{"timestamp with time zone", "date"}:                        true,
		{"timestamp with time zone", "time without time zone"}:      true,
		{"timestamp with time zone", "time with time zone"}:         true,
		{"date", "timestamp without time zone"}:                     true,
		{"date", "timestamp with time zone"}:                        true,
		{"time without time zone", "time with time zone"}:           true,
		{"time without time zone", "interval"}:                      true,
		{"time with time zone", "time without time zone"}:           true,
		{"interval", "time without time zone"}:                      true,
		{"cidr", "inet"}:                                            true,
		{"inet", "cidr"}:                                            true,
	}
)

// assignable reports whether PostgreSQL converts from one resolved type to
// another by an assignment (or implicit) cast, so that ALTER COLUMN … TYPE
// needs no USING clause. Arrays convert element by element. Every type
// converts to a string type by an assignment I/O cast.
func assignable(f, t typeShape) bool {
	if f.array != t.array {
		return false
	}
	switch {
	case f.base == t.base:
		return true
	case stringFamily[t.base] && !t.array:
		return true
	case stringFamily[f.base] && stringFamily[t.base],
		numericFamily[f.base] && numericFamily[t.base],
		bitFamily[f.base] && bitFamily[t.base]:
		return true
	}
	return timeAssignable[[2]string{f.base, t.base}]
}

// knownFamily reports whether a resolved type is a built-in type of the
// families whose casts retypeOf knows: there, a value either converts
// unchanged or fails the plan.
func knownFamily(base string) bool {
	return stringFamily[base] || numericFamily[base] || bitFamily[base] || timePrecision[base] ||
		base == "interval" || base == "date"
}

// retypeOf decides how the column col (quoted) changes from type from to
// type to: the USING expression, if one is needed, and the guard.
func (p *planner) retypeOf(col, from, to string) retype {
	fs, ts := shapeOf(from, p.oi), shapeOf(to, p.ni)
	r := retype{known: knownFamily(fs.base) && knownFamily(ts.base) && fs.array == ts.array}
	via := ""
	if !assignable(fs, ts) {
		// The USING cast stops short of a length that PostgreSQL's
		// assignment cast then checks, instead of cutting to it.
		target := to
		if lengthChecked[ts.base] && len(ts.mods) > 0 {
			target = ts.bare()
		}
		via = p.castVia(from, to)
		r.using = col + via + "::" + target
	}
	switch {
	case fs.array != ts.array:
	case roundsAcross(fs.base, ts.base):
		// Casting back to the old type shows what the new one lost.
		r.guard = col + " IS DISTINCT FROM " + col + "::" + ts.text + "::" + fs.text
	case typmodChanges(fs, ts):
		u := col
		if fs.base != ts.base && (fs.base != "text" || ts.base != "character varying") {
			u = col + via + "::" + ts.bare()
		}
		if ts.base == "interval" {
			// interval's equality counts 30 days as a month: compare the
			// text.
			r.guard = u + "::text IS DISTINCT FROM " + u + "::" + ts.text + "::text"
		} else {
			r.guard = u + " IS DISTINCT FROM " + u + "::" + ts.text
		}
	}
	return r
}

// roundsAcross reports whether a cast between two different built-in
// types may change a value without an error: from a fractional type to an
// integer, into real or double precision beyond their exact range, from
// floating point to numeric, or a timestamp to a date.
func roundsAcross(f, t string) bool {
	if f == t {
		return false
	}
	switch t {
	case "smallint", "integer", "bigint":
		return f == "real" || f == "double precision" || f == "numeric"
	case "real":
		return f == "integer" || f == "bigint" || f == "double precision" || f == "numeric"
	case "double precision":
		return f == "bigint" || f == "numeric"
	case "numeric":
		return f == "real" || f == "double precision"
	case "date":
		return f == "timestamp without time zone" || f == "timestamp with time zone"
	}
	return false
}

// typmodChanges reports whether applying the new type's typmod may change
// a value without an error: numeric scale and time precision round,
// interval fields cut, and varchar(n) drops the trailing spaces beyond n.
// char(n), bit(n) and varbit(n) fail instead (char's trailing spaces are
// padding, which it ignores).
func typmodChanges(f, t typeShape) bool {
	switch {
	case t.base == "character varying" && len(t.mods) > 0:
		return !(stringFamily[f.base] && f.base != "text" && len(f.mods) > 0 && f.mods[0] <= t.mods[0])
	case t.base == "numeric" && len(t.mods) > 0:
		if integerRank[f.base] > 0 {
			return false
		}
		return f.base != "numeric" || len(f.mods) == 0 || scale(f.mods) > scale(t.mods)
	case timePrecision[t.base] && len(t.mods) > 0:
		return t.mods[0] < precision(f)
	case t.base == "interval" && (len(t.mods) > 0 || t.fields != ""):
		if f.base == "interval" && f.fields == t.fields {
			return precisionOf(t.mods) < precision(f)
		}
		return f.base != "date"
	}
	return false
}

func scale(mods []int) int {
	if len(mods) > 1 {
		return mods[1]
	}
	return 0
}

// precision is the fractional-second digits a resolved type keeps; 6 for
// one with no typmod, and for types without fractions of a second, 0.
func precision(s typeShape) int {
	if timePrecision[s.base] || s.base == "interval" {
		return precisionOf(s.mods)
	}
	if s.base == "date" {
		return 0
	}
	return 6
}

func precisionOf(mods []int) int {
	if len(mods) > 0 {
		return mods[0]
	}
	return 6
}

// retypeGuard is the statement that fails the plan before a type change
// when any value of the column would change: it locks the table, as the
// ALTER that follows in the same transaction would, so that no row comes
// in between the check and the change.
func retypeGuard(tq model.QName, colName, typ, cond string) Statement {
	table := ddl.QNameSQL(tq)
	msg := "changing " + columnText(tq, colName) + " to " + typ + " would change a value (rounded, cut or converted): nothing was changed"
	hint := "update the values that do not fit " + typ + " first, or convert them in the revision's own statement"
	body := "\nBEGIN\n    LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE;\n" +
		"    IF EXISTS (SELECT FROM " + table + " WHERE " + cond + ") THEN\n" +
		"        RAISE EXCEPTION USING ERRCODE = 'data_exception', MESSAGE = " + sqlq.Literal(msg) + ", HINT = " + sqlq.Literal(hint) + ";\n" +
		"    END IF;\nEND\n"
	tag := dollarTag(body)
	ref := colRef(tq, colName)
	return Statement{
		ID:       ddl.StmtID(ddl.PrioTable, "alter", "table "+table, "column "+sqlq.QuoteIdent(colName), "check"),
		Priority: ddl.PrioTable,
		SQL:      "DO " + tag + body + tag,
		Hazards: []Hazard{{Kind: HazardExclusiveLock, Severity: SeverityDanger, Table: tq,
			Message: "the check before ALTER COLUMN TYPE scans " + ddl.QNameSQL(tq) + " under its ACCESS EXCLUSIVE lock"}},
		Requires:   []model.ObjectRef{ref},
		ProvTokens: []ddl.Token{checkedRef(ref)},
		ReqTokens:  []ddl.Token{nameRef(tq)},
	}
}

// dollarTag is a dollar-quote tag that does not occur in body.
func dollarTag(body string) string {
	for i := 0; ; i++ {
		tag := "$retort$"
		if i > 0 {
			tag = "$retort" + strconv.Itoa(i) + "$"
		}
		if !strings.Contains(body, tag[:len(tag)-1]) {
			return tag
		}
	}
}

// checkedRef is provided by the check before a column's type change; the
// ALTER waits for it.
func checkedRef(col model.ObjectRef) ddl.Token { return ddl.TokenOf(ddl.TokChecked, col) }

// retypeHazard is the data-loss hazard of a type change, in words that say
// what happens to the values.
func retypeHazard(tq model.QName, col, from, to string, r retype) Hazard {
	what := "changing " + columnText(tq, col) + " from " + from + " to " + to
	var msg string
	switch {
	case r.guard != "":
		msg = what + " fails if a value would change (rounded, cut or converted): a check before it looks at every value; nothing changes silently"
	case r.known:
		msg = what + " fails if a value does not fit " + to + "; no value is cut or rounded"
	default:
		msg = what + " converts each value by PostgreSQL's cast; a value that does not convert fails it"
	}
	return Hazard{Kind: HazardDataLoss, Message: msg}
}

// The classes of a change of column type.
const (
	// typeCoercible needs no rewrite and loses nothing.
	typeCoercible = iota
	// typeWidening rewrites the table but every value fits.
	typeWidening
	// typeOther may fail or lose data, and rewrites the table.
	typeOther
)

var typmodRE = regexp.MustCompile(`\(([0-9, ]*)\)`)

// splitType takes a format_type text apart: its name without modifiers
// and its modifiers.
func splitType(text string) (base string, mods []int) {
	text = strings.TrimSpace(text)
	if m := typmodRE.FindStringSubmatch(text); m != nil {
		for _, s := range strings.Split(m[1], ",") {
			n, err := strconv.Atoi(strings.TrimSpace(s))
			if err == nil {
				mods = append(mods, n)
			}
		}
		text = strings.Replace(text, m[0], "", 1)
	}
	return strings.Join(strings.Fields(text), " "), mods
}

var (
	stringTypes  = map[string]bool{"text": true, "character varying": true}
	integerRank  = map[string]int{"smallint": 1, "integer": 2, "bigint": 3}
	precisionMod = map[string]bool{"timestamp without time zone": true, "timestamp with time zone": true,
		"time without time zone": true, "time with time zone": true, "interval": true}
)

// classifyTypeChange says what changing a column from one type to another
// costs, for the types whose casts PostgreSQL knows to be binary coercible
// or widening; any other change is typeOther.
func classifyTypeChange(from, to string) int {
	if from == to {
		return typeCoercible
	}
	fb, fm := splitType(from)
	tb, tm := splitType(to)
	switch {
	case stringTypes[fb] && stringTypes[tb]:
		// varchar(n) to varchar(m >= n), to varchar or to text.
		if tb == "text" || len(tm) == 0 || len(fm) > 0 && tm[0] >= fm[0] {
			return typeCoercible
		}
	case fb == "numeric" && tb == "numeric":
		if len(tm) == 0 || len(fm) == 2 && len(tm) == 2 && fm[1] == tm[1] && tm[0] >= fm[0] {
			return typeCoercible
		}
	case fb == tb && (fb == "bit varying" || precisionMod[fb]):
		if len(tm) == 0 || len(fm) > 0 && tm[0] >= fm[0] {
			return typeCoercible
		}
	case fb == "cidr" && tb == "inet":
		return typeCoercible
	case integerRank[fb] > 0 && integerRank[tb] > integerRank[fb]:
		return typeWidening
	case integerRank[fb] > 0 && tb == "numeric" && len(tm) == 0:
		return typeWidening
	case (integerRank[fb] > 0 && integerRank[fb] < 3 || fb == "real") && tb == "double precision":
		return typeWidening
	case fb == "smallint" && tb == "real":
		return typeWidening
	case tb == "text" && !strings.HasSuffix(fb, "[]"):
		return typeWidening
	case fb == "timestamp without time zone" && tb == "timestamp with time zone" && len(fm) == 0 && len(tm) == 0:
		return typeWidening
	case fb == "date" && (tb == "timestamp without time zone" || tb == "timestamp with time zone") && len(tm) == 0:
		return typeWidening
	}
	return typeOther
}

// typeChangeHazards are the hazards of changing a column's type.
func typeChangeHazards(t model.QName, col, from, to string, class int, rt retype) []Hazard {
	name := columnText(t, col)
	switch class {
	case typeCoercible:
		return nil
	case typeWidening:
		return []Hazard{{Kind: HazardTableRewrite, Message: "changing " + name + " from " + from + " to " + to + " rewrites the table and its indexes"}}
	}
	return []Hazard{
		{Kind: HazardTableRewrite, Message: "changing " + name + " from " + from + " to " + to + " rewrites the table and its indexes"},
		retypeHazard(t, col, from, to, rt),
	}
}

// plainTypes are the built-in types stored PLAIN (fixed-length types).
var plainTypes = map[string]bool{
	"smallint": true, "integer": true, "bigint": true, "real": true, "double precision": true, "boolean": true,
	"date": true, "timestamp without time zone": true, "timestamp with time zone": true, "time without time zone": true,
	"time with time zone": true, "interval": true, "uuid": true, "oid": true, `"char"`: true, "money": true,
	"point": true, "macaddr": true, "macaddr8": true, "pg_lsn": true,
}

// defaultStorage is the storage a built-in type has by default: PLAIN for
// fixed-length types, MAIN for numeric, EXTENDED for the other variable
// length ones. Types of the schema (enums, domains) are not known here and
// are taken as EXTENDED.
func defaultStorage(typ string) string {
	base, _ := splitType(typ)
	switch {
	case strings.HasSuffix(base, "[]"):
		return "x"
	case plainTypes[base]:
		return "p"
	case base == "numeric" || base == "inet" || base == "cidr":
		return "m"
	}
	return "x"
}

// castVia is what a USING cast from a column's old type to its new one
// goes through: nothing where PostgreSQL has a cast between the two (or
// between their element types), or where one is a string type, which every
// type converts to and from through its text form; text otherwise, as for
// an enum, composite or range type of the schema, or boolean to jsonb,
// which have no cast between them but their text input and output.
func (p *planner) castVia(from, to string) string {
	if q, ok := typeOf(from); ok && q.Schema != "pg_catalog" {
		if p.oi.domains[q] != nil {
			return ""
		}
		return "::text"
	}
	fe, fArr := strings.CutSuffix(from, "[]")
	te, tArr := strings.CutSuffix(to, "[]")
	if fArr != tArr {
		return "::text"
	}
	fb, tb := castName(fe), castName(te)
	switch {
	case fb == tb, stringCategory[fb], stringCategory[tb], ddl.BuiltinCasts[[2]string{fb, tb}]:
		return ""
	}
	if q, ok := typeOf(to); ok && p.oi.domains[q] != nil {
		return "" // a domain: the cast to its base type decides
	}
	return "::text"
}

// castName is a type's name as BuiltinCasts keys it: format_type's name
// without a typmod.
func castName(typ string) string {
	base, _ := splitType(typ)
	if base == "character" {
		return "bpchar"
	}
	return base
}

// stringCategory are the types of PostgreSQL's string category, to and from
// which every type has an explicit I/O conversion cast.
var stringCategory = map[string]bool{"text": true, "character varying": true, "bpchar": true, "name": true}
