package dsn

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"sort"
	"strings"
)

// maxTexts bounds how many alternative texts one expression may have (one
// per reaching assignment, multiplied through concatenations).
const maxTexts = 8

// maxDepth bounds how far variables and constants are followed.
const maxDepth = 12

// Source builds connection-string texts from the Go expressions of one
// package: constants fold (const chains, "a" + "b"), concatenation with
// dynamic parts leaves holes, fmt.Sprintf formats turn verbs into holes,
// net/url URLs and query values are assembled from their literal parts, and
// local variables are followed through their assignments within the
// function.
type Source struct {
	info *types.Info
	// inits are the initialisers of package-level constants and variables
	// declared in the package, keyed by object.
	inits map[types.Object]ast.Expr
	// reassigned are package-level variables assigned in some function: their
	// initialiser is not their only value.
	reassigned map[types.Object]bool
	// callers lists, for each function declared in the package, the calls
	// of it there and the function each call is in.
	callers map[*types.Func][]caller
}

// caller is one call of a package function.
type caller struct {
	call *ast.CallExpr
	fn   ast.Node // the enclosing *ast.FuncDecl or *ast.FuncLit
}

// NewSource indexes the package-level declarations of files.
func NewSource(info *types.Info, files []*ast.File) *Source {
	s := &Source{info: info, inits: map[types.Object]ast.Expr{}, reassigned: map[types.Object]bool{}, callers: map[*types.Func][]caller{}}
	for _, f := range files {
		for _, decl := range f.Decls {
			if fd, ok := decl.(*ast.FuncDecl); ok && fd.Body != nil {
				s.indexCalls(fd, fd.Body)
			}
		}
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || (gd.Tok != token.CONST && gd.Tok != token.VAR) {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				if len(vs.Values) != len(vs.Names) {
					continue
				}
				for i, name := range vs.Names {
					if obj := info.Defs[name]; obj != nil {
						s.inits[obj] = vs.Values[i]
					}
				}
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.AssignStmt:
				for _, lhs := range n.Lhs {
					if id, ok := ast.Unparen(lhs).(*ast.Ident); ok {
						if obj := info.Uses[id]; obj != nil && isPackageLevel(obj) {
							s.reassigned[obj] = true
						}
					}
				}
			case *ast.UnaryExpr:
				if n.Op == token.AND {
					if id, ok := ast.Unparen(n.X).(*ast.Ident); ok {
						if obj := info.Uses[id]; obj != nil && isPackageLevel(obj) {
							s.reassigned[obj] = true // flag.StringVar(&dsn, ...)
						}
					}
				}
			}
			return true
		})
	}
	return s
}

// indexCalls records the calls of package functions in body, whose
// innermost enclosing function is fn.
func (s *Source) indexCalls(fn ast.Node, body *ast.BlockStmt) {
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			s.indexCalls(n, n.Body)
			return false
		case *ast.CallExpr:
			var id *ast.Ident
			switch f := ast.Unparen(n.Fun).(type) {
			case *ast.Ident:
				id = f
			case *ast.SelectorExpr:
				id = f.Sel
			}
			if id != nil {
				if callee, ok := s.info.Uses[id].(*types.Func); ok {
					s.callers[callee] = append(s.callers[callee], caller{n, fn})
				}
			}
		}
		return true
	})
}

func isPackageLevel(obj types.Object) bool {
	return obj.Pkg() != nil && obj.Parent() == obj.Pkg().Scope()
}

// Constant returns the text of e when e is a constant string expression.
func (s *Source) Constant(e ast.Expr) (Text, bool) {
	tv, ok := s.info.Types[e]
	if !ok || tv.Value == nil || tv.Value.Kind() != constant.String {
		return Text{}, false
	}
	return s.constText(e, constant.StringVal(tv.Value), 0), true
}

// constText maps a constant expression's value back to the literals it is
// made of, where they are in this package.
func (s *Source) constText(e ast.Expr, val string, depth int) Text {
	if depth > maxDepth {
		return KnownText(val, e)
	}
	switch x := ast.Unparen(e).(type) {
	case *ast.BasicLit:
		if t, ok := LiteralText(x); ok && t.S == val {
			return t
		}
	case *ast.BinaryExpr:
		if x.Op == token.ADD {
			l, lok := s.constValue(x.X)
			r, rok := s.constValue(x.Y)
			if lok && rok && l+r == val {
				return Concat(s.constText(x.X, l, depth+1), s.constText(x.Y, r, depth+1))
			}
		}
	case *ast.Ident:
		if obj, ok := s.info.Uses[x].(*types.Const); ok {
			if init, ok := s.inits[obj]; ok {
				return s.constText(init, val, depth+1)
			}
		}
	case *ast.SelectorExpr:
		if obj, ok := s.info.Uses[x.Sel].(*types.Const); ok {
			if init, ok := s.inits[obj]; ok {
				return s.constText(init, val, depth+1)
			}
		}
	case *ast.CallExpr:
		// A conversion such as DSN("…") or string(c).
		if tv, ok := s.info.Types[x.Fun]; ok && tv.IsType() && len(x.Args) == 1 {
			return s.constText(x.Args[0], val, depth+1)
		}
	}
	return KnownText(val, e)
}

