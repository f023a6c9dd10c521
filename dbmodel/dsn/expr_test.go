package dsn

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"slices"
	"strings"
	"sync"
	"testing"
)

// The standard library is type-checked from source once for all cases.
var (
	stdOnce     sync.Once
	stdImporter types.Importer
	stdFset     = token.NewFileSet()
)

// textsOf type-checks src (package p, with a func f whose last statement
// is "use(EXPR)") and returns the texts of EXPR, holes shown as <?>.
func textsOf(t *testing.T, src string) ([]Text, *ast.File, *Source) {
	t.Helper()
	stdOnce.Do(func() { stdImporter = importer.ForCompiler(stdFset, "source", nil) })
	f, err := parser.ParseFile(stdFset, "p.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Defs: map[*ast.Ident]types.Object{}, Uses: map[*ast.Ident]types.Object{}}
	conf := types.Config{Importer: stdImporter}
	if _, err := conf.Check("p", stdFset, []*ast.File{f}, info); err != nil {
		t.Fatal(err)
	}
	var fn *ast.FuncDecl
	var arg ast.Expr
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == "f" {
			fn = fd
			last := fd.Body.List[len(fd.Body.List)-1]
			arg = last.(*ast.ExprStmt).X.(*ast.CallExpr).Args[0]
		}
	}
	s := NewSource(info, []*ast.File{f})
	return s.Texts(arg, fn), f, s
}

func show(ts []Text) []string {
	var out []string
	for _, t := range ts {
		out = append(out, strings.ReplaceAll(t.S, string(Hole), "<?>"))
	}
	return out
}

