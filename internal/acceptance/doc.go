// Package acceptance holds retort's end-to-end tests on real schemas: the
// schemas of other projects in ../shared/schemas, loaded into a real
// PostgreSQL server started by the test binary, then put through retort.
//
// It has no non-test code; the tests live here because they cross package
// boundaries (introspect, render, devdb) that the packages themselves must not.
package acceptance
