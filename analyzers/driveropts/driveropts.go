package driveropts

import (
	_ "embed"
	"go/token"
	"reflect"

	"golang.org/x/tools/go/analysis"

	"github.com/dbaudit/dbaudit/analyzers/internal/analyzerutil"
	"github.com/dbaudit/dbaudit/analyzers/note"
	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
	"github.com/dbaudit/dbaudit/dbmodel/drivers"
	"github.com/dbaudit/dbaudit/dbmodel/dsn"
	"github.com/dbaudit/dbaudit/dbmodel/dsn/sites"
	"github.com/dbaudit/dbaudit/dbmodel/redact"
	"github.com/dbaudit/dbaudit/rules"
)

//go:embed doc.go
var doc string

// Analyzer runs with the embedded default configuration.
var Analyzer = New(rules.Default(""), dbindex.Analyzer)

// Result lists every connection string the analyzer judged in a package,
// flagged or not; the differential test connects with each of them.
type Result struct {
	Judged []Judged
	// Notes are the severity and help of the findings.
	Notes *note.Notes
}

// FindingNotes makes the result a note.Holder.
func (r *Result) FindingNotes() *note.Notes { return r.Notes }

// Judged is one connection string at one site.
type Judged struct {
	Pos token.Position
	// Sink is the table the string was judged by (pgx4 … for pgx v4).
	Sink     string
	Versions drivers.Versions
	Via      sites.Via
	DSN      *dsn.DSN
	Problems []drivers.Problem
}

// New returns the analyzer for cfg; index must be the dbindex analyzer built
// for the same cfg.
func New(cfg *rules.Config, index *analysis.Analyzer) *analysis.Analyzer {
	tables, tablesErr := drivers.New(cfg)
	versions := new(drivers.VersionsFlag)
	a := &analysis.Analyzer{
		Name:             Meta.ID,
		Doc:              analyzerutil.MustExtractDoc(doc, Meta.ID),
		URL:              analyzerutil.DocURL(Meta.ID),
		Requires:         []*analysis.Analyzer{index},
		ResultType:       reflect.TypeFor[*Result](),
		RunDespiteErrors: true,
		Run: func(pass *analysis.Pass) (any, error) {
			if tablesErr != nil {
				return nil, tablesErr
			}
			end := analyzerutil.BeginNotes(pass)
			res := run(pass, cfg, tables, versions, analyzerutil.Index(pass, index))
			res.Notes = end()
			return res, nil
		},
	}
	a.Flags.Var(versions, drivers.VersionsFlagName, "driver versions the program selected, module@version,… "+
		"(a whole-program driver sets it; without it each file's go.mod is read)")
	return a
}

func run(pass *analysis.Pass, cfg *rules.Config, tables *drivers.Tables, versions *drivers.VersionsFlag, idx *dbindex.Index) *Result {
	res := &Result{}
	src := analyzerutil.DSNSource(pass, idx)
	reported := map[string]bool{}
	all := append(sites.Find(pass, idx, src), pgx4Sites(pass, idx, src)...)
	for _, site := range all {
		if site.Test && !cfg.CheckTests {
			continue
		}
		// The table of the driver version the file's module requires.
		pos := pass.Fset.Position(site.Expr.Pos())
		v := versions.For(pos.Filename)
		sink := tables.SinkFor(site.Sink, v)
		if sink == nil {
			continue
		}
		for _, text := range site.Texts {
			d := site.Parse(text)
			problems := sink.Check(d)
			res.Judged = append(res.Judged, Judged{Pos: pos, Sink: sink.Name, Versions: v, Via: site.Via, DSN: d, Problems: problems})
			for _, p := range problems {
				diag := diagnostic(site, text, d, p)
				key := pass.Fset.Position(diag.Pos).String() + diag.Message
				if reported[key] {
					continue
				}
				reported[key] = true
				analyzerutil.ReportHelp(pass, idx, diag, redact.Secrets(p.Help(), d.Input))
			}
		}
	}
	return res
}

// diagnostic places a problem at the key (or value, for a value the driver
// rejects) it is about, with the literal fix when there is one.
func diagnostic(site *sites.Site, text dsn.Text, d *dsn.DSN, p drivers.Problem) analysis.Diagnostic {
	r := dsn.Range{Start: 0, End: len(d.Input)}
	switch {
	case p.Param >= 0:
		param := d.Params[p.Param]
		r = param.KeyRange
		if r.Len() == 0 || p.Kind == drivers.Rejected && param.ValueRange.Len() > 0 {
			r = param.ValueRange
		}
	case p.Kind == drivers.Rejected && d.Err != nil:
		r = d.Err.Range
	case d.SchemeRange.Len() > 0:
		r = d.SchemeRange
	}
	pos, end := text.Span(r)
	if !pos.IsValid() {
		pos, end = site.Expr.Pos(), site.Expr.End()
	}
	severity := rules.SeverityError
	if p.Kind == drivers.Ignored {
		severity = rules.SeverityWarning
	}
	// A value the driver rejects may be a mislaid piece of the password.
	diag := analysis.Diagnostic{Pos: pos, End: end, Category: string(severity), Message: redact.Secrets(p.Headline(), d.Input)}
	if p.Fix != nil {
		if start, stop, newText, ok := text.Edit(p.Fix.Range, p.Fix.NewText); ok {
			diag.SuggestedFixes = []analysis.SuggestedFix{{
				Message:   redact.Secrets(p.Fix.Message, d.Input),
				TextEdits: []analysis.TextEdit{{Pos: start, End: stop, NewText: []byte(newText)}},
			}}
		}
	}
	return diag
}
