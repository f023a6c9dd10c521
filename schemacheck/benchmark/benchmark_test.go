package benchmark_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/dbaudit/dbaudit/internal/pgtest"
	"github.com/dbaudit/dbaudit/schemacheck/benchmark"
)

// TestSmall keeps the benchmark code working in the normal suite with 20
// tables; DBAUDIT_BENCH_TABLES=1000 runs the figure the note quotes.
func TestSmall(t *testing.T) {
	dsn := pgtest.DSN(t)
	n := 20
	if s := os.Getenv("DBAUDIT_BENCH_TABLES"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			t.Fatal(err)
		}
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	fig, err := benchmark.Run(context.Background(), dsn, root, n)
	if err != nil {
		t.Fatal(err)
	}
	// Every tenth model reads the nullable email into a string.
	if want := (n + 9) / 10; fig.Findings < want {
		t.Errorf("findings = %d, want at least %d", fig.Findings, want)
	}
	t.Log(fig)
}
