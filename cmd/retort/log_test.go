package main

import (
	"bytes"
	"log/slog"
	"testing"
)

func TestLogWriterLevels(t *testing.T) {
	// Writes as commands make them: whole lines, a line in two writes, a
	// line without retort's prefix.
	writes := []string{
		"retort: up aaaa, first\n",
		"retort: warning: up bbbb runs outside ",
		"a transaction\nNo new upgrade operations detected.\n",
	}
	for _, tc := range []struct {
		level slog.Level
		want  string
	}{
		{slog.LevelDebug, "retort: up aaaa, first\nretort: warning: up bbbb runs outside a transaction\nNo new upgrade operations detected.\nretort: detail\n"},
		{slog.LevelInfo, "retort: up aaaa, first\nretort: warning: up bbbb runs outside a transaction\nNo new upgrade operations detected.\n"},
		{slog.LevelWarn, "retort: warning: up bbbb runs outside a transaction\n"},
		{slog.LevelError, ""},
	} {
		t.Run(tc.level.String(), func(t *testing.T) {
			var out bytes.Buffer
			g := &globals{}
			g.level.Set(tc.level)
			g.log = slog.New(newLineHandler(&out, &g.level))
			w := &logWriter{log: g.log, raw: &out}
			for _, s := range writes {
				if n, err := w.Write([]byte(s)); err != nil || n != len(s) {
					t.Fatalf("Write = %d, %v", n, err)
				}
			}
			g.debugf("%s", "detail")
			if out.String() != tc.want {
				t.Errorf("level %v wrote:\n%s\nwant:\n%s", tc.level, out.String(), tc.want)
			}
		})
	}
}
