package source

import (
	"context"
	"fmt"

	"github.com/retortdb/retort/internal/filter"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render"
)

// normalize makes a decoded (HCL, YAML or Go) schema exact: it renders the
// schema as DDL, applies that to a scratch database on the dev server and
// reads it back, so that the result is in PostgreSQL's own canonical text
// (DESIGN.md, "The pipeline"). name is used in error messages.
func (l *run) normalize(ctx context.Context, spec Spec, decoded *model.Schema) (*model.Schema, error) {
	if err := decoded.Validate(); err != nil {
		return nil, fmt.Errorf("source %s: %w", spec, err)
	}
	// Names in the declared SQL texts that are not qualified are read
	// as a session with the usual search_path reads them: in public. A
	// schema that declares objects but says nothing about public leaves
	// it as every new database has it (Partial), instead of declaring it
	// away; an empty one (--allow-empty) still means no public.
	ddl, err := render.SchemaSQL(decoded, render.Options{Comments: true, Owners: l.Privileges, Privileges: l.Privileges,
		SearchPath: []string{"public"}, Secrets: true, Partial: decoded.Declares() && !filter.Declares(decoded, "public")})
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", spec, err)
	}
	return l.onScratchSQL(ctx, spec, ddl)
}