func (s *Source) constValue(e ast.Expr) (string, bool) {
	tv, ok := s.info.Types[e]
	if !ok || tv.Value == nil || tv.Value.Kind() != constant.String {
		return "", false
	}
	return constant.StringVal(tv.Value), true
}

// Texts returns the texts e may have when evaluated inside fn (the
// enclosing *ast.FuncDecl or *ast.FuncLit; nil at package level). Parts it
// cannot know are holes. It returns nil when e is entirely dynamic.
func (s *Source) Texts(e ast.Expr, fn ast.Node) []Text {
	r := &resolver{Source: s, fn: fn, visiting: map[types.Object]bool{}}
	texts := r.texts(e, 0)
	out := texts[:0]
	for _, t := range texts {
		if strings.Trim(t.S, string(Hole)) != "" {
			out = append(out, t)
		}
	}
	return out
}

type resolver struct {
	*Source
	fn       ast.Node
	visiting map[types.Object]bool
}

func (r *resolver) texts(e ast.Expr, depth int) []Text {
	if t, ok := r.Constant(e); ok {
		return []Text{t}
	}
	if depth > maxDepth {
		return []Text{HoleText(e)}
	}
	switch x := ast.Unparen(e).(type) {
	case *ast.BinaryExpr:
		if x.Op == token.ADD && r.isString(x) {
			return cross(r.texts(x.X, depth+1), r.texts(x.Y, depth+1))
		}
	case *ast.Ident:
		return r.variable(x, depth)
	case *ast.CallExpr:
		if ts := r.call(x, depth); ts != nil {
			return ts
		}
	case *ast.SelectorExpr:
		// A field of a local struct literal, e.g. cfg.DSN with cfg := Config{DSN: "…"}.
		if ts := r.field(x, depth); ts != nil {
			return ts
		}
	}
	return []Text{HoleText(e)}
}

func (r *resolver) isString(e ast.Expr) bool {
	t := r.info.TypeOf(e)
	if t == nil {
		return false
	}
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsString != 0
}

// cross concatenates every left text with every right text.
func cross(left, right []Text) []Text {
	var out []Text
	for _, l := range left {
		for _, rt := range right {
			if len(out) == maxTexts {
				return out
			}
			out = append(out, Concat(l, rt))
		}
	}
	return out
}

// variable follows an identifier to the values assigned to it.
func (r *resolver) variable(id *ast.Ident, depth int) []Text {
	obj, ok := r.info.Uses[id].(*types.Var)
	if !ok || r.visiting[obj] {
		return []Text{HoleText(id)}
	}
	r.visiting[obj] = true
	defer delete(r.visiting, obj)
	if isPackageLevel(obj) {
		if init, ok := r.inits[obj]; ok && !r.reassigned[obj] {
			return r.texts(init, depth+1)
		}
		return []Text{HoleText(id)}
	}
	if r.fn == nil {
		return []Text{HoleText(id)}
	}
	defs, appends := r.assignments(obj, id.Pos())
	if len(defs) == 0 && len(appends) == 0 {
		if ts := r.fromCallers(obj, depth); ts != nil {
			return ts
		}
	}
	var out []Text
	emit := func(base []Text, after token.Pos) {
		for _, b := range base {
			t := []Text{b}
			for _, a := range appends {
				if a.pos > after {
					t = cross(t, r.texts(a.value, depth+1))
				}
			}
			for _, x := range t {
				if len(out) < maxTexts {
					out = append(out, x)
				}
			}
		}
	}
	if len(defs) == 0 {
		emit([]Text{HoleText(id)}, token.NoPos)
	}
	for _, d := range defs {
		if d.value == nil {
			emit([]Text{HoleText(id)}, d.pos)
			continue
		}
		emit(r.texts(d.value, depth+1), d.pos)
	}
	return out
}

// maxCallers bounds how many call sites of a function are followed.
const maxCallers = 8

