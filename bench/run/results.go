package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/dbaudit/dbaudit/bench/internal/measure"
	"github.com/dbaudit/dbaudit/bench/internal/synth"
)

// Results is results.json.
type Results struct {
	Version  int    `json:"version"`
	Started  string `json:"started"`
	Finished string `json:"finished"`
	Command  string `json:"command"`
	Machine  Machine
	Versions struct {
		Go           string `json:"go"`
		Dbaudit      string `json:"dbaudit"`
		GolangciLint string `json:"golangci_lint"`
		Pgx          string `json:"pgx"`
	} `json:"versions"`
	Sizes       []*SizeResult     `json:"sizes"`
	Profile     *Profile          `json:"profile,omitempty"`
	Schemacheck *SchemacheckBench `json:"schemacheck"`
}

// Machine describes where the benchmark ran.
type Machine struct {
	CPUs        int    `json:"cpus"`
	CPUModel    string `json:"cpu_model"`
	MemoryBytes int64  `json:"memory_bytes"`
	OS          string `json:"os"`
	Kernel      string `json:"kernel"`
}

// SizeResult is every tool's figures on one module size.
type SizeResult struct {
	Packages           int            `json:"packages"`
	Module             synth.Stats    `json:"module"`
	PrewarmSeconds     float64        `json:"prewarm_seconds"`
	Tools              []*ToolResult  `json:"tools"`
	Findings           *Findings      `json:"dbaudit_findings,omitempty"`
	Inventory          map[string]any `json:"dbaudit_inventory,omitempty"`
	GolangciIssues     map[string]int `json:"golangci_issues,omitempty"`
	VettoolDiagnostics int            `json:"vettool_diagnostics,omitempty"`
	EditedFile         string         `json:"edited_file,omitempty"`

	profile *Profile
}

// ToolResult is one tool's cold and warm figures.
type ToolResult struct {
	Tool  string       `json:"tool"`
	Name  string       `json:"name"`
	NA    string       `json:"na,omitempty"`
	Error string       `json:"error,omitempty"`
	Cold  *Measurement `json:"cold,omitempty"`
	Warm  *Measurement `json:"warm,omitempty"`
	// Edit is the run after one file of a leaf package was edited, on the
	// warm cache.
	Edit *Measurement `json:"edit,omitempty"`
}

// Measurement is one timed run (the median of -repeat runs).
type Measurement struct {
	WallSeconds  float64 `json:"wall_seconds"`
	CPUSeconds   float64 `json:"cpu_seconds"`
	MaxRSSBytes  int64   `json:"max_rss_bytes"`
	TreeRSSBytes int64   `json:"tree_rss_bytes"`
	ExitCode     int     `json:"exit_code"`
	// Via says how the peak and CPU were taken: "GNU time" or "wait4".
	Via string `json:"via"`
	// LoadAvg is the machine's one-minute load average when the run began
	// (other work on the machine slows the wall time).
	LoadAvg float64 `json:"load_avg"`
	// VsGoVet is the wall time over go vet's in the same cache state.
	VsGoVet float64 `json:"vs_go_vet,omitempty"`
	// Timings is dbaudit check --timings (seconds by stage and analyzer).
	Timings map[string]float64 `json:"dbaudit_timings,omitempty"`
}

// Findings summarises dbaudit check's JSON report.
type Findings struct {
	Packages int            `json:"packages"`
	Files    int            `json:"files"`
	Total    int            `json:"total"`
	ByRule   map[string]int `json:"by_rule"`
}

func write(o *options, res *Results) error {
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(o.out, "results.json"), append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(o.out, "RESULTS.md"), []byte(markdown(res)), 0o644)
}

func (r *SizeResult) tool(id string) *ToolResult {
	for _, t := range r.Tools {
		if t.Tool == id {
			return t
		}
	}
	return nil
}

