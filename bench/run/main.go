// Command run benchmarks dbaudit against go vet and golangci-lint on
// synthetic service modules of growing size and writes bench/RESULTS.md and
// bench/results.json. From the repository root:
//
//	go run ./bench/run                      # 100, 1,000 and 5,000 packages
//	go run ./bench/run -sizes 100 -out /tmp/quick
//
// For each size it generates the module, downloads its modules once, and
// then times each tool cold (a fresh, empty GOCACHE and golangci-lint cache)
// and warm (the same cache again), offline (GOPROXY=off), recording wall
// time, CPU time and peak memory. See bench/README.md.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/dbaudit/dbaudit/bench/internal/measure"
	"github.com/dbaudit/dbaudit/bench/internal/synth"
	"github.com/dbaudit/dbaudit/internal/testmodules"
)

// GolangciVersion is the golangci-lint release the benchmark compares with.
const GolangciVersion = "v2.15.0"

// golangciLinters are the linters that overlap dbaudit's concerns.
var golangciLinters = []string{"sqlclosecheck", "rowserrcheck", "gosec"}

type options struct {
	sizes      []int
	out        string
	work       string
	golangci   string
	repeat     int
	keep       bool
	profile    bool
	schemaDSN  string
	onlyTools  map[string]bool
	repoRoot   string
	modCache   string
	baseEnv    []string
	binDir     string
	logDir     string
	dbauditBin string
	vetBin     string
}

func main() {
	var (
		o     options
		sizes string
		tools string
	)
	flag.StringVar(&sizes, "sizes", "100,1000,5000", "comma-separated module sizes in packages")
	flag.StringVar(&o.out, "out", "bench", "directory to write RESULTS.md and results.json into")
	flag.StringVar(&o.work, "work", filepath.Join(os.TempDir(), "dbaudit-bench"), "scratch directory for modules, caches, binaries and logs")
	flag.StringVar(&o.golangci, "golangci-lint", "", "golangci-lint "+GolangciVersion+" binary (default: from PATH if it is that version, else built once into the user cache from the module proxy)")
	flag.IntVar(&o.repeat, "repeat", 1, "runs per measurement (cold runs get a fresh cache each time); the median is reported")
	flag.BoolVar(&o.keep, "keep", false, "keep the generated modules and caches in -work")
	flag.BoolVar(&o.profile, "profile", true, "profile one extra warm dbaudit check at the largest size (CPU and heap) and include the top entries")
	flag.StringVar(&o.schemaDSN, "schemacheck-db", os.Getenv("DBAUDIT_TEST_DATABASE_URL"), "PostgreSQL for the schemacheck benchmarks (default $DBAUDIT_TEST_DATABASE_URL; empty: skipped)")
	flag.StringVar(&tools, "tools", "", "comma-separated subset of tools to run (ids: "+strings.Join(toolIDs(), ", ")+"); default all")
	flag.Parse()
	if flag.NArg() > 0 {
		fatalf("unexpected arguments %q", flag.Args())
	}
	for _, s := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < synth.MinPackages {
			fatalf("-sizes: %q is not a number of packages >= %d", s, synth.MinPackages)
		}
		o.sizes = append(o.sizes, n)
	}
	sort.Ints(o.sizes)
	if tools != "" {
		o.onlyTools = map[string]bool{}
		for _, t := range strings.Split(tools, ",") {
			t = strings.TrimSpace(t)
			if !contains(toolIDs(), t) {
				fatalf("-tools: unknown tool %q (known: %s)", t, strings.Join(toolIDs(), ", "))
			}
			o.onlyTools[t] = true
		}
	}
	if o.repeat < 1 {
		fatalf("-repeat must be at least 1")
	}
	if err := run(&o); err != nil {
		fatalf("%v", err)
	}
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
	os.Exit(1)
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

