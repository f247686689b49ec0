package main

import (
	"testing"
	"time"

	"github.com/retortdb/retort/internal/config"
	"github.com/retortdb/retort/migrate"
)

// lock_timeout in retort.yaml: unset keeps the runner's default, an
// explicit 0 turns it off, a duration sets it.
func TestMigrateOptionsLockTimeout(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{"", 0, false},
		{"0", migrate.NoLockTimeout, false},
		{"0s", migrate.NoLockTimeout, false},
		{"1s", time.Second, false},
		{"250ms", 250 * time.Millisecond, false},
		{"-1s", 0, true},
		{"5", 0, true},
	} {
		o, err := migrateOptions(config.Settings{LockTimeout: tt.in}, nil)
		if (err != nil) != tt.wantErr || (!tt.wantErr && o.LockTimeout != tt.want) {
			t.Errorf("lock_timeout %q: %v, %v; want %v (error %v)", tt.in, o.LockTimeout, err, tt.want, tt.wantErr)
		}
	}
}
