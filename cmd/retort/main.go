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
	"regexp"
	"slices"
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
	root.SetArgs(relativeTargets(args))
	root.SetIn(stdin)
	err := root.ExecuteContext(ctx)
	var status exitStatus
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errChanges):
		return exitChanges
	case errors.As(err, &status):
		return int(status) // another program's (retort edit), which has said why
	case ctx.Err() != nil:
		fmt.Fprintln(stderr, "retort: interrupted")
		return exitError
	default:
		fmt.Fprintf(stderr, "retort: %s\n", oneLine(err.Error()))
		return exitError
	}
}

// oneLine folds a multi-line error (pgx lists each address it tried on its
// own line) into the single line that DESIGN.md promises on stderr. The
// diagnostics of a schema file (file:line:col: …) keep a line each, as
// docs/hcl.md and docs/yaml.md show them: a file with several problems
// is read one problem a line.
func oneLine(msg string) string {
	lines := strings.Split(strings.TrimSpace(msg), "\n")
	var b strings.Builder
	for i, l := range lines {
		l = strings.TrimSpace(l)
		switch {
		case i == 0:
		case diagnosticLine.MatchString(l):
			b.WriteByte('\n')
		default:
			b.WriteByte(' ')
		}
		b.WriteString(l)
	}
	return b.String()
}

// diagnosticLine is a schema file's diagnostic: file:line:col: message,
// or the count of those left out.
var diagnosticLine = regexp.MustCompile(`^(\S+:\d+:\d+: |… and \d+ more errors)`)

// relativeTargets lets `retort downgrade -1` work as typed: cobra would read
// -1 as a flag, so a relative target of upgrade or downgrade is moved after
// "--", where it can only be an argument.
func relativeTargets(args []string) []string {
	cmd := -1
	for i, a := range args {
		if a == "upgrade" || a == "downgrade" {
			cmd = i
			break
		}
		if !strings.HasPrefix(a, "-") {
			return args
		}
	}
	if cmd < 0 {
		return args
	}
	var rest, targets []string
	for i, a := range args[cmd+1:] {
		if a == "--" {
			rest = append(rest, args[cmd+1+i:]...)
			break
		}
		if relTarget.MatchString(a) {
			targets = append(targets, a)
			continue
		}
		rest = append(rest, a)
	}
	if len(targets) == 0 {
		return args
	}
	out := append(slices.Clone(args[:cmd+1]), rest...)
	if !slices.Contains(rest, "--") {
		out = append(out, "--")
	}
	return append(out, targets...)
}

var relTarget = regexp.MustCompile(`^-\d+$`)