func run(o *options) error {
	var err error
	if o.repoRoot, err = repoRoot(); err != nil {
		return err
	}
	if o.out, err = filepath.Abs(o.out); err != nil {
		return err
	}
	if o.work, err = filepath.Abs(o.work); err != nil {
		return err
	}
	o.binDir, o.logDir = filepath.Join(o.work, "bin"), filepath.Join(o.work, "logs")
	for _, d := range []string{o.out, o.binDir, o.logDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	o.modCache = goEnv("GOMODCACHE")
	o.baseEnv = cleanEnv(o.modCache)

	res := &Results{Version: 1, Started: time.Now().UTC().Format(time.RFC3339), Command: commandLine()}
	res.Machine = machine()
	res.Versions.Go = goEnv("GOVERSION")
	res.Versions.Dbaudit = dbauditCommit(o.repoRoot)
	res.Versions.Pgx = "v5.12.0"

	logf("building dbaudit (%s)", res.Versions.Dbaudit)
	o.dbauditBin = filepath.Join(o.binDir, "dbaudit")
	if out, err := goBuild(o.repoRoot, o.dbauditBin, "./cmd/dbaudit"); err != nil {
		return fmt.Errorf("building dbaudit: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(o.repoRoot, "cmd", "dbaudit-vet")); err == nil {
		o.vetBin = filepath.Join(o.binDir, "dbaudit-vet")
		if out, err := goBuild(o.repoRoot, o.vetBin, "./cmd/dbaudit-vet"); err != nil {
			logf("cmd/dbaudit-vet does not build; go vet -vettool is n/a: %v\n%s", err, out)
			o.vetBin = ""
		}
	}
	var (
		gcl, gclVersion string
		gclErr          = errors.New("not asked for (-tools)")
	)
	if o.onlyTools == nil || o.onlyTools["golangci-lint"] {
		gcl, gclVersion, gclErr = findGolangci(o)
		if gclErr != nil {
			logf("golangci-lint is n/a: %v", gclErr)
		}
	}
	res.Versions.GolangciLint = gclVersion
	inventoryNA := ""
	if !hasCommand(o.dbauditBin, "inventory") {
		inventoryNA = "dbaudit has no inventory command yet"
	}
	vetNA := ""
	if o.vetBin == "" {
		vetNA = "cmd/dbaudit-vet is not in the tree (or does not build)"
	}
	gclNA := ""
	if gclErr != nil {
		gclNA = gclErr.Error()
	}
	tools := []*tool{
		{id: "go-vet", name: "go vet ./...", argv: func(*sizeRun) []string { return []string{"go", "vet", "./..."} }},
		{id: "dbaudit-check", name: "dbaudit check ./...", okExit: []int{1}, argv: func(s *sizeRun) []string {
			return []string{o.dbauditBin, "check", "--timings", "--format", "json", "--output", s.file("check.json"), "./..."}
		}},
		{id: "dbaudit-inventory", name: "dbaudit inventory ./...", na: inventoryNA, argv: func(s *sizeRun) []string {
			return []string{o.dbauditBin, "inventory", "--format", "json", "--output", s.file("inventory.json"), "./..."}
		}},
		{id: "go-vet-vettool", name: "go vet -vettool=dbaudit-vet ./...", na: vetNA, okExit: []int{1}, argv: func(*sizeRun) []string {
			return []string{"go", "vet", "-vettool=" + o.vetBin, "./..."}
		}},
		{id: "golangci-lint", name: "golangci-lint (" + strings.Join(golangciLinters, ", ") + ")", na: gclNA, okExit: []int{1}, argv: func(s *sizeRun) []string {
			return []string{gcl, "run", "--no-config", "--default", "none", "--enable", strings.Join(golangciLinters, ","),
				"--max-issues-per-linter", "0", "--max-same-issues", "0", "--show-stats=false",
				"--output.json.path", s.file("golangci.json"), "./..."}
		}},
	}

	for _, n := range o.sizes {
		sr, err := runSize(o, tools, n)
		if err != nil {
			return err
		}
		res.Sizes = append(res.Sizes, sr.result)
		res.Finished = time.Now().UTC().Format(time.RFC3339)
		if err := write(o, res); err != nil { // after every size, so a long run leaves figures behind
			return err
		}
	}
	if n := len(res.Sizes); n > 0 {
		res.Profile = res.Sizes[n-1].profile
	}
	res.Schemacheck = schemacheckBench(o)
	res.Finished = time.Now().UTC().Format(time.RFC3339)
	if err := write(o, res); err != nil {
		return err
	}
	if !o.keep {
		os.RemoveAll(o.work)
	}
	logf("wrote %s and %s", filepath.Join(o.out, "RESULTS.md"), filepath.Join(o.out, "results.json"))
	return nil
}

// tool is one command the benchmark times.
type tool struct {
	id, name string
	// na says why the tool cannot run (not built yet, not installed).
	na     string
	argv   func(*sizeRun) []string
	okExit []int // exit codes besides 0 that mean "ran, found something"
}

func toolIDs() []string {
	return []string{"go-vet", "dbaudit-check", "dbaudit-inventory", "go-vet-vettool", "golangci-lint"}
}

// sizeRun is the state of one module size's runs.
type sizeRun struct {
	o      *options
	n      int
	mod    string
	result *SizeResult
	// out is where the current run's output files go.
	out string
	// edits counts editLeaf's edits.
	edits int
}

func (s *sizeRun) file(name string) string { return filepath.Join(s.out, name) }

func runSize(o *options, tools []*tool, n int) (*sizeRun, error) {
	mod := filepath.Join(o.work, fmt.Sprintf("mod-%d", n))
	if err := os.RemoveAll(mod); err != nil {
		return nil, err
	}
	goSum := testmodules.GoSum()
	logf("generating a module of %d packages", n)
	st, err := synth.Generate(mod, n, goSum)
	if err != nil {
		return nil, err
	}
	sr := &sizeRun{o: o, n: n, mod: mod, result: &SizeResult{Packages: n, Module: st}}
	if !o.keep {
		defer os.RemoveAll(mod)
	}

	// Pre-warm: everything the module needs must be in the module cache, so
	// that the timed runs (GOPROXY=off) never download.
	t0 := time.Now()
	download := exec.Command("go", "mod", "download")
	download.Dir, download.Env = mod, append(os.Environ(), "GOFLAGS=-mod=mod")
	if out, err := download.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go mod download in %s: %v\n%s", mod, err, out)
	}
	list := exec.Command("go", "list", "-deps", "-test", "./...")
	list.Dir, list.Env = mod, append(sr.env(filepath.Join(o.work, "prewarm-cache")), "GOFLAGS=-mod=readonly")
	if out, err := list.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("offline go list in %s: %v\n%s", mod, err, lastLines(string(out), 20))
	}
	os.RemoveAll(filepath.Join(o.work, "prewarm-cache"))
	sr.result.PrewarmSeconds = time.Since(t0).Seconds()

	for _, t := range tools {
		if o.onlyTools != nil && !o.onlyTools[t.id] {
			continue
		}
		tr := &ToolResult{Tool: t.id, Name: t.name}
		sr.result.Tools = append(sr.result.Tools, tr)
		if t.na != "" {
			tr.NA = t.na
			continue
		}
		cache, err := sr.measureTool(t, tr)
		if err != nil {
			tr.Error = err.Error()
			logf("%s at %d packages failed: %v", t.id, n, err)
		}
		if err == nil && t.id == "dbaudit-check" && o.profile && n == o.sizes[len(o.sizes)-1] {
			logf("profiling dbaudit check at %d packages (warm)", n)
			sr.result.profile = sr.profileCheck(cache)
		}
		os.RemoveAll(cache)
	}
	sr.ratios()
	return sr, nil
}

