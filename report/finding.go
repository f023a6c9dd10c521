package report

import "github.com/dbaudit/dbaudit/rules"

// Finding is one diagnostic, in the shape of DESIGN.md's JSON contract.
type Finding struct {
	Rule      string         `json:"rule"`
	Severity  rules.Severity `json:"severity"`
	File      string         `json:"file"` // relative to the working directory, slash-separated
	Line      int            `json:"line"`
	Column    int            `json:"column"`
	EndLine   int            `json:"-"`
	EndColumn int            `json:"-"`
	Message   string         `json:"message"`
	// Help is the measured failure and the fix, shown under the message.
	Help  string `json:"help,omitempty"`
	Fixes []Fix  `json:"fixes"`
}

// Fix is one suggested fix: a set of edits that belong together.
type Fix struct {
	Message string `json:"message"`
	Edits   []Edit `json:"edits"`
}

// Edit replaces the bytes [Start, End) of File with NewText. File follows
// Finding.File's convention (relative to the working directory,
// slash-separated); Start and End are byte offsets into its content.
//
// The line/column fields locate Start and End for SARIF, whose consumers want
// text regions (1-based lines, 1-based byte columns, End exclusive as in
// go/token). The engine fills them from the token.File it already holds;
// zero means unknown, and the SARIF writer then gives the byte range alone.
type Edit struct {
	File    string `json:"file"`
	Start   int    `json:"start"`
	End     int    `json:"end"`
	NewText string `json:"new_text"`

	StartLine   int `json:"-"`
	StartColumn int `json:"-"`
	EndLine     int `json:"-"`
	EndColumn   int `json:"-"`
}
