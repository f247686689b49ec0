package main

import (
	"github.com/spf13/cobra"

	"github.com/retortdb/retort/internal/config"
)

const (
	includeUsage = "only objects that match: a schema name, or a glob on schema.name such as public.app_* (repeatable)"
	excludeUsage = "leave out objects that match: a schema name, or a glob on schema.name such as public.goose_* (repeatable)"
)

// filterFlags registers --include and --exclude on a command that compares
// or prints schemas and returns the function that lets them win over
// retort.yaml's include and exclude.
func filterFlags(cmd *cobra.Command) func(s *config.Settings) {
	var include, exclude []string
	f := cmd.Flags()
	f.StringSliceVar(&include, "include", nil, includeUsage)
	if f.Lookup("exclude") == nil {
		f.StringSliceVar(&exclude, "exclude", nil, excludeUsage)
	}
	return func(s *config.Settings) {
		if f.Changed("include") {
			s.Include = include
		}
		if f.Changed("exclude") && exclude != nil {
			s.Exclude = exclude
		}
	}
}

// onlineFlag registers --online on a command that plans changes and returns
// the function that lets it win over retort.yaml's online.
func onlineFlag(cmd *cobra.Command) func(s *config.Settings) {
	var online bool
	f := cmd.Flags()
	f.BoolVar(&online, "online", false, "plan changes to existing tables so that no statement blocks writes for longer than a catalog update (CONCURRENTLY, NOT VALID + VALIDATE; see docs/online.md)")
	return func(s *config.Settings) {
		if f.Changed("online") {
			s.Online = &online
		}
	}
}
