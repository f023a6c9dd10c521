package report

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// numbered is "l1\n" ... "ln\n" with the lines in change replaced by
// their value.
func numbered(n int, change map[int]string) string {
	var sb strings.Builder
	for i := 1; i <= n; i++ {
		if s, ok := change[i]; ok {
			sb.WriteString(s)
			continue
		}
		fmt.Fprintf(&sb, "l%d\n", i)
	}
	return sb.String()
}

// diffCases are one-file diffs with the hunks Diff must print for them.
var diffCases = []struct {
	name, before, after, hunks string
}{
	{"insert at start", "b\nc\nd\ne\n", "a\nb\nc\nd\ne\n",
		"@@ -1,3 +1,4 @@\n+a\n b\n c\n d\n"},
	{"insert at end", "a\nb\nc\nd\n", "a\nb\nc\nd\ne\n",
		"@@ -2,3 +2,4 @@\n b\n c\n d\n+e\n"},
	{"insert in the middle", numbered(9, nil), numbered(9, map[int]string{5: "l5\nnew\n"}),
		"@@ -3,6 +3,7 @@\n l3\n l4\n l5\n+new\n l6\n l7\n l8\n"},
	{"delete", numbered(9, nil), numbered(9, map[int]string{4: ""}),
		"@@ -1,7 +1,6 @@\n l1\n l2\n l3\n-l4\n l5\n l6\n l7\n"},
	{"delete the first line", numbered(5, nil), numbered(5, map[int]string{1: ""}),
		"@@ -1,4 +1,3 @@\n-l1\n l2\n l3\n l4\n"},
	{"replace", numbered(9, nil), numbered(9, map[int]string{5: "five\n"}),
		"@@ -2,7 +2,7 @@\n l2\n l3\n l4\n-l5\n+five\n l6\n l7\n l8\n"},
	{"replace two lines by three", numbered(9, nil), numbered(9, map[int]string{5: "A\nB\n", 6: "C\n"}),
		"@@ -2,8 +2,9 @@\n l2\n l3\n l4\n-l5\n-l6\n+A\n+B\n+C\n l7\n l8\n l9\n"},
	{"changed last line without newline", "a\nb", "a\nc",
		"@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n"},
	{"newline added at end", "a\nb", "a\nb\n",
		"@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n"},
	{"newline removed at end", "a\nb\n", "a\nb",
		"@@ -1,2 +1,2 @@\n a\n-b\n+b\n\\ No newline at end of file\n"},
	{"line added after a last line without newline", "a", "a\nb",
		"@@ -1 +1,2 @@\n-a\n\\ No newline at end of file\n+a\n+b\n\\ No newline at end of file\n"},
	{"change before a last line without newline", "a\nb\nc", "A\nb\nc",
		"@@ -1,3 +1,3 @@\n-a\n+A\n b\n c\n\\ No newline at end of file\n"},
	{"CRLF line endings kept", "a\r\nb\r\nc\r\n", "a\r\nB\r\nc\r\n",
		"@@ -1,3 +1,3 @@\n a\r\n-b\r\n+B\r\n c\r\n"},
	{"empty to content", "", "a\nb\n",
		"@@ -0,0 +1,2 @@\n+a\n+b\n"},
	{"content to empty", "a\nb\n", "",
		"@@ -1,2 +0,0 @@\n-a\n-b\n"},
	{"every line replaced", "a\nb\n", "c\nd\ne\n",
		"@@ -1,2 +1,3 @@\n-a\n-b\n+c\n+d\n+e\n"},
	// More than 2×3 equal lines between changes split the hunks.
	{"many hunks", numbered(30, nil), numbered(30, map[int]string{2: "two\n", 15: "fifteen\n", 29: ""}),
		"@@ -1,5 +1,5 @@\n l1\n-l2\n+two\n l3\n l4\n l5\n" +
			"@@ -12,7 +12,7 @@\n l12\n l13\n l14\n-l15\n+fifteen\n l16\n l17\n l18\n" +
			"@@ -26,5 +26,4 @@\n l26\n l27\n l28\n-l29\n l30\n"},
	{"six equal lines keep one hunk", numbered(12, nil), numbered(12, map[int]string{2: "two\n", 9: "nine\n"}),
		"@@ -1,12 +1,12 @@\n l1\n-l2\n+two\n l3\n l4\n l5\n l6\n l7\n l8\n-l9\n+nine\n l10\n l11\n l12\n"},
	{"seven equal lines split", numbered(13, nil), numbered(13, map[int]string{2: "two\n", 10: "ten\n"}),
		"@@ -1,5 +1,5 @@\n l1\n-l2\n+two\n l3\n l4\n l5\n" +
			"@@ -7,7 +7,7 @@\n l7\n l8\n l9\n-l10\n+ten\n l11\n l12\n l13\n"},
	// An added function is the function and its blank line, not a blank
	// line and the function; the same for a deleted one.
	{"added block slides down", "}\n\nfunc b() {\n}\n", "}\n\nfunc a() {\n}\n\nfunc b() {\n}\n",
		"@@ -1,4 +1,7 @@\n }\n \n+func a() {\n+}\n+\n func b() {\n }\n"},
	{"deleted block slides down", "}\n\nfunc a() {\n}\n\nfunc b() {\n}\n", "}\n\nfunc b() {\n}\n",
		"@@ -1,7 +1,4 @@\n }\n \n-func a() {\n-}\n-\n func b() {\n }\n"},
	// Inserted lines that an equal line could split stay in one block.
	{"insertion kept whole", "x\n\ny\n", "x\nf\n}\n\n\ny\n",
		"@@ -1,3 +1,6 @@\n x\n+f\n+}\n+\n \n y\n"},
	// Where the deleted or inserted copy of a repeated line can go either
	// side of a kept one, it goes after, joining the other changes there.
	{"deleted repeated line slides down", "x\ny\n}\n}\n", "y\n}\n",
		"@@ -1,4 +1,2 @@\n-x\n y\n }\n-}\n"},
	{"inserted repeated lines slide down", "}\nx\n", "y\n}\nx\nx\nx\nx\n",
		"@@ -1,2 +1,6 @@\n+y\n }\n x\n+x\n+x\n+x\n"},
	{"deletion slides into a replacement", "p\nq\np\nr\n", "p\nR\n",
		"@@ -1,4 +1,2 @@\n p\n-q\n-p\n-r\n+R\n"},
}

