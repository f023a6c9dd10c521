package dsn

import (
	"go/ast"
	"go/token"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// D16: a 5 MB string constant made dbaudit check peak at 367 MB, most of it
// a byte-to-offset table of 8 bytes per byte of the literal, built by every
// analyzer that reads it. A literal without escapes maps offsets by
// arithmetic and its value is the source text itself: no copy, no table.
func TestLargeLiteralCostsNoPerByteTable(t *testing.T) {
	body := strings.Repeat("abcdefghij", 500_000) // 5 MB
	for _, src := range []string{strconv.Quote(body), "`" + body + "`"} {
		lit := &ast.BasicLit{Kind: token.STRING, Value: src, ValuePos: 100}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		text, ok := LiteralText(lit)
		runtime.ReadMemStats(&after)
		if !ok || text.S != body {
			t.Fatalf("LiteralText(%.10s...) = %v, %v", src, ok, len(text.S))
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<10 {
			t.Errorf("LiteralText of a 5 MB literal allocated %d bytes", alloc)
		}
		// Positions stay exact: byte i of the value is at offset i+1.
		if got := text.Pos(1234567); got != 100+1+1234567 {
			t.Errorf("Pos(1234567) = %d, want %d", got, 100+1+1234567)
		}
		sub := text.Slice(10, 20)
		start, end := sub.Span(Range{Start: 2, End: 5})
		if start != 100+1+12 || end != 100+1+15 {
			t.Errorf("Slice(10, 20).Span(2, 5) = %d, %d", start, end)
		}
		if s, e, _, ok := sub.Edit(Range{Start: 0, End: 10}, "x"); !ok || s != 111 || e != 121 {
			t.Errorf("Edit = %d, %d, %v", s, e, ok)
		}
	}
}

// Escapes and carriage returns keep their exact mapping.
func TestLiteralOffsetsWithEscapes(t *testing.T) {
	lit := &ast.BasicLit{Kind: token.STRING, Value: `"a\tb\u00e9c"`, ValuePos: 1}
	text, ok := LiteralText(lit)
	if !ok || text.S != "a\tbéc" {
		t.Fatalf("%q %v", text.S, ok)
	}
	// 'c' is value byte 5 (é is two bytes), at offset 11 of the source.
	if got := text.Pos(5); got != 1+11 {
		t.Errorf("Pos(5) = %d, want 12", got)
	}
	if text.Exact(Range{Start: 3, End: 4}) {
		t.Error("a range ending inside \\u00e9 is not exact")
	}
	raw := &ast.BasicLit{Kind: token.STRING, Value: "`a\r\nb`", ValuePos: 1}
	text, ok = LiteralText(raw)
	if !ok || text.S != "a\nb" || text.Pos(2) != 1+4 {
		t.Fatalf("raw with CR: %q %v %d", text.S, ok, text.Pos(2))
	}
}
