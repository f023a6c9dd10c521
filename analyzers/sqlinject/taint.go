package sqlinject

import (
	"go/token"
	"go/types"
	"math/bits"

	"golang.org/x/tools/go/ssa"

	"github.com/dbaudit/dbaudit/dbmodel/dbapi"
)

// The data flow. Each function declaration is analysed with its function
// literals as one unit (a state): every SSA value gets a label, the set of
// origins whose text it may hold, split by whether the text arrives as it
// was (direct) or inside text built around it (built: concatenation,
// fmt.Sprintf, strings.Join, a strings.Builder). A pointer's label is that
// of what it points to: a store into a variable, a field or an element
// labels the variable, and loads read it back. Labels only grow; the
// instructions are visited until none changes.

type originKind uint8

const (
	// paramOrigin: the value of a parameter of the declared function
	// (request says it is a request; source that it is a parameter of an
	// exported function, input when built into SQL).
	paramOrigin originKind = iota
	// requestValue: a request or a container of its values (mux.Vars);
	// the first text read from it becomes a requestText origin.
	requestValue
	// requestText: text read from a request, named by the expression.
	requestText
	// helperInput: request input a helper returns.
	helperInput
)

type origin struct {
	kind    originKind
	param   int // SSA parameter index (receiver first) for paramOrigin, else -1
	name    string
	request bool
	source  bool
	pos     token.Pos
	desc    string
}

// input reports whether the origin is request input.
func (o *origin) input() bool {
	return o.kind != paramOrigin || o.request
}

// label is the origins a value may carry, as bit sets over state.origins.
type label struct {
	direct, built uint64
	// how is the first building step, for the message.
	how string
}

func (l label) all() uint64   { return l.direct | l.built }
func (l label) isClean() bool { return l.all() == 0 }

func (l label) union(m label) label {
	how := l.how
	if how == "" {
		how = m.how
	}
	return label{direct: l.direct | m.direct, built: l.built | m.built, how: how}
}

// asBuilt is l once put into text built around it.
func (l label) asBuilt(how string) label {
	if l.isClean() {
		return label{}
	}
	if l.how != "" {
		how = l.how
	}
	return label{built: l.all(), how: how}
}

// state is the data flow of one function declaration and its literals.
type state struct {
	c       *checker
	root    *ssa.Function
	funcs   map[*ssa.Function]bool
	order   []*ssa.Function
	origins []*origin
	labels  map[ssa.Value]label
	rets    map[*ssa.Function]label
	born    map[ssa.Instruction]uint64
	narrows map[*ssa.Function]*narrowing
	changed bool
	sum     *summary
}

const maxOrigins = 64

func (s *state) addOrigin(o *origin) uint64 {
	if len(s.origins) == maxOrigins {
		return 1 << (maxOrigins - 1) // out of bits: shared with the last
	}
	s.origins = append(s.origins, o)
	return 1 << (len(s.origins) - 1)
}

func newState(c *checker, root *ssa.Function) *state {
	s := &state{
		c:       c,
		root:    root,
		funcs:   map[*ssa.Function]bool{},
		labels:  map[ssa.Value]label{},
		rets:    map[*ssa.Function]label{},
		born:    map[ssa.Instruction]uint64{},
		narrows: map[*ssa.Function]*narrowing{},
	}
	var add func(f *ssa.Function)
	add = func(f *ssa.Function) {
		s.funcs[f] = true
		s.order = append(s.order, f)
		for _, anon := range f.AnonFuncs {
			add(anon)
		}
	}
	add(root)
	exported := c.exportedSourceFunc(root)
	for i, p := range root.Params {
		if i == 0 && root.Signature.Recv() != nil || isConfigType(p.Type()) {
			// The receiver's fields are the program's own state, and a
			// *Config parameter its configuration, not input: no origin.
			// Origins are still numbered by SSA parameter index.
			s.addOrigin(&origin{kind: paramOrigin, param: -1, name: p.Name()})
			continue
		}
		o := &origin{kind: paramOrigin, param: i, name: p.Name(), pos: p.Pos()}
		o.request = isRequestType(p.Type())
		o.source = exported && c.sourceParam(root.Signature, i)
		bit := s.addOrigin(o)
		if c.text.carries(p.Type()) {
			s.labels[p] = label{direct: bit}
		}
	}
	for _, f := range s.order[1:] {
		for _, p := range f.Params {
			if isRequestType(p.Type()) {
				bit := s.addOrigin(&origin{kind: requestValue, param: -1, name: p.Name(), pos: p.Pos()})
				s.labels[p] = label{direct: bit}
			}
		}
	}
	return s
}