// env is the environment of a timed run: the shared module cache, no
// network, the given build cache (and golangci-lint's cache inside it).
func (s *sizeRun) env(cache string) []string {
	return append(append([]string(nil), s.o.baseEnv...),
		"GOCACHE="+filepath.Join(cache, "go-build"),
		"GOLANGCI_LINT_CACHE="+filepath.Join(cache, "golangci-lint"),
		"DBAUDIT_CACHE="+filepath.Join(cache, "dbaudit"),
	)
}

// measureTool times t cold, warm, and after a one-file edit, -repeat
// times, and returns the build cache of the last round, which the caller
// removes.
func (s *sizeRun) measureTool(t *tool, tr *ToolResult) (cache string, err error) {
	var cold, warm, edit []Measurement
	cache = filepath.Join(s.o.work, fmt.Sprintf("cache-%d-%s", s.n, t.id))
	for i := 0; i < s.o.repeat; i++ {
		if err := os.RemoveAll(cache); err != nil {
			return cache, err
		}
		for _, state := range []string{"cold", "warm", "edit"} {
			if state == "edit" {
				if err := s.editLeaf(); err != nil {
					return cache, err
				}
			}
			m, err := s.measureOnce(t, cache, state, i)
			if err != nil {
				return cache, err
			}
			switch state {
			case "cold":
				cold = append(cold, m)
			case "warm":
				warm = append(warm, m)
			default:
				edit = append(edit, m)
			}
		}
	}
	tr.Cold, tr.Warm, tr.Edit = median(cold), median(warm), median(edit)
	return cache, nil
}

