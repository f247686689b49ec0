package gate

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/migrate"
	"github.com/retortdb/retort/render"
)

// Kinds are the hazard kinds a revision or a run can acknowledge: those of
// render's plans, which lint's rules map theirs to.
var Kinds = []string{
	render.HazardDataLoss, render.HazardTableRewrite, render.HazardIndexBuild, render.HazardExclusiveLock,
	render.HazardShareRowExclusiveLock, render.HazardNotNullNoDefault, render.HazardNonTransactional, render.HazardSecretOmitted,
}

// AllKinds, among [Options].Allow, allows every kind.
const AllKinds = "all"

// Options configure the gate.
type Options struct {
	// Allow are hazard kinds that this run lets through whatever the
	// revisions' headers say (the --allow-hazards flag); [AllKinds]
	// allows every kind. Nothing allows an incomplete backfill.
	Allow []string
}

// ParseAllow reads a comma-separated list of hazard kinds, as the
// --allow-hazards flag takes it.
func ParseAllow(list string) ([]string, error) {
	var kinds []string
	for _, k := range strings.Split(list, ",") {
		k = strings.TrimSpace(k)
		if k == "" {
			continue
		}
		if k != AllKinds && !slices.Contains(Kinds, k) {
			return nil, fmt.Errorf("unknown hazard kind %q (want %s, or %s)", k, strings.Join(Kinds, ", "), AllKinds)
		}
		kinds = append(kinds, k)
	}
	return kinds, nil
}

// New returns the gate as [migrate.Options].Gate takes it. An unknown kind
// in opts.Allow is an error.
func New(opts Options) (func(ctx context.Context, conn *pgx.Conn, steps []migrate.Step) error, error) {
	if _, err := ParseAllow(strings.Join(opts.Allow, ",")); err != nil {
		return nil, err
	}
	return func(ctx context.Context, conn *pgx.Conn, steps []migrate.Step) error {
		return Check(ctx, conn, steps, opts)
	}, nil
}

// A Refusal is one hazard, or one incomplete backfill, that stops a run.
type Refusal struct {
	Step migrate.Step
	// File and Line locate the statement; Line is 0 for a hazard line of
	// the revision's header, which no statement carries.
	File string
	Line int
	// Kind and Severity are the hazard's; Kind is "" for an incomplete
	// backfill.
	Kind     string
	Severity render.Severity
	Message  string
}

func (r Refusal) String() string {
	at := sqlq.CommentText(r.File) + ":" + strconv.Itoa(r.Line)
	if r.Line == 0 {
		at = sqlq.CommentText(r.File) + ": header"
	}
	if r.Kind == "" {
		return at + ": " + sqlq.CommentText(r.Message)
	}
	return at + ": " + r.Kind + " (" + string(r.Severity) + "): " + sqlq.CommentText(r.Message)
}

// A RefusedError is the gate's verdict on a run: every refused hazard of
// every step, found before anything ran.
type RefusedError struct {
	Direction migrate.Direction
	Refusals  []Refusal
}