// solve runs the data flow to its fixed point.
func (s *state) solve() {
	for iter := 0; iter < 50; iter++ {
		s.changed = false
		for _, f := range s.order {
			for _, b := range f.Blocks {
				for _, instr := range b.Instrs {
					s.transfer(instr)
				}
			}
		}
		if !s.changed {
			return
		}
	}
}

func (s *state) set(v ssa.Value, l label) {
	if _, isRange := v.(*ssa.Range); l.isClean() || !isRange && !s.c.text.carries(v.Type()) {
		return
	}
	old := s.labels[v]
	n := old.union(l)
	if n.direct != old.direct || n.built != old.built || n.how != old.how {
		s.labels[v] = n
		s.changed = true
	}
}

// at is v's label where block b uses it: clean where v is known to equal a
// constant.
func (s *state) at(v ssa.Value, b *ssa.BasicBlock) label {
	l, ok := s.labels[v]
	if !ok || l.isClean() {
		return label{}
	}
	if b != nil && s.narrowing(b.Parent()).known(v, b) {
		return label{}
	}
	return l
}

func (s *state) transfer(instr ssa.Instruction) {
	b := instr.Block()
	switch in := instr.(type) {
	case *ssa.Store:
		s.store(in.Addr, s.at(in.Val, b))
		return
	case *ssa.MapUpdate:
		s.store(in.Map, s.at(in.Value, b).union(s.at(in.Key, b)))
		return
	case *ssa.Send:
		s.store(in.Chan, s.at(in.X, b))
		return
	case *ssa.Return:
		var l label
		for _, r := range in.Results {
			l = l.union(s.at(r, b))
		}
		if old := s.rets[b.Parent()]; l.all()&^old.all() != 0 || old.how == "" && l.how != "" {
			s.rets[b.Parent()] = old.union(l)
			s.changed = true
		}
		return
	case *ssa.Go:
		s.call(in.Common(), in)
		return
	case *ssa.Defer:
		s.call(in.Common(), in)
		return
	}
	v, ok := instr.(ssa.Value)
	if !ok {
		return
	}
	l := s.eval(v, b)
	if !l.isClean() && plainText(v.Type()) {
		l = s.read(v, l)
	}
	s.set(v, l)
}

// read: text first read from a request (or a container of its values)
// becomes its own origin, named by the expression that reads it.
func (s *state) read(v ssa.Value, l label) label {
	var from uint64
	for m := l.all(); m != 0; m &= m - 1 {
		o := s.origins[bits.TrailingZeros64(m)]
		if o.kind == requestValue || o.kind == paramOrigin && o.request {
			from |= m & -m
		}
	}
	if from == 0 {
		return l
	}
	instr := v.(ssa.Instruction)
	bit, ok := s.born[instr]
	if !ok {
		pos := positioned(v).Pos()
		bit = s.addOrigin(&origin{kind: requestText, param: -1, pos: pos, desc: s.c.describe(pos, instr)})
		s.born[instr] = bit
	}
	out := label{direct: l.direct &^ from, built: l.built &^ from, how: l.how}
	if l.direct&from != 0 {
		out.direct |= bit
	}
	if l.built&from != 0 {
		out.built |= bit
	}
	return out
}

// positioned follows a value without a position (a range loop's key) back
// to one with a position (the ranged expression).
func positioned(v ssa.Value) ssa.Value {
	for {
		switch x := v.(type) {
		case *ssa.Extract:
			if _, ok := x.Tuple.(*ssa.Next); ok || !v.Pos().IsValid() {
				v = x.Tuple
				continue
			}
		case *ssa.Next:
			v = x.Iter
			continue
		case *ssa.Range:
			v = x.X
			continue
		}
		return v
	}
}

// store labels what addr points into: the variable, parameter or
// allocation at its root. Package-level variables are configuration and
// stay clean.
func (s *state) store(addr ssa.Value, l label) {
	if l.isClean() {
		return
	}
	r := rootOf(addr)
	if _, ok := r.(*ssa.Global); ok {
		return
	}
	s.set(r, l)
	if r != addr {
		s.set(addr, l)
	}
}

