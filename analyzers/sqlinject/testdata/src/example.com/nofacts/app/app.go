// Package app: without facts, what happens in this package is still
// judged; helpers of other packages are opaque (silent, not guessed).
package app

import (
	"net/http"

	"example.com/nofacts/helper"
	"github.com/jackc/pgx/v5/pgxpool"
)

type App struct{ pool *pgxpool.Pool }

func orderBy(col string) string { return " ORDER BY " + col }

func (a *App) BadIntraPackage(w http.ResponseWriter, r *http.Request) {
	rows, _ := a.pool.Query(r.Context(), "SELECT id FROM users"+orderBy(r.FormValue("sort"))) // want `SQL for pgxpool.Pool.Query built by app.orderBy from request input r.FormValue\("sort"\)`
	rows.Close()
}

func (a *App) BadDirect(w http.ResponseWriter, r *http.Request) {
	_, _ = a.pool.Exec(r.Context(), "DELETE FROM users WHERE name = '"+r.FormValue("name")+"'") // want `SQL for pgxpool.Pool.Exec built by concatenation from request input r.FormValue\("name"\)`
}

// Missed without facts: Run's body is in another package.
func (a *App) MissedRunBuilt(w http.ResponseWriter, r *http.Request) {
	_ = helper.Run(r.Context(), a.pool, "DELETE FROM users WHERE name = '"+r.FormValue("name")+"'")
}

// Missed without facts: Column's body is in another package.
func (a *App) MissedColumn(w http.ResponseWriter, r *http.Request) {
	rows, _ := a.pool.Query(r.Context(), "SELECT "+helper.Column(r.FormValue("col"))+" FROM users")
	rows.Close()
}

// Silent either way: SortColumn sanitizes.
func (a *App) OkSortColumn(w http.ResponseWriter, r *http.Request) {
	rows, _ := a.pool.Query(r.Context(), "SELECT id FROM users ORDER BY "+helper.SortColumn(r.FormValue("sort")))
	rows.Close()
}
