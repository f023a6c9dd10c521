// Package note carries what a dbaudit finding holds beyond its one-line
// message: the severity grade a rule gives it and the help text (the error
// the driver or server answers, measured, and the fix).
//
// go vet and golangci-lint show a diagnostic's message alone, so the message
// stays one short line; dbaudit's own reports read the rest from the rule
// analyzer's result, a *Notes.
package note

import (
	"go/token"

	"golang.org/x/tools/go/analysis"
)

// Note is the rest of one finding.
type Note struct {
	// Severity is the rule's grade for this finding ("error", "warning",
	// "info"); empty means the rule's default. rules.yaml may override it.
	Severity string
	// Help is the measured failure and the fix, one or more lines.
	Help string
}

type key struct {
	pos token.Pos
	msg string
}

// Notes holds the notes of the findings one rule reported in one package.
// The zero value is empty and ready to use; a nil *Notes holds nothing.
type Notes struct {
	byFinding map[key]Note
}

// Add records n for the diagnostic d (by position and message).
func (ns *Notes) Add(d analysis.Diagnostic, n Note) {
	if n == (Note{}) {
		return
	}
	if ns.byFinding == nil {
		ns.byFinding = map[key]Note{}
	}
	ns.byFinding[key{d.Pos, d.Message}] = n
}

// Of returns the note recorded for d, or the zero Note.
func (ns *Notes) Of(d analysis.Diagnostic) Note {
	if ns == nil {
		return Note{}
	}
	return ns.byFinding[key{d.Pos, d.Message}]
}

// Holder is an analyzer result that carries notes besides other data.
type Holder interface {
	FindingNotes() *Notes
}

// FindingNotes makes *Notes a Holder itself.
func (ns *Notes) FindingNotes() *Notes { return ns }

// From returns the notes an analyzer's result carries, or nil.
func From(result any) *Notes {
	if h, ok := result.(Holder); ok {
		return h.FindingNotes()
	}
	return nil
}