// fromCallers resolves a parameter of a function declared in the package
// (never reassigned in it) to the arguments its callers in the package
// pass. Callers elsewhere, or through a function value, may pass other
// values: those are not judged, but each value found is a real one.
func (r *resolver) fromCallers(param *types.Var, depth int) []Text {
	fd, ok := r.fn.(*ast.FuncDecl)
	if !ok || fd.Recv != nil && len(fd.Recv.List) > 0 {
		return nil // methods and closures: callers are not known statically
	}
	fnObj, ok := r.info.Defs[fd.Name].(*types.Func)
	if !ok {
		return nil
	}
	sig := fnObj.Type().(*types.Signature)
	index := -1
	for i := 0; i < sig.Params().Len(); i++ {
		if sig.Params().At(i) == param {
			index = i
		}
	}
	if index < 0 || sig.Variadic() && index == sig.Params().Len()-1 {
		return nil
	}
	calls := r.callers[fnObj]
	if len(calls) == 0 || len(calls) > maxCallers {
		return nil
	}
	var out []Text
	for _, c := range calls {
		if index >= len(c.call.Args) {
			return nil
		}
		sub := &resolver{Source: r.Source, fn: c.fn, visiting: r.visiting}
		for _, t := range sub.texts(c.call.Args[index], depth+1) {
			if len(out) < maxTexts {
				out = append(out, t)
			}
		}
	}
	return out
}

type assignment struct {
	pos   token.Pos
	value ast.Expr // nil: assigned a value we cannot see (multi-value call, range)
}

// assignments lists, in source order, the plain assignments (and the
// declaration) of obj in the function before pos, and its += appends. The
// function's control flow is not followed: each plain assignment is one
// possible value, extended by the appends that come after it.
func (r *resolver) assignments(obj types.Object, before token.Pos) (defs, appends []assignment) {
	body := funcBody(r.fn)
	if body == nil {
		return nil, nil
	}
	ast.Inspect(body, func(n ast.Node) bool {
		if n == nil || n.Pos() >= before {
			return false
		}
		if _, ok := n.(*ast.FuncLit); ok && n != r.fn {
			return false // another function's assignments
		}
		switch n := n.(type) {
		case *ast.AssignStmt:
			for i, lhs := range n.Lhs {
				id, ok := ast.Unparen(lhs).(*ast.Ident)
				if !ok || (r.info.Defs[id] != obj && r.info.Uses[id] != obj) {
					continue
				}
				var value ast.Expr
				if len(n.Rhs) == len(n.Lhs) {
					value = n.Rhs[i]
				}
				switch n.Tok {
				case token.ADD_ASSIGN:
					appends = append(appends, assignment{n.Pos(), value})
				case token.ASSIGN, token.DEFINE:
					defs = append(defs, assignment{n.Pos(), value})
				default:
					defs = append(defs, assignment{n.Pos(), nil})
				}
			}
		case *ast.ValueSpec:
			for i, name := range n.Names {
				if r.info.Defs[name] != obj {
					continue
				}
				var value ast.Expr
				if len(n.Values) == len(n.Names) {
					value = n.Values[i]
				}
				if value == nil && len(n.Values) == 0 {
					defs = append(defs, assignment{n.Pos(), nil})
					continue
				}
				defs = append(defs, assignment{n.Pos(), value})
			}
		case *ast.RangeStmt:
			for _, e := range []ast.Expr{n.Key, n.Value} {
				if id, ok := e.(*ast.Ident); ok && (r.info.Defs[id] == obj || r.info.Uses[id] == obj) {
					defs = append(defs, assignment{n.Pos(), nil})
				}
			}
		case *ast.UnaryExpr:
			// &v handed to a function (flag.StringVar, Scan, Unmarshal): any value.
			if id, ok := ast.Unparen(n.X).(*ast.Ident); ok && n.Op == token.AND && r.info.Uses[id] == obj {
				defs = append(defs, assignment{n.Pos(), nil})
			}
		}
		return true
	})
	return defs, appends
}

func funcBody(fn ast.Node) *ast.BlockStmt {
	switch f := fn.(type) {
	case *ast.FuncDecl:
		return f.Body
	case *ast.FuncLit:
		return f.Body
	}
	return nil
}

// calleeName is "pkg.Func" or "pkg.Type.Method" of a call's callee.
func (r *resolver) callee(call *ast.CallExpr) (*types.Func, string) {
	var id *ast.Ident
	switch f := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		id = f
	case *ast.SelectorExpr:
		id = f.Sel
	default:
		return nil, ""
	}
	fn, ok := r.info.Uses[id].(*types.Func)
	if !ok || fn.Pkg() == nil {
		return nil, ""
	}
	sig := fn.Type().(*types.Signature)
	if recv := sig.Recv(); recv != nil {
		t := recv.Type()
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		if n, ok := types.Unalias(t).(*types.Named); ok {
			return fn, fn.Pkg().Path() + "." + n.Obj().Name() + "." + fn.Name()
		}
		return fn, ""
	}
	return fn, fn.Pkg().Path() + "." + fn.Name()
}

