package render

import (
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render/internal/ddl"
)

// The object DDL (the builder, the statements it makes and their one
// ordering) lives in render/internal/ddl, apart from the planner; these are
// its names that belong to render's API.

// Statement is one SQL statement of a plan, with what it needs and what it
// makes, so that [Order] can put a set of them in an order that runs.
type Statement = ddl.Statement

// Hazard is a risk that running a statement carries, such as data loss or
// a long lock.
type Hazard = ddl.Hazard

// Severity grades a [Hazard] or a lint finding.
type Severity = ddl.Severity

// Options choose what [CreateStatements] and [SchemaSQL] emit besides the
// objects themselves.
type Options = ddl.Options

// CycleError reports statements that require each other, so that no order
// runs them all.
type CycleError = ddl.CycleError

// ErrDuplicateID is returned by [Order] when two statements share an ID:
// the order would then depend on the order of the input.
var ErrDuplicateID = ddl.ErrDuplicateID

// The severities, from least to most serious.
const (
	// SeverityInfo: worth knowing, no risk to a running application.
	SeverityInfo = ddl.SeverityInfo
	// SeverityWarning: a brief lock or a step that needs a hand, whose risk
	// a setting (lock_timeout) or a reviewer's edit bounds.
	SeverityWarning = ddl.SeverityWarning
	// SeverityDanger: data that goes away, or a lock held for a time that
	// grows with the table (a scan, a rewrite, an index build).
	SeverityDanger = ddl.SeverityDanger
)

// The kinds of [Hazard] a plan's statements carry; ddl documents each.
const (
	HazardDataLoss              = ddl.HazardDataLoss
	HazardTableRewrite          = ddl.HazardTableRewrite
	HazardExclusiveLock         = ddl.HazardExclusiveLock
	HazardShareRowExclusiveLock = ddl.HazardShareRowExclusiveLock
	HazardIndexBuild            = ddl.HazardIndexBuild
	HazardNonTransactional      = ddl.HazardNonTransactional
	HazardNotNullNoDefault      = ddl.HazardNotNullNoDefault
	HazardSecretOmitted         = ddl.HazardSecretOmitted
)

// CreateStatements returns the statements that create every object of s on
// a freshly created database, which already has the schema public and the
// Extension plpgsql. The statements are unordered; [Order] puts them in an
// order that runs. A dependency cycle that cannot be broken the way pg_dump
// breaks them is returned as a [*CycleError].
func CreateStatements(s *model.Schema, opts Options) ([]Statement, error) {
	return ddl.CreateStatements(s, opts)
}

// Order sorts statements so that each comes after every statement that
// provides something it requires. It is one deterministic topological sort:
// whenever several statements could come next, the one with the lowest
// Priority comes first, then the lowest ID. Requirements on objects that no
// statement provides are taken as met, and a statement never waits on
// itself. A cycle is reported as a [*CycleError] naming its objects; two
// statements with one ID as an error wrapping [ErrDuplicateID].
func Order(stmts []Statement) ([]Statement, error) { return ddl.Order(stmts) }

// ParseSeverity reads a severity by its name.
func ParseSeverity(s string) (Severity, error) { return ddl.ParseSeverity(s) }

// KindSeverity is the severity of a hazard of kind when the place that
// made it did not say (and of the hazard lines of revisions written before
// hazards had a severity).
func KindSeverity(kind string) Severity { return ddl.KindSeverity(kind) }

// SummarizeHazards writes one line per hazard kind of hazards, in the order
// the kinds first appear, for a revision's header.
func SummarizeHazards(hazards []Hazard) []string { return ddl.SummarizeHazards(hazards) }
