package migrate

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestRehash(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	conn := newConn(t)
	a, b, c := tableRev("aaaa01"), tableRev("bbbb01 aaaa01"), tableRev("cccc01 bbbb01")
	if _, err := Upgrade(ctx, conn, memDir(t, a, b, c), "bbbb01", nil); err != nil {
		t.Fatal(err)
	}
	// Nothing edited: nothing to record.
	if got, err := Rehash(ctx, conn, memDir(t, a, b, c), nil, nil); err != nil || len(got) != 0 {
		t.Fatalf("rehash of unedited files: %v, %v", got, err)
	}
	a.Up = append([]Statement{{SQL: "-- reviewed\nSELECT 1"}}, a.Up...)
	b.Down = []Statement{{SQL: "DROP TABLE IF EXISTS public.t_bbbb01"}}
	c.Up = append(c.Up, Statement{SQL: "SELECT 2"}) // not applied: never compared
	d := memDir(t, a, b, c)
	var ce *ChecksumError
	if _, err := Downgrade(ctx, conn, d, "base", nil); !errors.As(err, &ce) || ce.Revision != "aaaa01" {
		t.Fatalf("downgrade over an edited file: %v, want a ChecksumError for aaaa01", err)
	}
	tests := []struct {
		name    string
		revs    []string
		want    []string
		wantErr string
	}{
		{name: "not applied", revs: []string{"cccc01"}, wantErr: "cccc01 is not applied"},
		{name: "base", revs: []string{"base"}, wantErr: "not base"},
		{name: "unknown", revs: []string{"ffff01"}, wantErr: "no revision"},
		{name: "one by prefix", revs: []string{"bbbb"}, want: []string{"bbbb01"}},
		{name: "the same again", revs: []string{"bbbb01"}},
		{name: "all that changed", want: []string{"aaaa01"}},
		{name: "nothing left", revs: nil},
	}
	for _, tt := range tests {
		got, err := Rehash(ctx, conn, d, tt.revs, nil)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("%s: rehash %v, %v; want %v", tt.name, got, err, tt.want)
		}
	}
	// The accepted checksums let both directions run, with the edited down.
	if _, err := Downgrade(ctx, conn, d, "base", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := Upgrade(ctx, conn, d, "heads", nil); err != nil {
		t.Fatal(err)
	}
	wantCurrent(t, conn, "cccc01")
}

func TestTargetDirection(t *testing.T) {
	d := branchy(t)
	tests := []struct {
		name    string
		dir     Direction
		current []string
		target  string
		want    string // error text; "" for none
	}{
		{"upgrade to an ancestor", Up, []string{"cccc01"}, "bbbb01", "bbbb01 is not a valid upgrade target: it is behind the current revision cccc01"},
		{"upgrade by prefix", Up, []string{"aaaa03"}, "aaaa01", "aaaa01 is not a valid upgrade target: it is behind the current revision aaaa03"},
		{"upgrade -1", Up, []string{"aaaa03"}, "-1", "-1 (aaaa02) is not a valid upgrade target: it is behind the current revision aaaa03"},
		{"upgrade base", Up, []string{"aaaa03", "eeee01"}, "base", "base is not a valid upgrade target: it is behind the current revisions aaaa03, eeee01"},
		{"upgrade names the head it is behind", Up, []string{"bbbb02", "eeee01"}, "aaaa02", "behind the current revision bbbb02"},
		{"upgrade to current", Up, []string{"aaaa03"}, "aaaa03", ""},
		{"upgrade base from base", Up, nil, "base", ""},
		{"upgrade another branch", Up, []string{"bbbb02"}, "dddd01", ""},
		{"downgrade to a descendant", Down, []string{"aaaa02"}, "aaaa03", "aaaa03 is not a valid downgrade target: it is ahead of the current revision aaaa02"},
		{"downgrade +1", Down, []string{"aaaa02"}, "+1", "+1 (aaaa03) is not a valid downgrade target: it is ahead of the current revision aaaa02"},
		{"downgrade to another branch", Down, []string{"bbbb02"}, "dddd01", "dddd01 is not applied"},
		{"downgrade to current", Down, []string{"aaaa02"}, "aaaa02", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.dir == Up {
				_, err = d.UpgradeSteps(tt.current, tt.target)
			} else {
				_, err = d.DowngradeSteps(tt.current, tt.target)
			}
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
			var te *TargetError
			if strings.Contains(tt.want, "valid") && !errors.As(err, &te) {
				t.Fatalf("error %T, want a *TargetError", err)
			}
		})
	}
}

func TestEnsureTables(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	conn := newConn(t)
	opts := &Options{VersionSchema: "meta", VersionTable: "v"}
	for range 2 { // the second run finds them and changes nothing
		if err := EnsureTables(ctx, conn, opts); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	err := conn.QueryRow(ctx, "SELECT count(*) FROM pg_class WHERE relnamespace = 'meta'::regnamespace AND relname IN ('v', 'retort_history', 'retort_progress')").Scan(&n)
	if err != nil || n != 3 {
		t.Fatalf("tables in meta: %d, %v; want 3", n, err)
	}
	if cur := currentOf(t, conn, opts); len(cur) != 0 {
		t.Fatalf("current %v after ensure, want none", cur)
	}
	if err := EnsureTables(ctx, conn, &Options{VersionTable: "x", HistoryTable: "x"}); err == nil {
		t.Fatal("invalid options: no error")
	}
}
