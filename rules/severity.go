package rules

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// Severity orders findings; --fail-on compares against it.
type Severity string

const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
	SeverityInfo    Severity = "info"
)

// Rank is higher for more severe findings.
func (s Severity) Rank() int {
	switch s {
	case SeverityError:
		return 3
	case SeverityWarning:
		return 2
	case SeverityInfo:
		return 1
	}
	return 0
}

// ParseSeverity accepts error, warning and info.
func ParseSeverity(s string) (Severity, error) {
	switch Severity(s) {
	case SeverityError, SeverityWarning, SeverityInfo:
		return Severity(s), nil
	}
	return "", fmt.Errorf("severity %q is not one of error, warning, info", s)
}

// UnmarshalYAML validates the value so a typo names its line.
func (s *Severity) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseSeverity(n.Value)
	if err != nil {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %v", n.Line, err)}}
	}
	*s = v
	return nil
}
