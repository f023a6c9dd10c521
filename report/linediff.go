package report

// A line diff for Diff: Myers' O(ND) algorithm, in its linear-space form
// (find the middle snake, recurse on both sides), turned into the opcodes
// and hunk grouping of Python's difflib, which Diff printed before.

// diffOp is one opcode: a[i1:i2] and b[j1:j2] are equal ('e'), a[i1:i2]
// is deleted ('d'), b[j1:j2] is inserted ('i'), or a[i1:i2] is replaced
// by b[j1:j2] ('r').
type diffOp struct {
	tag            byte
	i1, i2, j1, j2 int
}

// lineOpCodes returns the opcodes that turn a into b with as few deleted
// and inserted lines as there can be. Between two runs of equal lines
// there is one opcode: a replacement when both sides have lines there,
// never a deletion next to an insertion.
func lineOpCodes(a, b []string) []diffOp {
	// Compare small integers rather than strings.
	ids := map[string]int{}
	intern := func(lines []string) []int {
		out := make([]int, len(lines))
		for i, l := range lines {
			id, ok := ids[l]
			if !ok {
				id = len(ids)
				ids[l] = id
			}
			out[i] = id
		}
		return out
	}
	m := &myers{a: intern(a), b: intern(b), pa: make([]int, len(a)), pb: make([]int, len(b))}
	for i := range m.pa {
		m.pa[i] = -1
	}
	for j := range m.pb {
		m.pb[j] = -1
	}
	m.compare(0, len(a), 0, len(b))
	compact(m.a, m.pa, m.pb)
	compact(m.b, m.pb, m.pa)
	return pairedOpCodes(m.pa, m.pb)
}

// pairedOpCodes turns a pairing of lines (pa[i] = j and pb[j] = i when
// a[i] is kept as b[j], -1 when changed) into opcodes.
func pairedOpCodes(pa, pb []int) []diffOp {
	var ops []diffOp
	i, j := 0, 0
	for i < len(pa) || j < len(pb) {
		i0, j0 := i, j
		if i < len(pa) && j < len(pb) && pa[i] == j {
			for i < len(pa) && j < len(pb) && pa[i] == j {
				i++
				j++
			}
			ops = append(ops, diffOp{'e', i0, i, j0, j})
			continue
		}
		for i < len(pa) && pa[i] < 0 {
			i++
		}
		for j < len(pb) && pb[j] < 0 {
			j++
		}
		tag := byte('r')
		switch {
		case i == i0:
			tag = 'i'
		case j == j0:
			tag = 'd'
		}
		ops = append(ops, diffOp{tag, i0, i, j0, j})
	}
	return ops
}

// compact moves runs of lines that only one side changes, as git diff
// does, to read better and to merge them where they can: a run of deleted
// (or inserted) lines faced by no change on the other side can slide up
// or down while the line leaving it equals the line joining it (deleting
// the first of two blank lines is deleting the second). Each such run
// slides up as far as it goes, merging with runs it meets, then down as
// far as it goes, stopping where it meets a change on the other side.
// The diff stays as short, and an added function reads as the function
// and then its blank line rather than a blank line and then the function.
//
// x are one side's lines, px[i] the line of the other side that x[i] is
// paired with (-1 for a changed line), po the other side's pairing.
func compact(x, px, po []int) {
	n, no := len(px), len(po)
	// alone reports whether the other side has no change facing x[s:e].
	alone := func(s, e int) bool {
		before, after := -1, no
		if s > 0 {
			before = px[s-1]
		}
		if e < n {
			after = px[e]
		}
		return after == before+1
	}
	for s := 0; s < n; {
		if px[s] >= 0 {
			s++
			continue
		}
		e := s
		for e < n && px[e] < 0 {
			e++
		}
		for s > 0 && x[s-1] == x[e-1] && alone(s, e) {
			p := px[s-1]
			px[s-1], px[e-1], po[p] = -1, p, e-1
			s, e = s-1, e-1
			for s > 0 && px[s-1] < 0 {
				s-- // merged with the run before
			}
		}
		for e < n && x[s] == x[e] && alone(s, e) {
			p := px[e]
			px[e], px[s], po[p] = -1, p, s
			s, e = s+1, e+1
			for e < n && px[e] < 0 {
				e++ // merged with the run after
			}
		}
		s = e
	}
}

// myers finds a longest common subsequence of a and b: it pairs lines
// pa[i] = j and pb[j] = i when it keeps a[i] as b[j].
type myers struct {
	a, b   []int
	pa, pb []int
	vf, vb []int // furthest x on each diagonal, forward and backward
}

