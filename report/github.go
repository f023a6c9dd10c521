package report

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/dbaudit/dbaudit/rules"
)

// writeGitHub prints one workflow command per load error and finding:
//
//	::error file=F,line=L,col=C,title=RULE::MESSAGE
//
// GitHub resolves file against the repository root, so the run should be
// made from there. It shows at most 10 errors and 10 warnings per step.
func writeGitHub(w *bufio.Writer, run *Run) error {
	for _, e := range run.LoadErrors {
		writeCommand(w, "error", e.File, e.Line, e.Column, 0, 0, "load error", e.Message)
	}
	for _, f := range run.Findings {
		msg := f.Message
		if f.Help != "" {
			msg += "\n\n" + f.Help // the annotation shows the help under the message
		}
		writeCommand(w, githubLevel(f.Severity), f.File, f.Line, f.Column, f.EndLine, f.EndColumn, f.Rule, msg)
	}
	return nil
}

func githubLevel(s rules.Severity) string {
	switch s {
	case rules.SeverityWarning:
		return "warning"
	case rules.SeverityInfo:
		return "notice"
	}
	return "error"
}

func writeCommand(w *bufio.Writer, level, file string, line, col, endLine, endCol int, title, message string) {
	var props []string
	if file != "" {
		props = append(props, "file="+escapeProperty(file))
		if line > 0 {
			props = append(props, fmt.Sprintf("line=%d", line))
			if col > 0 {
				props = append(props, fmt.Sprintf("col=%d", col))
			}
			if endLine >= line {
				props = append(props, fmt.Sprintf("endLine=%d", endLine))
				// GitHub reads endColumn only for single-line annotations.
				if endLine == line && endCol > 0 && endCol >= col {
					props = append(props, fmt.Sprintf("endColumn=%d", endCol))
				}
			}
		}
	}
	props = append(props, "title="+escapeProperty(title))
	fmt.Fprintf(w, "::%s %s::%s\n", level, strings.Join(props, ","), escapeData(message))
}

// escapeData and escapeProperty follow @actions/core's command.ts: data
// escapes %, CR and LF; property values also escape the ':' and ',' that
// delimit properties.
var (
	dataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	propertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

func escapeData(s string) string     { return dataEscaper.Replace(s) }
func escapeProperty(s string) string { return propertyEscaper.Replace(s) }
