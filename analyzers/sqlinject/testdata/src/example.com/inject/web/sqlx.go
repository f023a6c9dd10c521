package web

import (
	"fmt"
	"net/http"

	"github.com/jmoiron/sqlx"
)

type SqlxServer struct {
	db *sqlx.DB
}

type user struct {
	ID   int    `db:"id"`
	Name string `db:"name"`
}

func (s *SqlxServer) BadSqlxSelect(w http.ResponseWriter, r *http.Request) {
	var users []user
	_ = s.db.Select(&users, "SELECT id, name FROM users ORDER BY "+r.FormValue("sort")) // want `SQL for sqlx.DB.Select built by concatenation from request input r.FormValue\("sort"\)`
}

func (s *SqlxServer) BadSqlxGet(w http.ResponseWriter, r *http.Request) {
	var u user
	_ = s.db.Get(&u, fmt.Sprintf("SELECT id, name FROM users WHERE name = '%s'", r.FormValue("name"))) // want `SQL for sqlx.DB.Get built by fmt.Sprintf from request input r.FormValue\("name"\)`
}

func (s *SqlxServer) BadSqlxNamedExec(w http.ResponseWriter, r *http.Request) {
	_, _ = s.db.NamedExec("UPDATE users SET "+r.FormValue("field")+" = :value WHERE id = :id", map[string]any{"value": 1, "id": 2}) // want `SQL for sqlx.DB.NamedExec built by concatenation from request input r.FormValue\("field"\)`
}

func (s *SqlxServer) BadSqlxRebind(w http.ResponseWriter, r *http.Request) {
	q := s.db.Rebind("SELECT id FROM users WHERE active = ? ORDER BY " + r.FormValue("sort"))
	rows, _ := s.db.Queryx(q, true) // want `SQL for sqlx.DB.Queryx built by concatenation from request input r.FormValue\("sort"\)`
	rows.Close()
}

func (s *SqlxServer) BadSqlxPackageSelect(w http.ResponseWriter, r *http.Request) {
	var users []user
	_ = sqlx.Select(s.db, &users, "SELECT id, name FROM "+r.FormValue("table")) // want `SQL for sqlx.Select built by concatenation from request input r.FormValue\("table"\)`
}

func (s *SqlxServer) BadSqlxTxMustExec(w http.ResponseWriter, r *http.Request) {
	tx := s.db.MustBegin()
	defer tx.Rollback()
	tx.MustExec("DELETE FROM users WHERE name = '" + r.FormValue("name") + "'") // want `SQL for sqlx.Tx.MustExec built by concatenation from request input r.FormValue\("name"\)`
	_ = tx.Commit()
}

func (s *SqlxServer) OkSqlxRebindPlaceholder(w http.ResponseWriter, r *http.Request) {
	var users []user
	_ = s.db.Select(&users, s.db.Rebind("SELECT id, name FROM users WHERE name = ?"), r.FormValue("name"))
}

func (s *SqlxServer) OkSqlxIn(w http.ResponseWriter, r *http.Request) {
	q, args, err := sqlx.In("SELECT id, name FROM users WHERE name IN (?)", r.Form["name"])
	if err != nil {
		return
	}
	var users []user
	_ = s.db.Select(&users, s.db.Rebind(q), args...)
}

func (s *SqlxServer) OkSqlxNamedExec(w http.ResponseWriter, r *http.Request) {
	_, _ = s.db.NamedExec("UPDATE users SET name = :name WHERE id = :id", map[string]any{"name": r.FormValue("name"), "id": 2})
}
