// Package frameworks reads request input through web frameworks.
package frameworks

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/go-chi/chi/v5"
	"github.com/gorilla/mux"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"
)

type H struct{ pool *pgxpool.Pool }

func (h *H) BadGinQuery(c *gin.Context) {
	rows, _ := h.pool.Query(c.Request.Context(), "SELECT id FROM users ORDER BY "+c.Query("sort")) // want `SQL for pgxpool.Pool.Query built by concatenation from request input c.Query\("sort"\)`
	rows.Close()
}

func (h *H) BadGinParam(c *gin.Context) {
	_, _ = h.pool.Exec(c.Request.Context(), fmt.Sprintf("DELETE FROM %s", c.Param("table"))) // want `SQL for pgxpool.Pool.Exec built by fmt.Sprintf from request input c.Param\("table"\)`
}

func (h *H) BadGinBind(c *gin.Context) {
	var req struct{ Filter string }
	if err := c.ShouldBindJSON(&req); err != nil {
		return
	}
	_, _ = h.pool.Exec(c.Request.Context(), "DELETE FROM users WHERE "+req.Filter) // want `SQL for pgxpool.Pool.Exec built by concatenation from request input req.Filter`
}

func (h *H) BadEchoQueryParam(c echo.Context) error {
	_, err := h.pool.Exec(c.Request().Context(), "DELETE FROM users WHERE name = '"+c.QueryParam("name")+"'") // want `SQL for pgxpool.Pool.Exec built by concatenation from request input c.QueryParam\("name"\)`
	return err
}

func (h *H) BadChiURLParam(w http.ResponseWriter, r *http.Request) {
	_, _ = h.pool.Exec(r.Context(), "DELETE FROM users WHERE id = '"+chi.URLParam(r, "id")+"'") // want `SQL for pgxpool.Pool.Exec built by concatenation from request input chi.URLParam\(r, "id"\)`
}

func (h *H) BadMuxVars(w http.ResponseWriter, r *http.Request) {
	vars := mux.Vars(r)
	_, _ = h.pool.Exec(r.Context(), "DELETE FROM users WHERE id = '"+vars["id"]+"'") // want `SQL for pgxpool.Pool.Exec built by concatenation from request input vars\["id"\]`
}

func (h *H) BadHandlerFuncLiteral() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		_, _ = h.pool.Exec(r.Context(), "DELETE FROM users WHERE name = '"+r.FormValue("name")+"'") // want `SQL for pgxpool.Pool.Exec built by concatenation from request input r.FormValue\("name"\)`
	}
}

func (h *H) OkGinPlaceholder(c *gin.Context) {
	_, _ = h.pool.Exec(c.Request.Context(), "DELETE FROM users WHERE name = $1", c.Query("name"))
}

func (h *H) OkEchoPlaceholder(c echo.Context) error {
	_, err := h.pool.Exec(c.Request().Context(), "DELETE FROM users WHERE name = $1", c.Param("name"))
	return err
}

func (h *H) OkChiPlaceholder(w http.ResponseWriter, r *http.Request) {
	_, _ = h.pool.Exec(r.Context(), "DELETE FROM users WHERE id = $1", chi.URLParam(r, "id"))
}
