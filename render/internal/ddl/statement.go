package ddl

import (
	"fmt"
	"slices"
	"strings"

	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
)

// Statement is one SQL statement of a plan, with what it needs and what it
// makes, so that [Order] can put a set of them in an order that runs.
type Statement struct {
	// SQL is one statement, ending in ";".
	SQL string
	// Transactional is false for what cannot run in a transaction block,
	// such as CREATE INDEX CONCURRENTLY, or must run in a transaction of its
	// own, such as VALIDATE CONSTRAINT in an online plan.
	Transactional bool
	// Backfill marks the template of a data step that a reviewer completes
	// (its TODO lines say where) before the plan can run.
	Backfill bool
	// Hazards are the risks of running the statement; empty for plain
	// creates.
	Hazards []Hazard
	// Provides lists what exists after the statement runs. When several
	// statements provide the same object (a table and the statement that
	// attaches it as a partition, say), the object is complete only once all
	// of them have run.
	Provides []model.ObjectRef
	// Requires lists what must exist before the statement runs. A
	// requirement that no statement provides is taken as already met: it
	// is in pg_catalog, in an extension, or in the database already.
	Requires []model.ObjectRef
	// ID identifies the statement within its plan and breaks ties in
	// [Order]. The statements retort makes start it with their kind
	// priority as a decimal number, e.g. "12 table public.film", which keeps
	// IDs of different kinds apart; [Order] reads the priority from its own
	// field, never from the ID.
	ID string

	// prio is the kind priority (one of the prio constants): [Order] puts
	// statements of a lower priority first wherever dependencies leave a
	// choice. It is 0 for statements made outside this package.
	Priority int
	// Removed marks a statement the planner left out of its plan after
	// adding it (a partition's index that attaching the partition makes).
	Removed bool
	// ProvTokens and reqTokens are the ordering tokens the statement
	// provides and requires: steps of the plan that are not objects, such
	// as "the name of table a is free" (see [TokenKind]).
	ProvTokens, ReqTokens []Token
}

// Hazard is a risk that running a statement carries, such as data loss or
// a long lock.
type Hazard struct {
	// Kind is a short machine-readable word, e.g. "data-loss".
	Kind string `json:"kind"`
	// Severity says how much the risk weighs: [SeverityInfo],
	// [SeverityWarning] or [SeverityDanger].
	Severity Severity `json:"severity"`
	// Message explains the risk to a person.
	Message string `json:"message"`

	// Table is the table a lock hazard locks, so that the plan can add how
	// big it is once it knows. It is not part of the JSON, whose message
	// names the table already.
	Table model.QName `json:"-"`
	// Brief marks the hazard of a catalog-only change under an ACCESS
	// EXCLUSIVE lock: a statement that also scans or rewrites under that
	// lock says so in its other hazard, and keeps one hazard per cause.
	Brief bool `json:"-"`
}

// Severity grades a [Hazard] or a lint finding.
type Severity string

// The severities, from least to most serious.
const (
	// SeverityInfo: worth knowing, no risk to a running application.
	SeverityInfo Severity = "info"
	// SeverityWarning: a brief lock or a step that needs a hand, whose risk
	// a setting (lock_timeout) or a reviewer's edit bounds.
	SeverityWarning Severity = "warning"
	// SeverityDanger: data that goes away, or a lock held for a time that
	// grows with the table (a scan, a rewrite, an index build).
	SeverityDanger Severity = "danger"
)

// Rank orders severities: 0 for an unknown one, then info, warning, danger.
func (s Severity) Rank() int {
	switch s {
	case SeverityInfo:
		return 1
	case SeverityWarning:
		return 2
	case SeverityDanger:
		return 3
	}
	return 0
}

// ParseSeverity reads a severity by its name.
func ParseSeverity(s string) (Severity, error) {
	if v := Severity(strings.ToLower(strings.TrimSpace(s))); v.Rank() > 0 {
		return v, nil
	}
	return "", fmt.Errorf("unknown severity %q (want info, warning or danger)", s)
}

