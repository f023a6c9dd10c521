package sqlinject

import (
	"go/types"
	"strings"

	"github.com/dbaudit/dbaudit/dbmodel/dbapi"
)

// requestTypes are the types whose values are a request: every text read
// from them is input. Pointers are stripped before the lookup.
var requestTypes = map[string]bool{
	"net/http.Request":                           true,
	"github.com/gin-gonic/gin.Context":           true,
	"github.com/labstack/echo/v4.Context":        true,
	"github.com/labstack/echo.Context":           true,
	"github.com/gofiber/fiber/v2.Ctx":            true,
	"github.com/gofiber/fiber/v3.Ctx":            true,
	"github.com/valyala/fasthttp.RequestCtx":     true,
	"github.com/julienschmidt/httprouter.Params": true,
}

// sourceFuncs return request input read from their arguments through the
// request's context, which the data flow cannot follow.
var sourceFuncs = map[string]bool{
	"github.com/go-chi/chi/v5.URLParam":                     true,
	"github.com/go-chi/chi/v5.URLParamFromCtx":              true,
	"github.com/go-chi/chi.URLParam":                        true,
	"github.com/go-chi/chi.URLParamFromCtx":                 true,
	"github.com/gorilla/mux.Vars":                           true,
	"github.com/julienschmidt/httprouter.ParamsFromContext": true,
}

// sanitizers return text that is safe in SQL whatever they are given:
// quoted identifiers and literals.
var sanitizers = map[string]bool{
	"github.com/jackc/pgx/v5.Identifier.Sanitize":        true,
	"github.com/jackc/pgx/v4.Identifier.Sanitize":        true,
	"github.com/jackc/pgx/v5/pgconn.PgConn.EscapeString": true,
	"github.com/lib/pq.QuoteIdentifier":                  true,
	"github.com/lib/pq.QuoteLiteral":                     true,
}

// quotingMethods are the method names SQL dialects and builders give the
// quoting of an identifier or literal (pop's and xorm's Dialect.Quote,
// sqlx-style QuoteIdentifier): their result is quoted text, whatever the
// receiver's library.
var quotingMethods = map[string]bool{
	"Quote": true, "QuoteIdent": true, "QuoteIdentifier": true, "QuoteName": true,
	"QuoteLiteral": true, "QuoteString": true, "EscapeIdentifier": true, "EscapeLiteral": true,
}

// readsByName are standard library functions that open or read a file or
// directory their argument names: what they return is the file's content or
// a handle, not the name's text, so a path built from input does not make
// the content input (a migration tool reading dir/schema.sql).
var readsByName = map[string]bool{
	"os.Open": true, "os.OpenFile": true, "os.ReadFile": true, "os.ReadDir": true,
	"os.Stat": true, "os.Lstat": true, "os.DirFS": true,
	"io/fs.ReadFile": true, "io/fs.ReadDir": true, "io/fs.Glob": true, "io/fs.Sub": true, "io/fs.Stat": true,
	"path/filepath.Glob": true, "path/filepath.Walk": true, "path/filepath.WalkDir": true,
}

// passThrough are driver functions that return the SQL text they are given,
// rewritten (placeholders rebound, IN lists expanded): parameter index (in
// the function's signature, receiver excluded) of that text.
var passThrough = map[string]int{
	"github.com/jmoiron/sqlx.Rebind":       1,
	"github.com/jmoiron/sqlx.DB.Rebind":    0,
	"github.com/jmoiron/sqlx.Tx.Rebind":    0,
	"github.com/jmoiron/sqlx.In":           0,
	"github.com/jmoiron/sqlx.Named":        0,
	"github.com/jmoiron/sqlx.DB.BindNamed": 0,
	"github.com/jmoiron/sqlx.Tx.BindNamed": 0,
	"github.com/jmoiron/sqlx.BindNamed":    1,
}

