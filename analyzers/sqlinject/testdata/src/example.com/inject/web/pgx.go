// Package web holds HTTP handlers that build SQL for pgx, pgxpool and
// pgconn: Bad* build it from the request, Ok* use the safe forms.
package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/lib/pq"
)

type Server struct {
	pool   *pgxpool.Pool
	conn   *pgx.Conn
	pg     *pgconn.PgConn
	schema string
}

// Config is loaded at start-up.
var Config struct{ Schema string }

var sortColumns = map[string]string{"name": "name", "created": "created_at"}

var allowedTables = map[string]bool{"users": true, "orders": true}

var allowedDirs = []string{"ASC", "DESC"}

func (s *Server) BadPgxPoolConcat(w http.ResponseWriter, r *http.Request) {
	q := "SELECT id FROM users ORDER BY " + r.URL.Query().Get("sort")
	rows, _ := s.pool.Query(r.Context(), q) // want `SQL for pgxpool.Pool.Query built by concatenation from request input r.URL.Query\(\).Get\("sort"\)`
	rows.Close()
}

func (s *Server) BadPgxPoolQueryRowSprintf(w http.ResponseWriter, r *http.Request) {
	var id int
	_ = s.pool.QueryRow(r.Context(), fmt.Sprintf("SELECT id FROM users WHERE name = '%s'", r.FormValue("name"))).Scan(&id) // want `SQL for pgxpool.Pool.QueryRow built by fmt.Sprintf from request input r.FormValue\("name"\)`
}

func (s *Server) BadPgxConnExecPlusAssign(w http.ResponseWriter, r *http.Request) {
	q := "DELETE FROM sessions WHERE "
	q += "user_name = '" + r.PathValue("user") + "'"
	_, _ = s.conn.Exec(r.Context(), q) // want `SQL for pgx.Conn.Exec built by concatenation from request input r.PathValue\("user"\)`
}

func (s *Server) BadPgxTxBuilder(w http.ResponseWriter, r *http.Request) {
	tx, err := s.pool.Begin(r.Context())
	if err != nil {
		return
	}
	defer tx.Rollback(r.Context())
	var b strings.Builder
	b.WriteString("SELECT id FROM orders WHERE tenant = '")
	b.WriteString(r.Header.Get("X-Tenant"))
	b.WriteString("'")
	rows, _ := tx.Query(r.Context(), b.String()) // want `SQL for pgx.Tx.Query built by strings.Builder from request input r.Header.Get\("X-Tenant"\)`
	rows.Close()
}

func (s *Server) BadPgxBatchQueueJoin(w http.ResponseWriter, r *http.Request) {
	cols := strings.Join(r.URL.Query()["col"], ", ")
	batch := &pgx.Batch{}
	batch.Queue("SELECT " + cols + " FROM users") // want `SQL for pgx.Batch.Queue built by strings.Join from request input r.URL.Query\(\)\["col"\]`
	s.pool.SendBatch(r.Context(), batch).Close()
}

func (s *Server) BadPgxWholeStatement(w http.ResponseWriter, r *http.Request) {
	_, _ = s.pool.Exec(r.Context(), r.FormValue("statement")) // want `request input r.FormValue\("statement"\) is the SQL text of pgxpool.Pool.Exec`
}

func (s *Server) BadPgxPrepare(w http.ResponseWriter, r *http.Request) {
	_, _ = s.conn.Prepare(r.Context(), "list", "SELECT * FROM "+r.FormValue("table")) // want `SQL for pgx.Conn.Prepare built by concatenation from request input r.FormValue\("table"\)`
}

func (s *Server) BadPgconnExec(w http.ResponseWriter, r *http.Request) {
	_ = s.pg.Exec(r.Context(), "NOTIFY "+r.FormValue("channel")).Close() // want `SQL for pgconn.PgConn.Exec built by concatenation from request input r.FormValue\("channel"\)`
}

func (s *Server) BadPgconnExecParams(w http.ResponseWriter, r *http.Request) {
	sql := fmt.Sprintf("SELECT count(*) FROM %s", r.URL.Path)
	_, _ = s.pg.ExecParams(r.Context(), sql, nil, nil, nil, nil).Close() // want `SQL for pgconn.PgConn.ExecParams built by fmt.Sprintf from request input r.URL.Path`
}

type listRequest struct {
	Sort  string `json:"sort"`
	Limit int    `json:"limit"`
}

