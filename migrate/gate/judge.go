package gate

import (
	"fmt"
	"slices"
	"strings"

	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/lint"
	"github.com/retortdb/retort/migrate"
	"github.com/retortdb/retort/model/sqlddl"
	"github.com/retortdb/retort/render"
)

// A candidate is a hazard that stops the run unless it is allowed or its
// tables are empty.
type candidate struct {
	Refusal
	// pos is the statement's place in the run (statements of all steps,
	// in order); tables the tables it is about, except those its own
	// revision created before it.
	pos    int
	tables []tableRef
}

// tableRef is a table a hazard is about.
type tableRef struct {
	// key is the table's name when the gate runs: the name written in the
	// statement, through the renames earlier in the run.
	key tableKey
	// created is set when an earlier step of the run creates the table,
	// at the statement createdAt: it does not exist yet, and holds rows
	// only if a statement between puts them there.
	created   bool
	createdAt int
}

// tableKey is a table's schema-qualified name; the schema is public when
// the statement leaves it out (the runner pins search_path to public).
type tableKey struct{ schema, name string }

func (k tableKey) String() string { return sqlq.Qualified(k.schema, k.name) }

func keyOf(n sqlddl.Name) tableKey {
	if n.Schema == "" {
		return tableKey{"public", n.Name}
	}
	return tableKey{n.Schema, n.Name}
}

// runFacts is what the gate learns from the statements of the whole run.
type runFacts struct {
	cands []candidate
	// adds are the places of the statements that may add rows to some
	// table (INSERT, COPY, a DO block, a function call …), in order.
	adds []int
}

// addsBetween reports whether a statement that may add rows runs after
// from and before to.
func (r *runFacts) addsBetween(from, to int) bool {
	i, _ := slices.BinarySearch(r.adds, from+1)
	return i < len(r.adds) && r.adds[i] < to
}

// addingKinds are the statements that may add rows to a table, as
// pg_query names them: a DO block may hold any statement. A SELECT is not
// among them, although a function it calls could insert: migrations
// select setval() and the like, and counting them would leave no table
// empty.
var addingKinds = []string{"InsertStmt", "CopyStmt", "MergeStmt", "CreateTableAsStmt", "CallStmt", "ExecuteStmt", "DoStmt"}

// judger walks the statements of a run in order.
type judger struct {
	run      *runFacts
	findings map[stmtAt][]lint.Finding
	pos      int // the statement's place in the run
	// renamed maps a name a rename earlier in the run gave to the name the
	// table has when the gate runs; born maps a table an earlier statement
	// of the run created to that statement's place, bornHere those its
	// own revision created.
	renamed  map[tableKey]tableKey
	born     map[tableKey]int
	bornHere map[tableKey]bool
	// carried are the kinds the step's statements carry, any severity.
	carried map[string]bool
}

// judge reads the steps' statements and headers and returns what may stop
// the run: every danger hazard (allowed or not, sizes not yet known) and
// every incomplete backfill.
func judge(steps []migrate.Step) (*runFacts, error) {
	j := &judger{run: &runFacts{}, findings: lintSteps(steps), renamed: map[tableKey]tableKey{}, born: map[tableKey]int{}}
	for si, step := range steps {
		rev := step.Revision
		for _, k := range rev.AllowHazards {
			if !slices.Contains(Kinds, k) {
				return nil, fmt.Errorf("%s: header: -- retort:allow-hazard %s: unknown hazard kind (want %s)",
					sqlq.CommentText(rev.Filename), k, strings.Join(Kinds, ", "))
			}
		}
		j.bornHere, j.carried = map[tableKey]bool{}, map[string]bool{}
		stmts := rev.Up
		if step.Direction == migrate.Down {
			stmts = rev.Down
		}
		for i, st := range stmts {
			j.statement(step, st, j.findings[stmtAt{si, i}])
			j.pos++
		}
		if step.Direction == migrate.Down {
			continue // the header's hazards are the up's
		}
		for _, h := range rev.Hazards {
			kind, sev, msg, ok := parseHazard(h)
			if !ok || sev != render.SeverityDanger || j.carried[kind] {
				continue
			}
			j.add(Refusal{Step: step, File: rev.Filename, Kind: kind, Severity: sev, Message: msg}, nil)
		}
	}
	return j.run, nil
}

func (j *judger) add(r Refusal, tables []tableRef) {
	j.run.cands = append(j.run.cands, candidate{Refusal: r, pos: j.pos, tables: tables})
}