func (r *resolver) call(call *ast.CallExpr, depth int) []Text {
	// A conversion: string(b), DSN(s).
	if tv, ok := r.info.Types[call.Fun]; ok && tv.IsType() && len(call.Args) == 1 {
		return r.texts(call.Args[0], depth+1)
	}
	_, name := r.callee(call)
	switch name {
	case "fmt.Sprintf":
		if len(call.Args) == 0 {
			return nil
		}
		var out []Text
		for _, format := range r.texts(call.Args[0], depth+1) {
			out = append(out, r.sprintf(format, call.Args[1:]))
		}
		return out
	case "fmt.Sprint":
		var parts [][]Text
		for _, a := range call.Args {
			if r.isString(a) {
				parts = append(parts, r.texts(a, depth+1))
			} else {
				parts = append(parts, []Text{r.formatted(a, 'v')})
			}
		}
		out := []Text{{}}
		for _, p := range parts {
			out = cross(out, p)
		}
		return out
	case "os.ExpandEnv":
		if len(call.Args) == 1 {
			var out []Text
			for _, t := range r.texts(call.Args[0], depth+1) {
				out = append(out, expandEnvHoles(t, call.Args[0]))
			}
			return out
		}
	case "strings.Join":
		if len(call.Args) == 2 {
			return r.join(call, depth)
		}
	case "net/url.URL.String":
		if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
			return r.urlString(sel.X, call.Pos(), depth)
		}
	case "net/url.Values.Encode":
		if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
			return []Text{r.values(sel.X, call.Pos(), depth).text()}
		}
	}
	return nil
}

// join handles strings.Join([]string{"host=h", "port=5432"}, " ").
func (r *resolver) join(call *ast.CallExpr, depth int) []Text {
	lit, ok := ast.Unparen(call.Args[0]).(*ast.CompositeLit)
	if !ok {
		return nil
	}
	seps := r.texts(call.Args[1], depth+1)
	if len(seps) != 1 {
		return nil
	}
	out := []Text{{}}
	for i, elt := range lit.Elts {
		if i > 0 {
			out = cross(out, seps)
		}
		out = cross(out, r.texts(elt, depth+1))
	}
	return out
}

// sprintf substitutes the arguments of a format: constant arguments are
// formatted, the others become holes.
func (r *resolver) sprintf(format Text, args []ast.Expr) Text {
	var parts []Text
	s := format.S
	last, argi := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			continue
		}
		parts = append(parts, format.Slice(last, i))
		j := i + 1
		if j < len(s) && s[j] == '%' {
			parts = append(parts, format.Slice(j, j+1))
			i = j
			last = j + 1
			continue
		}
		// flags, width, precision, explicit argument index
		for j < len(s) && strings.IndexByte("+-# 0", s[j]) >= 0 {
			j++
		}
		for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '*' || s[j] == '.' || s[j] == '[' || s[j] == ']') {
			if s[j] == '[' {
				if k := strings.IndexByte(s[j:], ']'); k > 0 {
					var n int
					if _, err := fmt.Sscanf(s[j+1:j+k], "%d", &n); err == nil {
						argi = n - 1
					}
					j += k
				}
			}
			if s[j] == '*' {
				argi++
			}
			j++
		}
		if j >= len(s) {
			parts = append(parts, HoleText(nil))
			last = len(s)
			break
		}
		verb := s[j]
		if argi >= 0 && argi < len(args) {
			parts = append(parts, r.formatted(args[argi], verb))
		} else {
			parts = append(parts, HoleText(nil))
		}
		argi++
		i = j
		last = j + 1
	}
	if last < len(s) {
		parts = append(parts, format.Slice(last, len(s)))
	}
	t := Concat(parts...)
	// Holes without a node take the position of the format string.
	for k := range t.spans {
		if t.spans[k].node == nil && len(format.spans) > 0 {
			t.spans[k].node = format.spans[0].node
		}
	}
	return t
}

// formatted is the text of arg printed with verb: its value when constant
// (and the verb prints it plainly), else a hole.
func (r *resolver) formatted(arg ast.Expr, verb byte) Text {
	tv, ok := r.info.Types[arg]
	if ok && tv.Value != nil && strings.IndexByte("svdq", verb) >= 0 {
		var v string
		switch tv.Value.Kind() {
		case constant.String:
			if verb == 'q' {
				v = fmt.Sprintf("%q", constant.StringVal(tv.Value))
			} else if verb != 'd' {
				v = constant.StringVal(tv.Value)
			}
		case constant.Int:
			if verb != 'q' {
				v = tv.Value.ExactString()
			}
		}
		if v != "" {
			if t, ok := r.Constant(arg); ok && verb != 'q' {
				return t
			}
			return KnownText(v, arg)
		}
	}
	return HoleText(arg)
}