func (s *Server) BadPgxJSONBody(w http.ResponseWriter, r *http.Request) {
	var req listRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		return
	}
	rows, _ := s.pool.Query(r.Context(), "SELECT id FROM users ORDER BY "+req.Sort) // want `SQL for pgxpool.Pool.Query built by concatenation from request input req.Sort`
	rows.Close()
}

// orderBy is a helper of the package: its result carries its parameter.
func orderBy(col string) string { return " ORDER BY " + col }

func (s *Server) BadPgxUnexportedHelper(w http.ResponseWriter, r *http.Request) {
	rows, _ := s.pool.Query(r.Context(), "SELECT id FROM users"+orderBy(r.FormValue("sort"))) // want `SQL for pgxpool.Pool.Query built by web.orderBy from request input r.FormValue\("sort"\)`
	rows.Close()
}

// deleteWhere runs SQL built from its parameter: judged at its callers.
func (s *Server) deleteWhere(ctx context.Context, cond string) {
	_, _ = s.pool.Exec(ctx, "DELETE FROM sessions WHERE "+cond)
}

func (s *Server) BadPgxHelperRuns(w http.ResponseWriter, r *http.Request) {
	s.deleteWhere(r.Context(), r.FormValue("cond")) // want `request input r.FormValue\("cond"\) is built into the SQL that web.Server.deleteWhere runs`
}

func (s *Server) OkPgxHelperRunsConstant(w http.ResponseWriter, r *http.Request) {
	s.deleteWhere(r.Context(), "expires_at < now()")
}

func (s *Server) BadPgxClosure(w http.ResponseWriter, r *http.Request) {
	name := r.FormValue("name")
	build := func() string { return "SELECT id FROM users WHERE name = '" + name + "'" }
	rows, _ := s.pool.Query(r.Context(), build()) // want `SQL for pgxpool.Pool.Query built by concatenation from request input r.FormValue\("name"\)`
	rows.Close()
}

func (s *Server) BadPgxSwitchDefault(w http.ResponseWriter, r *http.Request) {
	col := r.FormValue("sort")
	switch col {
	case "name":
		col = "name"
	case "created":
		col = "created_at"
	default:
		// falls through with the request's text
	}
	rows, _ := s.pool.Query(r.Context(), "SELECT id FROM users ORDER BY "+col) // want `SQL for pgxpool.Pool.Query built by concatenation from request input r.FormValue\("sort"\)`
	rows.Close()
}

func (s *Server) OkPgxPlaceholder(w http.ResponseWriter, r *http.Request) {
	rows, _ := s.pool.Query(r.Context(), "SELECT id FROM users WHERE name = $1", r.FormValue("name"))
	rows.Close()
}

func (s *Server) OkPgxIdentifier(w http.ResponseWriter, r *http.Request) {
	table := pgx.Identifier{s.schema, r.FormValue("table")}.Sanitize()
	rows, _ := s.pool.Query(r.Context(), "SELECT count(*) FROM "+table)
	rows.Close()
}

func (s *Server) OkPgxConstMap(w http.ResponseWriter, r *http.Request) {
	col, ok := sortColumns[r.URL.Query().Get("sort")]
	if !ok {
		col = "id"
	}
	rows, _ := s.pool.Query(r.Context(), "SELECT id FROM users ORDER BY "+col)
	rows.Close()
}

func (s *Server) OkPgxConstMapMembership(w http.ResponseWriter, r *http.Request) {
	table := r.FormValue("table")
	if _, ok := allowedTables[table]; !ok {
		http.Error(w, "no such table", http.StatusBadRequest)
		return
	}
	_, _ = s.pool.Exec(r.Context(), "TRUNCATE "+table)
}

func (s *Server) OkPgxSliceMembership(w http.ResponseWriter, r *http.Request) {
	dir := strings.ToUpper(r.FormValue("dir"))
	if !slices.Contains(allowedDirs, dir) {
		return
	}
	rows, _ := s.pool.Query(r.Context(), "SELECT id FROM users ORDER BY id "+dir)
	rows.Close()
}

func (s *Server) OkPgxSwitch(w http.ResponseWriter, r *http.Request) {
	var col string
	switch r.FormValue("sort") {
	case "name":
		col = "name"
	case "created":
		col = "created_at"
	default:
		col = "id"
	}
	rows, _ := s.pool.Query(r.Context(), "SELECT id FROM users ORDER BY "+col)
	rows.Close()
}

