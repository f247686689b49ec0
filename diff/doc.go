// Package diff compares two schemas and says what changed, as a closed set of
// typed changes that each hold the old and the new object.
//
// Compare is pure: no SQL, no I/O. Because every change carries both sides,
// the renderer can write the up statement, the down statement, the hazards
// and the review text without a second look at any database; [Invert]
// turns the changes around, for the down direction.
//
//	changes, err := diff.Compare(from, to, diff.Options{})
//	for _, c := range changes {
//		fmt.Println(c.Op(), c.Ref())
//	}
package diff