// expandEnvHoles replaces $VAR and ${VAR} with holes, as os.ExpandEnv would
// fill them at run time.
func expandEnvHoles(t Text, node ast.Node) Text {
	var parts []Text
	s := t.S
	last := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			continue
		}
		j := i + 1
		if s[j] == '{' {
			k := strings.IndexByte(s[j:], '}')
			if k < 0 {
				continue
			}
			j += k + 1
		} else {
			for j < len(s) && (s[j] == '_' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] >= '0' && s[j] <= '9') {
				j++
			}
			if j == i+1 {
				continue
			}
		}
		parts = append(parts, t.Slice(last, i), HoleText(node))
		last = j
		i = j - 1
	}
	parts = append(parts, t.Slice(last, len(s)))
	return Concat(parts...)
}

// field resolves x.F where x is a local variable holding a struct literal.
func (r *resolver) field(sel *ast.SelectorExpr, depth int) []Text {
	id, ok := ast.Unparen(sel.X).(*ast.Ident)
	if !ok {
		return nil
	}
	obj, ok := r.info.Uses[id].(*types.Var)
	if !ok || r.fn == nil || isPackageLevel(obj) || r.visiting[obj] {
		return nil
	}
	defs, _ := r.assignments(obj, sel.Pos())
	if len(defs) != 1 || defs[0].value == nil {
		return nil
	}
	lit := compositeOf(defs[0].value)
	if lit == nil {
		return nil
	}
	// A later x.F = v wins over the literal.
	if v := r.lastFieldAssign(obj, sel.Sel.Name, sel.Pos()); v != nil {
		return r.texts(v, depth+1)
	}
	for _, elt := range lit.Elts {
		if kv, ok := elt.(*ast.KeyValueExpr); ok {
			if k, ok := kv.Key.(*ast.Ident); ok && k.Name == sel.Sel.Name {
				return r.texts(kv.Value, depth+1)
			}
		}
	}
	return nil
}

func compositeOf(e ast.Expr) *ast.CompositeLit {
	e = ast.Unparen(e)
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		e = ast.Unparen(u.X)
	}
	lit, _ := e.(*ast.CompositeLit)
	return lit
}

// lastFieldAssign finds the last "x.name = v" before pos in the function.
func (r *resolver) lastFieldAssign(obj types.Object, name string, before token.Pos) ast.Expr {
	var v ast.Expr
	ast.Inspect(funcBody(r.fn), func(n ast.Node) bool {
		if n == nil || n.Pos() >= before {
			return false
		}
		as, ok := n.(*ast.AssignStmt)
		if !ok || as.Tok != token.ASSIGN || len(as.Lhs) != len(as.Rhs) {
			return true
		}
		for i, lhs := range as.Lhs {
			if sel, ok := ast.Unparen(lhs).(*ast.SelectorExpr); ok && sel.Sel.Name == name {
				if id, ok := ast.Unparen(sel.X).(*ast.Ident); ok && r.info.Uses[id] == obj {
					v = as.Rhs[i]
				}
			}
		}
		return true
	})
	return v
}

// urlParts is a net/url.URL assembled from its literal fields.
type urlParts struct {
	// opaque is the whole URL before its query when url.Parse was given a
	// text we cannot split (a dynamic string).
	opaque                                       []Text
	scheme, user, password, host, path, rawQuery []Text
	hasUser, hasPassword                         bool
	query                                        *queryValues
}

// urlString is the text of u.String() for a url.URL built in the function.
func (r *resolver) urlString(recv ast.Expr, before token.Pos, depth int) []Text {
	u := r.urlOf(recv, before, depth)
	if u == nil {
		return nil
	}
	one := func(ts []Text) Text {
		if len(ts) == 0 {
			return Text{}
		}
		return ts[0]
	}
	var parts []Text
	if len(u.opaque) > 0 {
		parts = append(parts, one(u.opaque))
	}
	if len(u.scheme) > 0 {
		parts = append(parts, one(u.scheme), KnownText("://", recv))
	}
	if u.hasUser {
		parts = append(parts, one(u.user))
		if u.hasPassword {
			parts = append(parts, KnownText(":", recv), one(u.password))
		}
		parts = append(parts, KnownText("@", recv))
	}
	parts = append(parts, one(u.host))
	if p := one(u.path); p.S != "" {
		if !strings.HasPrefix(p.S, "/") {
			parts = append(parts, KnownText("/", recv))
		}
		parts = append(parts, p)
	}
	q := one(u.rawQuery)
	if u.query != nil {
		q = u.query.text()
	}
	if q.S != "" {
		parts = append(parts, KnownText("?", recv), q)
	}
	return []Text{Concat(parts...)}
}

