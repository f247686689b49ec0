package devdb

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MinMajor is the oldest PostgreSQL major version the embedded server runs:
// scratch databases are dropped WITH (FORCE), which came in 13.
const MinMajor = 13

// installGlobs are the well-known places packagers put versioned server
// binaries, searched after the explicit settings, pg_config and PATH.
var installGlobs = []string{
	"/usr/lib/postgresql/*/bin",                          // Debian, Ubuntu
	"/usr/pgsql-*/bin",                                   // PGDG RPMs
	"/usr/local/pgsql/bin",                               // source builds
	"/opt/homebrew/opt/postgresql@*/bin",                 // Homebrew, Apple silicon
	"/usr/local/opt/postgresql@*/bin",                    // Homebrew, Intel
	"/Applications/Postgres.app/Contents/Versions/*/bin", // Postgres.app
}

// install is one directory of PostgreSQL server binaries.
type install struct {
	binDir  string // symlinks resolved
	version string // as printed by postgres --version
	major   int
}

// versionRE matches "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"
// and development versions such as "18devel" or "17beta1".
var versionRE = regexp.MustCompile(`\(PostgreSQL\) (\d+)`)

// findInstall picks the server binaries to run, per Options.BinDir,
// $RETORT_PG_BIN or a search, preferring major (0 = newest).
func findInstall(ctx context.Context, binDir string, major int, logf func(string, ...any)) (install, error) {
	explicit := ""
	switch {
	case binDir != "":
		explicit = binDir
	case os.Getenv("RETORT_PG_BIN") != "":
		explicit = os.Getenv("RETORT_PG_BIN")
	}
	var dirs, looked []string
	if explicit != "" {
		// An explicit choice is final: silently running other binaries
		// than the ones the user named would be worse than failing.
		dirs = []string{explicit}
	} else {
		dirs, looked = searchDirs(ctx)
	}

	var found []install
	seen := make(map[string]bool)
	for _, dir := range dirs {
		if err := ctx.Err(); err != nil {
			return install{}, fmt.Errorf("find server binaries: %w", err)
		}
		real, err := filepath.EvalSymlinks(dir)
		if err != nil {
			real = dir
		}
		if seen[real] {
			continue
		}
		seen[real] = true
		in, err := probe(ctx, real)
		if err != nil {
			if explicit != "" || !errors.Is(err, fs.ErrNotExist) {
				looked = append(looked, fmt.Sprintf("%s (%v)", dir, err))
			}
			if ctx.Err() != nil {
				return install{}, fmt.Errorf("find server binaries: %w", ctx.Err())
			}
			continue
		}
		if in.major < MinMajor {
			looked = append(looked, fmt.Sprintf("%s (PostgreSQL %d is older than %d)", dir, in.major, MinMajor))
			continue
		}
		found = append(found, in)
	}
	if len(found) == 0 {
		if len(looked) == 0 {
			looked = dirs
		}
		return install{}, fmt.Errorf("no PostgreSQL server binaries (initdb, postgres) found (looked in %s); "+
			"install them (Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql) "+
			"or set RETORT_PG_BIN to their directory", strings.Join(looked, ", "))
	}

	best := found[0]
	for _, in := range found[1:] {
		if in.major > best.major {
			best = in
		}
	}
	if major > 0 && best.major != major {
		for _, in := range found {
			if in.major == major {
				return in, nil
			}
		}
		logf("PostgreSQL %d server binaries not found; using PostgreSQL %d from %s", major, best.major, best.binDir)
	}
	return best, nil
}

