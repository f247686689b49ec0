// Command lockwatch measures how long retort's plans stall a busy table's
// writes (issue 14's lock-watch benchmark). On an embedded PostgreSQL it
// starts itself, for each operation and mode it loads a table of -rows rows,
// starts a writer that inserts and updates a row every 5 ms, renders the
// operation's plan as `retort revision --autogenerate` would (from the live
// database, sizes included), runs it with migrate.Upgrade's defaults
// (lock_timeout 2s, 3 tries), and reports the upgrade's time and the
// writer's longest and 99th-percentile write as a Markdown table on stdout,
// for docs/online.md. The blocked scenario runs the add CHECK plan while
// another transaction that read the table holds its lock for -hold.
//
//	go run ./internal/lockwatch -rows 1000000
//	go run ./internal/lockwatch -rows 20000 -ops 'add index,SET NOT NULL' -modes online
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/retortdb/retort/internal/devdb"
	"github.com/retortdb/retort/internal/sqlq"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "lockwatch:", err)
		os.Exit(1)
	}
}

// blockedName selects the blocked scenario in -ops.
const blockedName = "blocked"

func run() error {
	rows := flag.Int("rows", 1_000_000, "rows of the measured table (and of the table its foreign key references)")
	opsFlag := flag.String("ops", "", "comma-separated operations to run (default all): "+strings.Join(opNames(), ", ")+", "+blockedName)
	modesFlag := flag.String("modes", "plain,online", "comma-separated modes: plain, online")
	hold := flag.Duration("hold", 5*time.Second, "how long the blocked scenario's reader holds its lock (the runner's 3 tries span about 7.5s)")
	verbose := flag.Bool("v", false, "print the runner's log lines on stderr")
	flag.Parse()
	if *rows < 1 {
		return errors.New("-rows must be at least 1")
	}
	scenarios, err := plan(*opsFlag, *modesFlag, *hold)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	logf := func(f string, args ...any) { fmt.Fprintf(os.Stderr, f+"\n", args...) }
	runLog := func(string, ...any) {}
	if *verbose {
		runLog = func(f string, args ...any) { logf("  runner: "+f, args...) }
	}
	srv, err := devdb.Start(ctx, devdb.Options{Logf: logf})
	if err != nil {
		return err
	}
	defer srv.Close()
	b := bench{admin: srv.ConnString("postgres"), url: srv.ConnString, rows: *rows}
	logf("loading %d rows into the template database", *rows)
	if err := b.loadTemplate(ctx); err != nil {
		return err
	}
	var results []Result
	for i, s := range scenarios {
		logf("%s, %s", s.op.name, s.mode())
		res, err := b.measure(ctx, s, fmt.Sprintf("lw_run_%d", i), runLog)
		if err != nil {
			return fmt.Errorf("%s, %s: %w", s.op.name, s.mode(), err)
		}
		if res.Err != nil {
			logf("  upgrade failed: %v", res.Err)
		}
		if res.Writer.Err != nil {
			logf("  %d writes failed, the first: %v", res.Writer.Errors, res.Writer.Err)
		}
		if res.Mismatch != "" {
			logf("  the database after the upgrade differs from the wanted schema: %s", res.Mismatch)
		}
		results = append(results, res)
	}
	return writeTable(os.Stdout, *rows, results)
}

// opNames lists the operations' names.
func opNames() []string {
	var out []string
	for _, o := range ops {
		out = append(out, o.name)
	}
	return out
}

// plan returns the scenarios the flags select, in report order.
func plan(opsFlag, modesFlag string, hold time.Duration) ([]scenario, error) {
	var modes []bool
	for _, m := range strings.Split(modesFlag, ",") {
		switch strings.TrimSpace(m) {
		case "plain":
			modes = append(modes, false)
		case "online":
			modes = append(modes, true)
		default:
			return nil, fmt.Errorf("-modes: unknown mode %q (plain, online)", m)
		}
	}
	want := map[string]bool{}
	if opsFlag != "" {
		for _, n := range strings.Split(opsFlag, ",") {
			n = strings.TrimSpace(n)
			if n != blockedName && !slices.Contains(opNames(), n) {
				return nil, fmt.Errorf("-ops: unknown operation %q (%s, %s)", n, strings.Join(opNames(), ", "), blockedName)
			}
			want[n] = true
		}
	}
	var out []scenario
	for _, o := range ops {
		if len(want) == 0 || want[o.name] {
			for _, online := range modes {
				out = append(out, scenario{op: o, online: online})
			}
		}
	}
	if len(want) == 0 || want[blockedName] {
		i := slices.IndexFunc(ops, func(o op) bool { return o.name == blockedOp })
		for _, online := range modes {
			out = append(out, scenario{op: ops[i], online: online, hold: hold})
		}
	}
	return out, nil
}

// A bench is the server the scenarios run on.
type bench struct {
	admin string                 // the maintenance database
	url   func(db string) string // a database's URL
	rows  int
}

// template is the database each scenario's database is copied from.
const template = "lw_template"

// loadTemplate creates the template database with the loaded tables.
func (b bench) loadTemplate(ctx context.Context) error {
	if err := b.exec(ctx, b.admin, "CREATE DATABASE "+sqlq.Ident(template)); err != nil {
		return err
	}
	return b.exec(ctx, b.url(template), loadSQL(b.rows)...)
}

// measure runs s on a copy of the template named db, which it drops after.
func (b bench) measure(ctx context.Context, s scenario, db string, logf func(string, ...any)) (Result, error) {
	if err := b.exec(ctx, b.admin, "CREATE DATABASE "+sqlq.Ident(db)+" TEMPLATE "+sqlq.Ident(template)+" STRATEGY FILE_COPY"); err != nil {
		return Result{}, err
	}
	res, err := s.run(ctx, b.url(db), b.rows, logf)
	return res, errors.Join(err, b.exec(context.WithoutCancel(ctx), b.admin, "DROP DATABASE "+sqlq.Ident(db)+" WITH (FORCE)"))
}

// exec runs stmts on a connection of their own to url.
func (b bench) exec(ctx context.Context, url string, stmts ...string) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	for _, q := range stmts {
		if _, err := conn.Exec(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", strings.SplitN(q, "\n", 2)[0], err)
		}
	}
	return nil
}

// writeTable prints results as a Markdown table.
func writeTable(w io.Writer, rows int, results []Result) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Table of %d rows; a writer inserts and updates a row every %v; lock_timeout 2s, 3 tries.\n\n", rows, writeInterval)
	b.WriteString("| operation | mode | statements | upgrade | retries | longest write stall | p99 write | writes | failed writes | result |\n")
	b.WriteString("|---|---|---:|---:|---:|---:|---:|---:|---:|---|\n")
	for _, r := range results {
		result := "ok"
		switch {
		case r.Err != nil:
			result = "upgrade failed"
		case r.Mismatch != "":
			result = "schema differs"
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %s | %d | %s | %s | %d | %d | %s |\n", r.Op, r.Mode, r.Statements,
			ms(r.Upgrade), r.Retries, ms(r.Writer.Max), ms(r.Writer.P99), r.Writer.Writes, r.Writer.Errors, result)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// ms formats d in milliseconds, to a tenth below 10 ms, or in seconds from
// 10 s up.
func ms(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
	}
	return fmt.Sprintf("%d ms", d.Milliseconds())
}
