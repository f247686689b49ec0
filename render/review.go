package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"

	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/model"
)

// ReviewOptions steer [Review].
type ReviewOptions struct {
	// Options write both schemas' DDL, as [SchemaSQL] takes them.
	Options Options
	// Down reviews the plan's down: the diff runs from the target back to
	// the source, and the hazards are Down's.
	Down bool
	// Color paints removed, added and elided lines and the headings with
	// ANSI escapes, for a terminal.
	Color bool
	// PossibleRenames, listed after the hazards, are the drops and creates
	// that look like renames ([diff.PossibleRenames]).
	PossibleRenames []diff.PossibleRename
}

// reviewContext is how many unchanged lines the review keeps on each side
// of a change.
const reviewContext = 3

// Review writes the review text of `diff --format review` and `check`: a
// unified line diff of the DDL of both schemas, then the plan's hazards,
// then the possible renames, so that a reviewer sees the change as schema
// text rather than as ALTER statements.
func Review(w io.Writer, from, to *model.Schema, p *Plan, opts ReviewOptions) error {
	a, err := SchemaSQL(from, opts.Options)
	if err != nil {
		return err
	}
	b, err := SchemaSQL(to, opts.Options)
	if err != nil {
		return err
	}
	hazards := p.Hazards()
	if opts.Down {
		a, b = b, a
		hazards = nil
		for _, st := range p.Down {
			hazards = append(hazards, st.Hazards...)
		}
	}
	paint := func(code, s string) string {
		if !opts.Color {
			return s
		}
		return "\x1b[" + code + "m" + s + "\x1b[0m"
	}
	var out strings.Builder
	writeLineDiff(&out, a, b, paint)
	if len(hazards) > 0 {
		out.WriteString("\n" + paint("1", "Hazards:") + "\n")
		for _, h := range hazards {
			fmt.Fprintf(&out, "  %s (%s): %s\n", paint("33", h.Kind), h.Severity, h.Message)
		}
	}
	if len(opts.PossibleRenames) > 0 {
		out.WriteString("\n" + paint("1", "Possible renames (not applied; retort does not guess):") + "\n")
		for _, l := range opts.PossibleRenames {
			fmt.Fprintf(&out, "  %s\n    to rename instead, pass --rename %s\n", DescribePossibleRename(l), l.Hint())
		}
	}
	_, err = io.WriteString(w, out.String())
	return err
}

// writeLineDiff writes the lines of a and b as a unified diff without
// headers: removed lines start "-", added ones "+", unchanged ones " ", at
// most reviewContext of them on either side of a change, and "@@" stands
// for those left out between.
func writeLineDiff(out *strings.Builder, a, b string, paint func(code, s string) string) {
	dmp := diffmatchpatch.New()
	ca, cb, lines := dmp.DiffLinesToChars(a, b)
	diffs := dmp.DiffCharsToLines(dmp.DiffMain(ca, cb, false), lines)
	for i, d := range diffs {
		ls := strings.Split(strings.TrimSuffix(d.Text, "\n"), "\n")
		switch d.Type {
		case diffmatchpatch.DiffDelete:
			for _, l := range ls {
				out.WriteString(paint("31", "-"+l) + "\n")
			}
		case diffmatchpatch.DiffInsert:
			for _, l := range ls {
				out.WriteString(paint("32", "+"+l) + "\n")
			}
		default:
			head, tail := ls, []string(nil)
			if i > 0 && len(ls) > reviewContext {
				head = ls[:reviewContext]
			} else if i == 0 {
				head = nil
			}
			if i < len(diffs)-1 {
				tail = ls[max(len(ls)-reviewContext, len(head)):]
			}
			for _, l := range head {
				out.WriteString(" " + l + "\n")
			}
			if len(head)+len(tail) < len(ls) {
				out.WriteString(paint("36", "@@") + "\n")
			}
			for _, l := range tail {
				out.WriteString(" " + l + "\n")
			}
		}
	}
}

// DescribePossibleRename says, in one line, which drop and create look
// alike: "column public.t.a is dropped and public.t.b is created (why)".
func DescribePossibleRename(l diff.PossibleRename) string {
	from, to := possibleRenameNames(l)
	return fmt.Sprintf("%s %s is dropped and %s is created (%s)", l.Kind, from, to, l.Why)
}

// possibleRenameNames are the full names of a possible rename's two sides.
func possibleRenameNames(l diff.PossibleRename) (from, to string) {
	if l.Kind == diff.KindColumn {
		return l.Table.String() + "." + l.From.Name, l.Table.String() + "." + l.To.Name
	}
	return l.From.String(), l.To.String()
}
