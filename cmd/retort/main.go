// Command retort compares a declared PostgreSQL schema with a real database
// and writes the difference as reviewable, reversible migrations.
//
// See DESIGN.md and README.md for the commands; `retort help` lists them.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// Exit codes (DESIGN.md, "Commands and exit codes").
const (
	exitOK      = 0
	exitError   = 1
	exitChanges = 2
)

// errChanges is returned by commands that succeed but found changes or drift;
// it maps to exit code 2 and prints nothing.
var errChanges = errors.New("changes found")

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run executes one command line and returns the process exit code. Ctrl-C
// and SIGTERM cancel the context, so every deferred cleanup (scratch
// databases, the embedded server) still runs before we exit.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	root.SetIn(stdin)
	err := root.ExecuteContext(ctx)
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errChanges):
		return exitChanges
	case ctx.Err() != nil:
		fmt.Fprintln(stderr, "retort: interrupted")
		return exitError
	default:
		fmt.Fprintf(stderr, "retort: %s\n", oneLine(err.Error()))
		return exitError
	}
}

// oneLine folds a multi-line error (pgx lists each address it tried on its
// own line) into the single line that DESIGN.md promises on stderr.
func oneLine(msg string) string {
	lines := strings.Split(strings.TrimSpace(msg), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	return strings.Join(lines, " ")
}
