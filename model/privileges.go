package model

// ClearPrivileges removes every owner, grant and default privilege of s,
// as inspect without --privileges leaves them out of the formats whose
// writers have no such option (JSON, Go). It changes s in place: call it
// on a schema that is about to be printed.
func (s *Schema) ClearPrivileges() {
	for i := range s.Namespaces {
		s.Namespaces[i].Owner, s.Namespaces[i].Grants = "", nil
	}
	for i := range s.Collations {
		s.Collations[i].Owner = ""
	}
	for i := range s.Enums {
		s.Enums[i].Owner, s.Enums[i].Grants = "", nil
	}
	for i := range s.Domains {
		s.Domains[i].Owner, s.Domains[i].Grants = "", nil
	}
	for i := range s.CompositeTypes {
		s.CompositeTypes[i].Owner, s.CompositeTypes[i].Grants = "", nil
	}
	for i := range s.RangeTypes {
		s.RangeTypes[i].Owner, s.RangeTypes[i].Grants = "", nil
	}
	for i := range s.Sequences {
		s.Sequences[i].Owner, s.Sequences[i].Grants = "", nil
	}
	for i := range s.Tables {
		t := &s.Tables[i]
		t.Owner, t.Grants = "", nil
		for j := range t.Columns {
			t.Columns[j].Grants = nil
		}
	}
	for i := range s.Views {
		v := &s.Views[i]
		v.Owner, v.Grants = "", nil
		for j := range v.Columns {
			v.Columns[j].Grants = nil
		}
	}
	for i := range s.Functions {
		s.Functions[i].Owner, s.Functions[i].Grants = "", nil
	}
	for i := range s.Aggregates {
		s.Aggregates[i].Owner, s.Aggregates[i].Grants = "", nil
	}
	for i := range s.EventTriggers {
		s.EventTriggers[i].Owner = ""
	}
	for i := range s.Statistics {
		s.Statistics[i].Owner = ""
	}
	for i := range s.ForeignDataWrappers {
		s.ForeignDataWrappers[i].Owner, s.ForeignDataWrappers[i].Grants = "", nil
	}
	for i := range s.Servers {
		s.Servers[i].Owner, s.Servers[i].Grants = "", nil
	}
	s.DefaultPrivileges = nil
}
