package analyzerutil

import (
	"fmt"
	"go/parser"
	"go/token"
	"strings"
)

// extractDoc follows x/tools' analysisinternal.ExtractDoc: the package doc
// comment's section "# Analyzer NAME", whose first line is "NAME: summary".
func extractDoc(content, name string) (string, error) {
	f, err := parser.ParseFile(token.NewFileSet(), "", content, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil {
		return "", fmt.Errorf("parsing doc.go of %s: %v", name, err)
	}
	if f.Doc == nil {
		return "", fmt.Errorf("doc.go of %s has no package comment", name)
	}
	text := f.Doc.Text()
	heading := "# Analyzer " + name + "\n"
	_, section, ok := strings.Cut(text, heading)
	if !ok {
		return "", fmt.Errorf("doc.go of %s has no %q section", name, strings.TrimSpace(heading))
	}
	if i := strings.Index(section, "\n# "); i >= 0 {
		section = section[:i]
	}
	section = strings.TrimSpace(section)
	if !strings.HasPrefix(section, name+":") {
		return "", fmt.Errorf("doc of %s must start with %q", name, name+":")
	}
	return section, nil
}