func markdown(res *Results) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("# dbaudit benchmarks\n\n")
	p("Written by `%s` (started %s, finished %s). How the figures are taken and how to re-run them: [README.md](README.md). Raw numbers: [results.json](results.json).\n\n", res.Command, res.Started, res.Finished)
	m := res.Machine
	p("- **Machine:** %d CPUs (%s), %s memory, %s, Linux %s\n", m.CPUs, m.CPUModel, measure.Bytes(m.MemoryBytes), m.OS, m.Kernel)
	p("- **Versions:** %s; dbaudit %s; golangci-lint %s; the generated modules use pgx %s\n\n", res.Versions.Go, res.Versions.Dbaudit, orNA(res.Versions.GolangciLint), res.Versions.Pgx)
	p("Cold: a fresh, empty `GOCACHE` (and golangci-lint cache); warm: the same command again on the cache the cold run filled. ")
	p("Both offline (`GOPROXY=off`) on the machine's module cache. Peak memory is the largest single process's resident set (GNU time `%%M`); ")
	p("\"tree\" is the peak of the summed resident sets of the whole process tree (the tool and the compilers it starts), sampled every %v. ", measure.SampleInterval)
	p("CPU is user + system time of the whole tree. The load average is the machine's when the run began: anything above the CPU count means other work competed for the CPUs and inflated the wall times.\n\n")

	targets(&b, res)
	for _, s := range res.Sizes {
		sizeSection(&b, s)
	}
	growth(&b, res)
	if res.Profile != nil {
		profileSection(&b, res.Profile)
	}
	schemacheckSection(&b, res.Schemacheck)
	return b.String()
}

func targets(b *strings.Builder, res *Results) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("## Targets\n\n| target | figure | met |\n| --- | --- | --- |\n")
	for _, s := range res.Sizes {
		if s.Packages < 1000 {
			continue
		}
		check, vet, gcl := s.tool("dbaudit-check"), s.tool("go-vet"), s.tool("golangci-lint")
		if ok(check) && ok(vet) {
			p("| %s packages, cold: `dbaudit check` ≤ `go vet ./...` | %.1f s vs %.1f s (%.2f×) | %s |\n",
				comma(s.Packages), check.Cold.WallSeconds, vet.Cold.WallSeconds, check.Cold.VsGoVet, yes(check.Cold.WallSeconds <= vet.Cold.WallSeconds))
		}
		if ok(check) && ok(gcl) {
			p("| %s packages, cold: `dbaudit check` < golangci-lint | %.1f s vs %.1f s (%.2f×) | %s |\n",
				comma(s.Packages), check.Cold.WallSeconds, gcl.Cold.WallSeconds, check.Cold.WallSeconds/gcl.Cold.WallSeconds, yes(check.Cold.WallSeconds < gcl.Cold.WallSeconds))
		}
	}
	for _, s := range res.Sizes {
		check, vet := s.tool("dbaudit-check"), s.tool("go-vet")
		if !ok(check) || !ok(vet) {
			continue
		}
		p("| %s packages, warm: `dbaudit check` ≤ 0.5× `go vet ./...` | %.2f s vs %.2f s (%.2f×) | %s |\n",
			comma(s.Packages), check.Warm.WallSeconds, vet.Warm.WallSeconds, check.Warm.VsGoVet, yes(check.Warm.VsGoVet <= 0.5))
		if check.Edit != nil && vet.Edit != nil {
			p("| %s packages, one file edited: `dbaudit check` ≤ `go vet ./...` | %.2f s vs %.2f s (%.2f×) | %s |\n",
				comma(s.Packages), check.Edit.WallSeconds, vet.Edit.WallSeconds, check.Edit.VsGoVet, yes(check.Edit.WallSeconds <= vet.Edit.WallSeconds))
		}
		peak, vetPeak := max(check.Cold.MaxRSSBytes, check.Warm.MaxRSSBytes), max(vet.Cold.TreeRSSBytes, vet.Warm.TreeRSSBytes)
		p("| %s packages: `dbaudit check` peak memory ≤ `go vet ./...`'s (its process tree) | %s vs %s | %s |\n",
			comma(s.Packages), measure.Bytes(peak), measure.Bytes(vetPeak), yes(peak <= vetPeak))
	}
	for _, s := range res.Sizes {
		if s.Packages != 5000 {
			continue
		}
		if check := s.tool("dbaudit-check"); ok(check) {
			peak := max(check.Cold.MaxRSSBytes, check.Warm.MaxRSSBytes)
			p("| 5,000 packages: `dbaudit check` peak memory < 2 GiB | %s (largest process, cold or warm) | %s |\n", measure.Bytes(peak), yes(peak < 2<<30))
		}
	}
	if g, ok := growthFactor(res, "dbaudit-check"); ok {
		p("| `dbaudit check` grows no faster than linearly | %s | %s |\n", g.text, yes(g.linear))
	}
	p("\n")
}

type growthFigure struct {
	text   string
	linear bool
}

