package config

import (
	"os"
	"path/filepath"
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
