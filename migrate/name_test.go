package migrate

import (
	"testing"
	"time"
)

func TestFileNameEmptyMessage(t *testing.T) {
	r := &Revision{ID: "3f2a9c1b7d4e", Created: time.Date(2026, 3, 7, 23, 5, 9, 0, time.UTC)}
	tests := []struct {
		template, want string
	}{
		{"", "20260307_230509.sql"},
		{"%(rev)s_%(slug)s", "3f2a9c1b7d4e.sql"},
		{"%(slug)s-%(rev)s", "3f2a9c1b7d4e.sql"},
		{"%(slug)s", "3f2a9c1b7d4e.sql"},
		{"%(year)d_%(slug)s_%(rev)s", "2026_3f2a9c1b7d4e.sql"},
		{"%(slug)-10s", "3f2a9c1b7d4e.sql"},
	}
	for _, tt := range tests {
		for _, msg := range []string{"", "  !? "} {
			r.Message = msg
			got, err := FileName(r, NameOptions{FileTemplate: tt.template})
			if err != nil || got != tt.want {
				t.Errorf("FileName(%q, message %q) = %q, %v; want %q", tt.template, msg, got, err, tt.want)
			}
		}
	}
	// The header of a revision without a message reads back.
	r.Message = ""
	back, err := Parse("x.sql", Format(r))
	if err != nil || back.Message != "" || back.ID != r.ID {
		t.Errorf("read back %+v, %v", back, err)
	}
}
