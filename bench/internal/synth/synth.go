// Package synth writes synthetic Go modules that look like real services
// reaching PostgreSQL through pgx: one store package builds the pool from
// configuration, and every domain has a model, sqlc-style generated queries
// on a DBTX interface, a repository and a service on the injected pool, HTTP
// handlers, a background worker and some plain Go packages. One domain in ten
// also carries legacy code that breaks every dbaudit rule, so each analyzer
// has real work at every size.
package synth

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"go/format"
	"os"
	"path"
	"path/filepath"
	"strings"
	"text/template"
)

// ModulePath is the generated module's path.
const ModulePath = "example.com/benchsvc"

// MinPackages is the smallest module Generate writes: the shared packages
// and one domain.
const MinPackages = 16

// Module requirements: pgx v5.12.0 and, for its dependencies, the versions
// the dbaudit module already uses, so the dbaudit go.sum covers them all.
const goMod = `module ` + ModulePath + `

go 1.26.0

require github.com/jackc/pgx/v5 v5.12.0

require (
	github.com/jackc/pgpassfile v1.0.0 // indirect
	github.com/jackc/pgservicefile v0.0.0-20240606120523-5a60cdf6a761 // indirect
	github.com/jackc/puddle/v2 v2.2.3 // indirect
	golang.org/x/sync v0.24.0 // indirect
	golang.org/x/text v0.43.0 // indirect
)
`

// rulesYAML configures the one rule that needs configuration to fire
// (sqlpattern); everything else runs on the defaults.
const rulesYAML = `# dbaudit configuration of the generated benchmark module.
sql:
  forbidden:
    - pattern: '(?i)\btenant_id\s*='
      message: tenant_id filters were retired; row-level security scopes every query now
`

//go:embed tmpl/*.tmpl
var tmplFS embed.FS

var templates = template.Must(template.New("").ParseFS(tmplFS, "tmpl/*.tmpl"))

// Stats describes a generated module.
type Stats struct {
	Packages          int `json:"packages"`
	Files             int `json:"files"`
	TestFiles         int `json:"test_files"`
	Lines             int `json:"lines"`
	Domains           int `json:"domains"`
	ViolatingDomains  int `json:"violating_domains"`
	WiringPackages    int `json:"wiring_packages"`
	PaddingPackages   int `json:"padding_packages"`
	PackagesPerDomain int `json:"packages_per_domain"`
}

// domain is one business area: ten packages under internal/<Dir>.
type domain struct {
	Mod, Dir, Pkg                string
	Entity, Plural, Lower, Table string
	Article                      string
	Parent                       *domain
	Violations                   bool
}

// file is one template rendered into one package file.
type file struct {
	tmpl, name string
	// legacy files carry the rule violations; only violating domains get them.
	legacy bool
}

// domainPackages lists each package of a domain with its files.
var domainPackages = []struct {
	name  string
	files []file
}{
	{"model", []file{{"model.go.tmpl", "model.go", false}, {"model_filter.go.tmpl", "filter.go", false}}},
	{"dbgen", []file{{"dbgen_db.go.tmpl", "db.go", false}, {"dbgen_models.go.tmpl", "models.go", false}, {"dbgen_queries.sql.go.tmpl", "queries.sql.go", false}}},
	{"repo", []file{{"repo.go.tmpl", "repo.go", false}, {"repo_tx.go.tmpl", "tx.go", false}, {"repo_test.go.tmpl", "repo_test.go", false}, {"repo_legacy.go.tmpl", "legacy.go", true}}},
	{"service", []file{{"service.go.tmpl", "service.go", false}, {"service_summary.go.tmpl", "summary.go", false}}},
	{"handler", []file{{"handler.go.tmpl", "handler.go", false}, {"handler_legacy.go.tmpl", "export.go", true}}},
	{"worker", []file{{"worker.go.tmpl", "worker.go", false}, {"worker_legacy.go.tmpl", "reporting.go", true}}},
	{"events", []file{{"events.go.tmpl", "events.go", false}}},
	{"validate", []file{{"validate.go.tmpl", "validate.go", false}}},
	{"cache", []file{{"cache.go.tmpl", "cache.go", false}}},
	{"api", []file{{"api.go.tmpl", "dto.go", false}, {"api_test.go.tmpl", "dto_test.go", false}}},
}

// sharedPackages are written once per module, whatever its size.
var sharedPackages = []struct{ dir, tmpl, name string }{
	{"internal/config", "config.go.tmpl", "config.go"},
	{"internal/store", "store.go.tmpl", "store.go"},
	{"internal/platform/logx", "logx.go.tmpl", "logx.go"},
	{"internal/platform/httpx", "httpx.go.tmpl", "httpx.go"},
	{"cmd/server", "main.go.tmpl", "main.go"},
}

// domainsPerGroup is how many domains one internal/app/groupNN package wires.
const domainsPerGroup = 25

var entities = []struct{ singular, plural string }{
	{"Order", "Orders"}, {"Invoice", "Invoices"}, {"Customer", "Customers"}, {"Shipment", "Shipments"},
	{"Product", "Products"}, {"Payment", "Payments"}, {"Refund", "Refunds"}, {"Coupon", "Coupons"},
	{"Review", "Reviews"}, {"Ticket", "Tickets"}, {"Account", "Accounts"}, {"Subscription", "Subscriptions"},
	{"Warehouse", "Warehouses"}, {"Supplier", "Suppliers"}, {"Campaign", "Campaigns"}, {"Device", "Devices"},
	{"Report", "Reports"}, {"Message", "Messages"}, {"Booking", "Bookings"}, {"Invitation", "Invitations"},
}

