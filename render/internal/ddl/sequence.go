package ddl

import (
	"fmt"
	"strings"

	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
)

// Sequence creates a sequence with every option spelled out, and ties it
// to its owning column once the table exists.
func (b *Builder) Sequence(q *model.Sequence) {
	name := QNameSQL(q.QName)
	ref := model.ObjectRef{Kind: model.KindSequence, Schema: q.Schema, Name: q.Name}
	t := Target{Ref: ref, ID: "sequence " + name, Comment: "SEQUENCE " + name, Alter: "SEQUENCE " + name, Grant: "SEQUENCE " + name}
	create := "CREATE SEQUENCE "
	if q.Unlogged {
		create = "CREATE UNLOGGED SEQUENCE "
	}
	b.add(Statement{
		ID:       StmtID(PrioSequence, t.ID),
		Priority: PrioSequence,
		SQL:      strings.Join(append([]string{create + name}, SequenceOptions(q.SequenceOptions, true)...), "\n    "),
		Provides: []model.ObjectRef{ref},
		Requires: []model.ObjectRef{NamespaceRef(q.Schema)},
	})
	if o := q.OwnedBy; o != nil {
		b.add(Statement{
			ID:       StmtID(PrioSequenceOwned, "owned by", t.ID),
			Priority: PrioSequenceOwned,
			SQL:      "ALTER SEQUENCE " + name + " OWNED BY " + QNameSQL(o.Table) + "." + sqlq.QuoteIdent(o.Column),
			Requires: []model.ObjectRef{ref, TableRef(o.Table)},
		})
	}
	b.comment(t, q.Comment)
	// An owned sequence follows its table's owner (ALTER TABLE … OWNER TO
	// carries it along) and refuses an owner of its own.
	if o := q.OwnedBy; o == nil || b.tables[o.Table] == nil || b.tables[o.Table].Owner != q.Owner {
		b.Owner(t, q.Owner)
	}
	b.Grants(t, q.Owner, q.Grants)
}

// SequenceOptions spells out sequence parameters. withType adds AS type,
// which identity columns take from their column instead. Zero values that
// PostgreSQL would refuse (an increment or cache of 0, or no bounds at all,
// as a hand-written model may leave them) are left to PostgreSQL's
// defaults.
func SequenceOptions(o model.SequenceOptions, withType bool) []string {
	var parts []string
	if withType && o.Type != "" {
		parts = append(parts, "AS "+o.Type)
	}
	bounded := o.Min != 0 || o.Max != 0
	if bounded || o.Start != 0 {
		parts = append(parts, fmt.Sprintf("START WITH %d", o.Start))
	}
	if o.Increment != 0 {
		parts = append(parts, fmt.Sprintf("INCREMENT BY %d", o.Increment))
	}
	if bounded {
		parts = append(parts, fmt.Sprintf("MINVALUE %d", o.Min), fmt.Sprintf("MAXVALUE %d", o.Max))
	}
	if o.Cache != 0 {
		parts = append(parts, fmt.Sprintf("CACHE %d", o.Cache))
	}
	if o.Cycle {
		parts = append(parts, "CYCLE")
	}
	return parts
}
