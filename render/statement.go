package render

import (
	"fmt"
	"strings"

	"github.com/retortdb/retort/model"
)

// Statement is one SQL statement of a plan, with what it needs and what it
// makes, so that [Order] can put a set of them in an order that runs.
type Statement struct {
	// SQL is one statement, ending in ";".
	SQL string
	// Transactional is false for what cannot run in a transaction block,
	// such as CREATE INDEX CONCURRENTLY.
	Transactional bool
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
	// [Order]. It starts with the statement's kind priority as a decimal
	// number, e.g. "12 table public.film", so that statements of one kind
	// come out together when the dependencies allow it.
	ID string
}

// Hazard is a risk that running a statement carries, such as data loss or
// a long lock.
type Hazard struct {
	// Kind is a short machine-readable word, e.g. "data-loss".
	Kind string `json:"kind"`
	// Message explains the risk to a person.
	Message string `json:"message"`

	// table is the table an access-exclusive-lock hazard locks, so that
	// the plan can add how big it is once it knows.
	table model.QName
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
	// HazardIndexBuild: the statement builds an index on a table that
	// exists, blocking its writes while it builds.
	HazardIndexBuild = "index-build"
	// HazardNonTransactional: the statement runs outside the plan's
	// transaction blocks, so the plan does not apply all or nothing.
	HazardNonTransactional = "non-transactional"
	// HazardSecretOmitted: the statement creates a user mapping without
	// its password, which retort does not print unless asked: the mapping
	// needs it added by hand.
	HazardSecretOmitted = "secret-omitted"
)

// The kind priorities that start statement IDs: the order pg_dump uses for
// a whole schema, which [Order] follows wherever dependencies leave a choice.
const (
	prioDropPublic    = 0
	prioSchema        = 1
	prioExtension     = 2
	prioCollation     = 3
	prioType          = 4
	prioFunction      = 5
	prioAggregate     = 6
	prioCast          = 7
	prioFDW           = 8
	prioServer        = 9
	prioUserMapping   = 10
	prioSequence      = 11
	prioTable         = 12
	prioTableAttach   = 13
	prioSequenceOwned = 14
	prioDefault       = 15
	prioView          = 16
	prioMatView       = 17
	prioConstraint    = 18
	prioIndex         = 19
	prioIndexAttach   = 20
	prioForeignKey    = 21
	prioTrigger       = 22
	prioRule          = 23
	prioPolicy        = 24
	prioComment       = 25
	prioOwner         = 26
	prioGrant         = 27
	prioEventTrigger  = 28
)

// stmtID builds a statement ID from a priority and words naming the
// statement; names in it are quoted as in SQL, so that IDs are unique.
func stmtID(prio int, words ...string) string {
	return fmt.Sprintf("%02d %s", prio, strings.Join(words, " "))
}

// ensureSemicolon trims trailing space from a statement and makes it end in
// exactly one ";".
func ensureSemicolon(sql string) string {
	sql = strings.TrimRight(sql, " \t\r\n")
	for strings.HasSuffix(sql, ";") {
		sql = strings.TrimRight(strings.TrimSuffix(sql, ";"), " \t\r\n")
	}
	return sql + ";"
}