// compare pairs the lines of a[alo:ahi] and b[blo:bhi] it keeps.
func (m *myers) compare(alo, ahi, blo, bhi int) {
	for alo < ahi && blo < bhi && m.a[alo] == m.b[blo] {
		m.pa[alo], m.pb[blo] = blo, alo
		alo++
		blo++
	}
	suffix := 0
	for alo < ahi-suffix && blo < bhi-suffix && m.a[ahi-suffix-1] == m.b[bhi-suffix-1] {
		suffix++
	}
	ahi, bhi = ahi-suffix, bhi-suffix
	if alo < ahi && blo < bhi {
		// A split at a corner would recurse on the same ranges; it does
		// not happen, but should it, matching nothing here is a valid
		// (if longer) diff rather than a hang.
		x, y, ok := m.middle(alo, ahi, blo, bhi)
		if ok && (x != alo || y != blo) && (x != ahi || y != bhi) {
			m.compare(alo, x, blo, y)
			m.compare(x, ahi, y, bhi)
		}
	}
	for k := range suffix {
		m.pa[ahi+k], m.pb[bhi+k] = bhi+k, ahi+k
	}
}

// middle returns a point (x, y), alo <= x <= ahi and blo <= y <= bhi, that
// a shortest edit script of a[alo:ahi] into b[blo:bhi] passes through: the
// end of the middle snake, found by searching from both corners at once
// (the bisection of Myers' paper, section 4b, as diff-match-patch has it).
// Both ranges are non-empty and neither starts nor ends with equal lines.
// ok is false when the ranges have no line in common.
func (m *myers) middle(alo, ahi, blo, bhi int) (x, y int, ok bool) {
	n, k := ahi-alo, bhi-blo
	dmax := (n + k + 1) / 2
	off, size := dmax, 2*dmax+2
	if cap(m.vf) < size {
		m.vf, m.vb = make([]int, size), make([]int, size)
	}
	// vf[off+diag] is the furthest x (counted from alo) that a forward
	// path of d edits reaches on diagonal diag = x-y; vb the same for
	// backward paths, counting x and y back from ahi and bhi.
	vf, vb := m.vf[:size], m.vb[:size]
	for i := range vf {
		vf[i], vb[i] = -1, -1
	}
	vf[off+1], vb[off+1] = 0, 0
	delta := n - k
	front := delta%2 != 0 // the paths meet on a forward step
	// Diagonals trimmed at either end once paths on them left the grid.
	fstart, fend, bstart, bend := 0, 0, 0, 0
	for d := range dmax {
		for diag := -d + fstart; diag <= d-fend; diag += 2 {
			var x int
			if diag == -d || (diag != d && vf[off+diag-1] < vf[off+diag+1]) {
				x = vf[off+diag+1] // down: an insertion
			} else {
				x = vf[off+diag-1] + 1 // right: a deletion
			}
			y := x - diag
			for x < n && y < k && m.a[alo+x] == m.b[blo+y] {
				x++
				y++
			}
			vf[off+diag] = x
			switch {
			case x > n:
				fend += 2
			case y > k:
				fstart += 2
			case front:
				if i := off + delta - diag; i >= 0 && i < size && vb[i] != -1 && x >= n-vb[i] {
					return alo + x, blo + y, true
				}
			}
		}
		for diag := -d + bstart; diag <= d-bend; diag += 2 {
			var x int
			if diag == -d || (diag != d && vb[off+diag-1] < vb[off+diag+1]) {
				x = vb[off+diag+1]
			} else {
				x = vb[off+diag-1] + 1
			}
			y := x - diag
			for x < n && y < k && m.a[ahi-x-1] == m.b[bhi-y-1] {
				x++
				y++
			}
			vb[off+diag] = x
			switch {
			case x > n:
				bend += 2
			case y > k:
				bstart += 2
			case !front:
				if i := off + delta - diag; i >= 0 && i < size && vf[i] != -1 && vf[i] >= n-x {
					fx := vf[i]
					return alo + fx, blo + fx - (i - off), true
				}
			}
		}
	}
	return 0, 0, false // every line differs
}

// groupOpCodes groups opcodes into hunks with n lines of context, as
// difflib's SequenceMatcher.get_grouped_opcodes does: a run of more than
// 2n equal lines ends a hunk, and only n of them lead and trail each one.
func groupOpCodes(codes []diffOp, n int) [][]diffOp {
	if len(codes) == 0 {
		return nil
	}
	codes = append([]diffOp(nil), codes...)
	if c := &codes[0]; c.tag == 'e' {
		c.i1, c.j1 = max(c.i1, c.i2-n), max(c.j1, c.j2-n)
	}
	if c := &codes[len(codes)-1]; c.tag == 'e' {
		c.i2, c.j2 = min(c.i2, c.i1+n), min(c.j2, c.j1+n)
	}
	var groups [][]diffOp
	var group []diffOp
	for _, c := range codes {
		if c.tag == 'e' && c.i2-c.i1 > 2*n {
			group = append(group, diffOp{'e', c.i1, min(c.i2, c.i1+n), c.j1, min(c.j2, c.j1+n)})
			groups = append(groups, group)
			group = nil
			c.i1, c.j1 = max(c.i1, c.i2-n), max(c.j1, c.j2-n)
		}
		group = append(group, c)
	}
	if len(group) > 0 && !(len(group) == 1 && group[0].tag == 'e') {
		groups = append(groups, group)
	}
	return groups
}