// KindSeverity is the severity of a hazard of kind when the place that
// made it did not say (and of the hazard lines of revisions written before
// hazards had a severity): a lock is a warning because it is brief unless
// the hazard says it scans (and is made a danger there).
func KindSeverity(kind string) Severity {
	switch kind {
	case HazardDataLoss, HazardTableRewrite, HazardIndexBuild, HazardNotNullNoDefault:
		return SeverityDanger
	case HazardExclusiveLock, HazardShareRowExclusiveLock, HazardSecretOmitted:
		return SeverityWarning
	}
	return SeverityInfo
}

// RateHazards gives each hazard of stmts its severity, and drops the brief
// lock hazard of a statement whose other hazard already holds that lock for
// a scan or a rewrite (one hazard per cause), moving the locked table onto
// that hazard so that its size is still told.
func RateHazards(stmts []Statement) {
	for i := range stmts {
		hz := stmts[i].Hazards
		for j := range hz {
			if hz[j].Severity == "" {
				hz[j].Severity = KindSeverity(hz[j].Kind)
			}
		}
		long := -1
		for j, h := range hz {
			if h.Severity == SeverityDanger && (h.Kind == HazardTableRewrite || h.Kind == HazardExclusiveLock || h.Kind == HazardShareRowExclusiveLock) {
				long = j
				break
			}
		}
		if long < 0 {
			continue
		}
		kept := hz[:0]
		for _, h := range hz {
			if h.Brief {
				if hz[long].Table == (model.QName{}) {
					hz[long].Table = h.Table
				}
				continue
			}
			kept = append(kept, h)
		}
		stmts[i].Hazards = kept
	}
}

// Text writes the hazard as comments and headers show it:
// "KIND (SEVERITY): MESSAGE".
func (h Hazard) Text() string {
	sev := h.Severity
	if sev == "" {
		sev = KindSeverity(h.Kind)
	}
	return h.Kind + " (" + string(sev) + "): " + h.Message
}

// SummarizeHazards writes one line per hazard kind of hazards, in the order
// the kinds first appear, for a revision's header: the kind's highest
// severity and its distinct messages (the first few, and how many more the
// statements' own comments hold).
func SummarizeHazards(hazards []Hazard) []string {
	const shown = 3
	type group struct {
		kind string
		sev  Severity
		msgs []string
	}
	var groups []*group
	byKind := map[string]*group{}
	for _, h := range hazards {
		g := byKind[h.Kind]
		if g == nil {
			g = &group{kind: h.Kind}
			byKind[h.Kind] = g
			groups = append(groups, g)
		}
		sev := h.Severity
		if sev == "" {
			sev = KindSeverity(h.Kind)
		}
		if sev.Rank() > g.sev.Rank() {
			g.sev = sev
		}
		if !slices.Contains(g.msgs, h.Message) {
			g.msgs = append(g.msgs, h.Message)
		}
	}
	out := make([]string, 0, len(groups))
	for _, g := range groups {
		msgs := g.msgs
		more := ""
		if len(msgs) > shown {
			more = fmt.Sprintf("; and %d more (see the statements' hazard comments)", len(msgs)-shown)
			msgs = msgs[:shown]
		}
		out = append(out, Hazard{Kind: g.kind, Severity: g.sev, Message: strings.Join(msgs, "; ") + more}.Text())
	}
	return out
}

