package rules

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"gopkg.in/yaml.v3"
)

// DotFileName is the configuration's distinctive name, preferred by Find;
// FileName is still read inside the module.
const (
	DotFileName = ".dbaudit.yaml"
	FileName    = "rules.yaml"
)

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

// Find returns the configuration file for a run in dir, or "" when there
// is none. It looks in dir and its parents up to the root of dir's module
// (or of the go.work workspace holding it), never above: a rules.yaml above
// go.mod belongs to something else, such as Prometheus at a monorepo root.
// In each directory DotFileName is preferred over FileName; the nearest
// directory with either wins. Outside a module only dir itself is searched.
func Find(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	top := searchRoot(dir)
	for {
		for _, name := range []string{DotFileName, FileName} {
			p := filepath.Join(dir, name)
			if st, err := os.Stat(p); err == nil && !st.IsDir() {
				return p, nil
			}
		}
		parent := filepath.Dir(dir)
		if dir == top || parent == dir {
			return "", nil
		}
		dir = parent
	}
}

// searchRoot is the highest directory Find searches from dir: the go.work
// workspace's directory when the workspace holds dir's module, else the
// module's directory, else dir.
func searchRoot(dir string) string {
	mod := ancestorWith(dir, "go.mod")
	if mod == "" {
		return dir
	}
	var work string
	switch gowork := os.Getenv("GOWORK"); gowork {
	case "off":
	case "":
		work = ancestorWith(mod, "go.work")
	default:
		if filepath.IsAbs(gowork) {
			work = filepath.Dir(gowork)
		}
	}
	if work != "" && within(mod, work) {
		return work
	}
	return mod
}

