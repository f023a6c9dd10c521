// Package report holds the finding model shared by every dbaudit command and
// the writers that turn findings into text, JSON, SARIF and GitHub annotations.
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
	Fixes     []Fix          `json:"fixes"`
}

// Fix is one suggested fix: a set of edits that belong together.
type Fix struct {
	Message string `json:"message"`
	Edits   []Edit `json:"edits"`
}

// Edit replaces the bytes [Start, End) of File with NewText.
type Edit struct {
	File    string `json:"file"`
	Start   int    `json:"start"`
	End     int    `json:"end"`
	NewText string `json:"new_text"`
}