// urlOf assembles the url.URL held by e (a local variable, a composite
// literal, or url.Parse of a text) from its literal and assigned fields.
func (r *resolver) urlOf(e ast.Expr, before token.Pos, depth int) *urlParts {
	if depth > maxDepth {
		return nil
	}
	e = ast.Unparen(e)
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		e = ast.Unparen(u.X)
	}
	if st, ok := e.(*ast.StarExpr); ok {
		e = ast.Unparen(st.X)
	}
	switch x := e.(type) {
	case *ast.CompositeLit:
		u := &urlParts{}
		for _, elt := range x.Elts {
			kv, ok := elt.(*ast.KeyValueExpr)
			if !ok {
				continue
			}
			if k, ok := kv.Key.(*ast.Ident); ok {
				r.setURLField(u, k.Name, kv.Value, before, depth)
			}
		}
		return u
	case *ast.CallExpr:
		if _, name := r.callee(x); name == "net/url.Parse" && len(x.Args) == 1 {
			ts := r.texts(x.Args[0], depth+1)
			if len(ts) != 1 {
				return nil
			}
			return splitURL(ts[0])
		}
	case *ast.Ident:
		obj, ok := r.info.Uses[x].(*types.Var)
		if !ok || r.fn == nil || r.visiting[obj] {
			return nil
		}
		r.visiting[obj] = true
		defer delete(r.visiting, obj)
		defs, _ := r.assignments(obj, before)
		var u *urlParts
		if len(defs) == 1 && defs[0].value != nil {
			u = r.urlOf(defs[0].value, before, depth+1)
		} else if len(defs) >= 1 {
			// u, err := url.Parse(s): the call is the first right-hand side.
			if as := r.defStmt(obj, before); as != nil && len(as.Rhs) == 1 {
				u = r.urlOf(as.Rhs[0], before, depth+1)
			}
		}
		if u == nil {
			if len(defs) != 0 {
				return nil
			}
			u = &urlParts{}
		}
		r.applyFieldAssigns(u, obj, before, depth)
		return u
	}
	return nil
}

// defStmt is the single defining assignment of obj (for multi-value forms
// like u, err := url.Parse(s)).
func (r *resolver) defStmt(obj types.Object, before token.Pos) *ast.AssignStmt {
	var found *ast.AssignStmt
	ast.Inspect(funcBody(r.fn), func(n ast.Node) bool {
		if n == nil || n.Pos() >= before {
			return false
		}
		if as, ok := n.(*ast.AssignStmt); ok && (as.Tok == token.DEFINE || as.Tok == token.ASSIGN) {
			for _, lhs := range as.Lhs {
				if id, ok := lhs.(*ast.Ident); ok && (r.info.Defs[id] == obj || r.info.Uses[id] == obj) {
					found = as
				}
			}
		}
		return true
	})
	return found
}

func (r *resolver) applyFieldAssigns(u *urlParts, obj types.Object, before token.Pos, depth int) {
	ast.Inspect(funcBody(r.fn), func(n ast.Node) bool {
		if n == nil || n.Pos() >= before {
			return false
		}
		as, ok := n.(*ast.AssignStmt)
		if !ok || as.Tok != token.ASSIGN || len(as.Lhs) != len(as.Rhs) {
			return true
		}
		for i, lhs := range as.Lhs {
			sel, ok := ast.Unparen(lhs).(*ast.SelectorExpr)
			if !ok {
				continue
			}
			if id, ok := ast.Unparen(sel.X).(*ast.Ident); ok && r.info.Uses[id] == obj {
				r.setURLField(u, sel.Sel.Name, as.Rhs[i], as.Pos(), depth)
			}
		}
		return true
	})
}

