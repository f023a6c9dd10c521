package engine_test

import (
	"slices"
	"sort"
	"testing"

	"github.com/dbaudit/dbaudit/engine"
	"github.com/dbaudit/dbaudit/report"
	"github.com/dbaudit/dbaudit/rules"
)

// factsModule: package b holds helpers; package a calls them. What a does
// with its rows, transactions and pools is decided by b's bodies, which
// reach a only as facts.
func factsModule(t *testing.T) string {
	return writeModule(t, map[string]string{
		"go.mod": goMod,
		"b/b.go": `package b

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ScanAll closes the rows on every path.
func ScanAll(rows pgx.Rows) ([]int64, error) {
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// ScanNames leaves the rows open when Scan fails.
func ScanNames(rows pgx.Rows) ([]string, error) {
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	return names, rows.Err()
}

// Die never returns, whatever its name says.
func Die(format string, args ...any) {
	panic(fmt.Sprintf(format, args...))
}

// Open builds a pool.
func Open(ctx context.Context) (*pgxpool.Pool, error) {
	return pgxpool.New(ctx, "")
}

var shared *pgxpool.Pool

// Shared hands out the package's pool: an accessor by its body, not its name.
func Shared() *pgxpool.Pool { return shared }
`,
		"a/a.go": `package a

import (
	"context"
	"net/http"

	"github.com/jackc/pgx/v5/pgxpool"

	"example.com/m/b"
)

func IDs(ctx context.Context, pool *pgxpool.Pool) ([]int64, error) {
	rows, err := pool.Query(ctx, "SELECT id FROM users")
	if err != nil {
		return nil, err
	}
	return b.ScanAll(rows)
}

func Names(ctx context.Context, pool *pgxpool.Pool) ([]string, error) {
	rows, err := pool.Query(ctx, "SELECT name FROM users")
	if err != nil {
		return nil, err
	}
	return b.ScanNames(rows)
}

func Touch(ctx context.Context, pool *pgxpool.Pool) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "UPDATE users SET n = 0"); err != nil {
		b.Die("update: %v", err)
		return err
	}
	return tx.Commit(ctx)
}

func Handle(w http.ResponseWriter, r *http.Request) {
	pool, err := b.Open(r.Context())
	if err != nil {
		return
	}
	defer pool.Close()
}

func Count(ctx context.Context) error {
	_, err := b.Shared().Exec(ctx, "SELECT 1")
	return err
}
`,
	})
}

// lines returns "rule file:line" of the findings of the given rules.
func lines(fs []report.Finding, rules ...string) []string {
	var out []string
	for _, f := range fs {
		for _, r := range rules {
			if f.Rule == r {
				out = append(out, f.Rule+" "+f.File+":"+itoa(f.Line))
			}
		}
	}
	sort.Strings(out)
	return out
}

func itoa(n int) string {
	s := ""
	for {
		s = string(rune('0'+n%10)) + s
		n /= 10
		if n == 0 {
			return s
		}
	}
}

// With facts across the analysed packages, a is judged by what b's
// functions do: ScanAll closes (silent), ScanNames does not (flagged, at
// the query), Die never returns (silent: the transaction's path ends
// there), Open builds a pool, so a handler calling it builds one per
// request, and Shared hands out a package-level pool (sessioninject). Each
// of these differs without facts: rows handed to another package were
// taken as closed, Die as returning, Open as harmless, and Shared, whose
// name is not an accessor's, as a plain function.
func TestRunCarriesFactsAcrossPackages(t *testing.T) {
	dir := factsModule(t)
	for _, cached := range []bool{false, true, true} {
		res, err := engine.Run(engine.Options{Dir: dir, Config: rules.Default(dir)})
		mustNoErr(t, err)
		if len(res.LoadErrors) != 0 {
			t.Fatalf("load errors: %v", res.LoadErrors)
		}
		if cached && res.Timings.Cached != len(res.Packages) {
			t.Errorf("the second run reads every package from the cache: cached %d of %d", res.Timings.Cached, len(res.Packages))
		}
		want := []string{"conncleanup a/a.go:21", "poolconstruct a/a.go:41", "sessioninject a/a.go:49"}
		if got := lines(res.Findings, "conncleanup", "poolconstruct", "sessioninject"); !slices.Equal(got, want) {
			t.Errorf("cached=%v: got %q, want %q: %v", cached, got, want, res.Findings)
		}
	}

	// Naming a alone, b is outside the analysed set: no facts.
	res, err := engine.Run(engine.Options{Dir: dir, Config: rules.Default(dir), Patterns: []string{"./a"}, NoCache: true})
	mustNoErr(t, err)
	if slices.Contains(lines(res.Findings, "poolconstruct"), "poolconstruct a/a.go:41") {
		t.Errorf("without b's facts Open is not known to build a pool: %v", res.Findings)
	}
	if slices.Contains(lines(res.Findings, "sessioninject"), "sessioninject a/a.go:49") {
		t.Errorf("without b's facts Shared is not known as an accessor: %v", res.Findings)
	}
}

// A function of another module is outside what the engine analyses, so it
// has no fact there even when it never returns (logrus' Fatalf): the rule
// judges it by its name, as without facts, rather than reading the missing
// fact as "returns". Its look-alike that does return is still followed.
func TestFunctionsOfOtherModulesAreJudgedByName(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"go.mod":      goMod + "\nrequire example.org/logx v0.0.0\n\nreplace example.org/logx => ./logx\n",
		"logx/go.mod": "module example.org/logx\n\ngo 1.26\n",
		"logx/logx.go": `package logx

import (
	"fmt"
	"os"
)

func Fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format, args...)
	os.Exit(1)
}

func Warnf(format string, args ...any) { fmt.Fprintf(os.Stderr, format, args...) }
`,
		"a/a.go": `package a

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"

	"example.org/logx"
)

func Touch(ctx context.Context, pool *pgxpool.Pool) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "UPDATE users SET n = 0"); err != nil {
		logx.Fatalf("update: %v", err)
		return err
	}
	return tx.Commit(ctx)
}

func Warn(ctx context.Context, pool *pgxpool.Pool) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "UPDATE users SET n = 0"); err != nil {
		logx.Warnf("update: %v", err)
		return err
	}
	return tx.Commit(ctx)
}
`,
	})
	res, err := engine.Run(engine.Options{Dir: dir, Config: rules.Default(dir)})
	mustNoErr(t, err)
	if len(res.LoadErrors) != 0 {
		t.Fatalf("load errors: %v", res.LoadErrors)
	}
	want := []string{"conncleanup a/a.go:24"}
	if got := lines(res.Findings, "conncleanup"); !slices.Equal(got, want) {
		t.Errorf("got %q, want %q: %v", got, want, res.Findings)
	}
}