func TestTexts(t *testing.T) {
	t.Parallel()
	const header = "package p\nimport (\"fmt\"; \"net/url\"; \"os\"; \"strings\")\nvar _ = fmt.Sprint; var _ = url.Parse; var _ = os.Getenv; var _ = strings.Join\nfunc use(string) {}\n"
	tests := []struct {
		name, body string
		want       []string
	}{
		{"const chain", `const base = "postgres://app@db"; const full = base + "/orders?sslmode=disable"
func f() { use(full) }`, []string{"postgres://app@db/orders?sslmode=disable"}},
		{"dynamic base", `func f() { use(os.Getenv("DATABASE_URL") + "?sslmode=require&command_timeout=30") }`,
			[]string{"<?>?sslmode=require&command_timeout=30"}},
		{"appends", `func f() { dsn := os.Getenv("X"); dsn += "?a=1"; dsn += "&b=2"; use(dsn) }`, []string{"<?>?a=1&b=2"}},
		{"alternatives", `func f(tls bool) { dsn := "host=db"; if tls { dsn = "host=db sslmode=require" }; use(dsn) }`,
			[]string{"host=db", "host=db sslmode=require"}},
		{"sequential assignments", `func f() { dsn := "host=a"; use(dsn); dsn = "host=b"; use(dsn) }`, []string{"host=a", "host=b"}}, // control flow is not followed
		{"sprintf", `func f(h string, p int) { use(fmt.Sprintf("postgres://%s:%d/%s?sslmode=%s&x=%%", h, p, "orders", "disable")) }`,
			[]string{"postgres://<?>:<?>/orders?sslmode=disable&x=%"}},
		{"sprintf index", `func f(h string) { use(fmt.Sprintf("host=%[2]s dbname=%[1]s", "orders", h)) }`, []string{"host=<?> dbname=orders"}},
		{"expand env", `func f() { use(os.ExpandEnv("postgres://${DB_USER}@$DB_HOST/app?sslmode=disable")) }`,
			[]string{"postgres://<?>@<?>/app?sslmode=disable"}},
		{"join", `func f(h string) { use(strings.Join([]string{"host=" + h, "sslmode=disable", "command_timeout=5"}, " ")) }`,
			[]string{"host=<?> sslmode=disable command_timeout=5"}},
		{"url.URL", `func f(u, p, h string) {
	q := url.Values{"sslmode": {"verify-full"}}
	q.Set("pgbouncer", "true")
	q.Add("application_name", "api")
	q.Del("sslmode")
	x := url.URL{Scheme: "postgres", User: url.UserPassword(u, p), Host: h, Path: "/orders", RawQuery: q.Encode()}
	use(x.String()) }`, []string{"postgres://<?>:<?>@<?>/orders?application_name=api&pgbouncer=true"}},
		{"url.Parse and Query", `func f() {
	u, _ := url.Parse(os.Getenv("DATABASE_URL"))
	q := u.Query()
	q.Set("statement_cache_mode", "describe")
	u.RawQuery = q.Encode()
	use(u.String()) }`, []string{"<?>?statement_cache_mode=describe&<?>"}}, // the parsed query may hold more
		{"url fields", `func f(h string) {
	u := &url.URL{Scheme: "postgres", Host: h}
	u.Path = "/app"
	u.RawQuery = "sslmode=disable"
	use(u.String()) }`, []string{"postgres://<?>/app?sslmode=disable"}},
		{"struct field", `type C struct{ DSN string }
func f() { c := C{DSN: "host=db dbname=app"}; use(c.DSN) }`, []string{"host=db dbname=app"}},
		{"package var", `var defaultDSN = "host=localhost dbname=app"
func f() { use(defaultDSN) }`, []string{"host=localhost dbname=app"}},
		{"reassigned package var", `var dsn = "host=localhost"
func set() { dsn = os.Getenv("X") }
func f() { use(dsn) }`, nil},
		{"parameter", `func f(dsn string) { use(dsn) }`, nil},
		{"conversion", `type DSN string
func f() { use(string(DSN("host=db"))) }`, []string{"host=db"}},
	}
	for _, tt := range tests {
		texts, _, _ := textsOf(t, header+tt.body)
		if got := show(texts); !slices.Equal(got, tt.want) {
			t.Errorf("%s: texts %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestTextPositions maps ranges of a text back to the literal bytes and
// writes edits escaped for the literal they land in.
func TestTextPositions(t *testing.T) {
	t.Parallel()
	src := "package p\nfunc use(string) {}\nconst base = \"postgres://app@db\\t/orders\"\nfunc f(h string) { use(base + \"?sslmode=required&x=\\u00e9\" + h) }\n"
	texts, f, _ := textsOf(t, src)
	if len(texts) != 1 {
		t.Fatalf("texts: %q", show(texts))
	}
	text := texts[0]
	d := Parse(text.S)
	mode, _ := d.Get("sslmode")
	pos, end := text.Span(mode.ValueRange)
	file := stdFset.File(f.Pos())
	if got := src[file.Offset(pos):file.Offset(end)]; got != "required" {
		t.Fatalf("sslmode value maps to %q", got)
	}
	start, stop, newText, ok := text.Edit(mode.ValueRange, "require")
	if !ok || src[file.Offset(start):file.Offset(stop)] != "required" || newText != "require" {
		t.Fatalf("edit: %v %q", ok, newText)
	}
	// Inside the escaped literal: the database name follows "\t".
	db, _ := d.Get("dbname")
	pos, end = text.Span(db.ValueRange)
	if got := src[file.Offset(pos):file.Offset(end)]; got != "orders" {
		t.Fatalf("dbname maps to %q", got)
	}
	// An edit must not split an escape that stands for several bytes.
	x, _ := d.Get("x")
	if _, _, _, ok := text.Edit(Range{x.ValueRange.Start, x.ValueRange.Start + 1}, "a"); ok {
		t.Fatal("an edit splitting \\u00e9 was allowed")
	}
	// A range across two literals has no single edit, but still a span.
	if text.Exact(Range{0, len(text.S) - 1}) {
		t.Fatal("a range across literals is not exact")
	}
	// Text the edit writes into an interpreted literal is escaped.
	if _, _, newText, ok := text.Edit(mode.ValueRange, "a\"b"); !ok || newText != `a\"b` {
		t.Fatalf("escaping: %q", newText)
	}
}

func TestTextsFromCallers(t *testing.T) {
	t.Parallel()
	src := `package p
func use(string) {}
func open(dsn string) { use(dsn) }
func main() { open("host=db command_timeout=5"); open("host=db2") }
func f(dsn string) { open(dsn + " sslmode=disable"); use(dsn) }
`
	// f's own parameter has no callers: dynamic.
	texts, f, s := textsOf(t, src)
	if len(texts) != 0 {
		t.Fatalf("f(dsn): %q", show(texts))
	}
	// open's parameter: every caller's argument.
	var openFn *ast.FuncDecl
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == "open" {
			openFn = fd
		}
	}
	arg := openFn.Body.List[0].(*ast.ExprStmt).X.(*ast.CallExpr).Args[0]
	got := show(s.Texts(arg, openFn))
	want := []string{"host=db command_timeout=5", "host=db2", "<?> sslmode=disable"}
	if !slices.Equal(got, want) {
		t.Fatalf("open(dsn): %q, want %q", got, want)
	}
}