func (s *Server) OkPgxIfConstants(w http.ResponseWriter, r *http.Request) {
	dir := r.FormValue("dir")
	if dir != "asc" && dir != "desc" {
		http.Error(w, "bad direction", http.StatusBadRequest)
		return
	}
	rows, _ := s.pool.Query(r.Context(), "SELECT id FROM users ORDER BY id "+dir)
	rows.Close()
}

func (s *Server) OkPgxSwitchCases(w http.ResponseWriter, r *http.Request) {
	dir := r.FormValue("dir")
	switch dir {
	case "asc", "desc":
		rows, _ := s.pool.Query(r.Context(), "SELECT id FROM users ORDER BY id "+dir)
		rows.Close()
	}
}

func (s *Server) OkPgxItoa(w http.ResponseWriter, r *http.Request) {
	limit, err := strconv.Atoi(r.FormValue("limit"))
	if err != nil {
		return
	}
	rows, _ := s.pool.Query(r.Context(), "SELECT id FROM users LIMIT "+strconv.Itoa(limit))
	rows.Close()
}

func (s *Server) OkPgxSprintfInt(w http.ResponseWriter, r *http.Request) {
	page, _ := strconv.ParseInt(r.FormValue("page"), 10, 64)
	q := fmt.Sprintf("SELECT id FROM users LIMIT 50 OFFSET %d", page*50)
	rows, _ := s.pool.Query(r.Context(), q)
	rows.Close()
}

func (s *Server) OkPgxJSONBodyInt(w http.ResponseWriter, r *http.Request) {
	var req listRequest
	_ = json.NewDecoder(r.Body).Decode(&req)
	rows, _ := s.pool.Query(r.Context(), fmt.Sprintf("SELECT id FROM users LIMIT %d", req.Limit))
	rows.Close()
}

const usersTable = "users"

func (s *Server) OkPgxConstConcat(w http.ResponseWriter, r *http.Request) {
	rows, _ := s.pool.Query(r.Context(), "SELECT id FROM "+usersTable+" WHERE active")
	rows.Close()
}

func (s *Server) OkPgxConfig(w http.ResponseWriter, r *http.Request) {
	_, _ = s.pool.Exec(r.Context(), "SET search_path TO "+s.schema)
	_, _ = s.pool.Exec(r.Context(), "SET search_path TO "+Config.Schema)
}

func (s *Server) OkPgxQuoteIdentifier(w http.ResponseWriter, r *http.Request) {
	rows, _ := s.pool.Query(r.Context(), "SELECT * FROM "+pq.QuoteIdentifier(r.FormValue("table")))
	rows.Close()
}

func (s *Server) OkPgxQuoteLiteral(w http.ResponseWriter, r *http.Request) {
	_, _ = s.pool.Exec(r.Context(), "COMMENT ON TABLE users IS "+pq.QuoteLiteral(r.FormValue("comment")))
}

func (s *Server) OkPgconnEscapeString(w http.ResponseWriter, r *http.Request) {
	esc, err := s.pg.EscapeString(r.FormValue("name"))
	if err != nil {
		return
	}
	_ = s.pg.Exec(r.Context(), "SELECT id FROM users WHERE name = '"+esc+"'").Close()
}

// sortKey picks a column from constants: it sanitizes.
func sortKey(key string) string {
	switch key {
	case "name", "email":
		return key
	}
	return "id"
}

func (s *Server) OkPgxSanitizingHelper(w http.ResponseWriter, r *http.Request) {
	rows, _ := s.pool.Query(r.Context(), "SELECT id FROM users ORDER BY "+sortKey(r.FormValue("sort")))
	rows.Close()
}

func (s *Server) OkPgxBatchPlaceholder(w http.ResponseWriter, r *http.Request) {
	batch := &pgx.Batch{}
	batch.Queue("INSERT INTO audit (who) VALUES ($1)", r.Header.Get("X-User"))
	s.pool.SendBatch(r.Context(), batch).Close()
}

func (s *Server) OkPgxUUID(w http.ResponseWriter, r *http.Request) {
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		return
	}
	_, _ = s.pool.Exec(r.Context(), "DELETE FROM users WHERE id = '"+id.String()+"'")
}

func (s *Server) OkPgxSuppressed(w http.ResponseWriter, r *http.Request) {
	//dbaudit:ignore sqlinject -- the admin console runs statements on purpose
	_, _ = s.pool.Exec(r.Context(), r.FormValue("statement"))
}