// editLeaf adds an exported function to the handler package of the first
// domain, which only the wiring imports: the edit a developer makes
// between two runs. Each call adds a new one, so every tool re-runs after
// a real change of the package's code and export data.
func (s *sizeRun) editLeaf() error {
	files, _ := filepath.Glob(filepath.Join(s.mod, "internal", "*", "handler", "handler.go"))
	if len(files) == 0 {
		return fmt.Errorf("no handler package to edit in %s", s.mod)
	}
	sort.Strings(files)
	s.edits++
	f, err := os.OpenFile(files[0], os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(f, "\n// BenchEdit%d is the benchmark's one-file edit.\nfunc BenchEdit%d() int { return %d }\n", s.edits, s.edits, s.edits)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	s.result.EditedFile, _ = filepath.Rel(s.mod, files[0])
	return err
}

func (s *sizeRun) measureOnce(t *tool, cache, state string, i int) (Measurement, error) {
	s.out = filepath.Join(s.o.logDir, fmt.Sprintf("%d-%s-%s-%d", s.n, t.id, state, i))
	if err := os.MkdirAll(s.out, 0o755); err != nil {
		return Measurement{}, err
	}
	argv := t.argv(s)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir, cmd.Env = s.mod, s.env(cache)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	load := loadAvg()
	logf("%-18s %5d packages, %s (load average %.1f)", t.id, s.n, state, load)
	sample, err := measure.Run(cmd)
	if err != nil {
		return Measurement{}, err
	}
	os.WriteFile(s.file("stdout"), stdout.Bytes(), 0o644)
	os.WriteFile(s.file("stderr"), stderr.Bytes(), 0o644)
	m := Measurement{
		WallSeconds: sample.Wall.Seconds(), CPUSeconds: sample.CPU.Seconds(),
		MaxRSSBytes: sample.MaxRSS, TreeRSSBytes: sample.TreeRSS, ExitCode: sample.ExitCode,
		Via: sample.Via, LoadAvg: load,
	}
	logf("%-18s %5d packages, %s: %.1fs wall, %.1fs cpu, %s max process, %s tree, exit %d",
		t.id, s.n, state, m.WallSeconds, m.CPUSeconds, measure.Bytes(m.MaxRSSBytes), measure.Bytes(m.TreeRSSBytes), m.ExitCode)
	if m.ExitCode != 0 && !contains(t.okExit, m.ExitCode) {
		return m, fmt.Errorf("exit status %d (%s):\n%s", m.ExitCode, strings.Join(argv, " "), lastLines(stderr.String()+stdout.String(), 15))
	}
	switch t.id {
	case "dbaudit-check":
		m.Timings = parseTimings(stderr.String())
		if f, err := readCheckSummary(s.file("check.json")); err == nil {
			s.result.Findings = f
		} else {
			return m, fmt.Errorf("reading dbaudit's JSON report: %v", err)
		}
	case "dbaudit-inventory":
		if inv, err := readInventorySummary(s.file("inventory.json")); err == nil {
			s.result.Inventory = inv
		}
	case "golangci-lint":
		if by, err := readGolangciIssues(s.file("golangci.json")); err == nil {
			s.result.GolangciIssues = by
		}
	case "go-vet-vettool":
		s.result.VettoolDiagnostics = countVetDiagnostics(stderr.String())
	}
	return m, nil
}

// ratios fills in each tool's wall time against go vet's, per cache state.
func (s *sizeRun) ratios() {
	var vet *ToolResult
	for _, t := range s.result.Tools {
		if t.Tool == "go-vet" {
			vet = t
		}
	}
	if vet == nil || vet.Cold == nil {
		return
	}
	for _, t := range s.result.Tools {
		if t.Cold != nil && vet.Cold.WallSeconds > 0 {
			t.Cold.VsGoVet = t.Cold.WallSeconds / vet.Cold.WallSeconds
		}
		if t.Warm != nil && vet.Warm != nil && vet.Warm.WallSeconds > 0 {
			t.Warm.VsGoVet = t.Warm.WallSeconds / vet.Warm.WallSeconds
		}
		if t.Edit != nil && vet.Edit != nil && vet.Edit.WallSeconds > 0 {
			t.Edit.VsGoVet = t.Edit.WallSeconds / vet.Edit.WallSeconds
		}
	}
}

func median(ms []Measurement) *Measurement {
	if len(ms) == 0 {
		return nil
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].WallSeconds < ms[j].WallSeconds })
	m := ms[len(ms)/2]
	return &m
}

