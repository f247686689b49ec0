package config

import "testing"

// TestDevTrusted: dev_trusted is off unless retort.yaml, or the named
// environment, turns it on.
func TestDevTrusted(t *testing.T) {
	tests := []struct {
		text, env string
		want      bool
	}{
		{text: "dev_url: embedded\n", want: false},
		{text: "dev_trusted: true\n", want: true},
		{text: "envs:\n  ci:\n    dev_trusted: true\n", want: false},
		{text: "envs:\n  ci:\n    dev_trusted: true\n", env: "ci", want: true},
	}
	for _, tt := range tests {
		s, err := Load(write(t, tt.text), true, tt.env)
		if err != nil {
			t.Fatal(err)
		}
		if s.DevTrusted != tt.want {
			t.Errorf("%q, env %q: DevTrusted = %v, want %v", tt.text, tt.env, s.DevTrusted, tt.want)
		}
	}
}
