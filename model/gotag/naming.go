package gotag

import (
	"crypto/sha1"
	"encoding/hex"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// commonInitialisms are the words that Go writes in capitals (golint's
// list, which GORM uses too): UserID is user_id, not user_i_d.
var commonInitialisms = []string{"API", "ASCII", "CPU", "CSS", "DNS", "EOF", "GUID", "HTML", "HTTP", "HTTPS",
	"ID", "IP", "JSON", "LHS", "QPS", "RAM", "RHS", "RPC", "SLA", "SMTP", "SSH", "TLS", "TTL", "UID", "UI",
	"UUID", "URI", "URL", "UTF8", "VM", "XML", "XSRF", "XSS"}

var initialismTitle = func() *strings.Replacer {
	var pairs []string
	for _, w := range commonInitialisms {
		pairs = append(pairs, w, w[:1]+strings.ToLower(w[1:]))
	}
	return strings.NewReplacer(pairs...)
}()

// snakeName turns a Go name into a column or table name the way GORM's
// default naming strategy does (and retort's own grammar, which follows
// it): initialisms stay together, so UserID is user_id and HTTPServer is
// http_server. Only ASCII letters change case.
func snakeName(name string) string {
	if name == "" {
		return ""
	}
	value := initialismTitle.Replace(name)
	isUpper := func(c byte) bool { return c >= 'A' && c <= 'Z' }
	var b strings.Builder
	lastCase, curCase := false, isUpper(value[0])
	for i := 0; i < len(value)-1; i++ {
		c := value[i]
		nextCase := isUpper(value[i+1])
		nextNumber := value[i+1] >= '0' && value[i+1] <= '9'
		if curCase {
			if lastCase && (nextCase || nextNumber) {
				b.WriteByte(c + 32)
			} else {
				if i > 0 && value[i-1] != '_' && value[i+1] != '_' {
					b.WriteByte('_')
				}
				b.WriteByte(c + 32)
			}
		} else {
			b.WriteByte(c)
		}
		lastCase, curCase = curCase, nextCase
	}
	last := value[len(value)-1]
	if curCase {
		if !lastCase && len(value) > 1 {
			b.WriteByte('_')
		}
		b.WriteByte(last + 32)
	} else {
		b.WriteByte(last)
	}
	return b.String()
}

// bunName turns a Go name into a column or table name as bun does: an
// upper-case letter next to a lower-case one starts a new word.
func bunName(s string) string {
	isUpper := func(c byte) bool { return c >= 'A' && c <= 'Z' }
	isLower := func(c byte) bool { return c >= 'a' && c <= 'z' }
	r := make([]byte, 0, len(s)+5)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isUpper(c) {
			if i > 0 && i+1 < len(s) && (isLower(s[i-1]) || isLower(s[i+1])) {
				r = append(r, '_', c+32)
			} else {
				r = append(r, c+32)
			}
		} else {
			r = append(r, c)
		}
	}
	return string(r)
}

// inflection is one English plural or singular rule: a pattern and its
// replacement. The rules are Rails ActiveSupport's, as GORM and bun use
// them (through github.com/jinzhu/inflection), so that table names come
// out as those libraries name them.
type inflection struct {
	re   *regexp.Regexp
	repl string
}

var (
	uncountable = []string{"equipment", "information", "rice", "money", "species", "series", "fish", "sheep", "jeans", "police"}
	irregular   = [][2]string{{"person", "people"}, {"man", "men"}, {"child", "children"}, {"sex", "sexes"}, {"move", "moves"}, {"mombie", "mombies"}}
	pluralRules = [][2]string{
		{"([a-z])$", "${1}s"}, {"s$", "s"}, {"^(ax|test)is$", "${1}es"}, {"(octop|vir)us$", "${1}i"},
		{"(octop|vir)i$", "${1}i"}, {"(alias|status)$", "${1}es"}, {"(bu)s$", "${1}ses"},
		{"(buffal|tomat)o$", "${1}oes"}, {"([ti])um$", "${1}a"}, {"([ti])a$", "${1}a"}, {"sis$", "ses"},
		{"(?:([^f])fe|([lr])f)$", "${1}${2}ves"}, {"(hive)$", "${1}s"}, {"([^aeiouy]|qu)y$", "${1}ies"},
		{"(x|ch|ss|sh)$", "${1}es"}, {"(matr|vert|ind)(?:ix|ex)$", "${1}ices"}, {"^(m|l)ouse$", "${1}ice"},
		{"^(m|l)ice$", "${1}ice"}, {"^(ox)$", "${1}en"}, {"^(oxen)$", "${1}"}, {"(quiz)$", "${1}zes"},
	}
	singularRules = [][2]string{
		{"s$", ""}, {"(ss)$", "${1}"}, {"(n)ews$", "${1}ews"}, {"([ti])a$", "${1}um"},
		{"((a)naly|(b)a|(d)iagno|(p)arenthe|(p)rogno|(s)ynop|(t)he)(sis|ses)$", "${1}sis"},
		{"(^analy)(sis|ses)$", "${1}sis"}, {"([^f])ves$", "${1}fe"}, {"(hive)s$", "${1}"}, {"(tive)s$", "${1}"},
		{"([lr])ves$", "${1}f"}, {"([^aeiouy]|qu)ies$", "${1}y"}, {"(s)eries$", "${1}eries"}, {"(m)ovies$", "${1}ovie"},
		{"(c)ookies$", "${1}ookie"}, {"(x|ch|ss|sh)es$", "${1}"}, {"^(m|l)ice$", "${1}ouse"}, {"(bus)(es)?$", "${1}"},
		{"(o)es$", "${1}"}, {"(shoe)s$", "${1}"}, {"(cris|test)(is|es)$", "${1}is"}, {"^(a)x[ie]s$", "${1}xis"},
		{"(octop|vir)(us|i)$", "${1}us"}, {"(alias|status)(es)?$", "${1}"}, {"^(ox)en", "${1}"},
		{"(vert|ind)ices$", "${1}ex"}, {"(matr)ices$", "${1}ix"}, {"(quiz)zes$", "${1}"}, {"(database)s$", "${1}"},
	}
	pluralInflections   = compileInflections(pluralRules, false)
	singularInflections = compileInflections(singularRules, true)
)