func rootOf(v ssa.Value) ssa.Value {
	for {
		switch x := v.(type) {
		case *ssa.FieldAddr:
			v = x.X
		case *ssa.IndexAddr:
			v = x.X
		case *ssa.Slice:
			v = x.X
		case *ssa.ChangeType:
			v = x.X
		case *ssa.MakeInterface:
			v = x.X
		default:
			return v
		}
	}
}

func (s *state) eval(v ssa.Value, b *ssa.BasicBlock) label {
	switch x := v.(type) {
	case *ssa.Parameter, *ssa.FreeVar, *ssa.Alloc, *ssa.MakeMap, *ssa.MakeSlice, *ssa.MakeChan:
		return s.labels[v]
	case *ssa.BinOp:
		if x.Op == token.ADD && isStringType(x.Type()) {
			return s.at(x.X, b).union(s.at(x.Y, b)).asBuilt("concatenation")
		}
		return label{}
	case *ssa.UnOp:
		if x.Op == token.MUL || x.Op == token.ARROW {
			return s.labels[v].union(s.at(x.X, b))
		}
		return label{}
	case *ssa.Phi:
		var l label
		for i, e := range x.Edges {
			if i < len(x.Block().Preds) && s.narrowing(x.Parent()).knownOnEdge(e, x.Block().Preds[i], x.Block()) {
				continue
			}
			if el, ok := s.labels[e]; ok {
				l = l.union(el)
			}
		}
		return l
	case *ssa.Convert:
		return s.at(x.X, b)
	case *ssa.ChangeType:
		return s.at(x.X, b)
	case *ssa.MakeInterface:
		return s.at(x.X, b)
	case *ssa.ChangeInterface:
		return s.at(x.X, b)
	case *ssa.SliceToArrayPointer:
		return s.at(x.X, b)
	case *ssa.MultiConvert:
		return s.at(x.X, b)
	case *ssa.TypeAssert:
		return s.at(x.X, b)
	case *ssa.Extract:
		return s.at(x.Tuple, b)
	case *ssa.Field:
		return s.at(x.X, b)
	case *ssa.FieldAddr:
		return s.labels[v].union(s.at(x.X, b))
	case *ssa.Index:
		return s.at(x.X, b)
	case *ssa.IndexAddr:
		return s.labels[v].union(s.at(x.X, b))
	case *ssa.Slice:
		return s.labels[v].union(s.at(x.X, b))
	case *ssa.Lookup:
		return s.at(x.X, b) // the map's values, whatever the key
	case *ssa.Range:
		return s.at(x.X, b)
	case *ssa.Next:
		return s.at(x.Iter, b)
	case *ssa.MakeClosure:
		fn := x.Fn.(*ssa.Function)
		var l label
		for i, bound := range x.Bindings {
			bl := s.at(bound, b)
			if i < len(fn.FreeVars) {
				s.set(fn.FreeVars[i], bl)
			}
			l = l.union(bl)
		}
		return l
	case *ssa.Call:
		return s.call(x.Common(), x)
	}
	return label{}
}

func isStringType(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsString != 0
}