var timingLine = regexp.MustCompile(`^\s+(\S+)\s+([0-9.]+)s`)

// parseTimings reads dbaudit check --timings from stderr.
func parseTimings(stderr string) map[string]float64 {
	out := map[string]float64{}
	in := false
	for _, line := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(line, "timings:") {
			in = true
			continue
		}
		if !in {
			continue
		}
		m := timingLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		v, _ := strconv.ParseFloat(m[2], 64)
		out[m[1]] = v
	}
	return out
}

func readCheckSummary(path string) (*Findings, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r struct {
		Summary struct {
			Packages int            `json:"packages"`
			Files    int            `json:"files"`
			Findings int            `json:"findings"`
			ByRule   map[string]int `json:"by_rule"`
		} `json:"summary"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, err
	}
	return &Findings{Packages: r.Summary.Packages, Files: r.Summary.Files, Total: r.Summary.Findings, ByRule: r.Summary.ByRule}, nil
}

func readInventorySummary(path string) (map[string]any, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r struct {
		Touchpoints []json.RawMessage `json:"touchpoints"`
		Summary     map[string]any    `json:"summary"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, err
	}
	out := map[string]any{"touchpoints": len(r.Touchpoints)}
	for k, v := range r.Summary {
		out[k] = v
	}
	return out, nil
}

func readGolangciIssues(path string) (map[string]int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r struct {
		Issues []struct {
			FromLinter string
		}
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, err
	}
	by := map[string]int{}
	for _, l := range golangciLinters {
		by[l] = 0
	}
	for _, is := range r.Issues {
		by[is.FromLinter]++
	}
	return by, nil
}

// countVetDiagnostics counts "file:line:col: message" lines in go vet's output.
func countVetDiagnostics(stderr string) int {
	n := 0
	for _, line := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(line, "#") || !strings.Contains(line, ".go:") {
			continue
		}
		n++
	}
	return n
}

// findGolangci returns a golangci-lint of the wanted version: the -golangci-lint
// flag's, one on PATH, one built earlier into the user cache, or one built now
// from the module proxy.
func findGolangci(o *options) (string, string, error) {
	if o.golangci != "" {
		v, err := golangciVersion(o.golangci)
		return o.golangci, v, err
	}
	if p, err := exec.LookPath("golangci-lint"); err == nil {
		if v, err := golangciVersion(p); err == nil && strings.Contains(v, strings.TrimPrefix(GolangciVersion, "v")) {
			return p, v, nil
		}
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", "", err
	}
	gobin := filepath.Join(cache, "dbaudit-bench", "golangci-lint-"+GolangciVersion)
	bin := filepath.Join(gobin, "golangci-lint")
	if v, err := golangciVersion(bin); err == nil {
		return bin, v, nil
	}
	logf("building golangci-lint %s into %s from the module proxy (once; a few minutes)", GolangciVersion, gobin)
	install := exec.Command("go", "install", "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@"+GolangciVersion)
	install.Dir = os.TempDir() // outside any module: the tool must not join dbaudit's go.mod
	install.Env = append(os.Environ(), "GOBIN="+gobin, "GOFLAGS=", "GOWORK=off")
	if out, err := install.CombinedOutput(); err != nil {
		return "", "", fmt.Errorf("go install golangci-lint@%s: %v\n%s", GolangciVersion, err, lastLines(string(out), 10))
	}
	v, err := golangciVersion(bin)
	return bin, v, err
}

