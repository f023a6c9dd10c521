package dsn

import (
	"go/ast"
	"go/token"
	"strconv"
	"strings"
)

// Text is the statically known text of a Go string expression, holes for
// its dynamic parts, and where each byte came from, so that a range of the
// text maps back to source positions and, inside a single string literal,
// to an exact byte edit.
type Text struct {
	S     string
	spans []span
}

// span is a run of Text.S from one origin.
type span struct {
	start, end int
	// node is the expression the bytes came from.
	node ast.Node
	// lit is set when the bytes are the value of this string literal; offs
	// maps value byte i (relative to start) to its offset in lit.Value, with
	// one extra entry for the end. A literal without escapes needs no table
	// (which costs 8 bytes per byte of a huge constant): offs is nil and
	// byte i is at base+i.
	lit  *ast.BasicLit
	offs []int
	base int
}

// off is the offset in lit.Value of value byte i (relative to start).
func (sp *span) off(i int) int {
	if sp.offs == nil {
		return sp.base + i
	}
	return sp.offs[i]
}

// HoleText is a dynamic value: one Hole byte standing for node.
func HoleText(node ast.Node) Text {
	return Text{S: string(Hole), spans: []span{{start: 0, end: 1, node: node}}}
}

// KnownText is text whose value is known but whose bytes are not written
// out at node (a constant declared elsewhere, a formatted constant).
func KnownText(s string, node ast.Node) Text {
	if s == "" {
		return Text{}
	}
	return Text{S: s, spans: []span{{start: 0, end: len(s), node: node}}}
}

// LiteralText is the value of a string literal, mapped byte by byte.
func LiteralText(lit *ast.BasicLit) (Text, bool) {
	if lit.Kind != token.STRING {
		return Text{}, false
	}
	val, offs, ok := literalOffsets(lit.Value)
	if !ok {
		return Text{}, false
	}
	if val == "" {
		return Text{}, true
	}
	return Text{S: val, spans: []span{{start: 0, end: len(val), node: lit, lit: lit, offs: offs, base: 1}}}, true
}

// Concat joins texts.
func Concat(parts ...Text) Text {
	var out Text
	var b strings.Builder
	for _, p := range parts {
		base := b.Len()
		b.WriteString(p.S)
		for _, sp := range p.spans {
			sp.start += base
			sp.end += base
			out.spans = append(out.spans, sp)
		}
	}
	out.S = b.String()
	return out
}

// Slice returns t.S[from:to] with its origins.
func (t Text) Slice(from, to int) Text {
	out := Text{S: t.S[from:to]}
	for _, sp := range t.spans {
		s, e := max(sp.start, from), min(sp.end, to)
		if s >= e {
			continue
		}
		n := sp
		n.start, n.end = s-from, e-from
		if sp.offs != nil {
			n.offs = sp.offs[s-sp.start : e-sp.start+1]
		}
		n.base = sp.base + s - sp.start
		out.spans = append(out.spans, n)
	}
	return out
}

func (t Text) spanAt(i int) *span {
	for k := range t.spans {
		if sp := &t.spans[k]; i >= sp.start && i < sp.end {
			return sp
		}
	}
	if i == len(t.S) && len(t.spans) > 0 {
		return &t.spans[len(t.spans)-1]
	}
	return nil
}

// Pos is the source position of byte i: exact inside a literal, else the
// start of the expression the byte came from.
func (t Text) Pos(i int) token.Pos {
	sp := t.spanAt(i)
	if sp == nil {
		return token.NoPos
	}
	if sp.lit != nil {
		return sp.lit.Pos() + token.Pos(sp.off(i-sp.start))
	}
	if sp.node == nil {
		return token.NoPos
	}
	return sp.node.Pos()
}

// Span returns the source range of r. When r lies inside one literal the
// range is exact; otherwise it covers the expressions r came from.
func (t Text) Span(r Range) (token.Pos, token.Pos) {
	if len(t.spans) == 0 {
		return token.NoPos, token.NoPos
	}
	if r.End <= r.Start {
		p := t.Pos(r.Start)
		return p, p
	}
	first, last := t.spanAt(r.Start), t.spanAt(r.End-1)
	if first == last && first.lit != nil {
		return first.lit.Pos() + token.Pos(first.off(r.Start-first.start)),
			first.lit.Pos() + token.Pos(first.off(r.End-first.start))
	}
	start := t.Pos(r.Start)
	var end token.Pos
	switch {
	case last.lit != nil:
		end = last.lit.Pos() + token.Pos(last.off(r.End-last.start))
	case last.node != nil:
		end = last.node.End()
	}
	if end < start {
		end = start
	}
	return start, end
}

