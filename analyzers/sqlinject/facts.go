package sqlinject

import (
	"fmt"
	"strings"
)

// summary is what a function does with the text it is given, in terms of
// its parameters (SSA indices: the receiver first). It is computed for
// every function of the package from its body, and exported as a fact for
// the exported ones, so that a caller in another package judges a helper by
// what it does rather than by its name. Without facts (dbaudit's engine,
// which analyses each package on its own) a function of another package is
// opaque: its result carries no input, and it runs no SQL.
type summary struct {
	// Returns are the parameters whose text the result carries; Built when
	// inside text built around it.
	Returns []flow
	// ReturnsInput: the result carries request input the function reads
	// itself.
	ReturnsInput bool
	// SQL are the parameters whose text reaches the SQL text of a database
	// call: as the whole text (a function that runs the SQL it is given), or
	// Built into it.
	SQL []flow
	// Into are parameters whose text the function writes through a pointer
	// parameter (a query builder's Where(col, val)).
	Into []into

	names []string // parameter names, for String
}

type flow struct {
	Param int
	Built bool
}

type into struct {
	From, To int
	Built    bool
}

func (*summary) AFact() {}

func (s *summary) empty() bool {
	return len(s.Returns) == 0 && !s.ReturnsInput && len(s.SQL) == 0 && len(s.Into) == 0
}

func addFlow(flows []flow, param int, built bool) []flow {
	for i, f := range flows {
		if f.Param == param {
			flows[i].Built = f.Built || built
			return flows
		}
	}
	return append(flows, flow{param, built})
}

func (s *summary) addReturn(param int, built bool) { s.Returns = addFlow(s.Returns, param, built) }
func (s *summary) addSQL(param int, built bool)    { s.SQL = addFlow(s.SQL, param, built) }

func (s *summary) name(i int) string {
	if i < len(s.names) && s.names[i] != "" {
		return s.names[i]
	}
	return fmt.Sprint(i)
}

func (s *summary) flows(fs []flow) string {
	var parts []string
	for _, f := range fs {
		p := s.name(f.Param)
		if f.Built {
			p += " built"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, ", ")
}

// String is how analysistest fixtures expect the fact:
// "returns(name built) sql(q) input into(val->b)".
func (s *summary) String() string {
	var parts []string
	if len(s.Returns) > 0 {
		parts = append(parts, "returns("+s.flows(s.Returns)+")")
	}
	if s.ReturnsInput {
		parts = append(parts, "input")
	}
	if len(s.SQL) > 0 {
		parts = append(parts, "sql("+s.flows(s.SQL)+")")
	}
	for _, in := range s.Into {
		p := "into(" + s.name(in.From) + "->" + s.name(in.To)
		if in.Built {
			p += " built"
		}
		parts = append(parts, p+")")
	}
	return strings.Join(parts, " ")
}
