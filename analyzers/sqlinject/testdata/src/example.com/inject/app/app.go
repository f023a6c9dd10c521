// Package app calls the store's helpers with request input: judged by the
// helpers' facts.
package app

import (
	"database/sql"
	"net/http"
	"strings"

	"example.com/inject/internal/repo"
	"example.com/inject/store"
)

type App struct {
	db *sql.DB
	s  *store.Store
}

func (a *App) BadAppRunBuilt(w http.ResponseWriter, r *http.Request) {
	_ = a.s.Run(r.Context(), "SELECT id FROM users WHERE name = '"+r.FormValue("name")+"'") // want `request input r.FormValue\("name"\) is built into the SQL that store.Store.Run runs`
}

func (a *App) BadAppRunWhole(w http.ResponseWriter, r *http.Request) {
	_ = a.s.Run(r.Context(), r.FormValue("q")) // want `request input r.FormValue\("q"\) is the SQL text that store.Store.Run runs`
}

func (a *App) BadAppColumn(w http.ResponseWriter, r *http.Request) {
	rows, _ := a.db.Query("SELECT " + store.Column(r.FormValue("col")) + " FROM users") // want `SQL for sql.DB.Query built by store.Column from request input r.FormValue\("col"\)`
	rows.Close()
}

func (a *App) BadAppTrimmed(w http.ResponseWriter, r *http.Request) {
	rows, _ := a.db.Query("SELECT id FROM users ORDER BY " + store.Trimmed(r.FormValue("sort"))) // want `SQL for sql.DB.Query built by concatenation from request input r.FormValue\("sort"\)`
	rows.Close()
}

func (a *App) BadAppWhereBuilder(w http.ResponseWriter, r *http.Request) {
	var b strings.Builder
	b.WriteString("SELECT id FROM users WHERE ")
	store.Where(&b, "name", r.FormValue("name"))
	rows, _ := a.db.Query(b.String()) // want `SQL for sql.DB.Query built by store.Where from request input r.FormValue\("name"\)`
	rows.Close()
}

func (a *App) BadAppCount(w http.ResponseWriter, r *http.Request) {
	_, _ = a.s.Count(r.Context(), "SELECT id FROM users WHERE team = '"+r.FormValue("team")+"'") // want `request input r.FormValue\("team"\) is built into the SQL that store.Store.Count runs`
}

func (a *App) OkAppCountPlaceholder(w http.ResponseWriter, r *http.Request) {
	_, _ = a.s.Count(r.Context(), "SELECT id FROM users WHERE team = $1", r.FormValue("team"))
}

func (a *App) OkAppSortColumn(w http.ResponseWriter, r *http.Request) {
	rows, _ := a.db.Query("SELECT id FROM users ORDER BY " + store.SortColumn(r.FormValue("sort")))
	rows.Close()
}

func (a *App) OkAppQuote(w http.ResponseWriter, r *http.Request) {
	rows, _ := a.db.Query("SELECT id FROM " + store.Quote(r.FormValue("table")))
	rows.Close()
}

func (a *App) OkAppRunConstant(w http.ResponseWriter, r *http.Request) {
	_ = a.s.Run(r.Context(), "SELECT id FROM users WHERE name = $1", r.FormValue("name"))
}

// The store reports what its exported function builds from its parameter;
// the call is not reported again.
func (a *App) OkAppReportedInStore(w http.ResponseWriter, r *http.Request) {
	_ = a.s.BadStoreDeleteWhere(r.Context(), r.FormValue("cond"))
}

// OkAppSchemaDir hands request input to a helper that reads a file it names:
// the SQL is the file's content.
func (a *App) OkAppSchemaDir(w http.ResponseWriter, r *http.Request) {
	_ = store.OkStoreApplySchemaDir(r.Context(), a.db, r.FormValue("dir"))
}

func (a *App) BadAppInternalRepo(w http.ResponseWriter, r *http.Request) {
	rows, _ := repo.FindByName(r.Context(), a.db, r.FormValue("n")) // want `request input r.FormValue\("n"\) is built into the SQL that repo.FindByName runs`
	rows.Close()
}

func (a *App) OkAppInternalRepoConstant(w http.ResponseWriter, r *http.Request) {
	rows, _ := repo.FindByName(r.Context(), a.db, "admin")
	rows.Close()
}
