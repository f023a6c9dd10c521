package inventory_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dbaudit/dbaudit/inventory"
)

// shifted is inv with every touchpoint of file moved down by n lines, as
// after inserting n comment lines at the top of it.
func shifted(inv *inventory.Inventory, file string, n int) *inventory.Inventory {
	out := &inventory.Inventory{Touchpoints: slices.Clone(inv.Touchpoints)}
	for i := range out.Touchpoints {
		if t := &out.Touchpoints[i]; t.File == file {
			t.Line += n
			t.EndLine += n
		}
	}
	return out
}

// TestCheckIgnoresLineShifts is issue 14 #7: --check compares the
// touchpoints (file, function, kind, API, component, findings), not their
// line numbers, in every format; a real change fails with a diff naming
// only what changed.
func TestCheckIgnoresLineShifts(t *testing.T) {
	dir, inv, _ := loadFixture(t)
	const touched = "store/helpers.go"
	var base inventory.Touchpoint
	for _, tp := range inv.Touchpoints {
		if tp.File == touched {
			base = tp
			break
		}
	}
	if base.File == "" {
		t.Fatalf("the fixture has no touchpoint in %s", touched)
	}
	added := &inventory.Inventory{Touchpoints: slices.Clone(inv.Touchpoints)}
	extra := base
	extra.Kind, extra.Line, extra.EndLine, extra.API = "exec", base.Line+2, base.Line+2, "github.com/jackc/pgx/v5/pgxpool.Pool.Exec"
	extra.Findings = nil
	added.Touchpoints = append(added.Touchpoints, extra)

	for _, format := range inventory.Formats {
		t.Run(format, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "INVENTORY."+map[string]string{"markdown": "md"}[format]+map[bool]string{true: format}[format != "markdown"])
			opts := inventory.WriteOptions{Format: format, Dir: dir, Output: path}
			if err := os.WriteFile(path, write(t, inv, opts), 0o644); err != nil {
				t.Fatal(err)
			}
			// A comment line at the top of a touched file moves its
			// touchpoints (and their links) down a line: still current.
			now := write(t, shifted(inv, touched, 1), opts)
			if diff, err := inventory.Check(path, now); err != nil || diff != "" {
				t.Errorf("after a line shift: err %v, diff:\n%s", err, diff)
			}
			// A new query is a change, reported as such and alone.
			diff, err := inventory.Check(path, write(t, added, opts))
			if err != nil {
				t.Fatal(err)
			}
			if diff == "" {
				t.Fatal("a new touchpoint is not reported")
			}
			var plus, minus []string
			for _, l := range strings.Split(diff, "\n") {
				switch {
				case strings.HasPrefix(l, "+ "):
					plus = append(plus, l)
				case strings.HasPrefix(l, "- "):
					minus = append(minus, l)
				}
			}
			if len(plus) != 1 || len(minus) != 0 || !strings.Contains(plus[0], touched) || !strings.Contains(plus[0], "exec") || !strings.Contains(plus[0], "Pool.Exec") {
				t.Errorf("diff should add exactly the new exec in %s:\n%s", touched, diff)
			}
			// A finding appearing on an existing touchpoint is a change too:
			// the old row goes, the flagged one comes.
			flagged := &inventory.Inventory{Touchpoints: slices.Clone(inv.Touchpoints)}
			for i := range flagged.Touchpoints {
				if tp := &flagged.Touchpoints[i]; tp.File == base.File && tp.Line == base.Line && tp.Kind == base.Kind {
					tp.Findings = []string{"sqlpattern"}
				}
			}
			diff, _ = inventory.Check(path, write(t, flagged, opts))
			if strings.Count(diff, "\n- ") != 1 || strings.Count(diff, "\n+ ") != 1 || !strings.Contains(diff, "sqlpattern") {
				t.Errorf("a new finding should replace one row:\n%s", diff)
			}
		})
	}
}
