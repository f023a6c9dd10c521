package report

import (
	"bytes"
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// FixResult is what ApplyFixes did.
type FixResult struct {
	// Files holds the new content of every file the fixes changed.
	Files map[string][]byte
	// Applied lists the findings (indices into ApplyFixes' argument) whose
	// first fix is in Files, in order.
	Applied []int
	// Skipped lists the fixes left out, with why, in order.
	Skipped []SkippedFix
}

// SkippedFix is a finding's fix that ApplyFixes left out.
type SkippedFix struct {
	Finding int    // index into ApplyFixes' argument
	Reason  string // "conflicts with the fix of store/store.go:10:64: driveropts"
}

// ApplyFixes applies the first suggested fix of each finding and returns the
// new content of every file it changed; readFile reads a file by the name
// its edits use.
//
// Fixes compose: identical edits from several findings (two findings adding
// the same import) apply once, and overlapping deletions merge into one, so
// that dropping two keys of one connection string, each with the separator
// it shares with the other, drops both. A fix that conflicts with one taken
// before it (fixes are taken in the findings' file, line and column order)
// is left out whole, with the reason in Skipped, and the others still apply;
// running again after fixing picks it up if it still applies. Edits conflict
// when their byte ranges overlap (other than two deletions), or when two
// different insertions land at the same offset (their order would be a
// guess); an insertion at either end of a replaced range does not conflict
// with it.
//
// An edit outside its file means the file changed since the analysis: that
// is an error, and nothing is applied.
func ApplyFixes(findings []Finding, readFile func(string) ([]byte, error)) (*FixResult, error) {
	order := make([]int, 0, len(findings))
	for i, f := range findings {
		if len(f.Fixes) > 0 {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return compareFindings(findings[a], findings[b]) })
	describe := func(i int) string {
		f := findings[i]
		return fmt.Sprintf("%s:%d:%d: %s", f.File, f.Line, f.Column, f.Rule)
	}

	res := &FixResult{Files: map[string][]byte{}}
	sources := map[string][]byte{}
	taken := map[string][]ownedEdit{} // accepted edits by file
	for _, i := range order {
		edits := findings[i].Fixes[0].Edits
		reason := ""
		for j, e := range edits {
			src, ok := sources[e.File]
			if !ok {
				data, err := readFile(e.File)
				if err != nil {
					return nil, fmt.Errorf("applying fixes: %w", err)
				}
				src, sources[e.File] = data, data
			}
			if e.Start < 0 || e.End < e.Start || e.End > len(src) {
				return nil, fmt.Errorf("fix of %s: edit [%d,%d) lies outside %s (%d bytes); is the file newer than the analysis? Nothing was applied",
					describe(i), e.Start, e.End, e.File, len(src))
			}
			for _, other := range edits[:j] {
				if other.File == e.File && conflicts(other, e) {
					reason = fmt.Sprintf("its own edits overlap in %s at [%d,%d) and [%d,%d)", e.File, other.Start, other.End, e.Start, e.End)
				}
			}
			for _, t := range taken[e.File] {
				if reason == "" && conflicts(t.Edit, e) {
					reason = fmt.Sprintf("it conflicts with the fix of %s (bytes [%d,%d) and [%d,%d) of %s)",
						describe(t.owner), t.Start, t.End, e.Start, e.End, e.File)
				}
			}
		}
		if reason != "" {
			res.Skipped = append(res.Skipped, SkippedFix{Finding: i, Reason: reason})
			continue
		}
		for _, e := range edits {
			taken[e.File] = append(taken[e.File], ownedEdit{e, i})
		}
		res.Applied = append(res.Applied, i)
	}
	slices.Sort(res.Applied)

	for _, file := range slices.Sorted(maps.Keys(taken)) {
		src := sources[file]
		edits := taken[file]
		slices.SortStableFunc(edits, func(a, b ownedEdit) int {
			return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End))
		})
		var buf bytes.Buffer
		last := 0 // end of what has been written or deleted
		var prev *ownedEdit
		for k := range edits {
			e := &edits[k]
			if prev != nil && e.Start == prev.Start && e.End == prev.End && e.NewText == prev.NewText {
				continue // the same edit again
			}
			if prev != nil && e.NewText == "" && prev.NewText == "" && e.Start < last {
				last = max(last, e.End) // a deletion overlapping the previous one: delete the union
				continue
			}
			buf.Write(src[last:e.Start])
			buf.WriteString(e.NewText)
			last = e.End
			prev = e
		}
		buf.Write(src[last:])
		if !bytes.Equal(buf.Bytes(), src) {
			res.Files[file] = buf.Bytes()
		}
	}
	return res, nil
}

