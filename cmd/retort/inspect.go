package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/retortdb/retort/internal/config"
	"github.com/retortdb/retort/internal/progress"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/model/gotag"
	"github.com/retortdb/retort/model/hcl"
	"github.com/retortdb/retort/model/yaml"
	"github.com/retortdb/retort/render"
	"github.com/retortdb/retort/source"
)

// inspectFlags are the flags of inspect.
type inspectFlags struct {
	format, goPackage       string
	schemas, exclude        []string
	filters                 func(*config.Settings)
	privileges, showSecrets bool
}

func newInspect(g *globals) *cobra.Command {
	var f inspectFlags
	cmd := &cobra.Command{
		Use:   "inspect SRC",
		Short: "Print the schema of a database or a declared schema",
		Long: `inspect reads SRC and prints its schema.

SRC is a database URL (postgres://…), a .sql file or directory (applied to a
scratch database on the dev server and read back), or "empty".

--format sql prints deterministic, dependency-ordered DDL that applies as is
under psql -v ON_ERROR_STOP=1 to a freshly created database. --format json
prints the schema model (docs/json.md). --format mermaid prints the tables,
their key columns and foreign keys as a Mermaid erDiagram (GitHub renders it
in Markdown), --format dot as a Graphviz graph (docs/diagrams.md); --schema
and --include keep a large database's diagram readable. Objects retort cannot represent yet
are counted on stderr; they do not change the exit code.`,
		Example: `  retort inspect postgres://app@localhost/app > schema.sql
  retort inspect postgres://app@localhost/app --schema app --format json
  retort inspect schema.sql`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runInspect(cmd.Context(), g, &f, args[0])
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&f.format, "format", "sql", "output format: sql, json, hcl, atlas-hcl, yaml, go, mermaid or dot")
	fs.StringVar(&f.goPackage, "package", "models", "package name of --format go")
	fs.StringSliceVar(&f.schemas, "schema", nil, "only these schemas (repeatable)")
	fs.StringSliceVar(&f.exclude, "exclude", nil, excludeUsage)
	f.filters = filterFlags(cmd)
	fs.BoolVar(&f.privileges, "privileges", false, "also print owners and grants")
	fs.BoolVar(&f.showSecrets, "show-secrets", false, "with --privileges, also print user mapping passwords")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"sql", "json", "hcl", "atlas-hcl", "yaml", "go", "mermaid", "dot"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func (f *inspectFlags) validate() error {
	switch f.format {
	case "sql", "json", "hcl", "atlas-hcl", "yaml", "go", "mermaid", "dot":
		return nil
	}
	return fmt.Errorf("--format %q: want sql, json, hcl, atlas-hcl, yaml, go, mermaid or dot", f.format)
}

// runInspect prints the schema of src.
func runInspect(ctx context.Context, g *globals, f *inspectFlags, src string) error {
	if err := f.validate(); err != nil {
		return err
	}
	s, err := g.settings()
	if err != nil {
		return err
	}
	if g.changed("privileges") {
		s.Privileges = f.privileges
	}
	f.filters(&s)
	secrets, err := secretsShown(s.Privileges, f.showSecrets)
	if err != nil {
		return err
	}
	l := g.loader(s, f.schemas, f.exclude)
	defer l.Close()
	schema, err := loadInspected(ctx, g, l, src)
	if err != nil {
		return err
	}
	if !secrets && f.format != "sql" {
		// SQL says so per statement, as a hazard; the other formats have
		// no place for it.
		if n := schema.HideSecrets(); n > 0 {
			fmt.Fprintf(g.stderr, "retort: %s left out; --privileges --show-secrets prints them\n", count(n, "user mapping password"))
		}
	}
	if !s.Privileges && (f.format == "json" || f.format == "go") {
		// Their writers have no option for it; the other formats' do.
		schema.ClearPrivileges()
	}
	ropts := render.Options{Comments: true, Owners: s.Privileges, Privileges: s.Privileges, Partial: l.Partial(), Secrets: secrets}
	if err := writeSchema(g, f, schema, ropts); err != nil {
		return err
	}
	reportUnsupported(g, "", schema)
	return nil
}

// loadInspected loads src through l, counting the catalog rows read on a
// terminal: on thousands of tables the inspection takes seconds, and it
// has no other measure of how far it is (the total is unknown until the
// end). Only for a database: a declared source's time goes into applying
// it, where the dev server's log lines would cross the count.
func loadInspected(ctx context.Context, g *globals, l *source.Loader, src string) (*model.Schema, error) {
	var bar *progress.Bar
	if spec, err := source.Parse(src); err == nil && spec.Kind == source.Database {
		bar = g.progressBar("inspect: catalog rows", 0)
		l.Inspect.Progress = bar.Add
	}
	defer bar.Done()
	schema, err := l.Load(ctx, src)
	bar.Done()
	return schema, err
}

// writeSchema prints schema in --format; ropts write --format sql.
func writeSchema(g *globals, f *inspectFlags, schema *model.Schema, ropts render.Options) error {
	var out string
	switch f.format {
	case "sql":
		var err error
		if out, err = render.SchemaSQL(schema, ropts); err != nil {
			return err
		}
	case "atlas-hcl":
		b, left, err := hcl.EncodeAtlas(schema)
		if err != nil {
			return fmt.Errorf("encode atlas-hcl: %w", err)
		}
		out = string(b)
		if len(left) > 0 {
			fmt.Fprintf(g.stderr, "retort: atlas-hcl left out %s (Atlas's open-source build does not read them)\n", hcl.LeftOutText(left))
		}
	case "mermaid":
		out = render.Mermaid(schema)
	case "dot":
		out = render.Dot(schema)
	case "json":
		if err := writeJSON(g.stdout, schema); err != nil {
			return fmt.Errorf("encode json: %w", err)
		}
	case "hcl", "yaml", "go":
		var b []byte
		var err error
		switch f.format {
		case "hcl":
			b, err = hcl.EncodeWith(schema, hcl.Options{Privileges: ropts.Privileges})
		case "yaml":
			b, err = yaml.EncodeWith(schema, yaml.Options{Privileges: ropts.Privileges})
		default:
			b, err = gotag.Write(schema, f.goPackage)
		}
		if err != nil {
			return fmt.Errorf("encode %s: %w", f.format, err)
		}
		out = string(b)
		if n := len(schema.DefaultPrivileges); n > 0 && f.format == "go" {
			// Read and compared (with --privileges), but Go struct tags
			// have no way to write them yet.
			fmt.Fprintf(g.stderr, "retort: not written in %s yet, so left out: %s\n", f.format, count(n, "default privilege"))
		}
	}
	_, err := fmt.Fprint(g.stdout, out)
	return err
}

// progressBar returns a live progress display on stderr, one that draws
// nothing unless stderr is a terminal. It stays off at the debug level too,
// whose lines, written while it is drawn, would land on its line; and with
// -q, which asks for silence.
func (g *globals) progressBar(label string, total int) *progress.Bar {
	lw, ok := g.stderr.(*logWriter)
	ctx := context.Background()
	if !ok || !g.log.Enabled(ctx, slog.LevelInfo) || g.log.Enabled(ctx, slog.LevelDebug) {
		return nil
	}
	return progress.New(lw.raw, label, total)
}

// secretsShown says whether user mapping passwords are printed: only when
// both --privileges and --show-secrets are in force.
func secretsShown(privileges, showSecrets bool) (bool, error) {
	if showSecrets && !privileges {
		return false, errors.New("--show-secrets prints user mapping passwords with the privileges: give --privileges too")
	}
	return showSecrets, nil
}

// reportUnsupported counts, per kind, the objects that were seen but not
// represented (and so neither printed nor compared), so that nothing is
// skipped silently. side names the source in a command that reads two.
func reportUnsupported(g *globals, side string, s *model.Schema) {
	if len(s.Unsupported) == 0 {
		return
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(s.Unsupported)) {
		parts = append(parts, fmt.Sprintf("%d %s", s.Unsupported[k], k))
	}
	if side == "" {
		fmt.Fprintf(g.stderr, "retort: not represented yet, so left out: %s\n", strings.Join(parts, ", "))
		return
	}
	fmt.Fprintf(g.stderr, "retort: %s: not represented yet, so not compared: %s\n", side, strings.Join(parts, ", "))
}

// writeJSON writes s to w as json.Encoder with a two-space indent does, byte
// for byte, but one list element at a time: encoding/json builds the whole
// document in memory and indents it into a second buffer, which for 5,000
// tables held two copies of 12 MB of output (and their growth) next to the
// model (issue 15). The elements go through one Encoder whose buffers are
// reused, so writing makes little garbage either.
func writeJSON(w io.Writer, s *model.Schema) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// put writes x indented, its lines after the first starting with prefix.
	put := func(x any, prefix string) error {
		buf.Reset()
		enc.SetIndent(prefix, "  ")
		if err := enc.Encode(x); err != nil {
			return err
		}
		_, err := bw.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
		return err
	}
	v := reflect.ValueOf(s).Elem()
	sep := "{"
	for i := range v.NumField() {
		name, omitEmpty, ok := jsonField(v.Type().Field(i))
		f := v.Field(i)
		if !ok || omitEmpty && isEmptyJSON(f) {
			continue
		}
		bw.WriteString(sep + "\n  ")
		sep = ","
		if err := put(name, ""); err != nil {
			return err
		}
		bw.WriteString(": ")
		if f.Kind() != reflect.Slice || f.Len() == 0 {
			if err := put(f.Interface(), "  "); err != nil {
				return err
			}
			continue
		}
		elemSep := "["
		for j := range f.Len() {
			bw.WriteString(elemSep + "\n    ")
			elemSep = ","
			if err := put(f.Index(j).Interface(), "    "); err != nil {
				return err
			}
		}
		bw.WriteString("\n  ]")
	}
	if sep == "{" {
		bw.WriteString("{}\n")
	} else {
		bw.WriteString("\n}\n")
	}
	return bw.Flush()
}

// jsonField returns the key and the omitempty option of a struct field as
// encoding/json reads its tag; ok is false for a field that is not encoded.
func jsonField(f reflect.StructField) (name string, omitEmpty, ok bool) {
	if !f.IsExported() {
		return "", false, false
	}
	tag := f.Tag.Get("json")
	if tag == "-" {
		return "", false, false
	}
	name, opts, _ := strings.Cut(tag, ",")
	if name == "" {
		name = f.Name
	}
	return name, slices.Contains(strings.Split(opts, ","), "omitempty"), true
}

// isEmptyJSON says whether encoding/json's omitempty leaves v out.
func isEmptyJSON(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Pointer, reflect.Interface:
		return v.IsNil()
	}
	return v.IsZero()
}
