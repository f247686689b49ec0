// Package config reads retort.yaml: the project settings every command
// starts from, overridden by flags (DESIGN.md, "retort.yaml").
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"

	"github.com/goccy/go-yaml"

	"github.com/retortdb/retort/internal/userfile"
	retortyaml "github.com/retortdb/retort/model/yaml"
)

// DefaultFile is the file read when --config is not given.
const DefaultFile = "retort.yaml"

// Settings are the keys of retort.yaml. [Load] expands ${VAR} references in
// every string key in force (after the environment's overrides), except url
// and dev_url, which keep them until [Expand] is called where they are
// used, so that an unset DATABASE_URL is an error only for a command that
// connects.
type Settings struct {
	URL                string   `yaml:"url"`
	Desired            string   `yaml:"desired"`
	Migrations         string   `yaml:"migrations"`
	DevURL             string   `yaml:"dev_url"`
	FileTemplate       string   `yaml:"file_template"`
	TruncateSlugLength int      `yaml:"truncate_slug_length"`
	Timezone           string   `yaml:"timezone"`
	VersionTable       string   `yaml:"version_table"`
	VersionSchema      string   `yaml:"version_schema"`
	Schemas            []string `yaml:"schemas"`
	Exclude            []string `yaml:"exclude"`
	Include            []string `yaml:"include"`
	Layout             string   `yaml:"layout"`
	LockTimeout        string   `yaml:"lock_timeout"`
	StatementTimeout   string   `yaml:"statement_timeout"`
	Privileges         bool     `yaml:"privileges"`
	// Online is nil when unset, so that an environment can turn off what
	// the file turns on.
	Online           *bool               `yaml:"online"`
	DevTrusted       bool                `yaml:"dev_trusted"`
	RevisionTemplate string              `yaml:"revision_template"` // "" means revision.sql.tmpl beside retort.yaml, when it exists
	LogLevel         string              `yaml:"log_level"`         // error, warn, info or debug; "" means info
	Envs             map[string]Settings `yaml:"envs"`
}

// IsOnline reports whether plans are rendered online (the online key).
func (s Settings) IsOnline() bool { return s.Online != nil && *s.Online }

// Defaults returns the settings in force with no retort.yaml.
func Defaults() Settings {
	return Settings{
		URL:                "${DATABASE_URL}",
		Desired:            "schema.sql",
		Migrations:         "migrations",
		DevURL:             "embedded",
		FileTemplate:       "%(year)d%(month).2d%(day).2d_%(hour).2d%(minute).2d%(second).2d_%(slug)s",
		TruncateSlugLength: 40,
		Timezone:           "UTC",
		VersionTable:       "retort_version",
		VersionSchema:      "public",
		Layout:             "native",
	}
}

// maxSize bounds retort.yaml: a settings file of more than 1 MiB is not
// one.
const maxSize = 1 << 20

// Load reads path over the defaults and applies the named environment. A
// missing file is not an error when explicit is false (it is the default
// ./retort.yaml); an unknown key is.
func Load(path string, explicit bool, env string) (Settings, error) {
	s := Defaults()
	data, err := userfile.Read(path, maxSize)
	switch {
	case errors.Is(err, fs.ErrNotExist) && !explicit:
		if env != "" {
			return s, fmt.Errorf("--env %s: no %s to define it", env, path)
		}
		return s, nil
	case err != nil:
		return s, fmt.Errorf("read config: %w", err)
	}
	// The file may come with an untrusted change (a CI run of a pull
	// request): bound its nesting before the YAML parser sees it.
	if err := retortyaml.CheckInput(path, data); err != nil {
		return s, err
	}
	var file Settings
	dec := yaml.NewDecoder(bytes.NewReader(data), yaml.DisallowUnknownField())
	if err := dec.Decode(&file); err != nil && !errors.Is(err, io.EOF) {
		return s, fmt.Errorf("%s: %s", path, yaml.FormatError(err, false, false))
	}
	s = merge(s, file)
	if env != "" {
		e, ok := file.Envs[env]
		if !ok {
			return s, fmt.Errorf("%s: no environment %q under envs", path, env)
		}
		s = merge(s, e)
	}
	s.Envs = file.Envs
	if err := expandKeys(&s); err != nil {
		return s, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// expandKeys expands ${VAR} in every string key in force. url and dev_url
// are left to [Expand] at their use: the default url names DATABASE_URL,
// which commands that never connect do not need.
func expandKeys(s *Settings) error {
	for _, k := range []struct {
		name string
		v    *string
	}{
		{"desired", &s.Desired}, {"migrations", &s.Migrations}, {"file_template", &s.FileTemplate},
		{"timezone", &s.Timezone}, {"version_table", &s.VersionTable}, {"version_schema", &s.VersionSchema},
		{"layout", &s.Layout}, {"lock_timeout", &s.LockTimeout}, {"statement_timeout", &s.StatementTimeout},
		{"revision_template", &s.RevisionTemplate}, {"log_level", &s.LogLevel},
	} {
		v, err := Expand(k.name, *k.v)
		if err != nil {
			return err
		}
		*k.v = v
	}
	for _, l := range []struct {
		name string
		vs   []string
	}{{"schemas", s.Schemas}, {"exclude", s.Exclude}, {"include", s.Include}} {
		for i, v := range l.vs {
			x, err := Expand(l.name, v)
			if err != nil {
				return err
			}
			l.vs[i] = x
		}
	}
	return nil
}

// merge overlays the non-zero keys of over on base.
func merge(base, over Settings) Settings {
	str := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	str(&base.URL, over.URL)
	str(&base.Desired, over.Desired)
	str(&base.Migrations, over.Migrations)
	str(&base.DevURL, over.DevURL)
	str(&base.FileTemplate, over.FileTemplate)
	str(&base.Timezone, over.Timezone)
	str(&base.VersionTable, over.VersionTable)
	str(&base.VersionSchema, over.VersionSchema)
	str(&base.Layout, over.Layout)
	str(&base.LockTimeout, over.LockTimeout)
	str(&base.StatementTimeout, over.StatementTimeout)
	str(&base.RevisionTemplate, over.RevisionTemplate)
	str(&base.LogLevel, over.LogLevel)
	if over.TruncateSlugLength != 0 {
		base.TruncateSlugLength = over.TruncateSlugLength
	}
	if over.Schemas != nil {
		base.Schemas = over.Schemas
	}
	if over.Exclude != nil {
		base.Exclude = over.Exclude
	}
	if over.Include != nil {
		base.Include = over.Include
	}
	if over.Privileges {
		base.Privileges = true
	}
	if over.Online != nil {
		base.Online = over.Online
	}
	if over.DevTrusted {
		base.DevTrusted = true
	}
	return base
}

var varRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// Expand replaces ${VAR} references in v from the environment; key names the
// setting in the error for an unset variable.
func Expand(key, v string) (string, error) {
	var missing []string
	out := varRef.ReplaceAllStringFunc(v, func(m string) string {
		name := varRef.FindStringSubmatch(m)[1]
		val, ok := os.LookupEnv(name)
		if !ok {
			missing = append(missing, name)
		}
		return val
	})
	if len(missing) > 0 {
		return "", fmt.Errorf("%s: environment variable %s is not set", key, missing[0])
	}
	return out, nil
}