// ancestorWith returns the nearest of dir and its parents holding a file
// named name, or "".
func ancestorWith(dir, name string) string {
	for {
		if st, err := os.Stat(filepath.Join(dir, name)); err == nil && !st.IsDir() {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// within reports whether dir is root or below it.
func within(dir, root string) bool {
	rel, err := filepath.Rel(root, dir)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// Resolve returns the config for a run in dir: the file at explicit when
// given, else the one Find finds, else the embedded default.
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
		c, err := Load(path)
		return c, foreignHint(path, err)
	}
	return Load(path)
}

// foreignHint adds a way out to the errors of a found rules.yaml whose
// top-level keys are all unknown: it is likely some other tool's file.
func foreignHint(path string, err error) error {
	var errs Errors
	if filepath.Base(path) != FileName || !errors.As(err, &errs) {
		return err
	}
	for _, e := range errs {
		if !strings.HasPrefix(e.Msg, "unknown key ") || strings.Contains(e.Msg, " in ") {
			return err
		}
	}
	hinted := append(Errors(nil), errs...)
	last := *hinted[len(hinted)-1]
	last.Msg += fmt.Sprintf(" (if this %s belongs to another tool, put dbaudit's settings in %s, which is read first)", FileName, DotFileName)
	hinted[len(hinted)-1] = &last
	return hinted
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

// CurrentVersion is the configuration format this dbaudit reads. A file
// without a version key is read as this version.
const CurrentVersion = 1

var (
	yamlLine      = regexp.MustCompile(`(?s)^line (\d+): (.*)$`)
	yamlUnknown   = regexp.MustCompile(`(?s)^field (.*) not found in type \S+$`)
	yamlWrongType = regexp.MustCompile("(?s)^cannot unmarshal (!.*?)(?: `(.*)`)? into ([^\\s`]+)$")
	yamlDuplicate = regexp.MustCompile(`^mapping key (".*") already defined at line (\d+)$`)
	yamlAnchor    = regexp.MustCompile(`^unknown anchor '(.*)' referenced$`)
)

// Parse decodes data strictly: unknown keys, wrong types, invalid values,
// patterns that can never match and a second YAML document are errors, each
// naming the file and line.
func Parse(file string, data []byte) (*Config, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var root yaml.Node
	if err := dec.Decode(&root); err != nil && !errors.Is(err, io.EOF) {
		return nil, convertYAMLError(file, data, &root, err)
	}
	var second yaml.Node
	switch err := dec.Decode(&second); {
	case err == nil:
		return nil, secondDocument(file, second.Line)
	case !errors.Is(err, io.EOF):
		// A broken second document is a second document first.
		if line := documentStart(data, root.Line); line > 0 {
			return nil, secondDocument(file, line)
		}
		return nil, convertYAMLError(file, data, &root, err)
	}
	c := &Config{}
	strict := yaml.NewDecoder(bytes.NewReader(data))
	strict.KnownFields(true)
	if err := strict.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return nil, convertYAMLError(file, data, &root, err)
	}
	if errs := c.validate(file, &root); len(errs) > 0 {
		return nil, errs
	}
	return c, nil
}

func secondDocument(file string, line int) Errors {
	return Errors{{File: file, Line: max(line, 1),
		Msg: "a second YAML document starts here: dbaudit reads one; remove the --- line and what follows, or merge it into the first"}}
}

// documentStart returns the line of the first "---" line after line after,
// or 0.
func documentStart(data []byte, after int) int {
	for i, l := range bytes.Split(data, []byte("\n")) {
		if i+1 > after && bytes.HasPrefix(l, []byte("---")) && (len(l) == 3 || l[3] == ' ' || l[3] == '\t' || l[3] == '\r') {
			return i + 1
		}
	}
	return 0
}

// convertYAMLError turns the YAML decoder's errors into Errors with a line
// each, in plain words: the key they are about, what it wants and what it
// got, instead of YAML tags and Go type names.
func convertYAMLError(file string, data []byte, root *yaml.Node, err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			n, _ := strconv.Atoi(m[1])
			return Errors{{File: file, Line: max(n, 1), Msg: m[2]}}
		}
		line, msg := locate(data, msg)
		return Errors{{File: file, Line: line, Msg: msg}}
	}
	var errs Errors
	for _, s := range te.Errors {
		e := &Error{File: file, Line: 1, Msg: s}
		if m := yamlLine.FindStringSubmatch(s); m != nil {
			e.Line, _ = strconv.Atoi(m[1])
			e.Line = max(e.Line, 1)
			e.Msg = m[2]
		}
		switch {
		case yamlUnknown.MatchString(e.Msg):
			where := pathAt(root, e.Line, 0)
			e.Msg = fmt.Sprintf("unknown key %q", yamlUnknown.FindStringSubmatch(e.Msg)[1])
			if where != "" && strings.Contains(where, ".") {
				e.Msg += " in " + where[:strings.LastIndex(where, ".")]
			}
		case yamlWrongType.MatchString(e.Msg):
			m := yamlWrongType.FindStringSubmatch(e.Msg)
			where := pathAt(root, e.Line, kindOfTag(m[1]))
			e.Msg = fmt.Sprintf("want %s, got %s", describeGoType(m[3]), describeYAMLValue(m[1], m[2]))
			if where != "" {
				e.Msg = where + ": " + e.Msg
			}
		case yamlDuplicate.MatchString(e.Msg):
			m := yamlDuplicate.FindStringSubmatch(e.Msg)
			e.Msg = fmt.Sprintf("key %s is given twice (first at line %s)", m[1], m[2])
		case strings.HasPrefix(e.Msg, "cannot unmarshal"):
			e.Msg = "a value of the wrong kind for its key"
			if where := pathAt(root, e.Line, 0); where != "" {
				e.Msg = where + ": " + e.Msg
			}
		}
		errs = append(errs, e)
	}
	return errs
}

// locate finds the line of an error the YAML decoder reports without one
// (a byte it cannot read, an unknown alias), or line 1 when none is better.
func locate(data []byte, msg string) (int, string) {
	if m := yamlAnchor.FindStringSubmatch(msg); m != nil {
		if i := bytes.Index(data, []byte("*"+m[1])); i >= 0 {
			return lineAt(data, i), fmt.Sprintf("alias *%s names no anchor (&%s)", m[1], m[1])
		}
	}
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return lineAt(data, i), fmt.Sprintf("byte 0x%02x is not UTF-8: save the file as UTF-8", data[i])
		case !yamlPrintable(r):
			return lineAt(data, i), fmt.Sprintf("control character %U is not allowed in YAML (write it escaped in a double-quoted string, if at all)", r)
		}
		i += size
	}
	return 1, msg
}