type ownedEdit struct {
	Edit
	owner int // index into the findings
}

// conflicts reports whether two edits of one file cannot both apply.
// Identical edits and overlapping deletions can.
func conflicts(a, b Edit) bool {
	switch {
	case a.Start == b.Start && a.End == b.End && a.NewText == b.NewText:
		return false
	case a.Start == a.End && b.Start == b.End:
		return a.Start == b.Start // two different insertions at one offset
	case a.NewText == "" && b.NewText == "" && a.Start != a.End && b.Start != b.End:
		return false // deletions merge
	}
	return a.Start < b.End && b.Start < a.End
}

// Diff is a unified diff (three lines of context, `--- a/file` and
// `+++ b/file` headers, as git and patch -p1 read) of every file in fixed
// whose content differs from original, in file name order (a name with a
// space is followed by a tab, which patch needs). A file missing
// from original is diffed against empty content. The hunks hold a shortest
// line diff (Myers'); changes with at most six unchanged lines between them
// share a hunk, as in GNU diff's unified output.
func Diff(original, fixed map[string][]byte) string {
	var sb strings.Builder
	for _, file := range slices.Sorted(maps.Keys(fixed)) {
		before, after := original[file], fixed[file]
		if bytes.Equal(before, after) {
			continue
		}
		a, b := splitLines(before), splitLines(after)
		// GNU patch ends a file name at a space unless a tab follows
		// the name, as git writes it then.
		name := file
		if strings.Contains(file, " ") {
			name += "\t"
		}
		fmt.Fprintf(&sb, "--- a/%s\n+++ b/%s\n", name, name)
		for _, group := range groupOpCodes(lineOpCodes(a, b), 3) {
			first, last := group[0], group[len(group)-1]
			fmt.Fprintf(&sb, "@@ -%s +%s @@\n", hunkRange(first.i1, last.i2), hunkRange(first.j1, last.j2))
			for _, op := range group {
				switch op.tag {
				case 'e':
					writeLines(&sb, ' ', a[op.i1:op.i2])
				case 'd':
					writeLines(&sb, '-', a[op.i1:op.i2])
				case 'i':
					writeLines(&sb, '+', b[op.j1:op.j2])
				case 'r':
					writeLines(&sb, '-', a[op.i1:op.i2])
					writeLines(&sb, '+', b[op.j1:op.j2])
				}
			}
		}
	}
	return sb.String()
}

// splitLines keeps each line's "\n", so that a last line without one
// differs from the same line with one, as it does on disk.
func splitLines(data []byte) []string {
	var lines []string
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n') + 1
		if i == 0 {
			i = len(data)
		}
		lines = append(lines, string(data[:i]))
		data = data[i:]
	}
	return lines
}

func writeLines(sb *strings.Builder, prefix byte, lines []string) {
	for _, l := range lines {
		sb.WriteByte(prefix)
		sb.WriteString(l)
		if !strings.HasSuffix(l, "\n") {
			sb.WriteString("\n\\ No newline at end of file\n")
		}
	}
}

// hunkRange formats a 0-based half-open line range as unified diff does:
// "start,count" 1-based, "start" alone for one line, and for an empty range
// the line before it.
func hunkRange(start, stop int) string {
	n := stop - start
	switch n {
	case 1:
		return fmt.Sprint(start + 1)
	case 0:
		return fmt.Sprintf("%d,0", start)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}
