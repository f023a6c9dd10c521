package dbapi

import (
	"go/types"
	"strings"

	"github.com/dbaudit/dbaudit/rules"
)

// Classifier answers the questions of the tables above, extended by
// rules.yaml (constructors, handle_types, global_accessors). It is immutable
// and safe for concurrent use.
type Classifier struct {
	handles   map[string]HandleKind
	funcs     map[string]API
	accessors map[string]bool
}

// NewClassifier builds a classifier for cfg.
func NewClassifier(cfg *rules.Config) *Classifier {
	c := &Classifier{handles: map[string]HandleKind{}, funcs: map[string]API{}, accessors: map[string]bool{}}
	for _, h := range cfg.HandleTypes {
		c.handles[h.Type] = HandleKind(h.Kind)
	}
	for _, k := range cfg.Constructors {
		a := API{Name: k.Func, Kind: Construct, DSNArg: -1, DriverArg: -1, SQLArg: -1, HandleArg: -1, Sink: Sink(k.Sink), Returns: Pool}
		if k.DSNArg != nil {
			a.DSNArg = *k.DSNArg
		}
		c.funcs[k.Func] = a
	}
	for _, f := range cfg.GlobalAccessors {
		c.accessors[f] = true
	}
	return c
}

// Handle classifies t (pointers stripped) as a database handle.
func (c *Classifier) Handle(t types.Type) (HandleKind, bool) {
	if t == nil {
		return "", false
	}
	name := TypeName(t)
	if h, ok := handleTypes[name]; ok {
		return h, true
	}
	if h, ok := c.handles[name]; ok {
		return h, true
	}
	if IsQuerier(t) {
		return Querier, true
	}
	return "", false
}

// IsAccessor reports whether fn is a rules.yaml global accessor.
func (c *Classifier) IsAccessor(fn *types.Func) bool {
	return len(c.accessors) > 0 && c.accessors[FullName(fn)]
}

// Call classifies a call of fn. recv is the static type of the receiver
// expression for method calls (nil otherwise): it lets calls through
// embedded fields and interfaces resolve to what they really are.
func (c *Classifier) Call(fn *types.Func, recv types.Type) (API, bool) {
	if a, ok := Lookup(fn); ok {
		return a, true
	}
	name := FullName(fn)
	if a, ok := c.funcs[name]; ok {
		return a, true
	}
	// A method of an interface with a database method's whole signature.
	if a, ok := InterfaceMethod(fn); ok {
		return a, true
	}
	sig, _ := fn.Type().(*types.Signature)
	if sig == nil || sig.Recv() == nil {
		return API{}, false
	}
	// A method of a querier interface or of a rules.yaml handle type.
	rt := sig.Recv().Type()
	h, ok := c.Handle(rt)
	if !ok && recv != nil {
		h, ok = c.Handle(recv)
	}
	if !ok || !h.Session() {
		return API{}, false
	}
	kind := kindByName(fn.Name())
	if kind == "" {
		return API{}, false
	}
	a := API{Name: name, Kind: kind, DSNArg: -1, DriverArg: -1, SQLArg: -1, HandleArg: -1}
	if name == "" {
		a.Name = types.TypeString(rt, nil) + "." + fn.Name()
	}
	a.Context = firstIsContext(sig)
	if (kind == Query || kind == Exec || kind == Prepare) && sig.Params().Len() > 0 {
		i := 0
		if a.Context {
			i = 1
		}
		if i < sig.Params().Len() && isString(sig.Params().At(i).Type()) {
			a.SQLArg = i
		}
	}
	return a, true
}

// kindByName classifies methods of handle types outside the tables.
func kindByName(m string) Kind {
	base := strings.TrimSuffix(m, "Context")
	switch {
	case strings.HasPrefix(base, "Query"), base == "Select", base == "Get", base == "Raw":
		return Query
	case strings.HasPrefix(base, "Exec"):
		return Exec
	case strings.HasPrefix(base, "Begin"):
		return Begin
	case strings.HasPrefix(base, "Prepare"):
		return Prepare
	case base == "SendBatch":
		return Batch
	case base == "CopyFrom":
		return Copy
	case base == "Acquire":
		return Acquire
	case base == "Commit":
		return Commit
	case base == "Rollback":
		return Rollback
	case base == "Release":
		return Release
	}
	return ""
}

// IsQuerier reports whether t is an interface with the sqlc DBTX shape: at
// least two statement methods (Exec, Query, QueryRow and their Context or x
// variants) that take a context and the SQL text first, one of them at
// least with the whole signature of a database method (see
// InterfaceMethod), so that a look-alike with the names and none of the
// database types is not a handle.
func IsQuerier(t types.Type) bool {
	iface, ok := types.Unalias(t).Underlying().(*types.Interface)
	if !ok || iface.NumMethods() < 2 || !hasDatabaseMethod(iface) {
		return false
	}
	n := 0
	for i := 0; i < iface.NumMethods(); i++ {
		m := iface.Method(i)
		k := kindByName(m.Name())
		if k != Query && k != Exec {
			continue
		}
		sig := m.Type().(*types.Signature)
		if sig.Params().Len() >= 2 && firstIsContext(sig) && isString(sig.Params().At(1).Type()) {
			n++
		}
	}
	return n >= 2
}

func firstIsContext(sig *types.Signature) bool {
	return sig.Params().Len() > 0 && TypeName(sig.Params().At(0).Type()) == "context.Context"
}

func isString(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Kind() == types.String
}