// searchDirs lists candidate binary directories in discovery order, and the
// places looked at for the error message when none is usable.
func searchDirs(ctx context.Context) (dirs, looked []string) {
	looked = append(looked, "pg_config --bindir")
	if pgConfig, err := exec.LookPath("pg_config"); err == nil {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		out, err := exec.CommandContext(ctx, pgConfig, "--bindir").Output()
		cancel()
		if dir := strings.TrimSpace(string(out)); err == nil && dir != "" {
			dirs = append(dirs, dir)
		}
	}

	looked = append(looked, "initdb on PATH")
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		if dir == "" {
			continue
		}
		initdb := filepath.Join(dir, "initdb")
		if _, err := os.Stat(initdb); err != nil {
			continue
		}
		// A symlinked initdb (e.g. /usr/local/bin/initdb) stands for the
		// directory it points into, where postgres lives too.
		if real, err := filepath.EvalSymlinks(initdb); err == nil {
			dir = filepath.Dir(real)
		}
		dirs = append(dirs, dir)
	}

	for _, pattern := range installGlobs {
		looked = append(looked, pattern)
		matches, _ := filepath.Glob(pattern) // patterns are constant and valid
		// Glob sorts lexically, which would put 9 after 17; order by the
		// version number in the path so ties in major go to the newest.
		sortByNumbers(matches)
		dirs = append(dirs, matches...)
	}
	return dirs, looked
}

// probe checks that dir holds initdb and postgres, and asks postgres its
// version.
func probe(ctx context.Context, dir string) (install, error) {
	for _, name := range []string{"initdb", "postgres"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			return install{}, fmt.Errorf("no %s: %w", name, fs.ErrNotExist)
		}
		if !fi.Mode().IsRegular() || fi.Mode().Perm()&0o111 == 0 {
			return install{}, fmt.Errorf("%s is not an executable file", name)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, filepath.Join(dir, "postgres"), "--version")
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return install{}, fmt.Errorf("postgres --version: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	version := strings.TrimSpace(string(out))
	m := versionRE.FindStringSubmatch(version)
	if m == nil {
		return install{}, fmt.Errorf("postgres --version: unrecognised output %q", version)
	}
	major, err := strconv.Atoi(m[1])
	if err != nil {
		return install{}, fmt.Errorf("postgres --version: %q: %w", version, err)
	}
	return install{binDir: dir, version: version, major: major}, nil
}

// sortByNumbers orders paths by the first number in each, descending, so
// that among paths that differ only in a version the newest comes first.
func sortByNumbers(paths []string) {
	num := func(s string) int {
		start := strings.IndexAny(s, "0123456789")
		if start < 0 {
			return -1
		}
		end := start
		for end < len(s) && s[end] >= '0' && s[end] <= '9' {
			end++
		}
		n, _ := strconv.Atoi(s[start:end])
		return n
	}
	slices.SortStableFunc(paths, func(a, b string) int { return num(b) - num(a) })
}

// EnvVersionsDir names the environment variable that overrides
// [VersionsDir].
const EnvVersionsDir = "RETORT_PG_VERSIONS_DIR"

// VersionsDir returns the directory under which `scripts/setup --test`
// installs the server binaries of other PostgreSQL majors than the
// system's, one subdirectory per major (VersionsDir()/17/bin), for the
// tests across versions: $RETORT_PG_VERSIONS_DIR when set; as root,
// /var/cache/retort/postgres, because the server then runs as an
// unprivileged account that cannot enter /root; else retort/postgres in the
// user's cache dir (${XDG_CACHE_HOME:-~/.cache}). The dev server never
// searches it on its own: its binaries are chosen with RETORT_PG_BIN or
// Options.BinDir.
func VersionsDir() (string, error) {
	if dir := os.Getenv(EnvVersionsDir); dir != "" {
		return dir, nil
	}
	if os.Geteuid() == 0 {
		return "/var/cache/retort/postgres", nil
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("server binaries of other versions: %w", err)
	}
	return filepath.Join(cache, "retort", "postgres"), nil
}

// VersionBinDir returns where VersionsDir keeps the binaries of major.
func VersionBinDir(versionsDir string, major int) string {
	return filepath.Join(versionsDir, strconv.Itoa(major), "bin")
}