func (r *resolver) setURLField(u *urlParts, field string, v ast.Expr, at token.Pos, depth int) {
	switch field {
	case "Scheme":
		u.scheme = r.texts(v, depth+1)
	case "Host":
		u.host = r.texts(v, depth+1)
	case "Path":
		u.path = r.texts(v, depth+1)
	case "RawQuery":
		u.query = nil
		if call, ok := ast.Unparen(v).(*ast.CallExpr); ok {
			if _, name := r.callee(call); name == "net/url.Values.Encode" {
				if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
					u.query = r.values(sel.X, at, depth)
					return
				}
			}
		}
		u.rawQuery = r.texts(v, depth+1)
	case "User":
		call, ok := ast.Unparen(v).(*ast.CallExpr)
		if !ok {
			u.hasUser, u.user = true, []Text{HoleText(v)}
			return
		}
		switch _, name := r.callee(call); name {
		case "net/url.UserPassword":
			if len(call.Args) == 2 {
				u.hasUser, u.hasPassword = true, true
				u.user, u.password = r.texts(call.Args[0], depth+1), r.texts(call.Args[1], depth+1)
			}
		case "net/url.User":
			if len(call.Args) == 1 {
				u.hasUser, u.user = true, r.texts(call.Args[0], depth+1)
			}
		default:
			u.hasUser, u.user = true, []Text{HoleText(v)}
		}
	}
}

// splitURL splits a URL text into the parts url.Parse would fill.
func splitURL(t Text) *urlParts {
	d := Parse(t.S)
	if d.Form != URL && d.Form != ForeignURL || d.Opaque {
		if !d.Partial() {
			return nil
		}
		// A dynamic URL: keep it whole; a query set later is appended.
		if i := strings.IndexByte(t.S, '?'); i >= 0 {
			return &urlParts{opaque: []Text{t.Slice(0, i)}, rawQuery: []Text{t.Slice(i+1, len(t.S))}}
		}
		return &urlParts{opaque: []Text{t}}
	}
	u := &urlParts{scheme: []Text{t.Slice(d.SchemeRange.Start, d.SchemeRange.End)}}
	for _, p := range d.Params {
		v := []Text{t.Slice(p.ValueRange.Start, p.ValueRange.End)}
		switch p.Part {
		case PartUser:
			u.hasUser, u.user = true, v
		case PartPassword:
			u.hasPassword, u.password = true, v
		case PartHost:
			u.host = v
		case PartDatabase:
			u.path = v
		}
	}
	if p, ok := d.Get("port"); ok && p.Part == PartPort {
		// Keep host:port together as url.URL.Host does.
		h := u.host
		if len(h) == 1 {
			u.host = []Text{Concat(h[0], KnownText(":", nil), t.Slice(p.ValueRange.Start, p.ValueRange.End))}
		}
	}
	if u.hasPassword && !u.hasUser {
		u.hasUser, u.user = true, []Text{{}}
	}
	if i := strings.IndexByte(t.S, '?'); i >= 0 {
		u.rawQuery = []Text{t.Slice(i+1, len(t.S))}
	}
	return u
}

// queryValues is a url.Values assembled from literal keys.
type queryValues struct {
	keys   []Text
	values []Text
	opaque bool // values added that we cannot see
}

func (q *queryValues) text() Text {
	type kv struct{ k, v Text }
	var pairs []kv
	for i := range q.keys {
		pairs = append(pairs, kv{q.keys[i], q.values[i]})
	}
	// Values.Encode sorts by key.
	sort.SliceStable(pairs, func(i, j int) bool { return pairs[i].k.S < pairs[j].k.S })
	var parts []Text
	for i, p := range pairs {
		if i > 0 {
			parts = append(parts, KnownText("&", nil))
		}
		parts = append(parts, p.k, KnownText("=", nil), p.v)
	}
	if q.opaque {
		if len(parts) > 0 {
			parts = append(parts, KnownText("&", nil))
		}
		parts = append(parts, HoleText(nil))
	}
	return Concat(parts...)
}

func (q *queryValues) set(k, v Text, replace bool) {
	if replace {
		q.del(k.S)
	}
	q.keys = append(q.keys, k)
	q.values = append(q.values, v)
}

func (q *queryValues) del(key string) {
	for i := 0; i < len(q.keys); i++ {
		if q.keys[i].S == key {
			q.keys = append(q.keys[:i], q.keys[i+1:]...)
			q.values = append(q.values[:i], q.values[i+1:]...)
			i--
		}
	}
}