// call is the label of a call's result, and records what the call writes
// through its pointer arguments.
func (s *state) call(common *ssa.CallCommon, instr ssa.CallInstruction) label {
	b := instr.Block()
	arg := func(i int) label {
		if i < 0 || i >= len(common.Args) {
			return label{}
		}
		return s.at(common.Args[i], b)
	}
	all := func(from int) label {
		var l label
		for i := from; i < len(common.Args); i++ {
			l = l.union(arg(i))
		}
		return l
	}
	if common.IsInvoke() {
		m := common.Method
		if m.Pkg() != nil && dbapi.IsDriverPackage(m.Pkg().Path()) {
			return label{}
		}
		if _, ok := s.c.idx.Classifier.Call(m, common.Value.Type()); ok {
			return label{}
		}
		if quotingMethods[m.Name()] {
			return label{} // a dialect's Quote(name): a quoted identifier or literal
		}
		return s.at(common.Value, b).union(all(0))
	}
	callee := common.StaticCallee()
	if callee == nil {
		if _, ok := common.Value.(*ssa.Builtin); ok {
			if common.Value.Name() == "append" || common.Value.Name() == "copy" {
				l := all(0)
				if common.Value.Name() == "copy" && len(common.Args) > 0 {
					s.store(common.Args[0], l)
				}
				return l
			}
			return label{}
		}
		return s.at(common.Value, b).union(all(0)) // a func value
	}
	if s.funcs[callee] { // a literal of this declaration
		for i, p := range callee.Params {
			s.set(p, arg(i))
		}
		return s.rets[callee]
	}
	fn, _ := callee.Object().(*types.Func)
	if fn == nil && callee.Origin() != nil {
		fn, _ = callee.Origin().Object().(*types.Func)
	}
	if fn == nil { // a wrapper or thunk
		return all(0)
	}
	name := dbapi.FullName(fn)
	offset := 0
	if sig, ok := fn.Type().(*types.Signature); ok && sig.Recv() != nil {
		offset = 1
	}
	if sanitizers[name] || readsByName[name] || offset == 1 && quotingMethods[fn.Name()] {
		return label{}
	}
	if sourceFuncs[name] {
		return s.request(instr, common)
	}
	if i, ok := passThrough[name]; ok {
		return arg(i + offset)
	}
	if how, ok := builders[name]; ok {
		switch {
		case writesFirstArg[name]:
			target := offset
			if target < len(common.Args) {
				s.store(common.Args[target], all(target+1).asBuilt(how))
			}
			return label{}
		case offset == 1:
			if len(common.Args) > 0 {
				s.store(common.Args[0], all(1).asBuilt(how))
			}
			return label{}
		}
		return all(0).asBuilt(how)
	}
	if fn.Pkg() != nil && dbapi.IsDriverPackage(fn.Pkg().Path()) {
		return label{} // database results are not input
	}
	if _, ok := s.c.idx.Classifier.Call(fn, nil); ok {
		return label{}
	}
	if sum := s.c.summaryOf(callee, fn); sum != nil {
		return s.apply(sum, common, instr, fn)
	}
	if fn.Pkg() != nil && !s.c.modelled(fn.Pkg().Path()) {
		return label{} // a function of another package without facts: opaque
	}
	// The standard library and the web frameworks: the result carries what
	// the arguments carry, and so does what a pointer argument points to.
	l := all(0)
	if !l.isClean() {
		for _, a := range common.Args {
			if mi, ok := a.(*ssa.MakeInterface); ok {
				a = mi.X // json.Unmarshal(body, &req)
			}
			if _, ok := a.Type().Underlying().(*types.Pointer); ok {
				s.store(a, l)
			}
		}
	}
	return l
}

// request is the label of request input returned by a call (chi.URLParam,
// mux.Vars).
func (s *state) request(instr ssa.CallInstruction, common *ssa.CallCommon) label {
	bit, ok := s.born[instr]
	if !ok {
		kind := requestValue
		v := instr.Value()
		if v != nil && plainText(v.Type()) {
			kind = requestText
		}
		pos := common.Pos()
		bit = s.addOrigin(&origin{kind: kind, param: -1, pos: pos, desc: s.c.describe(pos, instr)})
		s.born[instr] = bit
	}
	return label{direct: bit}
}

// apply is the label of the result of a call of a function with a summary.
func (s *state) apply(sum *summary, common *ssa.CallCommon, instr ssa.CallInstruction, fn *types.Func) label {
	b := instr.Block()
	arg := func(i int) label {
		if i < 0 || i >= len(common.Args) {
			return label{}
		}
		return s.at(common.Args[i], b)
	}
	var l label
	for _, f := range sum.Returns {
		a := arg(f.Param)
		if f.Built {
			a = a.asBuilt(dbapi.ShortName(fn))
		}
		l = l.union(a)
	}
	if sum.ReturnsInput {
		bit, ok := s.born[instr]
		if !ok {
			pos := common.Pos()
			bit = s.addOrigin(&origin{kind: helperInput, param: -1, pos: pos, desc: s.c.describe(pos, instr)})
			s.born[instr] = bit
		}
		l = l.union(label{direct: bit})
	}
	for _, in := range sum.Into {
		if in.To < len(common.Args) {
			a := arg(in.From)
			if in.Built {
				a = a.asBuilt(dbapi.ShortName(fn))
			}
			s.store(common.Args[in.To], a)
		}
	}
	return l
}

