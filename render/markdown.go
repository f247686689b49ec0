package render

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render/internal/ddl"
)

// MarkdownOptions say what a [Markdown] review holds besides the plan.
type MarkdownOptions struct {
	// Title heads the comment, e.g. "retort check"; it is escaped.
	Title string
	// From and To name the two sides in the summary line, e.g. "the
	// migrations head" and "schema.sql"; they are escaped.
	From, To string
	// FromUnsupported and ToUnsupported are the two sides'
	// [model.Schema.Unsupported] counts: objects seen but not compared,
	// which the notes list so that a reviewer knows the plan leaves them
	// out.
	FromUnsupported, ToUnsupported map[string]int
}

// Markdown writes a plan as a pull-request comment in GitHub-flavored
// Markdown: a summary line, a table of the changes with the hazards of the
// statements that make each one, the up and down scripts in collapsible
// blocks, and notes (possible renames, objects not compared). Every name is
// escaped, so that no object name can end a table cell, open a link or
// inject HTML, and each script's code fence is longer than any run of
// backticks inside it. An empty plan gives a comment that says so.
func Markdown(p *Plan, opts MarkdownOptions) string {
	var b strings.Builder
	title := opts.Title
	if title == "" {
		title = "retort"
	}
	fmt.Fprintf(&b, "### %s\n\n", mdText(title))
	b.WriteString(mdSummary(p, opts) + "\n")
	if len(p.Changes) > 0 {
		writeChangeTable(&b, p)
		writeMDScript(&b, "Up", p.UpSQL(), len(p.Up))
		writeMDScript(&b, "Down", p.DownSQL(), len(p.Down))
	}
	writeNotes(&b, p, opts)
	return b.String()
}

// mdSummary is the comment's first line: how many changes, of which
// operations, and how many hazards of each severity.
func mdSummary(p *Plan, opts MarkdownOptions) string {
	sides := ""
	if opts.From != "" && opts.To != "" {
		sides = " from " + mdText(opts.From) + " to " + mdText(opts.To)
	}
	if len(p.Changes) == 0 {
		return "No changes" + sides + "."
	}
	ops := map[diff.Op]int{}
	for _, c := range p.Changes {
		ops[c.Op()]++
	}
	var parts []string
	for _, op := range []diff.Op{diff.Create, diff.Alter, diff.Rename, diff.Drop} {
		if n := ops[op]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, op))
		}
	}
	s := fmt.Sprintf("**%s**%s: %s", plural(len(p.Changes), "change"), sides, strings.Join(parts, ", "))
	bySev := map[Severity]int{}
	hazards := p.Hazards()
	for _, h := range hazards {
		bySev[hazardSeverity(h)]++
	}
	if len(hazards) == 0 {
		return s + "; no hazards."
	}
	var sev []string
	for _, v := range []Severity{SeverityDanger, SeverityWarning, SeverityInfo} {
		if n := bySev[v]; n > 0 {
			sev = append(sev, fmt.Sprintf("%d %s", n, v))
		}
	}
	return s + "; " + plural(len(hazards), "hazard") + " (" + strings.Join(sev, ", ") + ")."
}

// hazardSeverity is h's severity, or its kind's when the statement that
// made it left it unset.
func hazardSeverity(h Hazard) Severity {
	if h.Severity.Rank() > 0 {
		return h.Severity
	}
	return KindSeverity(h.Kind)
}

func writeChangeTable(b *strings.Builder, p *Plan) {
	per, other := changeHazards(p)
	b.WriteString("\n| object | change | hazards |\n|---|---|---|\n")
	for i, c := range p.Changes {
		ref := c.Ref()
		fmt.Fprintf(b, "| %s %s | %s | %s |\n", mdText(string(ref.Kind)), mdText(refName(ref)), c.Op(), mdHazards(per[i]))
	}
	if len(other) > 0 {
		fmt.Fprintf(b, "| *other statements* |  | %s |\n", mdHazards(other))
	}
}

// mdHazards writes hazards into one table cell, one per line, most severe
// first.
func mdHazards(hs []Hazard) string {
	if len(hs) == 0 {
		return ""
	}
	hs = slices.Clone(hs)
	slices.SortStableFunc(hs, func(a, b Hazard) int {
		return cmp.Compare(hazardSeverity(b).Rank(), hazardSeverity(a).Rank())
	})
	var out []string
	for _, h := range hs {
		out = append(out, fmt.Sprintf("**%s** %s: %s", hazardSeverity(h), mdText(h.Kind), mdText(h.Message)))
	}
	return strings.Join(out, "<br>")
}