func golangciVersion(bin string) (string, error) {
	out, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("%s version: %v", bin, err)
	}
	// "golangci-lint has version 2.15.0 built with go1.26.8 from ..."
	v := strings.TrimSpace(string(out))
	if i := strings.Index(v, " from "); i > 0 {
		v = v[:i]
	}
	return strings.TrimPrefix(v, "golangci-lint has version "), nil
}

// hasCommand reports whether the dbaudit binary lists the subcommand.
func hasCommand(bin, name string) bool {
	out, err := exec.Command(bin, "--help").Output()
	if err != nil {
		return false
	}
	return regexp.MustCompile(`(?m)^\s+` + regexp.QuoteMeta(name) + `\s`).Match(out)
}

func goBuild(dir, out, pkg string) ([]byte, error) {
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Dir = dir
	return cmd.CombinedOutput()
}

func goEnv(key string) string {
	out, err := exec.Command("go", "env", key).Output()
	if err != nil {
		fatalf("go env %s: %v", key, err)
	}
	return strings.TrimSpace(string(out))
}

// cleanEnv is the process environment without the variables a timed run
// sets itself, plus the shared module cache, no network and no toolchain
// switching.
func cleanEnv(modCache string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "GOCACHE", "GOLANGCI_LINT_CACHE", "GOPROXY", "GOMODCACHE", "GOTOOLCHAIN", "GOWORK", "GOFLAGS":
			continue
		}
		env = append(env, kv)
	}
	return append(env, "GOMODCACHE="+modCache, "GOPROXY=off", "GOTOOLCHAIN=local", "GOWORK=off", "GOFLAGS=-mod=readonly")
}

func repoRoot() (string, error) {
	gomod := goEnv("GOMOD")
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("run from the dbaudit repository (no go.mod here)")
	}
	b, err := os.ReadFile(gomod)
	if err != nil {
		return "", err
	}
	if !bytes.HasPrefix(b, []byte("module github.com/dbaudit/dbaudit\n")) {
		return "", fmt.Errorf("%s is not the dbaudit module's go.mod: run from the dbaudit repository", gomod)
	}
	return filepath.Dir(gomod), nil
}

func dbauditCommit(root string) string {
	out, err := exec.Command("git", "-C", root, "rev-parse", "--short=12", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	commit := strings.TrimSpace(string(out))
	// Uncommitted changes to the code dbaudit is built from (bench/ excluded).
	st, err := exec.Command("git", "-C", root, "status", "--porcelain", "--", "analyzers", "engine", "cmd/dbaudit", "rules", "report", "inventory", "go.mod").Output()
	if err == nil && len(bytes.TrimSpace(st)) > 0 {
		commit += " + uncommitted changes"
	}
	return commit
}

func machine() Machine {
	m := Machine{CPUs: runtime.NumCPU(), OS: runtime.GOOS + "/" + runtime.GOARCH}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPUModel = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "MemTotal:" {
				kb, _ := strconv.ParseInt(f[1], 10, 64)
				m.MemoryBytes = kb * 1024
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	return m
}

// loadAvg is the one-minute load average.
func loadAvg() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	v, _ := strconv.ParseFloat(f[0], 64)
	return v
}

func commandLine() string {
	args := []string{"go", "run", "./bench/run"}
	flag.Visit(func(f *flag.Flag) { args = append(args, "-"+f.Name+"="+f.Value.String()) })
	return strings.Join(args, " ")
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func contains[T comparable](xs []T, x T) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}