// compileInflections orders the rules as the library applies them:
// uncountable words, then irregular ones, then the regular rules, the
// last defined first.
func compileInflections(rules [][2]string, singular bool) []inflection {
	var out []inflection
	for _, w := range uncountable {
		out = append(out, inflection{regexp.MustCompile("^(?i)(" + w + ")$"), "${1}"})
	}
	for _, w := range irregular {
		from, to := w[0], w[1]
		if singular {
			from, to = to, from
		}
		out = append(out,
			inflection{regexp.MustCompile(strings.ToUpper(from) + "$"), strings.ToUpper(to)},
			inflection{regexp.MustCompile(strings.ToUpper(from[:1]) + from[1:] + "$"), strings.ToUpper(to[:1]) + to[1:]},
			inflection{regexp.MustCompile(from + "$"), to})
	}
	for i := len(rules) - 1; i >= 0; i-- {
		find, repl := rules[i][0], rules[i][1]
		out = append(out,
			inflection{regexp.MustCompile(strings.ToUpper(find)), strings.ToUpper(repl)},
			inflection{regexp.MustCompile(find), repl},
			inflection{regexp.MustCompile("(?i)" + find), repl})
	}
	return out
}

func inflect(rules []inflection, s string) string {
	for _, r := range rules {
		if r.re.MatchString(s) {
			return r.re.ReplaceAllString(s, r.repl)
		}
	}
	return s
}

// plural is the English plural of a word, as GORM and bun form table names.
func plural(s string) string { return inflect(pluralInflections, s) }

// singular is the English singular of a word.
func singular(s string) string { return inflect(singularInflections, s) }

// gormFormatName is GORM's name for a generated constraint or index:
// prefix_table_name with dots made underscores, cut to 64 characters with
// a hash of the whole when longer.
func gormFormatName(prefix, table, name string) string {
	s := strings.ReplaceAll(prefix+"_"+table+"_"+name, ".", "_")
	const max = 64
	if utf8.RuneCountInString(s) > max {
		sum := sha1.Sum([]byte(s))
		s = s[:max-8] + hex.EncodeToString(sum[:])[:8]
	}
	return s
}

// nameDataLen is PostgreSQL's NAMEDATALEN: names hold at most 63 bytes.
const nameDataLen = 64

// pgObjectName is the name PostgreSQL chooses for an unnamed constraint or
// index (makeObjectName in its source): name1_name2_label, with name1 and
// name2 shortened, the longer first, until the whole fits in 63 bytes.
func pgObjectName(name1, name2, label string) string {
	overhead := 0
	if label != "" {
		overhead += len(label) + 1
	}
	if name2 != "" {
		overhead++
	}
	n1, n2 := len(name1), len(name2)
	avail := nameDataLen - 1 - overhead
	for n1+n2 > avail && n1+n2 > 0 {
		if n1 > n2 {
			n1--
		} else {
			n2--
		}
	}
	s := clipUTF8(name1, n1)
	if name2 != "" {
		s += "_" + clipUTF8(name2, n2)
	}
	if label != "" {
		s += "_" + label
	}
	return s
}

// pgColumnsAddition joins column names with "_" as PostgreSQL does to name
// an index or key over them, stopping at 63 bytes.
func pgColumnsAddition(cols []string) string {
	s := strings.Join(cols, "_")
	return clipUTF8(s, nameDataLen-1)
}

// pgTruncate cuts an identifier to the 63 bytes PostgreSQL keeps.
func pgTruncate(name string) string { return clipUTF8(name, nameDataLen-1) }

// clipUTF8 cuts s to at most n bytes without splitting a character.
func clipUTF8(s string, n int) string {
	if n < 0 {
		n = 0
	}
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// goName turns a SQL name into an exported Go identifier: user_id is
// UserID. Characters that cannot be part of an identifier are dropped, and
// a name that would start with a digit gets an X in front.
func goName(sqlName string) string {
	var b strings.Builder
	for _, word := range strings.FieldsFunc(sqlName, func(r rune) bool {
		return r == '_' || !(unicode.IsLetter(r) || unicode.IsDigit(r))
	}) {
		up := strings.ToUpper(word)
		if isInitialism(up) {
			b.WriteString(up)
			continue
		}
		r, size := utf8.DecodeRuneInString(word)
		b.WriteRune(unicode.ToUpper(r))
		b.WriteString(word[size:])
	}
	s := b.String()
	if s == "" {
		return "X"
	}
	if r, _ := utf8.DecodeRuneInString(s); !unicode.IsLetter(r) || !unicode.IsUpper(r) {
		s = "X" + s
	}
	return s
}

func isInitialism(w string) bool {
	for _, i := range commonInitialisms {
		if i == w {
			return true
		}
	}
	return false
}