// values assembles the url.Values held by e before pos.
func (r *resolver) values(e ast.Expr, before token.Pos, depth int) *queryValues {
	q := &queryValues{}
	e = ast.Unparen(e)
	first := func(ts []Text, node ast.Node) Text {
		if len(ts) == 0 {
			return HoleText(node)
		}
		return ts[0]
	}
	switch x := e.(type) {
	case *ast.CompositeLit:
		r.valuesLiteral(q, x, depth)
		return q
	case *ast.CallExpr:
		if _, name := r.callee(x); name == "net/url.URL.Query" {
			if sel, ok := ast.Unparen(x.Fun).(*ast.SelectorExpr); ok {
				if u := r.urlOf(sel.X, x.Pos(), depth+1); u != nil {
					if u.query != nil {
						return u.query
					}
					if len(u.rawQuery) > 0 {
						d := Parse(string(Hole) + "?" + u.rawQuery[0].S)
						base := Concat(KnownText(string(Hole)+"?", nil), u.rawQuery[0])
						for _, p := range d.Params {
							q.set(base.Slice(p.KeyRange.Start, p.KeyRange.End), base.Slice(p.ValueRange.Start, p.ValueRange.End), false)
						}
						q.opaque = d.Opaque
					}
					return q
				}
			}
		}
		q.opaque = true
		return q
	case *ast.Ident:
		obj, ok := r.info.Uses[x].(*types.Var)
		if !ok || r.fn == nil {
			q.opaque = true
			return q
		}
		defs, _ := r.assignments(obj, before)
		if len(defs) == 1 && defs[0].value != nil {
			q = r.values(defs[0].value, before, depth+1)
		} else if len(defs) > 1 || (len(defs) == 1 && defs[0].value == nil) {
			q.opaque = true
		}
		// q.Set / q.Add / q.Del calls, and q["k"] = []string{…}.
		ast.Inspect(funcBody(r.fn), func(n ast.Node) bool {
			if n == nil || n.Pos() >= before {
				return false
			}
			switch n := n.(type) {
			case *ast.CallExpr:
				sel, ok := ast.Unparen(n.Fun).(*ast.SelectorExpr)
				if !ok {
					return true
				}
				id, ok := ast.Unparen(sel.X).(*ast.Ident)
				if !ok || r.info.Uses[id] != obj {
					return true
				}
				switch _, name := r.callee(n); name {
				case "net/url.Values.Set", "net/url.Values.Add":
					if len(n.Args) == 2 {
						k := first(r.texts(n.Args[0], depth+1), n.Args[0])
						v := first(r.texts(n.Args[1], depth+1), n.Args[1])
						q.set(k, v, strings.HasSuffix(name, ".Set"))
					}
				case "net/url.Values.Del":
					if len(n.Args) == 1 {
						if k, ok := r.Constant(n.Args[0]); ok {
							q.del(k.S)
						}
					}
				}
			case *ast.AssignStmt:
				for i, lhs := range n.Lhs {
					ix, ok := ast.Unparen(lhs).(*ast.IndexExpr)
					if !ok || len(n.Rhs) != len(n.Lhs) {
						continue
					}
					if id, ok := ast.Unparen(ix.X).(*ast.Ident); ok && r.info.Uses[id] == obj {
						k := first(r.texts(ix.Index, depth+1), ix.Index)
						q.set(k, r.firstElem(n.Rhs[i], depth), true)
					}
				}
			}
			return true
		})
		return q
	}
	q.opaque = true
	return q
}

func (r *resolver) valuesLiteral(q *queryValues, lit *ast.CompositeLit, depth int) {
	for _, elt := range lit.Elts {
		kv, ok := elt.(*ast.KeyValueExpr)
		if !ok {
			q.opaque = true
			continue
		}
		ks := r.texts(kv.Key, depth+1)
		if len(ks) == 0 {
			q.opaque = true
			continue
		}
		q.set(ks[0], r.firstElem(kv.Value, depth), false)
	}
}

// firstElem is the text of the first element of a []string literal.
func (r *resolver) firstElem(e ast.Expr, depth int) Text {
	if lit, ok := ast.Unparen(e).(*ast.CompositeLit); ok && len(lit.Elts) > 0 {
		if ts := r.texts(lit.Elts[0], depth+1); len(ts) > 0 {
			return ts[0]
		}
	}
	return HoleText(e)
}

// RuntimeParam recognises a write to a pgconn.Config's RuntimeParams map
// (cfg.RuntimeParams["k"] = v, cfg.ConnConfig.RuntimeParams["k"] = v): such
// a key skips the drivers' parsing and is sent to the server as is. It
// returns the key's text and the index expression.
func (s *Source) RuntimeParam(lhs ast.Expr) (Text, *ast.IndexExpr, bool) {
	ix, ok := ast.Unparen(lhs).(*ast.IndexExpr)
	if !ok {
		return Text{}, nil, false
	}
	sel, ok := ast.Unparen(ix.X).(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "RuntimeParams" {
		return Text{}, nil, false
	}
	field, ok := s.info.Uses[sel.Sel].(*types.Var)
	if !ok || !field.IsField() || field.Pkg() == nil || field.Pkg().Path() != "github.com/jackc/pgx/v5/pgconn" {
		return Text{}, nil, false
	}
	key, ok := s.Constant(ix.Index)
	if !ok {
		return Text{}, nil, false
	}
	return key, ix, true
}
