package plugin

import (
	"fmt"
	"os"

	"github.com/golangci/plugin-module-register/register"
	"golang.org/x/tools/go/analysis"

	"github.com/dbaudit/dbaudit/rules"
)

// Name is the linter name under which golangci-lint reports every dbaudit
// finding; the rule id starts the message ("poolconstruct: ...").
const Name = "dbaudit"

func init() { register.Plugin(Name, New) }

// Plugin is the golangci-lint module plugin for one configuration.
type Plugin struct {
	cfg         *rules.Config
	fingerprint []byte
}

var _ register.LinterPlugin = (*Plugin)(nil)

// New decodes the plugin's settings from .golangci.yml (see the package
// documentation). Invalid settings are an error, which stops golangci-lint.
func New(settings any) (register.LinterPlugin, error) {
	wd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	cfg, fingerprint, err := decodeSettings(settings, golangciConfigDir(os.Args[1:], wd), wd)
	if err != nil {
		return nil, err
	}
	return &Plugin{cfg: cfg, fingerprint: fingerprint}, nil
}

// Config is the configuration the plugin runs with.
func (p *Plugin) Config() *rules.Config { return p.cfg }

// BuildAnalyzers returns the enabled rules, and cacheKey. golangci-lint
// prefixes each message with the analyzer name, so the rule id is shown once.
func (p *Plugin) BuildAnalyzers() ([]*analysis.Analyzer, error) {
	return append(Analyzers(p.cfg, Options{DropRelated: true}), cacheKey(p.fingerprint)), nil
}

// cacheKey is an analyzer that does nothing but carry the configuration's
// fingerprint in its name. golangci-lint caches each package's issues under
// the names of the analyzers that produced them, and salts that cache with
// .golangci.yml but not with a rules.yaml it has never heard of: without
// this, editing rules.yaml would replay the issues found under the old one.
func cacheKey(fingerprint []byte) *analysis.Analyzer {
	return &analysis.Analyzer{
		Name: fmt.Sprintf("dbauditconfig_%x", fingerprint[:8]),
		Doc:  "identifies the dbaudit configuration in golangci-lint's cache; reports nothing",
		Run:  func(*analysis.Pass) (any, error) { return nil, nil },
	}
}

// GetLoadMode asks for type information: the rules match calls by their
// types, never by name.
func (p *Plugin) GetLoadMode() string { return register.LoadModeTypesInfo }