func TestDiffCases(t *testing.T) {
	t.Parallel()
	for _, tt := range diffCases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Diff(map[string][]byte{"f.txt": []byte(tt.before)}, map[string][]byte{"f.txt": []byte(tt.after)})
			checkEqual(t, "diff", got, "--- a/f.txt\n+++ b/f.txt\n"+tt.hunks)
		})
	}
}

func TestDiffSeveralFilesInNameOrder(t *testing.T) {
	t.Parallel()
	original := map[string][]byte{"b.go": []byte("b\n"), "a.go": []byte("a\n"), "same.go": []byte("s\n"), "gone.go": []byte("g\n")}
	fixed := map[string][]byte{"b.go": []byte("B\n"), "a.go": []byte("A\n"), "same.go": []byte("s\n"), "new.go": []byte("n\n")}
	checkEqual(t, "diff", Diff(original, fixed),
		"--- a/a.go\n+++ b/a.go\n@@ -1 +1 @@\n-a\n+A\n"+
			"--- a/b.go\n+++ b/b.go\n@@ -1 +1 @@\n-b\n+B\n"+
			"--- a/new.go\n+++ b/new.go\n@@ -0,0 +1 @@\n+n\n")
}

// TestDiffAppliesWithPatchTools applies, as one patch, the diff of every
// case and of a few whole files (a Go file, a last line without newline,
// many repeated lines, a file emptied, a name with a space) with patch -p1
// and with git apply, whichever is installed: each must turn the original
// files into the fixed ones.
func TestDiffAppliesWithPatchTools(t *testing.T) {
	t.Parallel()
	var long strings.Builder
	for i := range 300 {
		fmt.Fprintf(&long, "line %d\n", i%40) // many repeated lines
	}
	original := map[string][]byte{
		"db/engine.go":  []byte(engineGo),
		"noeol.go":      []byte("package x\n\nvar a = 1"),
		"long.txt":      []byte(long.String()),
		"to/empty.go":   []byte("gone\n"),
		"dir x/spc.txt": []byte("a\nb\nc\n"),
	}
	fixed := map[string][]byte{
		"db/engine.go":  []byte(strings.NewReplacer("import ", "import \"os\"\nimport ", `"postgres://app:secret@db/app"`, `os.Getenv("DATABASE_URL")`).Replace(engineGo)),
		"noeol.go":      []byte("package x\n\nvar a = 2"),
		"long.txt":      []byte(strings.Replace(strings.Replace(long.String(), "line 7\n", "seven\n", 3), "line 39\nline 0\n", "", 1) + "tail"),
		"to/empty.go":   []byte(""),
		"dir x/spc.txt": []byte("a\nB\nc\n"),
	}
	what := map[string]string{}
	for name := range fixed {
		what[name] = name
	}
	for i, tt := range diffCases {
		name := fmt.Sprintf("case%02d/f.txt", i)
		original[name], fixed[name], what[name] = []byte(tt.before), []byte(tt.after), tt.name
	}
	patch := Diff(original, fixed)
	tools := map[string][]string{
		"patch": {"patch", "-p1", "--batch", "--forward", "--silent"},
		"git":   {"git", "apply", "--unsafe-paths", "-"},
	}
	for _, name := range []string{"patch", "git"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			args := tools[name]
			path, err := exec.LookPath(args[0])
			if err != nil {
				t.Skipf("%s not installed", args[0])
			}
			dir := t.TempDir()
			for file, content := range original {
				mustNoErr(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, file)), 0o755))
				mustNoErr(t, os.WriteFile(filepath.Join(dir, file), content, 0o644))
			}
			cmd := exec.Command(path, args[1:]...)
			cmd.Dir = dir
			cmd.Stdin = strings.NewReader(patch)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%s: %v: %s\npatch:\n%s", strings.Join(args, " "), err, out, patch)
			}
			for file, want := range fixed {
				got, err := os.ReadFile(filepath.Join(dir, file))
				mustNoErr(t, err)
				if !bytes.Equal(got, want) {
					t.Errorf("%s: after %s: got %q, want %q", what[file], args[0], got, want)
				}
			}
		})
	}
}

