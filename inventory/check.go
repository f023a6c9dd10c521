package inventory

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/dbaudit/dbaudit/report"
)

// Check compares the committed report at path with want, what the code
// produces now, and returns "" when it is current.
//
// It compares what the report says about the code — each touchpoint's
// package, file, kind, function, API, component and findings, as a
// multiset — and not line numbers, so that a comment added above a
// touchpoint does not make a committed inventory stale (the links may then
// point a few lines off until the next regeneration). When they differ, it
// lists the touchpoints only in the file ("- ") and only in the code now
// ("+ "). A file that cannot be read as a report of want's format (a
// missing file, an edited one) gets a unified diff of the whole file.
// Line endings are compared as \n, so a CRLF checkout is not stale.
func Check(path string, want []byte) (string, error) {
	got, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	got = bytes.ReplaceAll(got, []byte("\r\n"), []byte("\n"))
	if bytes.Equal(got, want) {
		return "", nil
	}
	wantRows, err1 := parseReport(want)
	gotRows, err2 := parseReport(got)
	if err1 != nil || err2 != nil {
		return report.Diff(map[string][]byte{path: got}, map[string][]byte{path: want}), nil
	}
	removed, added := multisetDiff(gotRows, wantRows)
	if len(removed) == 0 && len(added) == 0 {
		return "", nil
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s: %s removed, %s added (line numbers are not compared):\n",
		path, plural(len(removed), "touchpoint"), plural(len(added), "touchpoint"))
	changes := make([]change, 0, len(removed)+len(added))
	for _, r := range removed {
		changes = append(changes, change{'-', r})
	}
	for _, r := range added {
		changes = append(changes, change{'+', r})
	}
	slices.SortStableFunc(changes, func(a, b change) int {
		return cmp.Or(cmp.Compare(a.row.File, b.row.File), cmp.Compare(a.row.Line, b.row.Line), cmp.Compare(b.sign, a.sign))
	})
	for _, c := range changes {
		fmt.Fprintf(&sb, "%c %s\n", c.sign, c.row)
	}
	return sb.String(), nil
}

type change struct {
	sign byte
	row  checkRow
}

// checkRow is one touchpoint as a report shows it. Line is shown, never
// compared.
type checkRow struct {
	Package, File, Kind, Function, API, Component, Findings string
	Line                                                    int
}

func (r checkRow) key() checkRow { r.Line = 0; return r }

func (r checkRow) String() string {
	s := fmt.Sprintf("%s:%d: %s %s in %s (%s)", r.File, r.Line, r.Kind, r.API, r.Function, r.Component)
	if r.Findings != "" {
		s += " findings: " + r.Findings
	}
	return s
}

// multisetDiff returns the rows of a not in b and of b not in a, comparing
// keys (rows without their line), each row counted as often as it occurs.
func multisetDiff(a, b []checkRow) (onlyA, onlyB []checkRow) {
	count := map[checkRow]int{}
	for _, r := range b {
		count[r.key()]++
	}
	for _, r := range a {
		if count[r.key()] > 0 {
			count[r.key()]--
			continue
		}
		onlyA = append(onlyA, r)
	}
	used := map[checkRow]int{}
	for _, r := range a {
		used[r.key()]++
	}
	for _, r := range b {
		if used[r.key()] > 0 {
			used[r.key()]--
			continue
		}
		onlyB = append(onlyB, r)
	}
	return onlyA, onlyB
}

var errNotReport = errors.New("not an inventory report")

// parseReport reads the touchpoints back from a report in any of the
// formats, recognised by how each begins.
func parseReport(data []byte) ([]checkRow, error) {
	switch {
	case bytes.HasPrefix(data, []byte(markdownTitle+"\n")):
		return parseMarkdown(data)
	case bytes.HasPrefix(data, []byte("{")):
		return parseJSON(data)
	case bytes.HasPrefix(data, []byte(csvHeader+"\n")):
		return parseCSV(data)
	case bytes.Contains(data, []byte(htmlDataStart)):
		return parseHTML(data)
	}
	return nil, errNotReport
}