// yamlPrintable is the YAML 1.2 set of characters a stream may hold.
func yamlPrintable(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r <= 0x7e) || r == 0x85 ||
		(r >= 0xa0 && r <= 0xd7ff) || (r >= 0xe000 && r <= 0xfffd) || (r >= 0x10000 && r <= 0x10ffff)
}

func lineAt(data []byte, offset int) int {
	return bytes.Count(data[:offset], []byte("\n")) + 1
}

// describeGoType names what a Go field type wants in YAML terms.
func describeGoType(t string) string {
	t = strings.TrimPrefix(t, "*")
	switch {
	case t == "[]string":
		return "a list of strings"
	case t == "[]int":
		return "a list of whole numbers"
	case strings.HasPrefix(t, "[]"):
		return "a list"
	case strings.HasPrefix(t, "map["), strings.HasPrefix(t, "rules."), strings.HasPrefix(t, "struct"):
		return "a mapping"
	case t == "string":
		return "a string"
	case t == "bool":
		return "true or false"
	case strings.HasPrefix(t, "int"), strings.HasPrefix(t, "uint"):
		return "a whole number"
	case strings.HasPrefix(t, "float"):
		return "a number"
	}
	return "another kind of value"
}

// describeYAMLValue says what was written, from the decoder's tag and text.
func describeYAMLValue(tag, value string) string {
	short, standard := strings.CutPrefix(tag, "!!")
	if !standard {
		// "!!" is the decoder's own shorthand; one pass of ReplaceAll leaves
		// "!!" in "!$!!!", so collapse until none is left.
		for strings.Contains(tag, "!!") {
			tag = strings.ReplaceAll(tag, "!!", "!")
		}
		return fmt.Sprintf("a value with the tag %s", tag)
	}
	switch short {
	case "seq":
		return "a list"
	case "map":
		return "a mapping"
	case "null":
		return "nothing"
	case "binary":
		return "binary data"
	}
	if len(value) > 40 {
		value = value[:40] + "..."
	}
	return strconv.Quote(value)
}

// pathAt returns the dotted path (sequence elements as [i]) of the
// outermost value of the given kind (0: any) that starts on line, or "".
// The decoder's type errors give only a line; the kind of value it found
// tells which value on that line it means.
func pathAt(root *yaml.Node, line int, kind yaml.Kind) string {
	var walk func(n *yaml.Node, path string) (string, bool)
	walk = func(n *yaml.Node, path string) (string, bool) {
		if path != "" && n.Line == line && (kind == 0 || n.Kind == kind) {
			return path, true
		}
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				if p, ok := walk(c, path); ok {
					return p, true
				}
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				p := n.Content[i].Value
				if path != "" {
					p = path + "." + p
				}
				if n.Content[i].Line == line && kind == 0 {
					return p, true
				}
				if p, ok := walk(n.Content[i+1], p); ok {
					return p, true
				}
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				if p, ok := walk(c, fmt.Sprintf("%s[%d]", path, i)); ok {
					return p, true
				}
			}
		}
		return "", false
	}
	p, _ := walk(root, "")
	return p
}

// kindOfTag is the node kind the decoder's !!tag stands for.
func kindOfTag(tag string) yaml.Kind {
	switch tag {
	case "!!seq":
		return yaml.SequenceNode
	case "!!map":
		return yaml.MappingNode
	}
	if strings.HasPrefix(tag, "!!") {
		return yaml.ScalarNode
	}
	return 0 // a custom tag: any kind
}

