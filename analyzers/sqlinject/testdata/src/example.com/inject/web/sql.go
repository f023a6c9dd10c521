package web

import (
	"database/sql"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

type SQLServer struct {
	db *sql.DB
}

func (s *SQLServer) BadSQLQueryConcat(w http.ResponseWriter, r *http.Request) {
	rows, _ := s.db.Query("SELECT id FROM users WHERE name = '" + r.FormValue("name") + "'") // want `SQL for sql.DB.Query built by concatenation from request input r.FormValue\("name"\)`
	rows.Close()
}

func (s *SQLServer) BadSQLQueryContextSprintf(w http.ResponseWriter, r *http.Request) {
	rows, _ := s.db.QueryContext(r.Context(), fmt.Sprintf("SELECT id FROM users ORDER BY %s", r.URL.Query().Get("sort"))) // want `SQL for sql.DB.QueryContext built by fmt.Sprintf from request input r.URL.Query\(\).Get\("sort"\)`
	rows.Close()
}

func (s *SQLServer) BadSQLQueryRowVariable(w http.ResponseWriter, r *http.Request) {
	q := fmt.Sprintf("SELECT id FROM users WHERE email = '%s'", r.FormValue("email"))
	var id int
	_ = s.db.QueryRow(q).Scan(&id) // want `SQL for sql.DB.QueryRow built by fmt.Sprintf from request input r.FormValue\("email"\)`
}

func (s *SQLServer) BadSQLExecConcatVariable(w http.ResponseWriter, r *http.Request) {
	q := "DELETE FROM users WHERE name = '" + r.FormValue("name") + "'"
	_, _ = s.db.Exec(q) // want `SQL for sql.DB.Exec built by concatenation from request input r.FormValue\("name"\)`
}

func (s *SQLServer) BadSQLExecContextPlusAssign(w http.ResponseWriter, r *http.Request) {
	q := "UPDATE users SET active = false WHERE "
	for _, id := range r.Form["id"] {
		q += "id = '" + id + "' OR "
	}
	q += "false"
	_, _ = s.db.ExecContext(r.Context(), q) // want `SQL for sql.DB.ExecContext built by concatenation from request input r.Form\["id"\]`
}

func (s *SQLServer) BadSQLPrepare(w http.ResponseWriter, r *http.Request) {
	stmt, _ := s.db.Prepare("SELECT id FROM " + r.PathValue("table") + " WHERE id = $1") // want `SQL for sql.DB.Prepare built by concatenation from request input r.PathValue\("table"\)`
	stmt.Close()
}

func (s *SQLServer) BadSQLTxQuery(w http.ResponseWriter, r *http.Request) {
	tx, _ := s.db.BeginTx(r.Context(), nil)
	defer tx.Rollback()
	rows, _ := tx.QueryContext(r.Context(), "SELECT id FROM "+r.FormValue("table")) // want `SQL for sql.Tx.QueryContext built by concatenation from request input r.FormValue\("table"\)`
	rows.Close()
}

func (s *SQLServer) BadSQLConnExecContext(w http.ResponseWriter, r *http.Request) {
	conn, _ := s.db.Conn(r.Context())
	defer conn.Close()
	_, _ = conn.ExecContext(r.Context(), "SET application_name = '"+r.UserAgent()+"'") // want `SQL for sql.Conn.ExecContext built by concatenation from request input r.UserAgent\(\)`
}

func (s *SQLServer) BadSQLJoin(w http.ResponseWriter, r *http.Request) {
	var conds []string
	for key, vals := range r.URL.Query() {
		conds = append(conds, key+" = '"+vals[0]+"'")
	}
	rows, _ := s.db.Query("SELECT id FROM users WHERE " + strings.Join(conds, " AND ")) // want `SQL for sql.DB.Query built by concatenation from request input r.URL.Query\(\)`
	rows.Close()
}

func (s *SQLServer) OkSQLPlaceholder(w http.ResponseWriter, r *http.Request) {
	rows, _ := s.db.Query("SELECT id FROM users WHERE name = $1", r.FormValue("name"))
	rows.Close()
}

func (s *SQLServer) OkSQLItoa(w http.ResponseWriter, r *http.Request) {
	n, _ := strconv.Atoi(r.FormValue("limit"))
	rows, _ := s.db.Query("SELECT id FROM users LIMIT " + strconv.Itoa(n))
	rows.Close()
}

func (s *SQLServer) OkSQLFormatInt(w http.ResponseWriter, r *http.Request) {
	n, _ := strconv.ParseInt(r.FormValue("after"), 10, 64)
	rows, _ := s.db.Query("SELECT id FROM users WHERE id > " + strconv.FormatInt(n, 10))
	rows.Close()
}

func (s *SQLServer) OkSQLSprintfInt(w http.ResponseWriter, r *http.Request) {
	n, _ := strconv.Atoi(r.FormValue("limit"))
	rows, _ := s.db.Query(fmt.Sprintf("SELECT id FROM users LIMIT %d", n))
	rows.Close()
}

func (s *SQLServer) OkSQLConstMap(w http.ResponseWriter, r *http.Request) {
	rows, _ := s.db.Query(fmt.Sprintf("SELECT id FROM users ORDER BY %s", sortColumns[r.FormValue("sort")]))
	rows.Close()
}

func (s *SQLServer) OkSQLPlaceholderList(w http.ResponseWriter, r *http.Request) {
	ids := r.Form["id"]
	marks := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		marks[i] = "$" + strconv.Itoa(i+1)
		args[i] = id
	}
	rows, _ := s.db.Query("SELECT name FROM users WHERE id IN ("+strings.Join(marks, ", ")+")", args...)
	rows.Close()
}
