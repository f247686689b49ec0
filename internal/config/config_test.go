package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func write(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "retort.yaml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoad(t *testing.T) {
	p := write(t, "dev_url: none\nschemas: [app]\nenvs:\n  prod:\n    url: postgres://prod/db\n")
	s, err := Load(p, true, "")
	if err != nil {
		t.Fatal(err)
	}
	if s.DevURL != "none" || len(s.Schemas) != 1 || s.URL != "${DATABASE_URL}" || s.VersionTable != "retort_version" {
		t.Errorf("Load = %+v", s)
	}
	s, err = Load(p, true, "prod")
	if err != nil {
		t.Fatal(err)
	}
	if s.URL != "postgres://prod/db" || s.DevURL != "none" {
		t.Errorf("env prod: %+v", s)
	}
	if _, err := Load(p, true, "staging"); err == nil || !strings.Contains(err.Error(), `"staging"`) {
		t.Errorf("unknown env: %v", err)
	}
}

func TestLoadErrors(t *testing.T) {
	p := write(t, "dev_url: none\nnot_a_key: 1\n")
	_, err := Load(p, true, "")
	if err == nil || !strings.Contains(err.Error(), "not_a_key") || !strings.Contains(err.Error(), "2:") {
		t.Errorf("unknown key: %v", err)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.yaml"), false, ""); err != nil {
		t.Errorf("missing default file: %v", err)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.yaml"), true, ""); err == nil {
		t.Error("missing explicit file accepted")
	}
	if _, err := Load(write(t, ""), true, ""); err != nil {
		t.Errorf("empty file: %v", err)
	}
}

func TestExpand(t *testing.T) {
	t.Setenv("RETORT_TEST_X", "v")
	if got, err := Expand("url", "a${RETORT_TEST_X}b"); err != nil || got != "avb" {
		t.Errorf("Expand = %q, %v", got, err)
	}
	if _, err := Expand("url", "${RETORT_TEST_UNSET_XYZ}"); err == nil || !strings.Contains(err.Error(), "RETORT_TEST_UNSET_XYZ") {
		t.Errorf("unset var: %v", err)
	}
}

// TestLoadExpandsEveryKey is the regression test for ${VAR} being expanded
// only in url and dev_url.
func TestLoadExpandsEveryKey(t *testing.T) {
	t.Setenv("RETORT_TEST_DIR", "db")
	p := write(t, `desired: ${RETORT_TEST_DIR}/schema.sql
migrations: ${RETORT_TEST_DIR}/migrations
file_template: "%(rev)s_${RETORT_TEST_DIR}"
timezone: ${RETORT_TEST_TZ}
version_table: v_${RETORT_TEST_DIR}
version_schema: ${RETORT_TEST_DIR}
layout: native
lock_timeout: ${RETORT_TEST_LT}
statement_timeout: 1${RETORT_TEST_UNIT}
schemas: ["a_${RETORT_TEST_DIR}"]
exclude: ["x_${RETORT_TEST_DIR}"]
include: ["public.${RETORT_TEST_DIR}_*"]
url: ${RETORT_TEST_UNSET_URL}
envs:
  other:
    migrations: ${RETORT_TEST_UNSET_OTHER}
`)
	t.Setenv("RETORT_TEST_TZ", "Europe/Paris")
	t.Setenv("RETORT_TEST_LT", "3s")
	t.Setenv("RETORT_TEST_UNIT", "0s")
	s, err := Load(p, true, "")
	if err != nil {
		t.Fatal(err)
	}
	want := Settings{
		Desired: "db/schema.sql", Migrations: "db/migrations", FileTemplate: "%(rev)s_db", Timezone: "Europe/Paris",
		VersionTable: "v_db", VersionSchema: "db", Layout: "native", LockTimeout: "3s", StatementTimeout: "10s",
	}
	got := s
	got.URL, got.DevURL, got.TruncateSlugLength, got.Schemas, got.Exclude, got.Include, got.Envs = "", "", 0, nil, nil, nil, nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Load expanded\n%+v\nwant\n%+v", got, want)
	}
	if s.Schemas[0] != "a_db" || s.Exclude[0] != "x_db" || s.Include[0] != "public.db_*" {
		t.Errorf("lists: schemas %q, exclude %q, include %q", s.Schemas, s.Exclude, s.Include)
	}
	// url keeps its reference: a command that never connects must not fail.
	if s.URL != "${RETORT_TEST_UNSET_URL}" {
		t.Errorf("url = %q, want the reference kept", s.URL)
	}
	// An environment that is not selected is not expanded; selected, its
	// unset variable is an error naming the key.
	if _, err := Load(p, true, "other"); err == nil || !strings.Contains(err.Error(), "migrations") || !strings.Contains(err.Error(), "RETORT_TEST_UNSET_OTHER") {
		t.Errorf("unset variable in env: %v", err)
	}
}

// TestLoadErrorsQuoteNoSource is the regression test for a retort.yaml
// syntax error printing the file's lines, passwords included.
func TestLoadErrorsQuoteNoSource(t *testing.T) {
	p := write(t, "url: postgres://u@h/d\nurl: \"host=h password=S3cr3t\"\n")
	_, err := Load(p, true, "")
	if err == nil || strings.Contains(err.Error(), "S3cr3t") || !strings.Contains(err.Error(), "2:1") {
		t.Errorf("duplicate key error = %v", err)
	}
}
