package config

import "testing"

func TestLogLevelAndRevisionTemplate(t *testing.T) {
	t.Setenv("RETORT_TEST_TMPL", "tmpl")
	p := write(t, "log_level: warn\nrevision_template: ${RETORT_TEST_TMPL}/rev.sql.tmpl\nenvs:\n  ci:\n    log_level: debug\n  other:\n    url: x\n")
	for _, tc := range []struct{ env, level, tmpl string }{
		{"", "warn", "tmpl/rev.sql.tmpl"},
		{"ci", "debug", "tmpl/rev.sql.tmpl"},
		{"other", "warn", "tmpl/rev.sql.tmpl"},
	} {
		s, err := Load(p, true, tc.env)
		if err != nil {
			t.Fatal(err)
		}
		if s.LogLevel != tc.level || s.RevisionTemplate != tc.tmpl {
			t.Errorf("env %q: log_level %q, revision_template %q; want %q, %q", tc.env, s.LogLevel, s.RevisionTemplate, tc.level, tc.tmpl)
		}
	}
	if s := Defaults(); s.LogLevel != "" || s.RevisionTemplate != "" {
		t.Errorf("defaults: log_level %q, revision_template %q; want both empty", s.LogLevel, s.RevisionTemplate)
	}
}