// Exact reports whether r maps byte for byte into a single string literal,
// so that an edit of r can be written as a source edit.
func (t Text) Exact(r Range) bool {
	_, _, _, ok := t.editRange(r)
	return ok
}

// Edit returns the source edit replacing the text range r with newText,
// escaped for the literal it lands in. ok is false when r is not inside one
// literal, or newText cannot be written there (a backquote in a raw string).
func (t Text) Edit(r Range, newText string) (start, end token.Pos, text string, ok bool) {
	start, end, lit, ok := t.editRange(r)
	if !ok {
		return token.NoPos, token.NoPos, "", false
	}
	if lit.Value[0] == '`' {
		if strings.ContainsAny(newText, "`\r") {
			return token.NoPos, token.NoPos, "", false
		}
		return start, end, newText, true
	}
	q := strconv.Quote(newText)
	return start, end, q[1 : len(q)-1], true
}

func (t Text) editRange(r Range) (token.Pos, token.Pos, *ast.BasicLit, bool) {
	if r.Start < 0 || r.End > len(t.S) || r.Start > r.End {
		return token.NoPos, token.NoPos, nil, false
	}
	sp := t.spanAt(r.Start)
	if r.End > r.Start && sp != t.spanAt(r.End-1) {
		return token.NoPos, token.NoPos, nil, false
	}
	if sp == nil || sp.lit == nil || r.End > sp.end {
		return token.NoPos, token.NoPos, nil, false
	}
	i, j := r.Start-sp.start, r.End-sp.start
	// Both ends must fall on boundaries between source characters, not
	// inside a multi-byte escape such as \u00e9.
	if !boundary(sp.offs, i) || !boundary(sp.offs, j) {
		return token.NoPos, token.NoPos, nil, false
	}
	return sp.lit.Pos() + token.Pos(sp.off(i)), sp.lit.Pos() + token.Pos(sp.off(j)), sp.lit, true
}

func boundary(offs []int, i int) bool {
	return offs == nil || i == 0 || i == len(offs)-1 || offs[i] != offs[i-1]
}

// literalOffsets unquotes a Go string literal and maps each byte of the
// value to its offset in the literal's source text; the map is nil when
// byte i is at offset i+1 (no escapes, no carriage returns).
func literalOffsets(src string) (string, []int, bool) {
	if len(src) < 2 {
		return "", nil, false
	}
	if body := src[1 : len(src)-1]; src[0] == '`' && !strings.Contains(body, "\r") ||
		src[0] == '"' && !strings.Contains(body, "\\") {
		return body, nil, true // byte i is at offset i+1: no table, no copy
	}
	var b strings.Builder
	var offs []int
	if src[0] == '`' {
		for i := 1; i < len(src)-1; i++ {
			if src[i] == '\r' { // the compiler drops carriage returns in raw strings
				continue
			}
			b.WriteByte(src[i])
			offs = append(offs, i)
		}
		offs = append(offs, len(src)-1)
		return b.String(), offs, true
	}
	if src[0] != '"' {
		return "", nil, false
	}
	body := src[1 : len(src)-1]
	for i := 0; i < len(body); {
		if body[i] != '\\' {
			b.WriteByte(body[i])
			offs = append(offs, i+1)
			i++
			continue
		}
		// Let strconv decode exactly one escape sequence.
		value, _, tail, err := strconv.UnquoteChar(body[i:], '"')
		if err != nil {
			return "", nil, false
		}
		n := len(body[i:]) - len(tail)
		var enc string
		if value < 0x80 || isByteEscape(body[i:i+n]) {
			enc = string([]byte{byte(value)})
		} else {
			enc = string(value)
		}
		for k := 0; k < len(enc); k++ {
			b.WriteByte(enc[k])
			offs = append(offs, i+1)
		}
		i += n
	}
	offs = append(offs, len(src)-1)
	return b.String(), offs, true
}

// isByteEscape reports whether an escape denotes a single byte (\x.., octal).
func isByteEscape(esc string) bool {
	return len(esc) > 1 && (esc[1] == 'x' || esc[1] >= '0' && esc[1] <= '7')
}