// summarize computes the root function's summary from the solved flow;
// the SQL flows come from judging its sinks.
func (s *state) summarize() *summary {
	sum := &summary{}
	ret := s.rets[s.root]
	for m := ret.all(); m != 0; m &= m - 1 {
		bit := m & -m
		o := s.origins[bits.TrailingZeros64(bit)]
		switch {
		case o.kind == paramOrigin:
			sum.addReturn(o.param, ret.built&bit != 0)
		case o.input():
			sum.ReturnsInput = true
		}
	}
	for j, p := range s.root.Params {
		if _, ok := p.Type().Underlying().(*types.Pointer); !ok {
			continue
		}
		l := s.labels[p]
		for m := l.all(); m != 0; m &= m - 1 {
			bit := m & -m
			o := s.origins[bits.TrailingZeros64(bit)]
			if o.kind == paramOrigin && o.param != j {
				sum.Into = append(sum.Into, into{From: o.param, To: j, Built: l.built&bit != 0})
			}
		}
	}
	return sum
}

// narrowing knows, for the values of one function compared with constants,
// the blocks only reached when they equal one.
type narrowing struct {
	fn    *ssa.Function
	edges map[ssa.Value]map[[2]*ssa.BasicBlock]bool
	memo  map[ssa.Value]map[*ssa.BasicBlock]bool
}

func (s *state) narrowing(fn *ssa.Function) *narrowing {
	if n, ok := s.narrows[fn]; ok {
		return n
	}
	n := &narrowing{fn: fn, edges: map[ssa.Value]map[[2]*ssa.BasicBlock]bool{}, memo: map[ssa.Value]map[*ssa.BasicBlock]bool{}}
	for _, b := range fn.Blocks {
		if len(b.Instrs) == 0 || len(b.Succs) != 2 {
			continue
		}
		iff, ok := b.Instrs[len(b.Instrs)-1].(*ssa.If)
		if !ok {
			continue
		}
		// even: the If's true edge is taken when cond (its NOTs stripped) holds.
		cond, even := iff.Cond, true
		for {
			if u, ok := cond.(*ssa.UnOp); ok && u.Op == token.NOT {
				cond, even = u.X, !even
				continue
			}
			break
		}
		for _, eq := range s.c.equalsConstant(cond) {
			succ := b.Succs[1]
			if eq.onTrue == even {
				succ = b.Succs[0]
			}
			edge := [2]*ssa.BasicBlock{b, succ}
			for _, w := range []ssa.Value{eq.v, unconvert(eq.v)} {
				if n.edges[w] == nil {
					n.edges[w] = map[[2]*ssa.BasicBlock]bool{}
				}
				n.edges[w][edge] = true
			}
		}
	}
	s.narrows[fn] = n
	return n
}

func unconvert(v ssa.Value) ssa.Value {
	for {
		switch x := v.(type) {
		case *ssa.ChangeType:
			v = x.X
		case *ssa.Convert:
			v = x.X
		default:
			return v
		}
	}
}

// known reports whether v equals a constant whenever block b runs.
func (n *narrowing) known(v ssa.Value, b *ssa.BasicBlock) bool {
	if len(n.edges[v]) == 0 {
		return false
	}
	return n.blocks(v)[b]
}

func (n *narrowing) knownOnEdge(v ssa.Value, pred, succ *ssa.BasicBlock) bool {
	if len(n.edges[v]) == 0 {
		return false
	}
	return n.edges[v][[2]*ssa.BasicBlock{pred, succ}] || n.blocks(v)[pred]
}

// blocks is the greatest fixed point of: b is known when it has
// predecessors and each reaches it by a narrowing edge or is known itself.
func (n *narrowing) blocks(v ssa.Value) map[*ssa.BasicBlock]bool {
	if m, ok := n.memo[v]; ok {
		return m
	}
	edges := n.edges[v]
	known := map[*ssa.BasicBlock]bool{}
	for _, b := range n.fn.Blocks {
		known[b] = len(b.Preds) > 0 && b.Index != 0
	}
	for changed := true; changed; {
		changed = false
		for _, b := range n.fn.Blocks {
			if !known[b] {
				continue
			}
			for _, p := range b.Preds {
				if !edges[[2]*ssa.BasicBlock{p, b}] && !known[p] {
					known[b], changed = false, true
					break
				}
			}
		}
	}
	n.memo[v] = known
	return known
}