// growthFactor compares cold wall time per package between the smallest
// size of at least 1,000 packages and the largest: linear growth keeps it
// flat (10% allowed for noise).
func growthFactor(res *Results, id string) (growthFigure, bool) {
	var pts []struct {
		n int
		s float64
	}
	for _, s := range res.Sizes {
		if t := s.tool(id); ok(t) && s.Packages >= 1000 {
			pts = append(pts, struct {
				n int
				s float64
			}{s.Packages, t.Cold.WallSeconds})
		}
	}
	if len(pts) < 2 {
		return growthFigure{}, false
	}
	a, z := pts[0], pts[len(pts)-1]
	per := func(x struct {
		n int
		s float64
	}) float64 {
		return 1000 * x.s / float64(x.n)
	}
	return growthFigure{
		text: fmt.Sprintf("cold: %.1f ms/package at %s, %.1f ms/package at %s (time ×%.2f for packages ×%.0f)",
			per(a), comma(a.n), per(z), comma(z.n), z.s/a.s, float64(z.n)/float64(a.n)),
		linear: per(z) <= per(a)*1.10,
	}, true
}

func sizeSection(b *strings.Builder, s *SizeResult) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	st := s.Module
	p("## %s packages\n\n", comma(s.Packages))
	p("%s Go files (%s of them tests), %s lines: %d domains of %d packages (%d with the legacy code that breaks every rule), %d wiring packages, the shared packages. Module downloads and offline check before timing: %.1f s.\n\n",
		comma(st.Files), comma(st.TestFiles), comma(st.Lines), st.Domains, st.PackagesPerDomain, st.ViolatingDomains, st.WiringPackages, s.PrewarmSeconds)
	p("| tool | cold wall | × go vet | cold CPU | cold peak (process / tree) | warm wall | × go vet | warm CPU | warm peak (process / tree) | edit wall | × go vet | edit peak (process / tree) | load avg (cold, warm, edit) |\n")
	p("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, t := range s.Tools {
		switch {
		case t.NA != "":
			p("| %s | n/a: %s | | | | | | | | | | | |\n", t.Name, t.NA)
		case t.Error != "":
			p("| %s | failed: %s | | | | | | | | | | | |\n", t.Name, oneLine(t.Error))
		default:
			editLoad := "–"
			if t.Edit != nil {
				editLoad = fmt.Sprintf("%.1f", t.Edit.LoadAvg)
			}
			p("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %.1f, %.1f, %s |\n", t.Name,
				secs(t.Cold), ratio(t.Cold), cpu(t.Cold), peaks(t.Cold), secs(t.Warm), ratio(t.Warm), cpu(t.Warm), peaks(t.Warm),
				secs(t.Edit), ratio(t.Edit), peaks(t.Edit), t.Cold.LoadAvg, t.Warm.LoadAvg, editLoad)
		}
	}
	if s.EditedFile != "" {
		p("\nEdit: `%s` gained an exported function after the warm run (the handler package, which only the wiring imports), and the same command ran again.\n", s.EditedFile)
	}
	p("\n")
	if check := s.tool("dbaudit-check"); ok(check) && len(check.Cold.Timings) > 0 {
		p("`dbaudit check --timings` (seconds; analysers are CPU time summed over packages):\n\n| stage | cold | warm |\n| --- | ---: | ---: |\n")
		keys := timingKeys(check.Cold.Timings)
		for _, k := range keys {
			p("| %s | %.3f | %.3f |\n", k, check.Cold.Timings[k], check.Warm.Timings[k])
		}
		p("\n")
	}
	if f := s.Findings; f != nil {
		p("dbaudit findings: %d in %d packages, %d files — %s.\n", f.Total, f.Packages, f.Files, byKey(f.ByRule))
	}
	if s.Inventory != nil {
		p("dbaudit inventory: %v touchpoints.\n", s.Inventory["touchpoints"])
	}
	if s.GolangciIssues != nil {
		p("golangci-lint issues: %s.\n", byKey(s.GolangciIssues))
	}
	if s.VettoolDiagnostics > 0 {
		p("go vet -vettool=dbaudit-vet diagnostics: %d.\n", s.VettoolDiagnostics)
	}
	p("\n")
}