// builders put their arguments into new text: what the message calls the
// way the SQL was built. Methods write into their receiver, fmt.Fprint*
// into their first argument.
var builders = map[string]string{
	"fmt.Sprintf":                    "fmt.Sprintf",
	"fmt.Sprint":                     "fmt.Sprint",
	"fmt.Sprintln":                   "fmt.Sprintln",
	"fmt.Fprintf":                    "fmt.Fprintf",
	"fmt.Fprint":                     "fmt.Fprint",
	"fmt.Fprintln":                   "fmt.Fprintln",
	"fmt.Appendf":                    "fmt.Appendf",
	"strings.Join":                   "strings.Join",
	"strings.Concat":                 "strings.Concat",
	"bytes.Join":                     "bytes.Join",
	"strings.Builder.WriteString":    "strings.Builder",
	"strings.Builder.WriteByte":      "strings.Builder",
	"strings.Builder.WriteRune":      "strings.Builder",
	"strings.Builder.Write":          "strings.Builder",
	"bytes.Buffer.WriteString":       "bytes.Buffer",
	"bytes.Buffer.WriteByte":         "bytes.Buffer",
	"bytes.Buffer.WriteRune":         "bytes.Buffer",
	"bytes.Buffer.Write":             "bytes.Buffer",
	"text/template.Template.Execute": "text/template",
}

// writesFirstArg: the builders that write into their first argument.
var writesFirstArg = map[string]bool{
	"fmt.Fprintf": true, "fmt.Fprint": true, "fmt.Fprintln": true,
	"text/template.Template.Execute": true,
}

// textTypes decides which values can carry text: only those can carry input
// into SQL. Integers, booleans, floats, times, byte arrays (UUIDs), funcs,
// contexts and database handles cannot.
type textTypes struct {
	classifier *dbapi.Classifier
	memo       map[types.Type]bool
}

func (tt *textTypes) carries(t types.Type) bool {
	if t == nil {
		return false
	}
	if v, ok := tt.memo[t]; ok {
		return v
	}
	tt.memo[t] = false // a recursive type is judged by its other parts
	v := tt.compute(t)
	tt.memo[t] = v
	return v
}

func (tt *textTypes) compute(t types.Type) bool {
	switch name := dbapi.TypeName(t); name {
	case "time.Time", "time.Duration", "context.Context", "reflect.Type", "sync.Mutex", "sync.RWMutex", "sync.WaitGroup":
		return false
	}
	if _, ok := types.Unalias(t).(*types.Named); ok {
		if _, isHandle := tt.classifier.Handle(t); isHandle {
			return false
		}
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		return u.Info()&types.IsString != 0
	case *types.Pointer:
		if _, isHandle := tt.classifier.Handle(u.Elem()); isHandle {
			return false
		}
		return tt.carries(u.Elem())
	case *types.Slice:
		if b, ok := u.Elem().Underlying().(*types.Basic); ok && (b.Kind() == types.Byte || b.Kind() == types.Rune) {
			return true
		}
		return tt.carries(u.Elem())
	case *types.Array:
		return tt.carries(u.Elem())
	case *types.Map:
		return tt.carries(u.Key()) || tt.carries(u.Elem())
	case *types.Chan:
		return tt.carries(u.Elem())
	case *types.Struct:
		for i := 0; i < u.NumFields(); i++ {
			if tt.carries(u.Field(i).Type()) {
				return true
			}
		}
		return false
	case *types.Interface:
		return true
	case *types.Tuple:
		for i := 0; i < u.Len(); i++ {
			if tt.carries(u.At(i).Type()) {
				return true
			}
		}
		return false
	case *types.TypeParam:
		return true
	}
	return false
}

// plainText: text itself rather than a value that holds some (a request, a
// map, a struct): where request input is first read, and named there.
func plainText(t types.Type) bool {
	switch u := t.Underlying().(type) {
	case *types.Basic:
		return u.Info()&types.IsString != 0
	case *types.Slice:
		if b, ok := u.Elem().Underlying().(*types.Basic); ok {
			return b.Kind() == types.Byte || b.Kind() == types.Rune || b.Info()&types.IsString != 0
		}
	}
	return false
}

func isRequestType(t types.Type) bool {
	return requestTypes[dbapi.TypeName(t)]
}

// isConfigType: a parameter of a *Config type carries configuration, not input.
func isConfigType(t types.Type) bool {
	name := dbapi.TypeName(t)
	if name == "" {
		return false
	}
	_, short, _ := strings.Cut(name[strings.LastIndex(name, "/")+1:], ".")
	lower := strings.ToLower(short)
	return strings.HasSuffix(lower, "config") || strings.HasSuffix(lower, "cfg")
}
