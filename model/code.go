package model

import "strings"

// View is a view or a materialized view.
type View struct {
	QName
	Materialized bool `json:"materialized,omitempty"`
	// Definition is pg_get_viewdef's text: the query, without CREATE VIEW.
	Definition string `json:"definition"`
	// Columns are the view's output columns, for comments and for the
	// placeholder that breaks a cycle between views.
	Columns []ViewColumn `json:"columns"`
	// CheckOption is "local" or "cascaded" for WITH CHECK OPTION views.
	CheckOption string   `json:"check_option,omitempty"`
	Options     []string `json:"options,omitempty"` // reloptions, e.g. security_barrier=true
	// WithNoData is true for a materialized view that is not populated.
	WithNoData bool    `json:"with_no_data,omitempty"`
	Tablespace string  `json:"tablespace,omitempty"`
	Indexes    []Index `json:"indexes,omitempty"` // materialized views only
	Owner      string  `json:"owner,omitempty"`
	Comment    string  `json:"comment,omitempty"`
	Grants     []Grant `json:"grants,omitempty"`
	// Deps are the objects the query reads or calls.
	Deps []ObjectRef `json:"deps,omitempty"`
}

// ViewColumn is an output column of a view.
type ViewColumn struct {
	Name      string  `json:"name"`
	Type      string  `json:"type"`
	Collation string  `json:"collation,omitempty"`
	Default   string  `json:"default,omitempty"` // views can have column defaults
	Comment   string  `json:"comment,omitempty"`
	Grants    []Grant `json:"grants,omitempty"`
}

// FunctionKind is pg_proc.prokind.
type FunctionKind string

// The kinds of routine a Function can be.
const (
	KindPlainFunction FunctionKind = "f"
	KindProcedure     FunctionKind = "p"
	KindWindow        FunctionKind = "w"
)

// Function is a function or procedure. Its key is QName plus IdentityArgs.
type Function struct {
	QName
	Kind FunctionKind `json:"kind"`
	// IdentityArgs is pg_get_function_identity_arguments: what tells
	// overloads apart, e.g. "a integer, b text".
	IdentityArgs string `json:"identity_args"`
	// Args is pg_get_function_arguments: with defaults and modes.
	Args string `json:"args"`
	// Result is pg_get_function_result, e.g. "SETOF public.film"; empty for
	// procedures.
	Result   string `json:"result,omitempty"`
	Language string `json:"language"`
	// Definition is pg_get_functiondef's text: the whole CREATE OR REPLACE
	// statement, which recreates the function exactly.
	Definition      string      `json:"definition"`
	Volatility      string      `json:"volatility,omitempty"` // i, s or v
	Strict          bool        `json:"strict,omitempty"`
	SecurityDefiner bool        `json:"security_definer,omitempty"`
	Leakproof       bool        `json:"leakproof,omitempty"`
	Parallel        string      `json:"parallel,omitempty"` // s, r or u
	Owner           string      `json:"owner,omitempty"`
	Comment         string      `json:"comment,omitempty"`
	Grants          []Grant     `json:"grants,omitempty"`
	Deps            []ObjectRef `json:"deps,omitempty"`
}

// Aggregate is a user-defined aggregate (pg_aggregate). Its key is QName plus
// IdentityArgs.
type Aggregate struct {
	QName
	IdentityArgs string `json:"identity_args"`
	Args         string `json:"args"`
	// Kind is aggkind: n (normal), o (ordered-set) or h (hypothetical-set).
	Kind string `json:"kind"`
	// NumDirectArgs is the number of direct arguments of an ordered-set
	// aggregate.
	NumDirectArgs int `json:"num_direct_args,omitempty"`
	// The support functions are regproc texts, empty when absent.
	SFunc        string      `json:"sfunc"`
	SType        string      `json:"stype"`
	SSpace       int         `json:"sspace,omitempty"`
	FinalFunc    string      `json:"finalfunc,omitempty"`
	FinalExtra   bool        `json:"finalfunc_extra,omitempty"`
	FinalModify  string      `json:"finalfunc_modify,omitempty"`
	CombineFunc  string      `json:"combinefunc,omitempty"`
	SerialFunc   string      `json:"serialfunc,omitempty"`
	DeserialFunc string      `json:"deserialfunc,omitempty"`
	InitCond     *string     `json:"initcond,omitempty"`
	MSFunc       string      `json:"msfunc,omitempty"`
	MInvFunc     string      `json:"minvfunc,omitempty"`
	MSType       string      `json:"mstype,omitempty"`
	MSSpace      int         `json:"msspace,omitempty"`
	MFinalFunc   string      `json:"mfinalfunc,omitempty"`
	MFinalExtra  bool        `json:"mfinalfunc_extra,omitempty"`
	MFinalModify string      `json:"mfinalfunc_modify,omitempty"`
	MInitCond    *string     `json:"minitcond,omitempty"`
	SortOp       string      `json:"sortop,omitempty"`
	Parallel     string      `json:"parallel,omitempty"`
	Owner        string      `json:"owner,omitempty"`
	Comment      string      `json:"comment,omitempty"`
	Grants       []Grant     `json:"grants,omitempty"`
	Deps         []ObjectRef `json:"deps,omitempty"`
}

