package render

import (
	"strings"

	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
)

// fdw creates a foreign-data wrapper that no extension brings.
func (b *builder) fdw(w *model.ForeignDataWrapper) {
	name := sqlq.QuoteIdent(w.Name)
	ref := model.ObjectRef{Kind: model.KindForeignDataWrapper, Name: w.Name}
	t := target{ref: ref, id: "foreign data wrapper " + name, comment: "FOREIGN DATA WRAPPER " + name,
		alter: "FOREIGN DATA WRAPPER " + name, grant: "FOREIGN DATA WRAPPER " + name}
	sql := "CREATE FOREIGN DATA WRAPPER " + name
	var req []model.ObjectRef
	if w.Handler != "" && w.Handler != "-" {
		sql += " HANDLER " + nameText(w.Handler)
		req = append(req, b.routineRefs(w.Handler)...)
	}
	if w.Validator != "" && w.Validator != "-" {
		sql += " VALIDATOR " + nameText(w.Validator)
		req = append(req, b.routineRefs(w.Validator)...)
	}
	opts, err := optionsClause(w.Options)
	if err != nil {
		b.errorf(t.id, "%v", err)
		return
	}
	b.add(Statement{prio: prioFDW, ID: stmtID(prioFDW, t.id), SQL: sql + opts, Provides: []model.ObjectRef{ref}, Requires: req})
	b.comment(t, w.Comment)
	b.owner(t, w.Owner)
	b.grants(t, w.Owner, w.Grants)
}

// server creates a foreign server.
func (b *builder) server(s *model.ForeignServer) {
	name := sqlq.QuoteIdent(s.Name)
	ref := model.ObjectRef{Kind: model.KindServer, Name: s.Name}
	t := target{ref: ref, id: "server " + name, comment: "SERVER " + name, alter: "SERVER " + name, grant: "FOREIGN SERVER " + name}
	if s.Wrapper == "" {
		b.errorf(t.id, "no foreign-data wrapper")
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
		b.errorf(t.id, "%v", err)
		return
	}
	b.add(Statement{
		ID:       stmtID(prioServer, t.id),
		prio:     prioServer,
		SQL:      sql + opts,
		Provides: []model.ObjectRef{ref},
		Requires: []model.ObjectRef{{Kind: model.KindForeignDataWrapper, Name: s.Wrapper}},
	})
	b.comment(t, s.Comment)
	b.owner(t, s.Owner)
	b.grants(t, s.Owner, s.Grants)
}

// userMapping creates a user mapping and its options; secret options only
// when the options ask for them.
func (b *builder) userMapping(m *model.UserMapping) {
	id := "user mapping " + sqlq.QuoteIdent(m.Server) + " " + roleSQL(m.User)
	options := m.Options
	var hazards []Hazard
	if !b.opts.Secrets {
		options = nil
		for _, o := range m.Options {
			if model.SecretOption(o) {
				k, _, _ := strings.Cut(o, "=")
				hazards = append(hazards, Hazard{Kind: HazardSecretOmitted, Message: "user mapping for " + roleSQL(m.User) +
					" on server " + sqlq.QuoteIdent(m.Server) + " is created without its " + sqlq.QuoteIdent(strings.ToLower(k)) +
					" option, which retort does not print: add it by hand, or print it with --privileges --show-secrets"})
				continue
			}
			options = append(options, o)
		}
	}
	opts, err := optionsClause(options)
	if err != nil {
		b.errorf(id, "%v", err)
		return
	}
	b.add(Statement{
		ID:       stmtID(prioUserMapping, id),
		prio:     prioUserMapping,
		SQL:      "CREATE USER MAPPING FOR " + roleSQL(m.User) + " SERVER " + sqlq.QuoteIdent(m.Server) + opts,
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
	list, err := optionList(opts, " ")
	if err != nil {
		return "", err
	}
	return " OPTIONS (\n    " + strings.ReplaceAll(list, ", ", ",\n    ") + "\n)", nil
}
