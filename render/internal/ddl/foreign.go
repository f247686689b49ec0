package ddl

import (
	"strings"

	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
)

// FDW creates a foreign-data wrapper that no extension brings.
func (b *Builder) FDW(w *model.ForeignDataWrapper) {
	name := sqlq.QuoteIdent(w.Name)
	ref := model.ObjectRef{Kind: model.KindForeignDataWrapper, Name: w.Name}
	t := Target{Ref: ref, ID: "foreign data wrapper " + name, Comment: "FOREIGN DATA WRAPPER " + name,
		Alter: "FOREIGN DATA WRAPPER " + name, Grant: "FOREIGN DATA WRAPPER " + name}
	sql := "CREATE FOREIGN DATA WRAPPER " + name
	var req []model.ObjectRef
	if w.Handler != "" && w.Handler != "-" {
		sql += " HANDLER " + NameText(w.Handler)
		req = append(req, b.routineRefs(w.Handler)...)
	}
	if w.Validator != "" && w.Validator != "-" {
		sql += " VALIDATOR " + NameText(w.Validator)
		req = append(req, b.routineRefs(w.Validator)...)
	}
	opts, err := optionsClause(w.Options)
	if err != nil {
		b.Errorf(t.ID, "%v", err)
		return
	}
	b.add(Statement{Priority: PrioFDW, ID: StmtID(PrioFDW, t.ID), SQL: sql + opts, Provides: []model.ObjectRef{ref}, Requires: req})
	b.comment(t, w.Comment)
	b.Owner(t, w.Owner)
	b.Grants(t, w.Owner, w.Grants)
}

// Server creates a foreign server.
func (b *Builder) Server(s *model.ForeignServer) {
	name := sqlq.QuoteIdent(s.Name)
	ref := model.ObjectRef{Kind: model.KindServer, Name: s.Name}
	t := Target{Ref: ref, ID: "server " + name, Comment: "SERVER " + name, Alter: "SERVER " + name, Grant: "FOREIGN SERVER " + name}
	if s.Wrapper == "" {
		b.Errorf(t.ID, "no foreign-data wrapper")
		return
	}
	sql := "CREATE SERVER " + name
	if s.Type != "" {
		sql += " TYPE " + sqlq.Literal(s.Type)
	}
	if s.Version != "" {
		sql += " VERSION " + sqlq.Literal(s.Version)
	}
	sql += " FOREIGN DATA WRAPPER " + sqlq.QuoteIdent(s.Wrapper)
	opts, err := optionsClause(s.Options)
	if err != nil {
		b.Errorf(t.ID, "%v", err)
		return
	}
	b.add(Statement{
		ID:       StmtID(PrioServer, t.ID),
		Priority: PrioServer,
		SQL:      sql + opts,
		Provides: []model.ObjectRef{ref},
		Requires: []model.ObjectRef{{Kind: model.KindForeignDataWrapper, Name: s.Wrapper}},
	})
	b.comment(t, s.Comment)
	b.Owner(t, s.Owner)
	b.Grants(t, s.Owner, s.Grants)
}

// UserMapping creates a user mapping and its options; secret options only
// when the options ask for them.
func (b *Builder) UserMapping(m *model.UserMapping) {
	id := "user mapping " + sqlq.QuoteIdent(m.Server) + " " + RoleSQL(m.User)
	options := m.Options
	var hazards []Hazard
	if !b.opts.Secrets {
		options = nil
		for _, o := range m.Options {
			if model.SecretOption(o) {
				k, _, _ := strings.Cut(o, "=")
				hazards = append(hazards, Hazard{Kind: HazardSecretOmitted, Message: "user mapping for " + RoleSQL(m.User) +
					" on server " + sqlq.QuoteIdent(m.Server) + " is created without its " + sqlq.QuoteIdent(strings.ToLower(k)) +
					" option, which retort does not print: add it by hand, or print it with --privileges --show-secrets"})
				continue
			}
			options = append(options, o)
		}
	}
	opts, err := optionsClause(options)
	if err != nil {
		b.Errorf(id, "%v", err)
		return
	}
	b.add(Statement{
		ID:       StmtID(PrioUserMapping, id),
		Priority: PrioUserMapping,
		SQL:      "CREATE USER MAPPING FOR " + RoleSQL(m.User) + " SERVER " + sqlq.QuoteIdent(m.Server) + opts,
		Provides: []model.ObjectRef{{Kind: model.KindUserMapping, Table: m.Server, Name: m.User}},
		Requires: []model.ObjectRef{{Kind: model.KindServer, Name: m.Server}},
		Hazards:  hazards,
	})
}

// optionsClause is " OPTIONS (key 'value', …)", or nothing.
func optionsClause(opts []string) (string, error) {
	if len(opts) == 0 {
		return "", nil
	}
	list, err := OptionList(opts, " ")
	if err != nil {
		return "", err
	}
	return " OPTIONS (\n    " + strings.ReplaceAll(list, ", ", ",\n    ") + "\n)", nil
}
