package inventory_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/dbaudit/dbaudit/internal/atest"
	"github.com/dbaudit/dbaudit/internal/plaindata"
	"github.com/dbaudit/dbaudit/inventory"
)

// TestAnalyzer runs the inventory analyzer on its own and reads its result:
// every touchpoint of testdata/src/shop, with its function and component.
func TestAnalyzer(t *testing.T) {
	results := atest.Run(t, inventory.Analyzer, "shop")
	if len(results) != 1 {
		t.Fatalf("%d results, want 1", len(results))
	}
	p, ok := results[0].Result.(*inventory.PackageTouchpoints)
	if !ok || p.Path != "shop" {
		t.Fatalf("result %#v, want *inventory.PackageTouchpoints of shop", results[0].Result)
	}
	var got []string
	for _, tp := range p.Touchpoints {
		if filepath.Base(tp.File) != "shop.go" || !filepath.IsAbs(tp.File) {
			t.Errorf("touchpoint file %q, want the absolute name of shop.go", tp.File)
		}
		got = append(got, fmt.Sprintf("%d %s %s %s %s", tp.Line, tp.Kind, tp.Component, tp.Function, tp.API))
	}
	slices.Sort(got)
	want := []string{
		"12 global other shop.pool github.com/jackc/pgx/v5/pgxpool.Pool",
		"15 inject other shop.Store.db github.com/jackc/pgx/v5/pgxpool.Pool",
		"19 construct other shop.Open github.com/jackc/pgx/v5/pgxpool.New",
		"27 query handler shop.(*Store).Items github.com/jackc/pgx/v5/pgxpool.Pool.Query",
		"35 exec worker shop.(*Store).Start.func1 github.com/jackc/pgx/v5/pgxpool.Pool.Exec",
		"40 exec other shop.Legacy github.com/jackc/pgx/v5/pgxpool.Pool.Exec",
	}
	if !slices.Equal(got, want) {
		t.Errorf("touchpoints:\n%s\nwant:\n%s", join(got), join(want))
	}
	if err := plaindata.Check(p); err != nil {
		t.Errorf("the analyzer's result is not plain data: %v", err)
	}
}

// TestProductsArePlainData checks every package's inventory result of the
// fixture module's engine run: no syntax, types or positions, and gob
// round-trips it (the result cache stores it so).
func TestProductsArePlainData(t *testing.T) {
	_, _, res := loadFixture(t)
	products := res.Products[inventory.Name]
	if len(products) == 0 {
		t.Fatal("the run has no inventory products")
	}
	for id, v := range products {
		if err := plaindata.Check(v); err != nil {
			t.Errorf("%s: %v", id, err)
		}
	}
}

func join(lines []string) string {
	s := ""
	for _, l := range lines {
		s += "\t" + l + "\n"
	}
	return s
}