// The kinds of [Hazard] a plan's statements carry.
const (
	// HazardDataLoss: the statement drops data (a table, a column, a
	// schema) or may not keep every value (a narrowing type change, enum
	// labels that go away); down cannot bring it back.
	HazardDataLoss = "data-loss"
	// HazardTableRewrite: the statement rewrites the table (a type change
	// that is not binary coercible, a column with a volatile default or an
	// identity, SET LOGGED), which takes time and disk in proportion to it.
	HazardTableRewrite = "table-rewrite"
	// HazardExclusiveLock: the statement holds an ACCESS EXCLUSIVE lock on
	// a table that exists, blocking its reads and writes, or scans it
	// under one.
	HazardExclusiveLock = "access-exclusive-lock"
	// HazardShareRowExclusiveLock: the statement holds a SHARE ROW
	// EXCLUSIVE lock on a table that exists, blocking its writes (not its
	// reads), or checks its rows under one: a foreign key added to it,
	// which locks the referenced table too.
	HazardShareRowExclusiveLock = "share-row-exclusive-lock"
	// HazardIndexBuild: the statement builds an index on a table that
	// exists, blocking its writes while it builds.
	HazardIndexBuild = "index-build"
	// HazardNonTransactional: the statement runs outside the plan's
	// transaction blocks, so the plan does not apply all or nothing.
	HazardNonTransactional = "non-transactional"
	// HazardNotNullNoDefault: the statement adds a NOT NULL column without
	// a default to a table that exists, which fails if the table has rows:
	// a danger when the source says it has rows or cannot say, a warning
	// when it estimates the table empty.
	HazardNotNullNoDefault = "not-null-no-default"
	// HazardSecretOmitted: the statement creates a user mapping without
	// its password, which retort does not print unless asked: the mapping
	// needs it added by hand.
	HazardSecretOmitted = "secret-omitted"
)

// The kind priorities that start statement IDs: the order pg_dump uses for
// a whole schema, which [Order] follows wherever dependencies leave a choice.
const (
	prioDropPublic    = 0
	PrioSchema        = 1
	PrioExtension     = 2
	PrioCollation     = 3
	PrioType          = 4
	PrioFunction      = 5
	PrioAggregate     = 6
	PrioCast          = 7
	PrioFDW           = 8
	PrioServer        = 9
	PrioUserMapping   = 10
	PrioSequence      = 11
	PrioTable         = 12
	PrioTableAttach   = 13
	PrioSequenceOwned = 14
	PrioDefault       = 15
	PrioView          = 16
	PrioMatView       = 17
	PrioConstraint    = 18
	PrioIndex         = 19
	PrioIndexAttach   = 20
	PrioStatistics    = 21
	PrioForeignKey    = 22
	PrioTrigger       = 23
	PrioRule          = 24
	PrioPolicy        = 25
	PrioComment       = 26
	prioOwner         = 27
	PrioGrant         = 28
	PrioEventTrigger  = 29
)

// StmtID builds a statement ID from a priority and words naming the
// statement; names in it are quoted as in SQL, so that IDs are unique. The
// statement's prio field must be set to the same priority.
func StmtID(prio int, words ...string) string {
	return fmt.Sprintf("%02d %s", prio, strings.Join(words, " "))
}

// DropPrio is the priority of drop statements: they come before every
// create, and among them the word that [DropID] writes orders them.
const DropPrio = prioDropPublic

// DropID builds the ID of a drop statement, of priority dropPrio. Its
// first word after "drop" orders drops among themselves: the reverse of
// the create priority of the object's kind, in two digits, so that the
// drops of dependent kinds (triggers, foreign keys, views) come before
// those of the kinds they depend on. It is the one place that turns a kind
// priority into a drop's place.
func DropID(kindPrio int, words ...string) string {
	return StmtID(DropPrio, append([]string{"drop", fmt.Sprintf("%02d", 40-kindPrio)}, words...)...)
}

// EnsureSemicolon trims trailing space from a statement and makes it end in
// exactly one ";".
func EnsureSemicolon(sql string) string {
	sql = strings.TrimRight(sql, " \t\r\n")
	for strings.HasSuffix(sql, ";") {
		sql = strings.TrimRight(strings.TrimSuffix(sql, ";"), " \t\r\n")
	}
	return sql + ";"
}

// Annotated returns the statement as scripts and revision files write it:
// each hazard as a "-- hazard: KIND (SEVERITY): MESSAGE" comment line, then
// the SQL.
// A hazard's text is folded onto its line ([sqlq.CommentText]): it holds
// names from the schema, and a line end in one would end the comment and
// turn the rest of the name into SQL that runs.
func (st Statement) Annotated() string {
	var b strings.Builder
	for _, h := range st.Hazards {
		b.WriteString("-- hazard: " + sqlq.CommentText(h.Text()) + "\n")
	}
	b.WriteString(strings.TrimSpace(st.SQL))
	return b.String()
}