func (e *RefusedError) Error() string {
	verb := "upgrade"
	if e.Direction == migrate.Down {
		verb = "downgrade"
	}
	var revs []string
	hazards, backfills := false, false
	for _, r := range e.Refusals {
		id := r.Step.Revision.ID
		if !slices.Contains(revs, id) {
			revs = append(revs, id)
		}
		if r.Kind == "" {
			backfills = true
		} else {
			hazards = true
		}
	}
	var b strings.Builder
	what := "danger hazards they do not acknowledge"
	switch {
	case hazards && backfills:
		what += ", and backfill steps not completed"
	case backfills:
		what = "backfill steps not completed"
	}
	fmt.Fprintf(&b, "%s refused, nothing ran: %s %s %s:", verb, plural(len(revs), "revision", "revisions"), strings.Join(revs, ", "), what)
	for _, r := range e.Refusals {
		b.WriteString("\n" + r.String())
	}
	if hazards {
		b.WriteString("\nafter review, acknowledge each kind with a \"-- retort:allow-hazard KIND\" line in the revision's header, " +
			"or allow it for this run with --allow-hazards KIND[,KIND…]")
	}
	if backfills {
		b.WriteString("\nnothing allows an incomplete backfill: complete the backfill block and delete its TODO comments")
	}
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Check judges the steps a run is about to apply on conn's database and
// returns a [*RefusedError] listing every refused hazard and incomplete
// backfill, or nil. It changes nothing: its queries read pg_class and
// whether tables hold rows, in transactions it rolls back.
func Check(ctx context.Context, conn *pgx.Conn, steps []migrate.Step, opts Options) error {
	allow, err := ParseAllow(strings.Join(opts.Allow, ","))
	if err != nil {
		return err
	}
	run, err := judge(steps)
	if err != nil {
		return err
	}
	var pending []candidate
	for _, c := range run.cands {
		if c.Kind == "" || !slices.Contains(allow, AllKinds) && !slices.Contains(allow, c.Kind) &&
			!slices.Contains(c.Step.Revision.AllowHazards, c.Kind) {
			pending = append(pending, c)
		}
	}
	sz := &sizer{known: map[tableKey]size{}}
	var names []tableKey
	for _, c := range pending {
		for _, t := range c.tables {
			if !t.created {
				names = append(names, t.key)
			}
		}
	}
	if err := sz.estimate(ctx, conn, names); err != nil {
		return err
	}
	var refused []Refusal
	for _, c := range pending {
		if c.Kind != "" && len(c.tables) > 0 {
			why, rows := sz.judge(ctx, conn, run, c)
			if !rows {
				continue // every table it is about is empty
			}
			c.Message += " (" + why + ")"
		}
		refused = append(refused, c.Refusal)
	}
	if len(refused) == 0 {
		return nil
	}
	return &RefusedError{Direction: steps[0].Direction, Refusals: refused}
}

// hazardLine reads a hazard as comments and headers write it: "KIND
// (SEVERITY): MESSAGE", or "KIND: MESSAGE" in revisions written before
// hazards had a severity.
var hazardLine = regexp.MustCompile(`^([a-z]+(?:-[a-z]+)*)(?: \((info|warning|danger)\))?:\s*(.*)$`)

// parseHazard reads a hazard's text; ok is false for text that is none.
func parseHazard(text string) (kind string, sev render.Severity, msg string, ok bool) {
	m := hazardLine.FindStringSubmatch(strings.TrimSpace(text))
	if m == nil {
		return "", "", "", false
	}
	sev = render.Severity(m[2])
	if sev == "" {
		sev = render.KindSeverity(m[1])
	}
	return m[1], sev, m[3], true
}

// hazardComments returns the hazards of the "-- hazard:" comments among a
// statement's leading comments.
func hazardComments(sql string) []string {
	var out []string
	for _, l := range strings.Split(sql, "\n") {
		t := strings.TrimSpace(l)
		if t == "" {
			continue
		}
		if !strings.HasPrefix(t, "--") {
			break
		}
		if h, ok := strings.CutPrefix(strings.TrimSpace(strings.TrimPrefix(t, "--")), "hazard:"); ok {
			out = append(out, h)
		}
	}
	return out
}

// todoComment marks a backfill statement the reviewer has not completed.
var todoComment = regexp.MustCompile(`--\s*TODO\b`)

// incompleteBackfill reports whether st is a backfill step a reviewer has
// not completed: marked as one ("-- retort:backfill") and holding a TODO
// comment, or holding one of the TODO comments of retort's template, which
// stay in the files of layouts that do not keep the directive.
func incompleteBackfill(st migrate.Statement) bool {
	if st.Backfill && todoComment.MatchString(st.SQL) {
		return true
	}
	return strings.Contains(st.SQL, render.BackfillReviewMark) || strings.Contains(st.SQL, render.BackfillValueMark)
}