// Trigger is a trigger on a table or view, constraint triggers included.
type Trigger struct {
	Table QName  `json:"table"`
	Name  string `json:"name"`
	// Definition is pg_get_triggerdef's text: the whole CREATE TRIGGER.
	Definition string `json:"definition"`
	// Function is the trigger function's regprocedure text.
	Function   string `json:"function"`
	Constraint bool   `json:"constraint,omitempty"`
	// Enabled is tgenabled: O (origin, the default), D (disabled), R
	// (replica), A (always).
	Enabled string      `json:"enabled,omitempty"`
	Comment string      `json:"comment,omitempty"`
	Deps    []ObjectRef `json:"deps,omitempty"`
}

// EventTrigger is an event trigger.
type EventTrigger struct {
	Name     string   `json:"name"`
	Event    string   `json:"event"`
	Tags     []string `json:"tags,omitempty"`
	Function string   `json:"function"` // regproc text
	Enabled  string   `json:"enabled,omitempty"`
	Owner    string   `json:"owner,omitempty"`
	Comment  string   `json:"comment,omitempty"`
}

// Rule is a rewrite rule on a table or view (the _RETURN rules of views are
// part of the view).
type Rule struct {
	Table QName  `json:"table"`
	Name  string `json:"name"`
	// Definition is pg_get_ruledef's text: the whole CREATE RULE.
	Definition string      `json:"definition"`
	Enabled    string      `json:"enabled,omitempty"`
	Comment    string      `json:"comment,omitempty"`
	Deps       []ObjectRef `json:"deps,omitempty"`
}

// Policy is a row-level security policy.
type Policy struct {
	Table      QName       `json:"table"`
	Name       string      `json:"name"`
	Permissive bool        `json:"permissive"`
	Command    string      `json:"command"` // ALL, SELECT, INSERT, UPDATE, DELETE
	Roles      []string    `json:"roles"`   // "public" for PUBLIC
	Using      string      `json:"using,omitempty"`
	WithCheck  string      `json:"with_check,omitempty"`
	Comment    string      `json:"comment,omitempty"`
	Deps       []ObjectRef `json:"deps,omitempty"`
}

// ForeignDataWrapper is a foreign-data wrapper that no extension owns.
type ForeignDataWrapper struct {
	Name      string   `json:"name"`
	Handler   string   `json:"handler,omitempty"`   // regproc text
	Validator string   `json:"validator,omitempty"` // regproc text
	Options   []string `json:"options,omitempty"`
	Owner     string   `json:"owner,omitempty"`
	Comment   string   `json:"comment,omitempty"`
	Grants    []Grant  `json:"grants,omitempty"`
}

// ForeignServer is a foreign server.
type ForeignServer struct {
	Name    string   `json:"name"`
	Wrapper string   `json:"wrapper"`
	Type    string   `json:"type,omitempty"`
	Version string   `json:"version,omitempty"`
	Options []string `json:"options,omitempty"`
	Owner   string   `json:"owner,omitempty"`
	Comment string   `json:"comment,omitempty"`
	Grants  []Grant  `json:"grants,omitempty"`
}

// UserMapping maps a role (or PUBLIC, as "public") to options on a server.
// Option values are kept, passwords included, because the mapping cannot be
// recreated without them and a changed password is a change; what prints a
// schema leaves them out unless asked (see [SecretOption]).
type UserMapping struct {
	Server  string   `json:"server"`
	User    string   `json:"user"`
	Options []string `json:"options,omitempty"`
}

// SecretOption reports whether an option, written "key=value" as
// PostgreSQL stores it, holds a secret: a password given to a foreign
// server (postgres_fdw's password, libpq's sslpassword).
func SecretOption(opt string) bool {
	k, _, _ := strings.Cut(opt, "=")
	return strings.EqualFold(k, "password") || strings.EqualFold(k, "sslpassword")
}

// HideSecrets removes the secret options of every user mapping of s (see
// [SecretOption]) and returns how many it removed. Call it on a schema
// that is about to be printed, never on one that is compared.
func (s *Schema) HideSecrets() int {
	n := 0
	for i := range s.UserMappings {
		m := &s.UserMappings[i]
		kept := m.Options[:0:0]
		for _, o := range m.Options {
			if SecretOption(o) {
				n++
				continue
			}
			kept = append(kept, o)
		}
		if len(kept) != len(m.Options) {
			m.Options = kept
		}
	}
	return n
}
