package rules

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/mod/modfile"
	"gopkg.in/yaml.v3"
)

// FileName is the name Find looks for.
const FileName = "rules.yaml"

//go:embed default.yaml
var defaultYAML []byte

// Starter returns the commented starter rules.yaml that `dbaudit init` writes.
// It is also the embedded default, so the two can never disagree.
func Starter() []byte { return bytes.Clone(defaultYAML) }

// Default returns the embedded default configuration, resolved against dir
// (which may be empty).
func Default(dir string) *Config {
	c, err := Parse("(embedded default)", defaultYAML)
	if err != nil {
		panic("embedded default rules.yaml is invalid: " + err.Error())
	}
	c.Path = ""
	c.setDir(dir)
	return c
}

// Find walks up from dir to the first rules.yaml and returns its path, or ""
// when there is none.
func Find(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, FileName)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", nil
		}
		dir = parent
	}
}

// Resolve returns the config for a run in dir: the file at explicit when
// given, else the first rules.yaml above dir, else the embedded default.
func Resolve(dir, explicit string) (*Config, error) {
	path := explicit
	if path == "" {
		var err error
		if path, err = Find(dir); err != nil {
			return nil, err
		}
		if path == "" {
			return Default(dir), nil
		}
	}
	return Load(path)
}

// Load reads and validates the rules.yaml at path.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{File: path, Msg: err.Error()}
	}
	c, err := Parse(path, data)
	if err != nil {
		return nil, err
	}
	abs, _ := filepath.Abs(path)
	c.Path = abs
	c.setDir(filepath.Dir(abs))
	return c, nil
}

// Error is a configuration error; it names the file and, when known, the line.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// Errors is every problem found in one file.
type Errors []*Error

func (es Errors) Error() string {
	var b strings.Builder
	for i, e := range es {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

var yamlLine = regexp.MustCompile(`^line (\d+): (.*)$`)
var yamlUnknown = regexp.MustCompile(`^field (\S+) not found in type (\S+)$`)

// Parse decodes data strictly: unknown keys, wrong types and invalid values
// are errors naming the file and line.
func Parse(file string, data []byte) (*Config, error) {
	c := &Config{}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return nil, convertYAMLError(file, err)
	}
	var root yaml.Node
	_ = yaml.Unmarshal(data, &root)
	if errs := c.validate(file, &root); len(errs) > 0 {
		return nil, errs
	}
	return c, nil
}

func convertYAMLError(file string, err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		// Syntax errors read "yaml: line N: ...".
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			n, _ := strconv.Atoi(m[1])
			return Errors{{File: file, Line: n, Msg: m[2]}}
		}
		return Errors{{File: file, Msg: msg}}
	}
	var errs Errors
	for _, s := range te.Errors {
		e := &Error{File: file, Msg: s}
		if m := yamlLine.FindStringSubmatch(s); m != nil {
			e.Line, _ = strconv.Atoi(m[1])
			e.Msg = m[2]
			if u := yamlUnknown.FindStringSubmatch(e.Msg); u != nil {
				e.Msg = fmt.Sprintf("unknown key %q", u[1])
			}
		}
		errs = append(errs, e)
	}
	return errs
}

// validate checks what the YAML decoder cannot: rule names, enumerations,
// durations. root locates the offending lines.
func (c *Config) validate(file string, root *yaml.Node) Errors {
	var errs Errors
	add := func(line int, format string, args ...any) {
		errs = append(errs, &Error{File: file, Line: line, Msg: fmt.Sprintf(format, args...)})
	}
	for id := range c.Rules {
		if !IsRule(id) {
			add(keyLine(root, "rules", id), "unknown rule %q (known: %s)", id, strings.Join(IDs, ", "))
		}
	}
	for i, h := range c.HandleTypes {
		switch h.Kind {
		case "pool", "conn", "tx":
		default:
			add(keyLine(root, "handle_types"), "handle_types[%d].kind %q is not one of pool, conn, tx", i, h.Kind)
		}
		if !strings.Contains(h.Type, ".") {
			add(keyLine(root, "handle_types"), "handle_types[%d].type %q must be a qualified name like example.com/x/db.Handle", i, h.Type)
		}
	}
	for i, k := range c.Constructors {
		if !strings.Contains(k.Func, ".") {
			add(keyLine(root, "constructors"), "constructors[%d].func %q must be a qualified name like example.com/x/db.Open", i, k.Func)
		}
	}
	for _, d := range []struct{ key, val string }{
		{"max_health_check_period", c.Pool.MaxHealthCheckPeriod},
		{"min_conn_lifetime", c.Pool.MinConnLifetime},
	} {
		if d.val != "" {
			if _, err := parseDuration(d.val); err != nil {
				add(keyLine(root, "pool", d.key), "pool.%s: %v", d.key, err)
			}
		}
	}
	for i, f := range c.SQL.Forbidden {
		if f.Pattern.Regexp == nil {
			add(keyLine(root, "sql", "forbidden"), "sql.forbidden[%d] has no pattern", i)
		}
	}
	return errs
}

// keyLine finds the line of the mapping key at path, or of the deepest prefix
// that exists, so an error always points somewhere useful.
func keyLine(root *yaml.Node, path ...string) int {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := 0
	for _, key := range path {
		if n.Kind != yaml.MappingNode {
			break
		}
		found := false
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				line = n.Content[i].Line
				n = n.Content[i+1]
				found = true
				break
			}
		}
		if !found {
			break
		}
	}
	return line
}

// UnmarshalYAML compiles the pattern while its line is known.
func (r *Regexp) UnmarshalYAML(n *yaml.Node) error {
	re, err := regexp.Compile(n.Value)
	if err != nil {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: invalid pattern %q: %v", n.Line, n.Value, err)}}
	}
	r.Regexp = re
	return nil
}

func (c *Config) setDir(dir string) {
	c.Dir = dir
	c.ModulePath = ""
	if dir == "" {
		return
	}
	for d := dir; ; {
		if data, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil {
			if mp := modfile.ModulePath(data); mp != "" {
				rel, err := filepath.Rel(d, dir)
				if err == nil && rel != "." {
					mp += "/" + filepath.ToSlash(rel)
				}
				c.ModulePath = mp
			}
			return
		}
		parent := filepath.Dir(d)
		if parent == d {
			return
		}
		d = parent
	}
}
