package plugin

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/dbaudit/dbaudit/rules"
)

// settingsName names the inline settings in errors, as the user wrote them.
const settingsName = "linters.settings.custom.dbaudit.settings"

// configKey is the one settings key that is not a rules.yaml key.
const configKey = "config"

// decodeSettings turns golangci-lint's settings value into a config:
// nothing means the rules.yaml nearest above wd (else the embedded default);
// {config: PATH} loads PATH, relative to base (the directory of
// .golangci.yml); any other keys are rules.yaml written inline, resolved
// against base.
//
// The fingerprint identifies the configuration's content (see cacheKey).
func decodeSettings(settings any, base, wd string) (cfg *rules.Config, fingerprint []byte, err error) {
	defer func() {
		if err == nil {
			fingerprint = fingerprintOf(cfg, fingerprint)
		}
	}()
	data, err := yaml.Marshal(settings)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: cannot read the settings: %v", settingsName, err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, nil, fmt.Errorf("%s: cannot read the settings: %v", settingsName, err)
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	switch {
	case root.Kind == 0 || root.Tag == "!!null", root.Kind == yaml.MappingNode && len(root.Content) == 0:
		cfg, err := rules.Resolve(wd, "")
		return cfg, nil, err
	case root.Kind != yaml.MappingNode:
		return nil, nil, fmt.Errorf("%s: want a mapping (config: PATH, or rules.yaml keys), got %s", settingsName, strings.TrimPrefix(root.Tag, "!!"))
	}

	if path, ok, err := configPath(root); err != nil {
		return nil, nil, err
	} else if ok {
		if !filepath.IsAbs(path) {
			path = filepath.Join(base, path)
		}
		cfg, err := rules.Load(path)
		return cfg, nil, err
	}

	cfg, err = rules.Parse(settingsName, data)
	if err != nil {
		return nil, nil, inlineError(err, root)
	}
	// Inline keys resolve ./ patterns and globs against the directory of the
	// file they are written in, as a rules.yaml's do; Default computes the
	// directory and its module path the same way Load does.
	at := rules.Default(base)
	cfg.Dir, cfg.ModulePath = at.Dir, at.ModulePath
	return cfg, data, nil
}

// fingerprintOf hashes what a configuration was made of: the inline YAML,
// or the file it was loaded from (nothing for the embedded default), and
// the directory relative patterns resolve against.
func fingerprintOf(cfg *rules.Config, inline []byte) []byte {
	h := sha256.New()
	fmt.Fprintf(h, "dir %q\x00module %q\x00inline %q\x00file %q\x00", cfg.Dir, cfg.ModulePath, inline, cfg.Path)
	if cfg.Path != "" {
		if data, err := os.ReadFile(cfg.Path); err == nil {
			h.Write(data)
		}
	}
	return h.Sum(nil)
}

// configPath returns the value of the config key, which must stand alone.
func configPath(root *yaml.Node) (string, bool, error) {
	var path *yaml.Node
	var others []string
	for i := 0; i+1 < len(root.Content); i += 2 {
		if k := root.Content[i].Value; k == configKey {
			path = root.Content[i+1]
		} else {
			others = append(others, k)
		}
	}
	switch {
	case path == nil:
		return "", false, nil
	case len(others) > 0:
		return "", false, fmt.Errorf("%s: give either %s (a rules.yaml file) or rules.yaml keys inline, not both (found %s beside %s)",
			settingsName, configKey, strings.Join(others, ", "), configKey)
	case path.Kind != yaml.ScalarNode || path.Tag != "!!str" || path.Value == "":
		return "", false, fmt.Errorf("%s.%s: want the path of a rules.yaml file", settingsName, configKey)
	}
	return path.Value, true, nil
}

// inlineError rewrites rules.Parse's errors, whose line numbers count lines
// of YAML the user never saw, to name the key they are about.
func inlineError(err error, root *yaml.Node) error {
	var errs rules.Errors
	if !errors.As(err, &errs) {
		return fmt.Errorf("%s: %v", settingsName, err)
	}
	msgs := make([]string, 0, len(errs))
	for _, e := range errs {
		where, msg := settingsName, e.Msg
		if p := keyPathAt(root, e.Line); p != "" {
			where += "." + p
			msg = strings.TrimPrefix(msg, p+": ") // the validator names the key too
		}
		msgs = append(msgs, where+": "+msg)
	}
	return errors.New(strings.Join(msgs, "\n"))
}

// keyPathAt returns the dotted path of the deepest key or value on line
// (sequence elements as [i]), or "".
func keyPathAt(n *yaml.Node, line int) string {
	if line <= 0 {
		return ""
	}
	var best string
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				p := k.Value
				if path != "" {
					p = path + "." + k.Value
				}
				if k.Line == line || v.Line == line {
					best = p
				}
				walk(v, p)
			}
		case yaml.SequenceNode:
			for i, v := range n.Content {
				p := path + "[" + strconv.Itoa(i) + "]"
				if v.Line == line && v.Kind == yaml.ScalarNode {
					best = p
				}
				walk(v, p)
			}
		}
	}
	walk(n, "")
	return best
}

// golangciConfigDir is the directory relative settings paths resolve
// against: that of the configuration file golangci-lint reads (-c/--config,
// else the first .golangci.* found from the working directory upwards, which
// is where golangci-lint looks), else the working directory.
func golangciConfigDir(args []string, wd string) string {
	if p := configFlag(args); p != "" {
		if !filepath.IsAbs(p) {
			p = filepath.Join(wd, p)
		}
		return filepath.Dir(p)
	}
	for dir := wd; ; {
		for _, name := range []string{".golangci.yml", ".golangci.yaml", ".golangci.toml", ".golangci.json"} {
			if st, err := os.Stat(filepath.Join(dir, name)); err == nil && !st.IsDir() {
				return dir
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return wd
		}
		dir = parent
	}
}

// configFlag finds golangci-lint's -c/--config value in its command line.
func configFlag(args []string) string {
	for i, a := range args {
		if a == "--" {
			break
		}
		for _, flag := range []string{"-c", "--config"} {
			if a == flag && i+1 < len(args) {
				return args[i+1]
			}
			if v, ok := strings.CutPrefix(a, flag+"="); ok {
				return v
			}
		}
	}
	return ""
}