// validate checks what the YAML decoder cannot: rule names, enumerations,
// durations. root locates the offending lines.
func (c *Config) validate(file string, root *yaml.Node) Errors {
	var errs Errors
	add := func(line int, format string, args ...any) {
		errs = append(errs, &Error{File: file, Line: line, Msg: fmt.Sprintf(format, args...)})
	}
	if line := keyLine(root, "version"); line > 0 && c.Version != CurrentVersion {
		add(line, "version %d is not supported: this dbaudit reads version %d", c.Version, CurrentVersion)
	}
	eachScalar(root, func(path string, n *yaml.Node) {
		if strings.ContainsRune(n.Value, 0) {
			add(n.Line, "%s: contains a NUL byte, which no file, package or name can match", path)
		}
	})
	for i, n := range sequenceAt(root, "ignore") {
		if strings.ContainsRune(n.Value, 0) {
			continue
		}
		if err := checkGlob(n.Value); err != nil {
			add(n.Line, "ignore[%d]: %q is not a valid glob: %v", i, n.Value, err)
		} else if err := unmatchableFile(n.Value); err != nil {
			add(n.Line, "ignore[%d]: %q can match no file: %v", i, n.Value, err)
		}
	}
	for _, key := range [][]string{{"pooler", "hosts"}, {"dsn_env"}} {
		for i, n := range sequenceAt(root, key...) {
			if strings.ContainsRune(n.Value, 0) {
				continue
			}
			if _, err := path.Match(n.Value, ""); err != nil {
				add(n.Line, "%s[%d]: %q is not a valid glob (an unclosed [, or a \\ at the end)", strings.Join(key, "."), i, n.Value)
			}
		}
	}
	if comps := nodeAt(root, "components"); comps != nil && comps.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(comps.Content); i += 2 {
			name := comps.Content[i].Value
			for j, n := range sequenceAt(comps.Content[i+1]) {
				if strings.ContainsRune(n.Value, 0) {
					continue
				}
				if err := checkGlob(n.Value); err != nil {
					add(n.Line, "components.%s[%d]: %q is not a valid glob: %v", name, j, n.Value, err)
				} else if err := unmatchableFile(n.Value); err != nil {
					add(n.Line, "components.%s[%d]: %q can match no file: %v", name, j, n.Value, err)
				}
			}
		}
	}
	for _, key := range [][]string{{"approved_packages"}, {"test_packages"}, {"migration_packages"}, {"schema", "packages"}} {
		for i, n := range sequenceAt(root, key...) {
			if strings.ContainsRune(n.Value, 0) {
				continue
			}
			if err := checkPackagePattern(n.Value); err != nil {
				add(n.Line, "%s[%d]: %q is not a go list package pattern: %v", strings.Join(key, "."), i, n.Value, err)
			}
		}
	}
	for id := range c.Rules {
		if !IsRule(id) {
			add(keyLine(root, "rules", id), "unknown rule %q (known: %s)", id, strings.Join(IDs(), ", "))
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

// checkPackagePattern accepts what go list accepts as a package pattern:
// an import path, or a relative one (./x, ../x, .), where "..." stands for
// any string. Globs other than "..." never match: an import path cannot
// hold *, [ or spaces.
func checkPackagePattern(p string) error {
	rest := p
	for strings.HasPrefix(rest, "./") || strings.HasPrefix(rest, "../") {
		rest = rest[strings.Index(rest, "/")+1:]
	}
	if rest == "" || rest == "." || rest == ".." {
		return nil
	}
	if err := module.CheckImportPath(strings.ReplaceAll(rest, "...", "x")); err != nil {
		var perr *module.InvalidPathError
		if errors.As(err, &perr) {
			return perr.Err
		}
		return err
	}
	return nil
}

// nodeAt returns the value at the mapping path, or nil.
func nodeAt(root *yaml.Node, path ...string) *yaml.Node {
	n := root
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return nil
		}
		n = n.Content[0]
	}
	for _, key := range path {
		if n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				next = n.Content[i+1]
			}
		}
		if next == nil {
			return nil
		}
		n = next
	}
	return n
}

// sequenceAt returns the scalar elements of the sequence at path, or nil.
func sequenceAt(root *yaml.Node, path ...string) []*yaml.Node {
	n := nodeAt(root, path...)
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	var out []*yaml.Node
	for _, c := range n.Content {
		if c.Kind == yaml.ScalarNode {
			out = append(out, c)
		}
	}
	return out
}

// eachScalar calls f for every key and scalar value, with its path.
func eachScalar(root *yaml.Node, f func(path string, n *yaml.Node)) {
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, path)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				p := n.Content[i].Value
				if path != "" {
					p = path + "." + p
				}
				walk(n.Content[i], p)
				walk(n.Content[i+1], p)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				walk(c, fmt.Sprintf("%s[%d]", path, i))
			}
		case yaml.ScalarNode:
			f(path, n)
		}
	}
	walk(root, "")
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
