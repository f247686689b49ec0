// Package lint checks migration statements for what hurts a busy
// PostgreSQL database: locks held for a scan, a rewrite or an index build,
// data that goes away, renames and drops that break the application version
// still running, and a few style rules. It is `retort lint`'s engine.
//
// Statements are read through [sqlddl.Summarize], so this package never
// touches the parser; [Check] runs every rule of [Rules] over a list of
// revisions, oldest first, knowing which tables earlier statements created.
// A "-- retort:lint-ignore ID" comment right above a statement silences a
// rule for it.
//
// The package is public (not internal) so that an application or a CI tool
// can lint its embedded migrations as it can run them with package migrate.
//
//	rev, err := lint.FromSQL("0002.sql", []byte("CREATE INDEX i ON t (a);"), false)
//	if err != nil {
//		return err
//	}
//	for _, f := range lint.Check([]lint.Revision{rev}) {
//		fmt.Println(f) // 0002.sql:1:1: danger index-concurrently: …
//	}
//
// [sqlddl.Summarize]: https://pkg.go.dev/github.com/retortdb/retort/model/sqlddl#Summarize
package lint
