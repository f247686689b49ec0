package connstr

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"postgres://bob:s3cret@host/db", "postgres://bob:xxxxx@host/db"},
		{"postgresql://bob:s3cret@host/db", "postgresql://bob:xxxxx@host/db"},
		{"postgres://bob@host/db?password=s3cret&sslmode=disable", "postgres://bob@host/db?password=xxxxx&sslmode=disable"},
		{"postgres://bob@host/db?sslpassword=s3cret", "postgres://bob@host/db?sslpassword=xxxxx"},
		{"postgres://bob@host/db", "postgres://bob@host/db"},
		{"postgres://bob:s3cret@%zz/db", "postgres://xxxxx@%zz/db"},
		{"postgres://bob:s3cret@%zz/db?password=other", "postgres://xxxxx@%zz/db?password=xxxxx"},
		{"host=db user=bob password=s3cret dbname=app", "host=db user=bob password=xxxxx dbname=app"},
		{"host=db password = s3cret", "host=db password = xxxxx"},
		{"host=db password='s3 c\\'ret' dbname=app", "host=db password=xxxxx dbname=app"},
		{"password=s3\\ cret host=db", "password=xxxxx host=db"},
		{"host=db sslpassword=s3cret", "host=db sslpassword=xxxxx"},
		{"host=db PASSWORD=s3cret", "host=db PASSWORD=xxxxx"},
		{"host=db user=bob", "host=db user=bob"},
		{"mysql://u:s3cret@h/db", "mysql://u:xxxxx@h/db"},
		{"postgress://u@h/db?password=s3cret", "postgress://u@h/db?password=xxxxx"},
		{"embedded", "embedded"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestRedactCoversPgx checks that what Redact masks is what pgx reads as the
// password, for every form pgx accepts.
func TestRedactCoversPgx(t *testing.T) {
	for _, s := range []string{
		"postgres://bob:s3cret@host/db",
		"postgres://bob:s3%40cret@host/db",
		"postgres://bob@host/db?password=s3cret",
		"postgres://bob@host/db?password=s3%26cret",
		"host=db user=bob password=s3cret dbname=app",
		"host=db user=bob password='s3 c\\'ret' dbname=app",
		"host=db user=bob password = s3\\ cret",
	} {
		cfg, err := pgx.ParseConfig(s)
		if err != nil {
			t.Fatalf("pgx.ParseConfig(%q): %v", s, err)
		}
		pw := cfg.Password
		if red := Redact(s); strings.Contains(red, pw) {
			t.Errorf("Redact(%q) = %q still holds pgx's password %q", s, red, pw)
		}
		if !slices.Contains(Secrets(s), pw) {
			t.Errorf("Secrets(%q) = %q lacks pgx's password %q", s, Secrets(s), pw)
		}
		err = RedactError(fmt.Errorf("connect to %s (password %s): %w", s, pw, fs.ErrNotExist), s)
		if strings.Contains(err.Error(), pw) {
			t.Errorf("RedactError leaks %q: %v", pw, err)
		}
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("RedactError(%q) lost the wrapped error", s)
		}
	}
}

func TestRedactErrorKeepsErrorsWithoutSecrets(t *testing.T) {
	orig := errors.New("connection refused")
	if got := RedactError(orig, "host=db password=s3cret"); got != orig {
		t.Errorf("RedactError changed an error that holds no secret: %v", got)
	}
	if RedactError(nil, "password=x") != nil {
		t.Error("RedactError(nil) is not nil")
	}
}

func TestSecretsLongestFirst(t *testing.T) {
	// A password that is a prefix of the other must not leave a tail.
	s := "postgres://u:ab@h/d?password=abcd"
	err := RedactError(errors.New("got abcd and ab"), s)
	if got := err.Error(); got != "got xxxxx and xxxxx" {
		t.Errorf("RedactError = %q", got)
	}
}
