package inventory

import (
	"bufio"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"strconv"
	"strings"
)

// The dashboard is one file: the stylesheet, the script and the data are
// inlined and nothing is fetched, so it works from a CI artifact or a mail
// attachment. The script draws the charts as SVG from the embedded data.
var (
	//go:embed html/dashboard.css
	dashboardCSS string
	//go:embed html/dashboard.js
	dashboardJS string
	//go:embed html/dashboard.html
	dashboardHTML string

	dashboardTemplate = template.Must(template.New("dashboard").Parse(dashboardHTML))
)

// htmlTouchpoint is a touchpoint as the dashboard's script reads it.
type htmlTouchpoint struct {
	Kind      string   `json:"kind"`
	Package   string   `json:"package"`
	File      string   `json:"file"`
	Line      int      `json:"line"`
	Href      string   `json:"href"`
	Function  string   `json:"function"`
	API       string   `json:"api"`
	Short     string   `json:"short"`
	Component string   `json:"component"`
	Findings  []string `json:"findings"`
}

type htmlPage struct {
	Title    string
	Subtitle string
	Summary  Summary
	Packages int
	Rate     string
	CSS      template.CSS
	JS       template.JS
	Data     template.JS
}

func writeHTML(w *bufio.Writer, inv *Inventory, opts *WriteOptions) error {
	s := inv.Summary()
	pkgs := inv.Packages()
	paths := make([]string, len(pkgs))
	for i, p := range pkgs {
		paths[i] = p.Path
	}
	data, err := dashboardData(inv, opts, s)
	if err != nil {
		return err
	}
	page := htmlPage{
		Title:    "Database touchpoints",
		Subtitle: commonPrefix(paths),
		Summary:  s,
		Packages: len(pkgs),
		Rate:     percent(s.Compliant, s.Touchpoints),
		CSS:      template.CSS(dashboardCSS),
		JS:       template.JS(dashboardJS),
		Data:     template.JS(data),
	}
	return dashboardTemplate.Execute(w, page)
}

// htmlDataStart opens the dashboard's data; --check reads the touchpoints
// that follow it, one a line.
const htmlDataStart = `{"touchpoints": [`

// dashboardData is the JSON the script reads, one touchpoint per line so
// that --check's diff of a stale dashboard stays readable. encoding/json
// escapes <, > and &, so the data cannot end its <script> element.
func dashboardData(inv *Inventory, opts *WriteOptions, s Summary) (string, error) {
	var sb strings.Builder
	sb.WriteString(htmlDataStart)
	for i, t := range inv.Touchpoints {
		line, err := json.Marshal(htmlTouchpoint{
			Kind: t.Kind, Package: t.Package, File: t.File, Line: t.Line, Href: opts.link(t.File, t.Line),
			Function: t.Function, API: t.API, Short: ShortAPI(t.API), Component: t.Component, Findings: nonNil(t.Findings),
		})
		if err != nil {
			return "", err
		}
		if i > 0 {
			sb.WriteString(",")
		}
		sb.WriteString("\n")
		sb.Write(line)
	}
	sb.WriteString("\n]")
	for _, field := range []struct {
		name  string
		value any
	}{
		{"kinds", Kinds},
		{"components", Components},
		{"summary", s},
		{"history", nonNilHistory(opts.History)},
	} {
		b, err := json.Marshal(field.value)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&sb, ",\n%q: %s", field.name, b)
	}
	sb.WriteString("\n}")
	return sb.String(), nil
}

func nonNilHistory(h []HistoryEntry) []HistoryEntry {
	if h == nil {
		return []HistoryEntry{}
	}
	return h
}

func percent(n, total int) string {
	if total == 0 {
		return "–"
	}
	return strings.TrimSuffix(strconv.FormatFloat(100*float64(n)/float64(total), 'f', 1, 64), ".0") + "%"
}

// commonPrefix is the longest common path prefix of the packages, element-wise.
func commonPrefix(paths []string) string {
	if len(paths) == 0 {
		return ""
	}
	prefix := strings.Split(paths[0], "/")
	for _, p := range paths[1:] {
		elems := strings.Split(p, "/")
		n := 0
		for n < len(prefix) && n < len(elems) && prefix[n] == elems[n] {
			n++
		}
		prefix = prefix[:n]
	}
	return strings.Join(prefix, "/")
}