// changeHazards attributes the hazards of the Up statements to the changes
// they carry out: a statement belongs to the change whose object it
// provides (creates, drops or alters), or else, for a change to a part of a
// table (column, constraint, index) whose table the statement alters, to
// the one its SQL names. Hazards that fit no change are returned apart, so
// that none is left out of the review.
func changeHazards(p *Plan) (per [][]Hazard, other []Hazard) {
	per = make([][]Hazard, len(p.Changes))
	keys := make([]ddl.RefKey, len(p.Changes))
	for i, c := range p.Changes {
		keys[i] = ddl.KeyOf(c.Ref())
	}
	for _, st := range p.Up {
		if len(st.Hazards) == 0 {
			continue
		}
		provided := map[ddl.RefKey]bool{}
		for _, k := range st.ProvidedKeys() {
			provided[k] = true
		}
		best, score := []int(nil), 0
		for i, c := range p.Changes {
			s := 0
			ref := c.Ref()
			switch {
			case provided[keys[i]]:
				s = 3
			case ref.Table != "" && provided[ddl.RefKey{Family: "relation", Schema: ref.Schema, Name: ref.Table}]:
				s = 1
				if strings.Contains(st.SQL, sqlq.QuoteIdent(ref.Name)) {
					s = 2
				}
			}
			switch {
			case s > score:
				best, score = []int{i}, s
			case s == score && s > 0:
				best = append(best, i)
			}
		}
		if len(best) == 0 {
			other = append(other, st.Hazards...)
			continue
		}
		for _, i := range best {
			per[i] = append(per[i], st.Hazards...)
		}
	}
	return per, other
}

// refName is an object's full name as a reviewer reads it: schema, table
// for a part of one, name, and a routine's arguments.
func refName(r model.ObjectRef) string {
	return strings.TrimPrefix(r.String(), string(r.Kind)+" ")
}

// writeMDScript writes a script in a collapsible block.
func writeMDScript(b *strings.Builder, dir, script string, n int) {
	if script == "" {
		return
	}
	fence := codeFence(script)
	fmt.Fprintf(b, "\n<details><summary>%s SQL (%s)</summary>\n\n%ssql\n%s", dir, plural(n, "statement"), fence, script)
	if !strings.HasSuffix(script, "\n") {
		b.WriteString("\n")
	}
	fmt.Fprintf(b, "%s\n\n</details>\n", fence)
}

// codeFence is a run of backticks longer than any inside text (and at
// least three), so that nothing in the text can close the fence.
func codeFence(text string) string {
	return strings.Repeat("`", max(3, longestRun(text, '`')+1))
}

func longestRun(s string, c byte) int {
	best, n := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			n++
			best = max(best, n)
		} else {
			n = 0
		}
	}
	return best
}

func writeNotes(b *strings.Builder, p *Plan, opts MarkdownOptions) {
	var notes []string
	for _, l := range diff.PossibleRenames(p.Changes) {
		from, to := l.From.String(), l.To.String()
		if l.Kind == diff.KindColumn {
			from, to = l.Table.String()+"."+l.From.Name, l.Table.String()+"."+l.To.Name
		}
		notes = append(notes, fmt.Sprintf("Possible rename, not applied: %s %s is dropped and %s is created (%s); to rename instead, pass %s.",
			mdText(string(l.Kind)), mdText(from), mdText(to), mdText(l.Why), mdCode("--rename "+l.Hint())))
	}
	for _, side := range []struct {
		name   string
		counts map[string]int
	}{{cmp.Or(opts.From, "the source"), opts.FromUnsupported}, {cmp.Or(opts.To, "the target"), opts.ToUnsupported}} {
		if len(side.counts) == 0 {
			continue
		}
		var parts []string
		for _, k := range slices.Sorted(maps.Keys(side.counts)) {
			parts = append(parts, fmt.Sprintf("%d %s", side.counts[k], mdText(k)))
		}
		notes = append(notes, fmt.Sprintf("Not represented yet in %s, so not compared: %s.", mdText(side.name), strings.Join(parts, ", ")))
	}
	if len(notes) == 0 {
		return
	}
	b.WriteString("\n**Notes**\n\n")
	for _, n := range notes {
		b.WriteString("- " + n + "\n")
	}
}

// mdText escapes text for Markdown and HTML within a line: every ASCII
// punctuation mark GitHub gives a meaning there (emphasis, code, links,
// images, table cells, strikethrough, mentions, math, a heading's closing
// #s) is backslash-escaped, &, < and > become entities, and line breaks
// become spaces, so that a name is shown as it is and cannot end a table
// cell or open a tag. Marks that matter only at the start of a line (- + .
// =) are left alone: the writer never starts a line with escaped text.
func mdText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '\\', '`', '*', '_', '[', ']', '#', '!', '|', '~', '@', '$':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n', '\r', '\t':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mdCode writes text as an inline code span delimited by more backticks
// than any run inside it; code spans show HTML and Markdown literally.
func mdCode(s string) string {
	s = strings.NewReplacer("\n", " ", "\r", " ").Replace(s)
	fence := strings.Repeat("`", longestRun(s, '`')+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