func parseMarkdown(data []byte) ([]checkRow, error) {
	var rows []checkRow
	pkg, inPackages := "", false
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "## Packages":
			inPackages = true
		case strings.HasPrefix(line, "## "):
			inPackages = false
		case strings.HasPrefix(line, "### ") && inPackages:
			pkg = strings.TrimPrefix(line, "### ")
		case strings.HasPrefix(line, "| ") && inPackages && pkg != "":
			cells := splitCells(line)
			if len(cells) != 7 || cells[1] == "kind" || strings.HasPrefix(cells[1], "---") {
				continue
			}
			file, lineNo, ok := parseWhere(cells[2])
			if !ok {
				return nil, errNotReport
			}
			rows = append(rows, checkRow{Package: pkg, Kind: cells[1], File: file, Line: lineNo,
				Function: strings.Trim(cells[3], "`"), API: strings.Trim(cells[4], "`"), Component: cells[5], Findings: cells[6]})
		}
	}
	return rows, sc.Err()
}

// splitCells splits a Markdown table row at the | not escaped with \,
// trimming each cell; the empty cells before the first and after the last
// | are dropped.
func splitCells(line string) []string {
	var cells []string
	start := 0
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '\\':
			i++
		case '|':
			if i > 0 {
				cells = append(cells, strings.TrimSpace(line[start:i]))
			}
			start = i + 1
		}
	}
	return cells
}

// parseWhere reads "[file:line](link)".
func parseWhere(cell string) (string, int, bool) {
	end := strings.Index(cell, "](")
	if !strings.HasPrefix(cell, "[") || end < 0 {
		return "", 0, false
	}
	text := cell[1:end]
	colon := strings.LastIndexByte(text, ':')
	if colon < 0 {
		return "", 0, false
	}
	n, err := strconv.Atoi(text[colon+1:])
	if err != nil {
		return "", 0, false
	}
	return text[:colon], n, true
}

func parseJSON(data []byte) ([]checkRow, error) {
	var inv jsonInventory
	if err := json.Unmarshal(data, &inv); err != nil || inv.Version == 0 {
		return nil, errNotReport
	}
	rows := make([]checkRow, len(inv.Touchpoints))
	for i, t := range inv.Touchpoints {
		rows[i] = checkRow{Kind: t.Kind, File: t.File, Line: t.Line, Function: t.Function,
			API: t.API, Component: t.Component, Findings: strings.Join(t.Findings, ",")}
	}
	return rows, nil
}

func parseCSV(data []byte) ([]checkRow, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = len(strings.Split(csvHeader, ","))
	var rows []checkRow
	for i := 0; ; i++ {
		rec, err := r.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, errNotReport
		}
		if i == 0 {
			continue // the header
		}
		line, err := strconv.Atoi(rec[3])
		if err != nil {
			return nil, errNotReport
		}
		// kind,package,file,line,function,api,component,compliant,findings
		rows = append(rows, checkRow{Kind: rec[0], Package: rec[1], File: rec[2], Line: line,
			Function: rec[4], API: rec[5], Component: rec[6], Findings: rec[8]})
	}
}

// parseHTML reads the dashboard's data: one touchpoint per line between
// htmlDataStart and the closing ].
func parseHTML(data []byte) ([]checkRow, error) {
	_, rest, _ := bytes.Cut(data, []byte(htmlDataStart))
	var rows []checkRow
	for _, line := range bytes.Split(rest, []byte("\n")) {
		line = bytes.TrimSuffix(bytes.TrimSpace(line), []byte(","))
		if len(line) == 0 {
			continue
		}
		if line[0] != '{' {
			return rows, nil
		}
		var t htmlTouchpoint
		if err := json.Unmarshal(line, &t); err != nil {
			return nil, errNotReport
		}
		rows = append(rows, checkRow{Package: t.Package, Kind: t.Kind, File: t.File, Line: t.Line,
			Function: t.Function, API: t.API, Component: t.Component, Findings: strings.Join(t.Findings, ",")})
	}
	return nil, errNotReport
}