// lcsLen is the length of a longest common subsequence, by dynamic
// programming: what a shortest diff keeps.
func lcsLen(a, b []string) int {
	next := make([]int, len(b)+1)
	for i := len(a) - 1; i >= 0; i-- {
		cur := make([]int, len(b)+1)
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				cur[j] = next[j+1] + 1
			} else {
				cur[j] = max(next[j], cur[j+1])
			}
		}
		next = cur
	}
	return next[0]
}

// checkOpCodes checks that ops turn a into b, alternate between equal runs
// and changes, and keep as many lines as can be kept.
func checkOpCodes(t *testing.T, a, b []string, ops []diffOp) {
	t.Helper()
	var rebuilt []string
	i, j, kept := 0, 0, 0
	for k, op := range ops {
		if op.i1 != i || op.j1 != j || op.i2 < op.i1 || op.j2 < op.j1 {
			t.Fatalf("%q -> %q: opcode %d %+v does not continue at (%d, %d): %+v", a, b, k, op, i, j, ops)
		}
		if k > 0 && (op.tag == 'e') == (ops[k-1].tag == 'e') {
			t.Fatalf("%q -> %q: opcodes %d and %d are both equal or both changes: %+v", a, b, k-1, k, ops)
		}
		n, m := op.i2-op.i1, op.j2-op.j1
		switch op.tag {
		case 'e':
			if n != m || n == 0 || !slices.Equal(a[op.i1:op.i2], b[op.j1:op.j2]) {
				t.Fatalf("%q -> %q: bad equal opcode %+v", a, b, op)
			}
			kept += n
			rebuilt = append(rebuilt, a[op.i1:op.i2]...)
		case 'd', 'i', 'r':
			if want := map[bool]map[bool]byte{true: {false: 'd', true: 'r'}, false: {true: 'i'}}[n > 0][m > 0]; op.tag != want {
				t.Fatalf("%q -> %q: opcode %+v should be %c", a, b, op, want)
			}
			rebuilt = append(rebuilt, b[op.j1:op.j2]...)
		default:
			t.Fatalf("bad tag in %+v", op)
		}
		i, j = op.i2, op.j2
	}
	if i != len(a) || j != len(b) || !slices.Equal(rebuilt, b) {
		t.Fatalf("%q -> %q: opcodes %+v rebuild %q", a, b, ops, rebuilt)
	}
	if want := lcsLen(a, b); kept != want {
		t.Fatalf("%q -> %q: opcodes keep %d lines, a shortest diff keeps %d: %+v", a, b, kept, want, ops)
	}
}

