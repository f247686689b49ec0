package render

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/model"
)

// PlanDocument is the document `diff --format json` and `check --format
// json` print, as docs/json.md describes it. Build one with [PlanJSON].
type PlanDocument struct {
	// Changes are what [diff.Compare] found.
	Changes []PlanChange `json:"changes"`
	// Up and Down are the plan's statements in the order they run.
	Up   []PlanStatement `json:"up"`
	Down []PlanStatement `json:"down"`
	// PossibleRenames are drops and creates that look like renames; the
	// plan does not rename them (see [diff.PossibleRenames]).
	PossibleRenames []PlanPossibleRename `json:"possible_renames,omitempty"`
}

// PlanChange is one change of a [PlanDocument].
type PlanChange struct {
	// Op is create, drop, alter or rename.
	Op string `json:"op"`
	// Object names the object as the target does (the source for a drop).
	Object model.ObjectRef `json:"object"`
	// Fields, for an alter, are the JSON names of the object's properties
	// that differ ([diff.ChangedFields]); left out otherwise.
	Fields []string `json:"fields,omitempty"`
}

// PlanStatement is one statement of a [PlanDocument].
type PlanStatement struct {
	SQL string `json:"sql"`
	// Transactional is false for a statement that runs outside a
	// transaction block.
	Transactional bool     `json:"transactional"`
	Hazards       []Hazard `json:"hazards,omitempty"`
}

// PlanPossibleRename is one possible rename of a [PlanDocument].
type PlanPossibleRename struct {
	Kind model.ObjectKind `json:"kind"`
	// From and To are the full names of the dropped and the created
	// object (schema.table.column for a column).
	From string `json:"from"`
	To   string `json:"to"`
	// Why says what the two have in common.
	Why string `json:"why"`
	// Rename is the --rename argument that would rename instead.
	Rename string `json:"rename"`
}

// PlanJSON returns the document of plan p, with looks as its possible
// renames. Its lists are empty, never null, when p has no changes.
func PlanJSON(p *Plan, looks []diff.PossibleRename) PlanDocument {
	out := PlanDocument{Changes: []PlanChange{}, Up: documentStatements(p.Up), Down: documentStatements(p.Down)}
	for _, c := range p.Changes {
		out.Changes = append(out.Changes, PlanChange{Op: c.Op().String(), Object: c.Ref(), Fields: diff.ChangedFields(c)})
	}
	for _, l := range looks {
		from, to := possibleRenameNames(l)
		out.PossibleRenames = append(out.PossibleRenames, PlanPossibleRename{Kind: l.Kind, From: from, To: to, Why: l.Why, Rename: l.Hint()})
	}
	return out
}

// WritePlanJSON writes the document of plan p ([PlanJSON]) to w, indented
// by two spaces and ended by a line end.
func WritePlanJSON(w io.Writer, p *Plan, looks []diff.PossibleRename) error {
	b, err := json.MarshalIndent(PlanJSON(p, looks), "", "  ")
	if err != nil {
		return fmt.Errorf("encode json: %w", err)
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

func documentStatements(stmts []Statement) []PlanStatement {
	out := []PlanStatement{}
	for _, st := range stmts {
		out = append(out, PlanStatement{SQL: st.SQL, Transactional: st.Transactional, Hazards: st.Hazards})
	}
	return out
}
