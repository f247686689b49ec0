package render

import (
	"testing"
)

func TestScript(t *testing.T) {
	stmts := []Statement{
		{SQL: "CREATE TABLE public.a (id integer);", Transactional: true},
		{SQL: "ALTER TABLE public.a DROP COLUMN x;", Transactional: true, Hazards: []Hazard{{Kind: "data-loss", Message: "drops column x"}}},
		{SQL: "CREATE INDEX CONCURRENTLY i ON public.a (id);"},
		{SQL: "COMMENT ON TABLE public.a IS 'x';", Transactional: true},
	}
	want := `BEGIN;

CREATE TABLE public.a (id integer);

-- hazard: data-loss (danger): drops column x
ALTER TABLE public.a DROP COLUMN x;

COMMIT;

CREATE INDEX CONCURRENTLY i ON public.a (id);

BEGIN;

COMMENT ON TABLE public.a IS 'x';

COMMIT;
`
	if got := Script(stmts); got != want {
		t.Errorf("Script =\n%s\nwant\n%s", got, want)
	}
	if got := Script(nil); got != "" {
		t.Errorf("Script(nil) = %q", got)
	}
}