// TestLineOpCodesAreShortest compares random edits with dynamic
// programming: few distinct lines make many equally short diffs.
func TestLineOpCodesAreShortest(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		alphabet := 1 + r.IntN(6)
		random := func() []string {
			s := make([]string, r.IntN(25))
			for i := range s {
				s[i] = string(rune('a' + r.IntN(alphabet)))
			}
			return s
		}
		a := random()
		b := random()
		if r.IntN(2) == 0 { // a few edits of a instead
			b = slices.Clone(a)
			for range 1 + r.IntN(4) {
				p := r.IntN(len(b) + 1)
				switch r.IntN(3) {
				case 0:
					b = slices.Insert(b, p, string(rune('a'+r.IntN(alphabet))))
				case 1:
					if p < len(b) {
						b = slices.Delete(b, p, p+1)
					}
				default:
					if p < len(b) {
						b[p] = "z"
					}
				}
			}
		}
		checkOpCodes(t, a, b, lineOpCodes(a, b))
	}
}

func TestLineOpCodesLargeInputs(t *testing.T) {
	t.Parallel()
	var a, b []string
	for i := range 5000 {
		a = append(a, fmt.Sprintf("a%d\n", i))
		b = append(b, fmt.Sprintf("b%d\n", i))
	}
	checkEqual(t, "nothing in common", lineOpCodes(a, b), []diffOp{{'r', 0, 5000, 0, 5000}})
	// Every tenth line changed, and blank lines repeated throughout.
	b = slices.Clone(a)
	for i := range b {
		switch {
		case i%10 == 0:
			b[i] = "changed\n"
		case i%7 == 0:
			b[i] = "\n"
			a[i] = "\n"
		}
	}
	ops := lineOpCodes(a, b)
	kept := 0
	for _, op := range ops {
		if op.tag == 'e' {
			kept += op.i2 - op.i1
		}
	}
	checkEqual(t, "lines kept", kept, 4500)
	checkEqual(t, "hunks", len(groupOpCodes(ops, 3)), 500)
}

func TestGroupOpCodes(t *testing.T) {
	t.Parallel()
	checkEqual(t, "no opcodes", groupOpCodes(nil, 3), nil)
	checkEqual(t, "equal only", groupOpCodes([]diffOp{{'e', 0, 10, 0, 10}}, 3), nil)
	checkEqual(t, "trimmed context", groupOpCodes([]diffOp{{'e', 0, 10, 0, 10}, {'d', 10, 11, 10, 10}, {'e', 11, 20, 10, 19}}, 3),
		[][]diffOp{{{'e', 7, 10, 7, 10}, {'d', 10, 11, 10, 10}, {'e', 11, 14, 10, 13}}})
	checkEqual(t, "split", groupOpCodes([]diffOp{{'i', 0, 0, 0, 2}, {'e', 0, 7, 2, 9}, {'r', 7, 8, 9, 10}}, 3),
		[][]diffOp{{{'i', 0, 0, 0, 2}, {'e', 0, 3, 2, 5}}, {{'e', 4, 7, 6, 9}, {'r', 7, 8, 9, 10}}})
	checkEqual(t, "kept together", groupOpCodes([]diffOp{{'i', 0, 0, 0, 2}, {'e', 0, 6, 2, 8}, {'r', 6, 7, 8, 9}}, 3),
		[][]diffOp{{{'i', 0, 0, 0, 2}, {'e', 0, 6, 2, 8}, {'r', 6, 7, 8, 9}}})
}