// statement judges one statement of step, with its lint findings.
func (j *judger) statement(step migrate.Step, st migrate.Statement, findings []lint.Finding) {
	at := Refusal{Step: step, File: step.Revision.Filename, Line: st.Line}
	if incompleteBackfill(st) {
		r := at
		r.Message = "incomplete backfill: complete the backfill block and delete its TODO comments"
		j.add(r, nil)
	}
	sums := summarize(st.SQL)
	var written []sqlddl.Name
	for _, s := range sums {
		written = append(written, lint.Tables(*s)...)
	}
	// One refusal per kind per statement: retort's own comment says it in
	// the plan's words, lint's finding where there is none. A hazard only
	// about tables this revision created is let through.
	kinds := map[string]bool{}
	for _, h := range hazardComments(st.SQL) {
		kind, sev, msg, ok := parseHazard(h)
		if !ok {
			continue
		}
		j.carried[kind] = true
		tables := j.refs(written)
		if sev != render.SeverityDanger || kinds[kind] || len(written) > 0 && len(tables) == 0 {
			continue
		}
		kinds[kind] = true
		r := at
		r.Kind, r.Severity, r.Message = kind, sev, msg
		j.add(r, tables)
	}
	for _, f := range findings {
		if f.Kind == "" {
			continue
		}
		j.carried[f.Kind] = true
		tables := j.refs(f.Tables)
		if f.Severity != lint.Danger || kinds[f.Kind] || len(f.Tables) > 0 && len(tables) == 0 {
			continue
		}
		kinds[f.Kind] = true
		r := at
		r.Kind, r.Severity, r.Message = f.Kind, f.Severity, f.Message+" (lint "+f.Rule+")"
		j.add(r, tables)
	}
	j.learn(sums)
}

// refs returns the tables of names as the gate judges them, leaving out
// those the statement's revision created.
func (j *judger) refs(names []sqlddl.Name) []tableRef {
	var out []tableRef
	for _, n := range names {
		k := keyOf(n)
		if j.bornHere[k] {
			continue
		}
		if at, ok := j.born[k]; ok {
			out = append(out, tableRef{key: k, created: true, createdAt: at})
		} else if old, ok := j.renamed[k]; ok {
			out = append(out, tableRef{key: old})
		} else {
			out = append(out, tableRef{key: k})
		}
	}
	return out
}

// learn records what a statement changes for the statements after it: the
// tables it creates or renames, and whether it may add rows.
func (j *judger) learn(sums []*sqlddl.Summary) {
	if sums == nil { // unparsable: it may do anything
		j.run.adds = append(j.run.adds, j.pos)
		return
	}
	for _, s := range sums {
		if slices.Contains(addingKinds, s.Kind) {
			j.run.adds = append(j.run.adds, j.pos)
		}
		switch {
		case s.Kind == "CreateStmt":
			k := keyOf(s.Table)
			j.bornHere[k], j.born[k] = true, j.pos
			delete(j.renamed, k)
		case s.Rename != nil && s.Rename.Object == "table":
			from := keyOf(s.Table)
			to := tableKey{from.schema, s.Rename.NewName}
			if at, ok := j.born[from]; ok {
				j.born[to] = at
			} else if old, ok := j.renamed[from]; ok {
				j.renamed[to] = old
			} else {
				j.renamed[to] = from
			}
			j.bornHere[to] = j.bornHere[from]
			delete(j.born, from)
			delete(j.renamed, from)
			delete(j.bornHere, from)
		}
	}
}

// summarize says what each statement of a text does; nil when pg_query
// cannot parse it.
func summarize(sql string) []*sqlddl.Summary {
	parsed, err := sqlddl.Split("", []byte(sql))
	if err != nil {
		return nil
	}
	out := []*sqlddl.Summary{}
	for _, p := range parsed {
		s, err := sqlddl.Summarize(p.Text)
		if err != nil {
			return nil
		}
		out = append(out, &s)
	}
	return out
}

// stmtAt places a statement: its step and its index in the step's body.
type stmtAt struct{ step, index int }

// lineSpan spaces the statements of a body apart in the lines lint is
// given, so that a finding's line says which statement it is about even
// when the revision's statements carry no lines (built in code) or a
// statement's text holds several.
const lineSpan = 1 << 20

// lintSteps runs lint over the bodies the steps run, in order (a table an
// earlier step creates exists in a later one), as retort's runner runs
// them: in one transaction unless a statement cannot run in one, under
// its lock_timeout. It returns the findings by statement.
func lintSteps(steps []migrate.Step) map[stmtAt][]lint.Finding {
	revs := make([]lint.Revision, len(steps))
	for i, step := range steps {
		stmts := step.Revision.Up
		if step.Direction == migrate.Down {
			stmts = step.Revision.Down
		}
		// The file names a step's findings: a step number, since one run
		// may hold files of the same name in two directories' layouts.
		rev := lint.Revision{File: fmt.Sprint(i), RunnerSetsLockTimeout: true}
		inTx := migrate.Transactional(stmts)
		for j, s := range stmts {
			rev.Statements = append(rev.Statements, lint.Statement{SQL: s.SQL, Line: (j + 1) * lineSpan, Col: 1, InTransaction: inTx})
		}
		revs[i] = rev
	}
	out := map[stmtAt][]lint.Finding{}
	for _, f := range lint.Check(revs) {
		var step int
		if _, err := fmt.Sscan(f.File, &step); err != nil {
			continue
		}
		k := stmtAt{step, f.Line/lineSpan - 1}
		out[k] = append(out[k], f)
	}
	return out
}
