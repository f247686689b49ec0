package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"

	"github.com/spf13/cobra"
)

// Log levels, as Alembic's loggers have them: errors always print (run
// writes them, not the logger); warn adds warnings, info today's progress,
// debug each statement the runner runs with its duration, the dev
// server's start and the catalog queries' times.
var logLevels = map[string]slog.Level{
	"error": slog.LevelError,
	"warn":  slog.LevelWarn,
	"info":  slog.LevelInfo,
	"debug": slog.LevelDebug,
}

// parseLevel reads a --log-level or log_level value; what names the source
// in the error.
func parseLevel(what, s string) (slog.Level, error) {
	l, ok := logLevels[strings.ToLower(strings.TrimSpace(s))]
	if !ok {
		return 0, fmt.Errorf("%s %q: want error, warn, info or debug", what, s)
	}
	return l, nil
}

// lineHandler is a [slog.Handler] that prints each record as one
// "retort: message" line, warnings as "retort: warning: message", with no
// time or level: stderr is read by people and by scripts that match it.
type lineHandler struct {
	mu    *sync.Mutex
	w     io.Writer
	level slog.Leveler
	attrs string // pre-formatted " key=value" pairs of WithAttrs
}

func newLineHandler(w io.Writer, level slog.Leveler) *lineHandler {
	return &lineHandler{mu: new(sync.Mutex), w: w, level: level}
}

// Enabled reports whether records at l are printed.
func (h *lineHandler) Enabled(_ context.Context, l slog.Level) bool {
	return l >= h.level.Level()
}

// Handle prints r as one line.
func (h *lineHandler) Handle(_ context.Context, r slog.Record) error {
	var b bytes.Buffer
	b.WriteString("retort: ")
	if r.Level >= slog.LevelWarn && r.Level < slog.LevelError {
		b.WriteString("warning: ")
	}
	b.WriteString(r.Message)
	b.WriteString(h.attrs)
	r.Attrs(func(a slog.Attr) bool {
		writeAttr(&b, a)
		return true
	})
	b.WriteByte('\n')
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := h.w.Write(b.Bytes())
	return err
}

func writeAttr(b *bytes.Buffer, a slog.Attr) {
	if a.Equal(slog.Attr{}) {
		return
	}
	fmt.Fprintf(b, " %s=%v", a.Key, a.Value.Resolve())
}

// WithAttrs returns a handler that adds attrs to every line.
func (h *lineHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	var b bytes.Buffer
	for _, a := range attrs {
		writeAttr(&b, a)
	}
	h2 := *h
	h2.attrs += b.String()
	return &h2
}

// WithGroup returns h: lines carry no groups.
func (h *lineHandler) WithGroup(string) slog.Handler { return h }

// logWriter is the io.Writer that commands print their "retort: …" lines
// to: each line becomes a record of the logger, a warning when it starts
// "retort: warning: " and information otherwise, so that --log-level
// applies to every line a command writes on stderr. A line without the
// "retort: " prefix (Alembic's "No new upgrade operations detected.") is
// information written as it is, to raw.
type logWriter struct {
	mu   sync.Mutex
	log  *slog.Logger
	raw  io.Writer
	part []byte // a line not ended yet
}

func (w *logWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.part = append(w.part, p...)
	for {
		i := bytes.IndexByte(w.part, '\n')
		if i < 0 {
			break
		}
		line := w.part[:i+1]
		w.part = w.part[i+1:]
		if !bytes.HasPrefix(line, []byte("retort: ")) {
			if w.log.Enabled(context.Background(), slog.LevelInfo) {
				if _, err := w.raw.Write(line); err != nil {
					return 0, err
				}
			}
			continue
		}
		logLine(w.log, string(line[:len(line)-1]))
	}
	return len(p), nil
}

// logLine logs one line written as "retort: …" (the prefix is optional).
func logLine(log *slog.Logger, line string) {
	msg := strings.TrimPrefix(line, "retort: ")
	if rest, ok := strings.CutPrefix(msg, "warning: "); ok {
		log.Warn(rest)
		return
	}
	log.Info(msg)
}

// logf logs a progress line, or a warning when it starts "warning: ", as
// the packages' Logf hooks write them.
func (g *globals) logf(format string, args ...any) {
	logLine(g.log, fmt.Sprintf(format, args...))
}

// debugf logs a line at debug level; it costs nothing more at other
// levels.
func (g *globals) debugf(format string, args ...any) {
	if g.log.Enabled(context.Background(), slog.LevelDebug) {
		g.log.Debug(fmt.Sprintf(format, args...))
	}
}

// logFlags registers --log-level, -q and -v.
func (g *globals) logFlags(cmd *cobra.Command) {
	pf := cmd.PersistentFlags()
	pf.StringVar(&g.logLevel, "log-level", "", "what stderr shows: error, warn, info or debug (default: log_level in retort.yaml, else info)")
	pf.BoolVarP(&g.quiet, "quiet", "q", false, "show only errors (--log-level error)")
	pf.BoolVarP(&g.verbose, "verbose", "v", false, "show statements, timings and the dev server's start (--log-level debug)")
}

// flagLevel sets the log level from --log-level, -q or -v, and reports
// whether one was given: a flag wins over log_level in retort.yaml.
func (g *globals) flagLevel() (bool, error) {
	var given []string
	var level slog.Level
	if g.changed("log-level") {
		l, err := parseLevel("--log-level", g.logLevel)
		if err != nil {
			return false, err
		}
		given, level = append(given, "--log-level"), l
	}
	if g.quiet {
		given, level = append(given, "-q"), slog.LevelError
	}
	if g.verbose {
		given, level = append(given, "-v"), slog.LevelDebug
	}
	switch len(given) {
	case 0:
		return false, nil
	case 1:
		g.level.Set(level)
		return true, nil
	default:
		return false, fmt.Errorf("give one of --log-level, -q and -v, not %s", strings.Join(given, " and "))
	}
}

// configLevel sets the log level from log_level in retort.yaml unless a
// flag set it.
func (g *globals) configLevel(logLevel string) error {
	if logLevel == "" {
		return nil
	}
	if byFlag, err := g.flagLevel(); byFlag || err != nil {
		return err
	}
	l, err := parseLevel("log_level", logLevel)
	if err != nil {
		return err
	}
	g.level.Set(l)
	return nil
}
