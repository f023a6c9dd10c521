package report

import "regexp"

// What messages say about positions: "line 48", "lines 12-14", "column 7",
// and "file.go:31:2" (not a bare ":5432", which is a port).
var (
	lineRef   = regexp.MustCompile(`\b(lines?|columns?|col) \d+(?:[-–]\d+)?\b`)
	goFileRef = regexp.MustCompile(`(\.go):\d+(?::\d+)?\b`)
)

// PositionFree is message with its line and column references replaced by
// "N": "not closed on the path that returns at line 48" becomes "… at line
// N". Baselines and SARIF fingerprints identify a finding by rule, file and
// this text, so a finding keeps its identity when lines are added above it,
// although some messages name another line for the reader.
func PositionFree(message string) string {
	message = lineRef.ReplaceAllString(message, "$1 N")
	return goFileRef.ReplaceAllString(message, "$1:N")
}