func growth(b *strings.Builder, res *Results) {
	if len(res.Sizes) < 2 {
		return
	}
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("## Growth (cold wall time per package, ms)\n\n| tool |")
	for _, s := range res.Sizes {
		p(" %s |", comma(s.Packages))
	}
	p("\n| --- |%s\n", strings.Repeat(" ---: |", len(res.Sizes)))
	for _, id := range toolIDs() {
		name := ""
		var cells []string
		for _, s := range res.Sizes {
			t := s.tool(id)
			if t == nil {
				cells = append(cells, "")
				continue
			}
			name = t.Name
			if ok(t) {
				cells = append(cells, fmt.Sprintf("%.1f", 1000*t.Cold.WallSeconds/float64(s.Packages)))
			} else {
				cells = append(cells, "n/a")
			}
		}
		if name != "" {
			p("| %s | %s |\n", name, strings.Join(cells, " | "))
		}
	}
	p("\n")
}

func profileSection(b *strings.Builder, pr *Profile) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("## Profile: `dbaudit check`, warm, %s packages\n\n", comma(pr.Packages))
	if pr.NA != "" {
		p("n/a: %s\n\n", pr.NA)
		return
	}
	p("Taken in one extra run after the timed ones, with `DBAUDIT_CPUPROFILE` and `DBAUDIT_MEMPROFILE` (%.1f s wall, %s peak).\n\n", pr.WallSeconds, measure.Bytes(pr.MaxRSSBytes))
	p("CPU, by cumulative time (`go tool pprof -top -cum`):\n\n```\n%s\n```\n\n", pr.CPUTop)
	p("Heap in use after the analysis (`go tool pprof -sample_index=inuse_space -top`):\n\n```\n%s\n```\n\n", pr.HeapTop)
}

func schemacheckSection(b *strings.Builder, sc *SchemacheckBench) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("## schemacheck at scale\n\n")
	if sc == nil || sc.NA != "" {
		na := "not run"
		if sc != nil {
			na = sc.NA
		}
		p("n/a: %s\n", na)
		return
	}
	p("`schemacheck/benchmark` against %s: a generated schema of %s tables (ten columns each), %s model structs and %s literal statements; schemacheck reported %d findings on them.\n\n",
		sc.Server, comma(sc.Tables), comma(sc.Tables), comma(sc.Statements), sc.Findings)
	p("| stage | seconds |\n| --- | ---: |\n")
	p("| introspection (one catalog query, read-only session) | %.3f |\n", sc.IntrospectSeconds)
	p("| comparison of the models with the catalog | %.3f |\n", sc.CompareSeconds)
	p("| preparing the statements (pipelined) and resolving their types | %.3f |\n", sc.PrepareSeconds)
	p("| schemacheck end to end on the loaded packages | %.3f |\n", sc.RunSeconds)
	p("| loading the generated package (not schemacheck's work) | %.3f |\n", sc.LoadSeconds)
	p("| creating the tables (setup, not timed above) | %.3f |\n\n", sc.SetupSeconds)
}

func ok(t *ToolResult) bool {
	return t != nil && t.NA == "" && t.Error == "" && t.Cold != nil && t.Warm != nil
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "**no**"
}

func orNA(s string) string {
	if s == "" {
		return "n/a"
	}
	return s
}

func secs(m *Measurement) string {
	if m == nil {
		return ""
	}
	return fmt.Sprintf("%.2f s", m.WallSeconds)
}

func cpu(m *Measurement) string {
	if m == nil {
		return ""
	}
	return fmt.Sprintf("%.1f s", m.CPUSeconds)
}

func ratio(m *Measurement) string {
	if m == nil || m.VsGoVet == 0 {
		return ""
	}
	return fmt.Sprintf("%.2f×", m.VsGoVet)
}

func peaks(m *Measurement) string {
	if m == nil {
		return ""
	}
	return measure.Bytes(m.MaxRSSBytes) + " / " + measure.Bytes(m.TreeRSSBytes)
}

// timingKeys orders the stages load, analyse, the analyzers, report.
func timingKeys(t map[string]float64) []string {
	rank := map[string]int{"load": 0, "analyse": 1, "report": 3}
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		ri, okI := rank[keys[i]]
		rj, okJ := rank[keys[j]]
		if !okI {
			ri = 2
		}
		if !okJ {
			rj = 2
		}
		if ri != rj {
			return ri < rj
		}
		return keys[i] < keys[j]
	})
	return keys
}

func byKey(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func comma(n int) string {
	s := fmt.Sprint(n)
	if n < 1000 {
		return s
	}
	return comma(n/1000) + "," + s[len(s)-3:]
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	s = strings.ReplaceAll(s, "|", "\\|")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
