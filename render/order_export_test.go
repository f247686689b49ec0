package render

// WithPriority gives st the kind priority prio, as the statements this
// package makes carry theirs, so that the external tests of [Order] can
// check how priorities and IDs order statements.
func WithPriority(st Statement, prio int) Statement {
	st.prio = prio
	return st
}
