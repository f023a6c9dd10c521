package report

import (
	"bytes"
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pmezard/go-difflib/difflib"
)

// ApplyFixes applies the first suggested fix of each finding and returns the
// new content of every file it changed; readFile reads a file by the name
// its edits use. It is all or nothing: when two fixes overlap in a file, or
// an edit lies outside its file, it returns an error naming the findings
// involved and no content, so the caller writes nothing. Identical edits
// from several findings (two findings adding the same import) apply once.
//
// Edits conflict when their byte ranges overlap, or when two different
// insertions land at the same offset (their order would be a guess). An
// insertion at either end of a replaced range does not conflict with it.
func ApplyFixes(findings []Finding, readFile func(string) ([]byte, error)) (map[string][]byte, error) {
	type owned struct {
		Edit
		owner int // index into findings
	}
	byFile := map[string][]owned{}
	for i, f := range findings {
		if len(f.Fixes) == 0 {
			continue
		}
		for _, e := range f.Fixes[0].Edits {
			byFile[e.File] = append(byFile[e.File], owned{e, i})
		}
	}
	describe := func(i int) string {
		f := findings[i]
		return fmt.Sprintf("%s:%d:%d: %s", f.File, f.Line, f.Column, f.Rule)
	}

	out := map[string][]byte{}
	for _, file := range slices.Sorted(maps.Keys(byFile)) {
		src, err := readFile(file)
		if err != nil {
			return nil, fmt.Errorf("applying fixes: %w", err)
		}
		edits := byFile[file]
		slices.SortStableFunc(edits, func(a, b owned) int {
			return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End))
		})
		var buf bytes.Buffer
		last := 0 // end of the previous edit applied
		var prev *owned
		for i := range edits {
			e := &edits[i]
			if e.Start < 0 || e.End < e.Start || e.End > len(src) {
				return nil, fmt.Errorf("fix of %s: edit [%d,%d) lies outside %s (%d bytes); is the file newer than the analysis?",
					describe(e.owner), e.Start, e.End, file, len(src))
			}
			if prev != nil {
				if e.Start == prev.Start && e.End == prev.End && e.NewText == prev.NewText {
					continue // the same edit again
				}
				if e.Start < prev.End || (e.Start == prev.Start && e.End == e.Start && prev.End == prev.Start) {
					if e.owner == prev.owner {
						return nil, fmt.Errorf("fix of %s has overlapping edits in %s at [%d,%d) and [%d,%d)",
							describe(e.owner), file, prev.Start, prev.End, e.Start, e.End)
					}
					return nil, fmt.Errorf("conflicting fixes in %s: %s edits bytes [%d,%d) and %s edits bytes [%d,%d); nothing was applied",
						file, describe(prev.owner), prev.Start, prev.End, describe(e.owner), e.Start, e.End)
				}
			}
			buf.Write(src[last:e.Start])
			buf.WriteString(e.NewText)
			last = e.End
			prev = e
		}
		buf.Write(src[last:])
		if !bytes.Equal(buf.Bytes(), src) {
			out[file] = buf.Bytes()
		}
	}
	return out, nil
}

// Diff is a unified diff (three lines of context, `--- a/file` and
// `+++ b/file` headers, as git and patch -p1 read) of every file in fixed
// whose content differs from original, in file name order. A file missing
// from original is diffed against empty content.
func Diff(original, fixed map[string][]byte) string {
	var sb strings.Builder
	for _, file := range slices.Sorted(maps.Keys(fixed)) {
		before, after := original[file], fixed[file]
		if bytes.Equal(before, after) {
			continue
		}
		a, b := splitLines(before), splitLines(after)
		fmt.Fprintf(&sb, "--- a/%s\n+++ b/%s\n", file, file)
		m := difflib.NewMatcherWithJunk(a, b, false, nil)
		for _, group := range m.GetGroupedOpCodes(3) {
			first, last := group[0], group[len(group)-1]
			fmt.Fprintf(&sb, "@@ -%s +%s @@\n", hunkRange(first.I1, last.I2), hunkRange(first.J1, last.J2))
			for _, op := range group {
				switch op.Tag {
				case 'e':
					writeLines(&sb, ' ', a[op.I1:op.I2])
				case 'd':
					writeLines(&sb, '-', a[op.I1:op.I2])
				case 'i':
					writeLines(&sb, '+', b[op.J1:op.J2])
				case 'r':
					writeLines(&sb, '-', a[op.I1:op.I2])
					writeLines(&sb, '+', b[op.J1:op.J2])
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
