// Package connstr hides the secrets of PostgreSQL connection strings in
// every form pgx and libpq accept: URLs (postgres://user:password@host/db,
// ?password=… and ?sslpassword=… parameters) and keyword/value strings
// (host=db password='s3 cret' …).
//
// It is the one place retort turns a connection string, or an error that
// may quote one, into text for a message. It imports nothing of retort.
package connstr

import (
	"net/url"
	"slices"
	"strings"
)

// Mask replaces every secret in a message.
const Mask = "xxxxx"

// secretKeys are the connection parameters whose values are secrets.
var secretKeys = map[string]bool{"password": true, "sslpassword": true}

// IsURL reports whether s is a connection string in URL form.
func IsURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// hasScheme reports whether s is written as a URL of any scheme: a
// mistyped one (mysql://…, postgress://…) holds its password where a
// postgres:// URL does.
func hasScheme(s string) bool {
	i := strings.Index(s, "://")
	return i > 0 && !strings.ContainsAny(s[:i], " =")
}

// Redact returns s with its secrets replaced by [Mask]. A URL keeps its
// shape; a keyword/value string keeps its other keywords. Text that is
// neither is returned as it is, unless it holds something that looks like a
// password parameter, whose value is then masked all the same.
func Redact(s string) string {
	if hasScheme(s) {
		return redactURL(s)
	}
	return redactKeywords(s)
}

// redactURL masks the password of a URL's user information and its secret
// query parameters.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		// An unparsable URL may still hold a password: cut everything
		// between the scheme and the last '@', then mask parameters.
		if i, j := strings.Index(s, "://"), strings.LastIndex(s, "@"); i >= 0 && j > i {
			s = s[:i+3] + Mask + s[j:]
		}
		return redactKeywords(s)
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), Mask)
	}
	if u.RawQuery != "" {
		q := u.Query()
		changed := false
		for k := range q {
			if secretKeys[k] {
				q.Set(k, Mask)
				changed = true
			}
		}
		if changed {
			u.RawQuery = q.Encode()
		}
	}
	return u.String()
}

// redactKeywords masks the values of secret keywords in a keyword/value
// string.
func redactKeywords(s string) string {
	var b strings.Builder
	last := 0
	scanKeywords(s, func(key string, v, end int) {
		if secretKeys[strings.ToLower(key)] {
			b.WriteString(s[last:v])
			b.WriteString(Mask)
			last = end
		}
	})
	b.WriteString(s[last:])
	return b.String()
}

// scanKeywords calls fn for each keyword=value pair of s, with the value's
// bounds, scanning as libpq does: a keyword, '=' with optional spaces
// around it, then a value that is either single-quoted (a backslash escapes
// a quote or a backslash) or runs to the next unescaped space. Text around
// the pairs (as in an error message that quotes them) is skipped.
func scanKeywords(s string, fn func(key string, v, end int)) {
	i := 0
	for i < len(s) {
		for i < len(s) && !isKeyByte(s[i]) {
			i++
		}
		k := i
		for i < len(s) && isKeyByte(s[i]) {
			i++
		}
		j := i
		for j < len(s) && s[j] == ' ' {
			j++
		}
		if k == i || j >= len(s) || s[j] != '=' {
			continue
		}
		j++
		for j < len(s) && s[j] == ' ' {
			j++
		}
		end := valueEnd(s, j)
		fn(s[k:i], j, end)
		i = end
	}
}

// valueEnd returns the end of the value that starts at s[i].
func valueEnd(s string, i int) int {
	if i < len(s) && s[i] == '\'' {
		for j := i + 1; j < len(s); j++ {
			switch s[j] {
			case '\\':
				j++
			case '\'':
				return j + 1
			}
		}
		return len(s)
	}
	for j := i; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case ' ', '\t', '\n', '\r', '\f', '\v':
			return j
		}
	}
	return len(s)
}

func isKeyByte(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// Secrets returns the secret values that s holds, raw and in the spellings
// a message may quote them in (URL-escaped, quoted), longest first, so that
// a caller masking them one by one never leaves the tail of a longer one.
func Secrets(s string) []string {
	var out []string
	add := func(v string) {
		if v == "" {
			return
		}
		for _, o := range out {
			if o == v {
				return
			}
		}
		out = append(out, v)
	}
	if hasScheme(s) {
		if u, err := url.Parse(s); err == nil {
			if pw, ok := u.User.Password(); ok {
				add(pw)
				add(url.PathEscape(pw))
				add(url.QueryEscape(pw))
			}
			for k, vs := range u.Query() {
				if secretKeys[k] {
					for _, v := range vs {
						add(v)
						add(url.QueryEscape(v))
					}
				}
			}
		} else if i, j := strings.Index(s, "://"), strings.LastIndex(s, "@"); i >= 0 && j > i {
			if c := strings.Index(s[i+3:j], ":"); c >= 0 {
				add(s[i+3+c+1 : j])
			}
		}
	}
	for _, v := range keywordSecrets(s) {
		add(v)
	}
	slices.SortStableFunc(out, func(a, b string) int { return len(b) - len(a) })
	return out
}

// keywordSecrets returns the values of secret keywords in a keyword/value
// string, both as written and unquoted.
func keywordSecrets(s string) []string {
	var out []string
	scanKeywords(s, func(key string, v, end int) {
		if secretKeys[strings.ToLower(key)] {
			raw := s[v:end]
			out = append(out, raw)
			if unq := unquote(raw); unq != raw {
				out = append(out, unq)
			}
		}
	})
	return out
}

// unquote undoes the quoting and escapes of a keyword/value value.
func unquote(v string) string {
	if len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'' {
		v = v[1 : len(v)-1]
	}
	if !strings.Contains(v, `\`) {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == '\\' && i+1 < len(v) {
			i++
		}
		b.WriteByte(v[i])
	}
	return b.String()
}

// RedactError returns err with every secret of the connection strings
// conns masked in its message. It returns err itself when none of them
// holds a secret the message repeats, so errors.Is and errors.As see
// through it either way.
func RedactError(err error, conns ...string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	red := msg
	for _, c := range conns {
		for _, s := range Secrets(c) {
			red = strings.ReplaceAll(red, s, Mask)
		}
	}
	if red == msg {
		return err
	}
	return &redacted{msg: red, err: err}
}

// redacted is an error whose message has been masked; it still unwraps to
// the original so that callers can test what went wrong.
type redacted struct {
	msg string
	err error
}

func (e *redacted) Error() string { return e.msg }
func (e *redacted) Unwrap() error { return e.err }