// Layout is how a module of n packages is split.
type Layout struct {
	Domains, Groups, Padding int
}

// Plan splits n packages into domains of ten, one wiring package per
// domainsPerGroup domains, the shared packages, and padding helpers to make
// up the exact count.
func Plan(n int) (Layout, error) {
	if n < MinPackages {
		return Layout{}, fmt.Errorf("a module needs at least %d packages (the shared ones and one domain), not %d", MinPackages, n)
	}
	per := len(domainPackages)
	d := (n - len(sharedPackages)) / per
	for ; d > 0; d-- {
		g := (d + domainsPerGroup - 1) / domainsPerGroup
		if used := len(sharedPackages) + g + per*d; used <= n {
			return Layout{Domains: d, Groups: g, Padding: n - used}, nil
		}
	}
	return Layout{}, fmt.Errorf("cannot lay out %d packages", n) // unreachable for n >= MinPackages
}

// Generate writes a module of exactly n packages into dir, which must not
// exist or be empty. goSum is copied as the module's go.sum.
func Generate(dir string, n int, goSum []byte) (Stats, error) {
	lay, err := Plan(n)
	if err != nil {
		return Stats{}, err
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return Stats{}, fmt.Errorf("%s is not empty", dir)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return Stats{}, err
	}
	w := &writer{root: dir}
	w.raw("go.mod", []byte(goMod))
	w.raw("go.sum", goSum)
	w.raw("rules.yaml", []byte(rulesYAML))

	domains := make([]*domain, lay.Domains)
	for i := range domains {
		e := entities[i%len(entities)]
		dir := fmt.Sprintf("%s%04d", strings.ToLower(e.plural), i)
		d := &domain{
			Mod: ModulePath, Dir: dir, Pkg: ModulePath + "/internal/" + dir,
			Entity: e.singular, Plural: e.plural, Lower: strings.ToLower(e.singular),
			Table:      fmt.Sprintf("%s_%04d", strings.ToLower(e.plural), i),
			Article:    article(e.singular),
			Violations: i%10 == 0,
		}
		if i > 0 {
			d.Parent = domains[i/2] // a tree of imports, as deep as real services get
		}
		domains[i] = d
	}

	var groups []string
	for g := 0; g < lay.Groups; g++ {
		name := fmt.Sprintf("group%02d", g)
		groups = append(groups, name)
		lo, hi := g*domainsPerGroup, min((g+1)*domainsPerGroup, len(domains))
		w.render("internal/app/"+name, "wire.go.tmpl", "wire.go", map[string]any{
			"Mod": ModulePath, "Name": name, "Domains": domains[lo:hi],
		})
	}
	shared := map[string]any{"Mod": ModulePath, "Groups": groups}
	for _, p := range sharedPackages {
		w.render(p.dir, p.tmpl, p.name, shared)
	}
	for i := 0; i < lay.Padding; i++ {
		name := fmt.Sprintf("util%02d", i)
		w.render("internal/platform/"+name, "util.go.tmpl", "util.go", map[string]any{"Name": name})
	}
	st := Stats{Domains: lay.Domains, WiringPackages: lay.Groups, PaddingPackages: lay.Padding, PackagesPerDomain: len(domainPackages)}
	for _, d := range domains {
		if d.Violations {
			st.ViolatingDomains++
		}
		for _, p := range domainPackages {
			for _, f := range p.files {
				if f.legacy && !d.Violations {
					continue
				}
				w.render("internal/"+d.Dir+"/"+p.name, f.tmpl, f.name, d)
			}
		}
	}
	if w.err != nil {
		return Stats{}, w.err
	}
	st.Packages, st.Files, st.TestFiles, st.Lines = len(w.dirs), w.files, w.testFiles, w.lines
	if st.Packages != n {
		return st, fmt.Errorf("internal error: wrote %d packages, planned %d", st.Packages, n)
	}
	return st, nil
}

func article(noun string) string {
	if strings.ContainsRune("AEIOU", rune(noun[0])) {
		return "an"
	}
	return "a"
}

// writer renders files, remembering the first error.
type writer struct {
	root                    string
	err                     error
	dirs                    map[string]bool
	files, testFiles, lines int
}

func (w *writer) render(dir, tmpl, name string, data any) {
	if w.err != nil {
		return
	}
	var buf bytes.Buffer
	if err := templates.ExecuteTemplate(&buf, tmpl, data); err != nil {
		w.err = err
		return
	}
	src, err := format.Source(buf.Bytes())
	if err != nil {
		w.err = fmt.Errorf("%s/%s from %s: %v", dir, name, tmpl, err)
		return
	}
	if w.dirs == nil {
		w.dirs = map[string]bool{}
	}
	w.dirs[dir] = true
	w.files++
	if strings.HasSuffix(name, "_test.go") {
		w.testFiles++
	}
	w.lines += bytes.Count(src, []byte("\n"))
	w.raw(path.Join(dir, name), src)
}

func (w *writer) raw(name string, data []byte) {
	if w.err != nil {
		return
	}
	full := filepath.Join(w.root, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		w.err = err
		return
	}
	w.err = os.WriteFile(full, data, 0o644)
}
